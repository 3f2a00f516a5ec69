package cloutilityfake

import "time"

// Data is the portal's content. Tests may build or reshape one and serve it
// with Options.Data, or change a served one with Server.Update.
type Data struct {
	// Now is the data set's present: the default window of the jobs call
	// (the last 24 h) ends here.
	Now time.Time
	// RootID is the user's own business unit, the root of /v1/bunits.
	RootID int
	// BusinessUnits are listed parents before children.
	BusinessUnits []*BusinessUnit
	// Consumers are the consumption units of all business units.
	Consumers []*Consumer
	// WarningTypes are served by /v1/nodewarningtypes.
	WarningTypes []WarningType
}

// BusinessUnit is a customer or reseller in the tree.
type BusinessUnit struct {
	ID, ParentID int
	Name         string
	// StorageLimitGB is the unit's storageLimit; 0 means none.
	StorageLimitGB int
	// TransferLimitGB and NodeLimit are its transferLimit and nodeLimit;
	// 0 means none.
	TransferLimitGB, NodeLimit int
	Created                    time.Time
}

// DataSourceState is a consumer's state. Only {id:3, name:"Active"} is
// documented; the others are the simulator's. [I]
type DataSourceState int

// The consumer states the fake uses.
const (
	StatePending        DataSourceState = 1
	StateActive         DataSourceState = 3
	StateDecommissioned DataSourceState = 4
)

// Consumer is a consumption unit, 1:1 with a backup node.
type Consumer struct {
	ID, BusinessUnitID int
	Name               string
	State              DataSourceState
	// LimitHighStorageGB is the consumer's storage threshold; nil leaves
	// the field out.
	LimitHighStorageGB *float64
	Created            time.Time
	// Node is nil for a consumer without a node: /node answers 404.
	Node *Node
	// Report is the latest node report; nil answers 404.
	Report *Report
	// Jobs are oldest first.
	Jobs []Job
	// LatestRestorePoint is latestRestorePoint; zero leaves it out.
	LatestRestorePoint time.Time
	// AllowNoActivity is served by the item endpoint only, as the list's
	// objects are slimmer (cloutility.md 3.3).
	AllowNoActivity bool
}

// Node is the consumer's Storage Protect node.
type Node struct {
	ID                     int
	Name                   string
	Locked, Decommissioned bool
	// LastAccess is zero when the node never contacted the server; the
	// field is then absent.
	LastAccess time.Time
	Filespaces []Filespace
	// ClientVersion is tsmClientVersion.name; "" leaves it out.
	ClientVersion string
	// BackupRetentionDays is its domain's backupRetention.
	BackupRetentionDays int
}

// Filespace is one file space of a node.
type Filespace struct {
	ID   int
	Name string
	// LastBackupStart and LastBackupEnd are zero (absent) before the first
	// backup.
	LastBackupStart, LastBackupEnd time.Time
	CapacityMB                     float64
}

// ErrorStatus is a report's or a warning's status, sent as an integer.
type ErrorStatus int

// The ErrorStatus values, in the order cloutility.md infers.
const (
	Ok ErrorStatus = iota
	OkWithWarnings
	Warning
	Error
	Ignored
	Pending
)

// Report is a consumer's latest node report.
type Report struct {
	ID     int
	Date   time.Time
	Status ErrorStatus
	// MegaBytes is the total stored; nil leaves it (and its variants) out.
	MegaBytes *float64
	// TransferredBackupMB and TransferredRestoreMB are the day's transfers;
	// nil leaves them out.
	TransferredBackupMB, TransferredRestoreMB *float64
	Warnings                                  []ReportWarning
}

// ReportWarning is one warning of a report.
type ReportWarning struct {
	ID     int
	TypeID int
	Status ErrorStatus
	Days   int
	Limit  float64
	// TypeByID sends `type` as the bare id instead of {id, name, usesLimit}.
	TypeByID bool
}

// WarningType is a NodeWarningType. Their names are not public: these are
// the simulator's. [I]
type WarningType struct {
	ID        int
	Name      string
	UsesLimit bool
}

// JobType is a job's type id. [I]
type JobType int

// The job types the fake uses, with the names jobTypeNames gives them.
const (
	JobBackup JobType = iota + 1
	JobRestore
	JobArchive
	JobRetrieve
)

// JobStatus is a job's status id. [I]
type JobStatus int

// The job statuses the fake uses, with the names jobStatusNames gives them.
const (
	JobCompleted JobStatus = iota + 1
	JobFailed
	JobMissed
	JobInProgress
	JobCompletedWithWarnings
	JobPending
)

var (
	jobTypeNames   = map[JobType]string{JobBackup: "Backup", JobRestore: "Restore", JobArchive: "Archive", JobRetrieve: "Retrieve"}
	jobStatusNames = map[JobStatus]string{
		JobCompleted: "Completed", JobFailed: "Failed", JobMissed: "Missed", JobInProgress: "In Progress",
		JobCompletedWithWarnings: "Completed with warnings", JobPending: "Pending",
	}
	stateNames = map[DataSourceState]string{StatePending: "Pending", StateActive: "Active", StateDecommissioned: "Decommissioned"}
)

// Job is one Storage Protect job of a consumer.
type Job struct {
	ID     int
	Type   JobType
	Status JobStatus
	// Result is the Storage Protect result code (0, 4, 8, 12).
	Result int
	// ScheduledStart, ActualStart and Completed are zero when not set (a
	// missed job never started, a running one has not completed).
	ScheduledStart, ActualStart, Completed time.Time
	// TransferredMB is nil when the job reports no transfer.
	TransferredMB *float64
	// ExaminedFiles is left out when 0; FailedFiles is always sent.
	ExaminedFiles, FailedFiles int
	// NoDuration leaves `duration` out.
	NoDuration bool
}

// at is the time the ranged jobs call selects a job by: its completion,
// else its actual start, else its scheduled start. [I]
func (j Job) at() time.Time {
	for _, t := range []time.Time{j.Completed, j.ActualStart, j.ScheduledStart} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// consumer returns the consumer with id in business unit b, or nil.
func (d *Data) consumer(b, id int) *Consumer {
	for _, c := range d.Consumers {
		if c.ID == id && c.BusinessUnitID == b {
			return c
		}
	}
	return nil
}

// bunit returns the business unit with id, or nil.
func (d *Data) bunit(id int) *BusinessUnit {
	for _, b := range d.BusinessUnits {
		if b.ID == id {
			return b
		}
	}
	return nil
}

// firstCompleted returns the completion of the consumer's first job: the
// earliest completion of its jobs.
func (c *Consumer) firstCompleted() (time.Time, bool) {
	var first time.Time
	for _, j := range c.Jobs {
		if !j.Completed.IsZero() && (first.IsZero() || j.Completed.Before(first)) {
			first = j.Completed
		}
	}
	return first, !first.IsZero()
}

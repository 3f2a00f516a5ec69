package backup

import (
	"time"
)

// Part names one independently failing part of a refresh. It is the value of
// the `collector` label of `backup_collector_success`.
type Part string

// The parts of a refresh. A vendor reports only the parts its API has.
const (
	PartAssets   Part = "assets"
	PartJobs     Part = "jobs"
	PartStorage  Part = "storage"
	PartAlerts   Part = "alerts"
	PartMonitors Part = "monitors"
	// PartRestoreEndpoints is the vendor's open restore endpoints, such as
	// Clumio's S3 instant-access endpoints. Its series are vendor-only
	// samples tied to the part (Sample.Part).
	PartRestoreEndpoints Part = "restore_endpoints"
)

// Parts lists every Part in exposition order.
var Parts = []Part{PartAssets, PartJobs, PartStorage, PartAlerts, PartMonitors, PartRestoreEndpoints}

// Snapshot is everything one refresh of one target learnt. A client fills the
// parts its vendor has and records each part's outcome with SetPart; the
// collector keeps the previous data of a part whose refresh failed.
type Snapshot struct {
	// FetchedAt is when the refresh that produced this snapshot started.
	FetchedAt time.Time
	// Assets are the things being backed up.
	Assets []Asset
	// Jobs are the finished jobs whose end lies within the lookback window:
	// all of them, or only those new since the client's watermark. A job may
	// be reported again by later refreshes, with a new end or status: the
	// collector remembers the window's jobs by ID, counts each ID once and
	// serves the window as the latest reports describe it.
	Jobs []Job
	// JobsRunning counts the jobs running now, by type: queued ones too
	// where JobsQueued is nil.
	JobsRunning map[JobType]int
	// JobsQueued counts the jobs waiting in the vendor's queue now, by
	// type; nil where the vendor does not tell them from running ones.
	JobsQueued map[JobType]int
	// JobTypes are the job types this target has, so that their
	// `backup_jobs_total` series exist at 0 before the first such job ends.
	JobTypes []JobType
	// Storage holds used and limit figures by scope.
	Storage []Storage
	// Alerts are the vendor's active alerts and warnings, one per alert.
	Alerts []Alert
	// Monitors are the vendor's monitors and their state.
	Monitors []Monitor
	// Samples are vendor-only metrics (backup_<vendor>_…). A sample whose
	// Part is set is served with that part's data.
	Samples []Sample
	// Issues are the items the client dropped or could not read in full.
	Issues []Issue
	// PartErrors records the outcome of each part this refresh attempted:
	// a nil value is a success. A part that is absent was not attempted.
	PartErrors map[Part]error
	// Progress describes a fan-out read (one request or more per item, such
	// as per Cloutility consumer); nil for a client that reads its whole
	// estate in every refresh.
	Progress *Progress
}

// SetPart records the outcome of one part of the refresh.
func (s *Snapshot) SetPart(p Part, err error) {
	if s.PartErrors == nil {
		s.PartErrors = make(map[Part]error, len(Parts))
	}
	s.PartErrors[p] = err
}

// Attempted reports whether the refresh tried part p.
func (s *Snapshot) Attempted(p Part) bool {
	_, ok := s.PartErrors[p]
	return ok
}

// Failed reports whether part p was attempted and failed.
func (s *Snapshot) Failed(p Part) bool {
	return s.PartErrors[p] != nil
}

// Asset is one protected (or protectable) thing: a volume, a job on a device,
// a backup node, a job file. Zero times and nil pointers mean "not reported by
// the vendor" and produce no series.
type Asset struct {
	// ID is stable and unique within the target; it is the `asset_id` label.
	ID string
	// Name is the human name; it is the `asset` label of backup_asset_info.
	Name string
	// Type is the vendor's kind of asset, such as "aws_ebs_volume".
	Type string
	// Tenant is the OU, company, business unit or sandbox.
	Tenant string
	// Protected is true when a policy, schedule or active node covers it.
	Protected bool
	// LastSuccess is the end of the latest successful backup.
	LastSuccess time.Time
	// LastAttempt is the end (or start, while running) of the latest attempt.
	LastAttempt time.Time
	// LastStatus is the latest attempt's status; empty when there was none.
	LastStatus Status
	// RPO is the vendor's recovery point objective for the asset (from a
	// policy), or 0 when the vendor has none and the config decides.
	RPO time.Duration
	// SizeBytes is the data stored for the asset.
	SizeBytes *float64
	// LastDuration is the duration of the latest finished attempt.
	LastDuration *time.Duration
	// LastTransferredBytes is what the latest finished attempt moved.
	LastTransferredBytes *float64
	// LastSeen is the last check-in of the agent or node.
	LastSeen time.Time
	// LastRestore is the end of the newest successful restore of the
	// asset, where the vendor says which asset a restore was for.
	LastRestore time.Time
	// Observed is when the asset's state was last read, for a client that
	// reads its assets one by one and serves each with its own age; zero
	// when the whole snapshot was read at FetchedAt.
	Observed time.Time
	// LastBackupObjects counts the objects (files) of the latest finished
	// backup, where the vendor reports them: a backup that "succeeded"
	// may still have failed, missed or malicious objects.
	LastBackupObjects *ObjectCounts
	// PartialBackupsInARow counts the latest finished backups, newest
	// first, that had failed or missing objects; nil where the vendor
	// reports no object counts.
	PartialBackupsInARow *int
	// OldestRestorePoint is the oldest point the asset can be restored
	// to: the start of its oldest backup still kept.
	OldestRestorePoint time.Time
	// LatestRestorePoint is the newest point the asset can be restored
	// to, where the vendor reports it apart from its backups.
	LatestRestorePoint time.Time
	// Retention is how long the vendor's policy promises to keep the
	// asset's backups; 0 when it states none.
	Retention time.Duration
	// LastContinuousBackup is the newest change captured by a continuous
	// backup, for the assets that have one.
	LastContinuousBackup time.Time
	// PolicyActive says whether the policy that covers the asset is
	// switched on, where the vendor's policies can be switched off (Clumio
	// activation_status); nil when the vendor has no such state or did not
	// say. An asset under a switched-off policy is not Protected.
	PolicyActive *bool
	// RPOWaived is set when the vendor lets the asset go without backups
	// (a Cloutility consumer's allowNoActivity): no RPO applies unless an
	// rpo_overrides entry sets one, so it raises no RPO alert.
	RPOWaived bool
}

// Job is one finished job, counted once by ID in `backup_jobs_total`.
type Job struct {
	// ID is unique within the target. It never becomes a label.
	ID string
	// Type is the normalised job type.
	Type JobType
	// Status is a finished status (Status.Finished is true).
	Status Status
	// End is when the job finished.
	End time.Time
}

// Storage is the usage and quota of one storage scope.
type Storage struct {
	// Scope is the kind of scope: business_unit, consumer, subscription, …
	Scope string
	// ScopeID identifies the scope within the target.
	ScopeID string
	// ScopeName is the scope's human name.
	ScopeName string
	// UsedBytes is the storage used, when the vendor reports it.
	UsedBytes *float64
	// LimitBytes is the quota, only where one is set.
	LimitBytes *float64
}

// Alert is one active vendor alert or warning.
type Alert struct {
	// Severity is the normalised severity.
	Severity Severity
	// Type is the vendor's alert type, such as "policy_violated".
	Type string
}

// Monitor is one vendor monitor, such as a CloverDX dashboard monitor.
type Monitor struct {
	// ID is unique within the target.
	ID string
	// Name is the monitor's human name.
	Name string
	// State is its current state.
	State MonitorState
	// FailingItems counts the items the monitor sees failing.
	FailingItems int
}

// Float returns a pointer to v, for the optional fields of Asset and Storage.
func Float(v float64) *float64 { return &v }

// Bool returns a pointer to b, for Asset.PolicyActive.
func Bool(b bool) *bool { return &b }

// Duration returns a pointer to d, for Asset.LastDuration.
func Duration(d time.Duration) *time.Duration { return &d }

// DrillOutcome is how one run of a restore drill ended.
type DrillOutcome string

// The outcomes of a restore drill run.
const (
	// DrillSuccess: the restore completed.
	DrillSuccess DrillOutcome = "success"
	// DrillFailed: the request was refused, the restore failed, or it did
	// not end in time.
	DrillFailed DrillOutcome = "failed"
	// DrillSkipped: a drill endpoint newer than the drill's interval exists
	// (made by another replica, or before a restart), so nothing was
	// created.
	DrillSkipped DrillOutcome = "skipped"
)

// DrillResult is what one run of a restore drill found.
type DrillResult struct {
	// Outcome is how the run ended.
	Outcome DrillOutcome
	// Message says why a run failed or was skipped; the engine redacts it.
	Message string
	// Restored is when the newest earlier run of the drill that is known to
	// have succeeded did, as the vendor's records of the drill's restores
	// say (after a restart as before it); zero when none is known.
	Restored time.Time
	// LastRun is when the newest earlier run of the drill started, as the
	// vendor's records say; zero when none is known. A skipped run is
	// skipped because it is less than the drill's interval ago.
	LastRun time.Time
}

package backup

// Status is the normalised outcome of a backup attempt. The mapping from each
// vendor's own values is documented in ../shared/vendors/cross-vendor.md.
type Status string

// The normalised statuses, the only values of the `status` label.
const (
	StatusSuccess Status = "success"
	StatusWarning Status = "warning"
	StatusFailed  Status = "failed"
	StatusMissed  Status = "missed"
	StatusRunning Status = "running"
	StatusQueued  Status = "queued"
	StatusAborted Status = "aborted"
	StatusUnknown Status = "unknown"
)

// FinishedStatuses are the statuses of a finished job, in the order the
// collector initialises `backup_jobs_total` with them.
var FinishedStatuses = []Status{StatusSuccess, StatusWarning, StatusFailed, StatusMissed, StatusAborted}

// Finished reports whether s is the status of an attempt that has ended.
func (s Status) Finished() bool {
	switch s {
	case StatusSuccess, StatusWarning, StatusFailed, StatusMissed, StatusAborted:
		return true
	}
	return false
}

// Active reports whether s is the status of an attempt that is running or
// waiting to run.
func (s Status) Active() bool {
	return s == StatusRunning || s == StatusQueued
}

// JobType is the normalised kind of a job.
type JobType string

// The normalised job types, the only values of the `job_type` label.
const (
	JobBackup   JobType = "backup"
	JobRestore  JobType = "restore"
	JobArchive  JobType = "archive"
	JobSnapshot JobType = "snapshot"
	JobOther    JobType = "other"
)

// Severity is the normalised severity of a vendor alert.
type Severity string

// The normalised severities, the only values of the `severity` label.
const (
	SeverityCritical Severity = "critical"
	SeverityError    Severity = "error"
	SeverityWarning  Severity = "warning"
	SeverityInfo     Severity = "info"
)

// MonitorState is the state of a vendor monitor.
type MonitorState string

// The monitor states, exported as a state set by `backup_monitor_state`.
const (
	MonitorPassing MonitorState = "passing"
	MonitorWarning MonitorState = "warning"
	MonitorFailing MonitorState = "failing"
)

// MonitorStates lists every MonitorState in exposition order.
var MonitorStates = []MonitorState{MonitorPassing, MonitorWarning, MonitorFailing}

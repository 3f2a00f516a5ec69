package cloutility

import (
	"strconv"
	"strings"

	"github.com/backup-exporter/backup_exporter/backup"
)

// ErrorStatus is the status of a node report or of one of its warnings.
type ErrorStatus int

// The ErrorStatus values in the order of the bunit report-delivery flags
// (IncludeStatusOk … IncludeStatusPending), which is also the integer
// encoding the API is assumed to use. [I]
const (
	StatusOk ErrorStatus = iota
	StatusOkWithWarnings
	StatusWarning
	StatusError
	StatusIgnored
	StatusPending
)

// errorStatusNames are the label values of backup_cloutility_node_report_status,
// indexed by ErrorStatus.
var errorStatusNames = []string{"ok", "ok_with_warnings", "warning", "error", "ignored", "pending"}

// String returns the status's label value.
func (s ErrorStatus) String() string {
	if s >= 0 && int(s) < len(errorStatusNames) {
		return errorStatusNames[s]
	}
	return "unknown"
}

// errorStatus decodes an ErrorStatus from its integer or its name.
func errorStatus(e *Enum) (ErrorStatus, bool) {
	if e == nil {
		return 0, false
	}
	if e.Name != "" {
		k := e.key()
		for i, n := range errorStatusNames {
			if k == strings.ReplaceAll(n, "_", "") {
				return ErrorStatus(i), true
			}
		}
		return 0, false
	}
	if e.ID != nil && *e.ID >= 0 && *e.ID < len(errorStatusNames) {
		return ErrorStatus(*e.ID), true
	}
	return 0, false
}

// severity maps a warning's status to an alert severity; ok is false for an
// Ignored warning, which is not active. A warning whose status is missing or
// unknown is a warning.
func severity(e *Enum) (backup.Severity, bool) {
	s, ok := errorStatus(e)
	if !ok {
		return backup.SeverityWarning, true
	}
	switch s {
	case StatusError:
		return backup.SeverityError, true
	case StatusWarning:
		return backup.SeverityWarning, true
	case StatusIgnored:
		return "", false
	}
	return backup.SeverityInfo, true
}

// jobStatusIDs decode a JobStatus sent as a bare integer. The names are not
// published; these ids are the simulator's. [I]
var jobStatusIDs = map[int]string{
	1: "Completed", 2: "Failed", 3: "Missed", 4: "In Progress",
	5: "Completed with warnings", 6: "Pending", 7: "Aborted",
}

// jobTypeIDs decode a JobType sent as a bare integer. [I]
var jobTypeIDs = map[int]string{1: "Backup", 2: "Restore", 3: "Archive", 4: "Retrieve"}

// enumName returns e's name, or the name its id has in ids.
func enumName(e *Enum, ids map[int]string) string {
	if e == nil {
		return ""
	}
	if e.Name != "" {
		return e.Name
	}
	if e.ID != nil {
		return ids[*e.ID]
	}
	return ""
}

// jobStatus normalises a job's status by its JobStatus name and, as
// cross-vendor.md says, its Storage Protect result code: a "Completed" job
// with result 4 or 8 (skipped files, warnings) is a warning and one with
// 12 or more (errors) failed. With no status at all the result code alone
// decides.
func jobStatus(j job) backup.Status {
	name := strings.ToLower(strings.TrimSpace(enumName(j.Status, jobStatusIDs)))
	switch {
	case name == "":
		return statusOfResult(j.Result, backup.StatusUnknown)
	case strings.Contains(name, "warning"):
		return backup.StatusWarning
	case strings.HasPrefix(name, "complete"), name == "success", name == "succeeded":
		return statusOfResult(j.Result, backup.StatusSuccess)
	case strings.HasPrefix(name, "fail"), name == "severed", name == "error":
		return backup.StatusFailed
	case strings.HasPrefix(name, "miss"):
		return backup.StatusMissed
	case strings.Contains(name, "progress"), name == "started", name == "running", name == "restarted":
		return backup.StatusRunning
	case name == "pending", name == "queued", name == "future", name == "scheduled":
		return backup.StatusQueued
	case strings.HasPrefix(name, "abort"), strings.HasPrefix(name, "cancel"):
		return backup.StatusAborted
	}
	return backup.StatusUnknown
}

// statusOfResult maps a Storage Protect result code; def applies to 0 and
// to a missing code.
func statusOfResult(result *int, def backup.Status) backup.Status {
	switch {
	case result == nil || *result == 0:
		return def
	case *result >= 12:
		return backup.StatusFailed
	case *result >= 4:
		return backup.StatusWarning
	}
	return def
}

// jobType normalises a JobType name: Retrieve, the restore of an archive,
// counts as a restore.
func jobType(e *Enum) backup.JobType {
	name := strings.ToLower(enumName(e, jobTypeIDs))
	switch {
	case strings.Contains(name, "backup"):
		return backup.JobBackup
	case strings.Contains(name, "restore"), strings.Contains(name, "retrieve"):
		return backup.JobRestore
	case strings.Contains(name, "archive"):
		return backup.JobArchive
	case strings.Contains(name, "snapshot"):
		return backup.JobSnapshot
	}
	return backup.JobOther
}

// jobTypes are the job types every Cloutility target has.
var jobTypes = []backup.JobType{backup.JobBackup, backup.JobRestore, backup.JobArchive}

// activeState reports whether a consumer's dataSourceState is Active; as a
// bare integer, 3 is Active (the documented example {id:3, name:"Active"}).
func activeState(e *Enum) bool {
	if e == nil {
		return false
	}
	if e.Name != "" {
		return e.key() == "active"
	}
	return e.ID != nil && *e.ID == 3
}

// alertType turns a warning type name into a label value ("No activity" →
// "no_activity"); a type known only by id becomes "warning_type_<id>".
func alertType(e *Enum, names map[int]string) string {
	name := ""
	if e != nil {
		name = e.Name
		if name == "" && e.ID != nil {
			name = names[*e.ID]
			if name == "" {
				return "warning_type_" + strconv.Itoa(*e.ID)
			}
		}
	}
	if name == "" {
		return "unknown"
	}
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			under = false
		} else {
			under = true
		}
	}
	return b.String()
}

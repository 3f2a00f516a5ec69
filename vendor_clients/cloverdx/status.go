package cloverdx

import (
	"path"

	"github.com/backup-exporter/backup_exporter/backup"
)

// statuses normalises execution statuses as vendors/cross-vendor.md says.
var statuses = map[enumName]backup.Status{
	"FINISHED_OK": backup.StatusSuccess,
	"ERROR":       backup.StatusFailed,
	// UNKNOWN is an execution interrupted, say by a server restart.
	"UNKNOWN": backup.StatusFailed,
	// TIMEOUT is a jobflow child that timed out.
	"TIMEOUT":  backup.StatusFailed,
	"ABORTED":  backup.StatusAborted,
	"RUNNING":  backup.StatusRunning,
	"WAITING":  backup.StatusRunning,
	"ENQUEUED": backup.StatusQueued,
	"READY":    backup.StatusQueued,
	// N_A ("NOT AVAILABLE") is the initial status.
	"N_A": backup.StatusQueued,
}

// normaliseStatus maps an execution status; a value CloverDX does not
// document is unknown.
func normaliseStatus(s enumName) backup.Status {
	if st, ok := statuses[s]; ok {
		return st
	}
	return backup.StatusUnknown
}

// assetType is the kind of job file, by its extension: graphs (.grf),
// jobflows (.jbf), and "job" for the rest (data services, profiler jobs).
func assetType(jobFile string) string {
	switch path.Ext(jobFile) {
	case ".grf":
		return "graph"
	case ".jbf":
		return "jobflow"
	}
	return "job"
}

// alertLevels ranks the monitor alert levels from very low (0) to critical
// (4), the value of backup_cloverdx_monitor_alert_level.
var alertLevels = map[enumName]int{
	"VERY_LOW": 0,
	"LOW":      1,
	"MEDIUM":   2,
	"HIGH":     3,
	"CRITICAL": 4,
}

// defaultAlertLevel is the level CloverDX gives a trigger unless told
// otherwise.
const defaultAlertLevel enumName = "MEDIUM"

// severity maps an alert level to an alert severity: critical stays
// critical, high is an error, medium and below are warnings.
func severity(level enumName) backup.Severity {
	switch level {
	case "CRITICAL":
		return backup.SeverityCritical
	case "HIGH":
		return backup.SeverityError
	}
	return backup.SeverityWarning
}

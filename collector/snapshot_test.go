package collector

import (
	"fmt"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// nodeStatusSpec is a vendor-only metric of the fake vendor.
var nodeStatusSpec = backup.MetricSpec{Name: "node_report_status", Help: "Node report status of the fake vendor.", Type: backup.Gauge, Labels: []string{"asset_id", "status"}}

// tokenRefreshesSpec is a vendor-only counter of the fake vendor.
var tokenRefreshesSpec = backup.MetricSpec{Name: "token_refreshes_total", Help: "Token refreshes of the fake vendor.", Type: backup.Counter}

// allParts marks every part of snap as fetched successfully.
func allParts(snap *backup.Snapshot) *backup.Snapshot {
	for _, p := range backup.Parts {
		snap.SetPart(p, nil)
	}
	return snap
}

// richSnapshot is a snapshot with every kind of data, relative to now: a
// healthy asset with every field, a failing one, a never-backed-up one and
// one whose vendor gave almost nothing.
func richSnapshot(now time.Time) *backup.Snapshot {
	return allParts(&backup.Snapshot{
		Assets: []backup.Asset{
			{
				ID: "vol-1", Name: "db volume", Type: "aws_ebs_volume", Tenant: "ou-prod", Protected: true,
				LastSuccess: now.Add(-2 * time.Hour), LastAttempt: now.Add(-2 * time.Hour), LastStatus: backup.StatusSuccess,
				RPO: 12 * time.Hour, SizeBytes: backup.Float(1 << 30), LastDuration: backup.Duration(90 * time.Second),
				LastTransferredBytes: backup.Float(5 << 20), LastSeen: now.Add(-time.Minute),
			},
			{
				ID: "vol-2", Name: "web volume", Type: "aws_ebs_volume", Tenant: "ou-prod", Protected: true,
				LastSuccess: now.Add(-50 * time.Hour), LastAttempt: now.Add(-1 * time.Hour), LastStatus: backup.StatusFailed,
			},
			{ID: "rds-1", Name: "orders", Type: "aws_rds_resource", Tenant: "ou-dev", Protected: true, LastStatus: backup.StatusRunning, LastAttempt: now.Add(-10 * time.Minute)},
			{ID: "s3-1", Name: "logs", Type: "aws_s3_bucket", Tenant: "ou-dev"},
		},
		Jobs: []backup.Job{
			{ID: "j1", Type: backup.JobBackup, Status: backup.StatusSuccess, End: now.Add(-2 * time.Hour)},
			{ID: "j2", Type: backup.JobBackup, Status: backup.StatusFailed, End: now.Add(-1 * time.Hour)},
			{ID: "j3", Type: backup.JobRestore, Status: backup.StatusSuccess, End: now.Add(-3 * time.Hour)},
		},
		JobsRunning: map[backup.JobType]int{backup.JobBackup: 1},
		JobTypes:    []backup.JobType{backup.JobBackup, backup.JobRestore},
		Storage: []backup.Storage{
			{Scope: "business_unit", ScopeID: "bu-1", ScopeName: "Acme", UsedBytes: backup.Float(3 << 30), LimitBytes: backup.Float(4 << 30)},
			{Scope: "consumer", ScopeID: "c-1", ScopeName: "node one", UsedBytes: backup.Float(1 << 30)},
		},
		Alerts: []backup.Alert{
			{Severity: backup.SeverityCritical, Type: "policy_violated"},
			{Severity: backup.SeverityCritical, Type: "policy_violated"},
			{Severity: backup.SeverityWarning, Type: "quota_near"},
		},
		Monitors: []backup.Monitor{
			{ID: "m1", Name: "nightly graphs", State: backup.MonitorFailing, FailingItems: 2},
			{ID: "m2", Name: "hourly graphs", State: backup.MonitorPassing},
		},
		Samples: []backup.Sample{
			{Spec: &nodeStatusSpec, LabelValues: []string{"vol-1", "ok"}, Value: 1},
			{Spec: &tokenRefreshesSpec, Value: 3},
		},
	})
}

// syntheticSnapshot is a snapshot of n assets with every field set, plus
// jobs and alerts, for the benchmarks.
func syntheticSnapshot(now time.Time, n int) *backup.Snapshot {
	snap := &backup.Snapshot{
		FetchedAt:   now,
		Assets:      make([]backup.Asset, n),
		JobsRunning: map[backup.JobType]int{backup.JobBackup: 3},
		JobTypes:    []backup.JobType{backup.JobBackup, backup.JobRestore},
	}
	statuses := []backup.Status{backup.StatusSuccess, backup.StatusWarning, backup.StatusFailed, backup.StatusMissed}
	for i := range snap.Assets {
		id := fmt.Sprintf("asset-%05d", i)
		snap.Assets[i] = backup.Asset{
			ID: id, Name: "asset number " + id, Type: "aws_ebs_volume", Tenant: fmt.Sprintf("ou-%02d", i%20), Protected: i%10 != 0,
			LastSuccess: now.Add(-time.Duration(i%48) * time.Hour), LastAttempt: now.Add(-time.Duration(i%24) * time.Hour),
			LastStatus: statuses[i%len(statuses)], SizeBytes: backup.Float(float64(i) * 1e6),
			LastDuration: backup.Duration(time.Duration(i%600) * time.Second), LastTransferredBytes: backup.Float(float64(i) * 1e3),
			LastSeen: now.Add(-time.Minute),
		}
		snap.Jobs = append(snap.Jobs, backup.Job{ID: "job-" + id, Type: backup.JobBackup, Status: statuses[i%len(statuses)], End: now.Add(-time.Duration(i%24) * time.Hour)})
		if i%100 == 0 {
			snap.Alerts = append(snap.Alerts, backup.Alert{Severity: backup.SeverityError, Type: fmt.Sprintf("type_%d", i%7)})
		}
	}
	return allParts(snap)
}

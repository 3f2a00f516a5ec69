package collector

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// TestCheckedObjects: a count that cannot be right is dropped and counted,
// never served; a part larger than its whole drops every count.
func TestCheckedObjects(t *testing.T) {
	f := backup.Float
	cases := []struct {
		name   string
		in     *backup.ObjectCounts
		want   *backup.ObjectCounts
		reason string
	}{
		{name: "none reported", in: nil, want: nil},
		{name: "all good", in: &backup.ObjectCounts{Total: f(10), Failed: f(2), Missing: f(1), Malicious: f(1), FailedBytes: f(20)},
			want: &backup.ObjectCounts{Total: f(10), Failed: f(2), Missing: f(1), Malicious: f(1), FailedBytes: f(20)}},
		{name: "negative failed count dropped alone", in: &backup.ObjectCounts{Total: f(10), Failed: f(-1), Missing: f(0)},
			want: &backup.ObjectCounts{Total: f(10), Missing: f(0)}, reason: issueInvalidNumber.reason},
		{name: "NaN malicious count dropped alone", in: &backup.ObjectCounts{Total: f(10), Malicious: f(math.NaN())},
			want: &backup.ObjectCounts{Total: f(10)}, reason: issueInvalidNumber.reason},
		{name: "fractional count dropped", in: &backup.ObjectCounts{Failed: f(1.5)},
			want: nil, reason: issueInvalidNumber.reason},
		{name: "infinite failed bytes dropped", in: &backup.ObjectCounts{Failed: f(1), FailedBytes: f(math.Inf(1))},
			want: &backup.ObjectCounts{Failed: f(1)}, reason: issueInvalidNumber.reason},
		{name: "more failed objects than objects", in: &backup.ObjectCounts{Total: f(5), Failed: f(6)},
			want: nil, reason: issueObjectsAbsurd.reason},
		{name: "failed and missing past the total", in: &backup.ObjectCounts{Total: f(5), Failed: f(3), Missing: f(3)},
			want: nil, reason: issueObjectsAbsurd.reason},
		{name: "more malicious objects than objects", in: &backup.ObjectCounts{Total: f(0), Malicious: f(1)},
			want: nil, reason: issueObjectsAbsurd.reason},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := issues{}
			got := checkedObjects(tc.in, is)
			if !sameCounts(got, tc.want) {
				t.Errorf("checkedObjects = %s, want %s", countsString(got), countsString(tc.want))
			}
			switch {
			case tc.reason == "" && len(is) > 0:
				t.Errorf("issues %v, want none", is)
			case tc.reason != "" && is[tc.reason] == nil:
				t.Errorf("no %q issue counted (got %v)", tc.reason, is)
			}
		})
	}
}

func sameCounts(a, b *backup.ObjectCounts) bool {
	if a == nil || b == nil {
		return a == b
	}
	eq := func(x, y *float64) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	return eq(a.Total, b.Total) && eq(a.Failed, b.Failed) && eq(a.Missing, b.Missing) &&
		eq(a.Malicious, b.Malicious) && eq(a.FailedBytes, b.FailedBytes) && eq(a.MissingBytes, b.MissingBytes)
}

func countsString(c *backup.ObjectCounts) string {
	if c == nil {
		return "nil"
	}
	s := ""
	for _, v := range []struct {
		name string
		p    *float64
	}{{"total", c.Total}, {"failed", c.Failed}, {"missing", c.Missing}, {"malicious", c.Malicious}, {"failed_bytes", c.FailedBytes}, {"missing_bytes", c.MissingBytes}} {
		if v.p != nil {
			s += v.name + "=" + formatFloat(*v.p) + " "
		}
	}
	return "{" + s + "}"
}

// signalFamilies are the families of the backup signals the goldens pin.
var signalFamilies = []string{
	"backup_asset_info",
	"backup_asset_last_backup_objects", "backup_asset_last_backup_failed_objects", "backup_asset_last_backup_missing_objects",
	"backup_asset_last_backup_malicious_objects", "backup_asset_last_backup_failed_bytes", "backup_asset_last_backup_missing_bytes",
	"backup_asset_partial_backups_in_a_row", "backup_asset_oldest_restore_point_timestamp_seconds",
	"backup_asset_latest_restore_point_timestamp_seconds", "backup_asset_retention_seconds",
	"backup_asset_last_continuous_backup_timestamp_seconds",
}

// signalSnapshot has one asset per signal, each otherwise healthy (protected,
// last status success, within its 24 h RPO): pg-clean is fine in every way;
// pg-partial's latest two backups missed objects; pg-malicious carries
// malicious objects; pg-short keeps 10 days of a 30-day retention; pg-young
// keeps 29 of 30 days, one RPO short, which is normal; pg-absurd reports more
// failed objects than objects, so none of its counts is served.
func signalSnapshot(now time.Time) *backup.Snapshot {
	f := backup.Float
	healthy := func(id string) backup.Asset {
		return backup.Asset{ID: id, Name: id, Type: "aws_s3_protection_group", Tenant: "ou-prod", Protected: true,
			LastSuccess: now.Add(-time.Hour), LastAttempt: now.Add(-time.Hour), LastStatus: backup.StatusSuccess, RPO: 24 * time.Hour}
	}
	clean := healthy("pg-clean")
	clean.LastBackupObjects = &backup.ObjectCounts{Total: f(1000), Failed: f(0), Missing: f(0), Malicious: f(0), FailedBytes: f(0), MissingBytes: f(0)}
	clean.PartialBackupsInARow = backup.Int(0)
	clean.OldestRestorePoint = now.Add(-40 * 24 * time.Hour)
	clean.Retention = 30 * 24 * time.Hour
	clean.LastContinuousBackup = now.Add(-5 * time.Minute)
	partial := healthy("pg-partial")
	partial.LastBackupObjects = &backup.ObjectCounts{Total: f(1000), Failed: f(3), Missing: f(2), Malicious: f(0), FailedBytes: f(3 << 20), MissingBytes: f(1 << 20)}
	partial.PartialBackupsInARow = backup.Int(2)
	malicious := healthy("pg-malicious")
	malicious.LastBackupObjects = &backup.ObjectCounts{Total: f(500), Failed: f(0), Missing: f(0), Malicious: f(7)}
	malicious.PartialBackupsInARow = backup.Int(0)
	short := healthy("pg-short")
	short.OldestRestorePoint = now.Add(-10 * 24 * time.Hour)
	short.Retention = 30 * 24 * time.Hour
	young := healthy("pg-young")
	young.OldestRestorePoint = now.Add(-29 * 24 * time.Hour)
	young.Retention = 30 * 24 * time.Hour
	young.LatestRestorePoint = now.Add(-time.Hour)
	absurd := healthy("pg-absurd")
	absurd.LastBackupObjects = &backup.ObjectCounts{Total: f(5), Failed: f(6)}
	return allParts(&backup.Snapshot{Assets: []backup.Asset{clean, partial, malicious, short, young, absurd}})
}

// TestSignalsExposition pins the signal series in `full`, and in
// `unhealthy`, which shows the partial, malicious and short-window assets
// and leaves the fine ones out.
func TestSignalsExposition(t *testing.T) {
	for _, mode := range []string{config.AssetMetricsFull, config.AssetMetricsUnhealthy} {
		t.Run(mode, func(t *testing.T) {
			clock := newClock()
			e, self := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) { t.AssetMetrics = mode }))
			fetcherOf(t, e, "acme").returns(signalSnapshot(clock.Now()), nil)
			assertGolden(t, e.ScrapeCollector(context.Background()), "signals_"+mode+".prom", signalFamilies...)
			mfs, err := self.Gather()
			if err != nil {
				t.Fatal(err)
			}
			if n := sampleValue(mfs, "backup_exporter_data_issues_total", map[string]string{"reason": issueObjectsAbsurd.reason}); n != 1 {
				t.Errorf("data_issues_total{reason=%q} = %v, want 1 (pg-absurd)", issueObjectsAbsurd.reason, n)
			}
		})
	}
}

// TestPerAssetSamplesFollowMode: a vendor-only series whose first label is
// asset_id is per-asset, so asset_metrics applies to it as to
// backup_asset_*: the rich snapshot's node status sample belongs to vol-1,
// which is fine, so only `full` serves it; the target-wide counter is
// served in every mode.
func TestPerAssetSamplesFollowMode(t *testing.T) {
	for mode, want := range map[string]int{config.AssetMetricsFull: 1, config.AssetMetricsUnhealthy: 0, config.AssetMetricsSummary: 0} {
		t.Run(mode, func(t *testing.T) {
			clock := newClock()
			e, _ := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) { t.AssetMetrics = mode }))
			fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
			reg := prometheus.NewPedanticRegistry()
			reg.MustRegister(e.ScrapeCollector(context.Background()))
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, mf := range mfs {
				got[mf.GetName()] = len(mf.Metric)
			}
			if n := got["backup_fake_node_report_status"]; n != want {
				t.Errorf("%d node status series, want %d", n, want)
			}
			if n := got["backup_fake_token_refreshes_total"]; n != 1 {
				t.Errorf("%d token refresh series, want 1 in every mode", n)
			}
		})
	}
}

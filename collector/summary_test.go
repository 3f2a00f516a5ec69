package collector

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// assetFamilies are the per-asset and summary families the asset_metrics
// goldens pin.
var assetFamilies = []string{
	"backup_asset_info", "backup_asset_last_success_timestamp_seconds", "backup_asset_last_attempt_timestamp_seconds",
	"backup_asset_last_status", "backup_asset_protected", "backup_asset_rpo_seconds", "backup_asset_size_bytes",
	"backup_asset_last_duration_seconds", "backup_asset_last_transferred_bytes", "backup_asset_last_seen_timestamp_seconds",
	"backup_assets", "backup_assets_protected", "backup_assets_rpo_violated", "backup_assets_never_succeeded",
	"backup_assets_oldest_last_success_timestamp_seconds",
}

// TestAssetMetricsModes pins what each asset_metrics mode serves for the
// rich snapshot: vol-1 is fine (success, 2 h old, RPO 12 h); vol-2 failed
// and is past its RPO; rds-1 is running and never succeeded; s3-1 is
// unprotected. The summary is the same in every mode.
func TestAssetMetricsModes(t *testing.T) {
	for _, mode := range []string{config.AssetMetricsFull, config.AssetMetricsUnhealthy, config.AssetMetricsSummary} {
		t.Run(mode, func(t *testing.T) {
			clock := newClock()
			e, _ := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) { t.AssetMetrics = mode }))
			fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
			assertGolden(t, e.ScrapeCollector(context.Background()), "asset_metrics_"+mode+".prom", assetFamilies...)
		})
	}
}

// TestUnhealthyIsJudgedAtRefresh shows that "past its RPO" is judged when a
// refresh fetches the data: an asset that crosses its RPO between two
// refreshes appears in `unhealthy` and in backup_assets_rpo_violated at the
// next refresh, not before.
func TestUnhealthyIsJudgedAtRefresh(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) { t.AssetMetrics = config.AssetMetricsUnhealthy }))
	snap := richSnapshot(clock.Now()) // vol-1: last success 2 h ago, RPO 12 h
	fetcherOf(t, e, "acme").set(func(_ context.Context, d VendorDeps) (*backup.Snapshot, error) {
		s := *snap
		s.FetchedAt = d.Now()
		return &s, nil
	})
	count := func() (shown int, violated float64) {
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(e.ScrapeCollector(context.Background()))
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				switch {
				case mf.GetName() == "backup_asset_info":
					shown++
				case mf.GetName() == "backup_assets_rpo_violated" && hasLabel(m.GetLabel(), "tenant", "ou-prod"):
					violated += m.GetGauge().GetValue()
				}
			}
		}
		return shown, violated
	}
	if shown, violated := count(); shown != 3 || violated != 1 {
		t.Fatalf("at the first refresh: %d assets shown, %v of ou-prod past RPO; want 3 (vol-2, rds-1, s3-1) and 1", shown, violated)
	}
	clock.Advance(10*time.Hour + 30*time.Second) // vol-1 is 12 h 0 m 30 s old: past its RPO
	if shown, violated := count(); shown != 4 || violated != 2 {
		t.Errorf("after vol-1 crossed its RPO: %d assets shown, %v of ou-prod past RPO; want 4 and 2", shown, violated)
	}
}

// TestUnhealthyShowsRestoreTestsDue: in `unhealthy`, an asset that is fine
// in every other way but is opted in to restore tests and has no restore
// within its interval is shown, with its interval, so that
// BackupRestoreNotTested can fire for it; one restored in time, and one not
// opted in, stay out.
func TestUnhealthyShowsRestoreTestsDue(t *testing.T) {
	clock := newClock()
	now := clock.Now()
	e, _ := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) {
		t.AssetMetrics = config.AssetMetricsUnhealthy
		t.RestoreTests = []config.RestoreTest{{Match: config.RPOMatch{Tenant: "ou-prod"}, Every: model.Duration(30 * 24 * time.Hour)}}
	}))
	fine := func(id string, lastRestore time.Time, tenant string) backup.Asset {
		return backup.Asset{ID: id, Name: id, Type: "aws_ebs_volume", Tenant: tenant, Protected: true, RPO: 12 * time.Hour,
			LastSuccess: now.Add(-time.Hour), LastAttempt: now.Add(-time.Hour), LastStatus: backup.StatusSuccess, LastRestore: lastRestore}
	}
	fetcherOf(t, e, "acme").returns(allParts(&backup.Snapshot{Assets: []backup.Asset{
		fine("never-restored", time.Time{}, "ou-prod"),
		fine("restored-long-ago", now.Add(-31*24*time.Hour), "ou-prod"),
		fine("restored-recently", now.Add(-24*time.Hour), "ou-prod"),
		fine("not-opted-in", time.Time{}, "ou-dev"),
	}}), nil)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e.ScrapeCollector(context.Background()))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string][]string{}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "backup_asset_info", "backup_asset_restore_test_interval_seconds":
			for _, m := range mf.GetMetric() {
				for _, p := range m.GetLabel() {
					if p.GetName() == "asset_id" {
						shown[p.GetValue()] = append(shown[p.GetValue()], mf.GetName())
					}
				}
			}
		}
	}
	want := map[string][]string{
		"never-restored":    {"backup_asset_info", "backup_asset_restore_test_interval_seconds"},
		"restored-long-ago": {"backup_asset_info", "backup_asset_restore_test_interval_seconds"},
	}
	if !reflect.DeepEqual(shown, want) {
		t.Errorf("series by asset: %v, want %v", shown, want)
	}
}

// TestRPOViolatedBoundary pins the edges of "past its RPO": an age of
// exactly the RPO is within it, never succeeded counts when protected, and
// an unprotected asset never counts.
func TestRPOViolatedBoundary(t *testing.T) {
	cfg := fakeTarget("acme", func(t *config.Target) { t.RPO = time.Hour })
	cases := []struct {
		name  string
		asset backup.Asset
		want  bool
	}{
		{"exactly one RPO old", backup.Asset{Protected: true, LastSuccess: t0.Add(-time.Hour)}, false},
		{"a second past", backup.Asset{Protected: true, LastSuccess: t0.Add(-time.Hour - time.Second)}, true},
		{"never succeeded", backup.Asset{Protected: true}, true},
		{"unprotected and old", backup.Asset{LastSuccess: t0.Add(-48 * time.Hour)}, false},
		{"unprotected, never succeeded", backup.Asset{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := rpoViolated(&cfg, &c.asset, t0); got != c.want {
				t.Errorf("rpoViolated = %v, want %v", got, c.want)
			}
		})
	}
}

func hasLabel(pairs []*dto.LabelPair, name, value string) bool {
	for _, p := range pairs {
		if p.GetName() == name && p.GetValue() == value {
			return true
		}
	}
	return false
}

package collector

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/model"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// TestAssetRPO pins the precedence of the RPO sources: the first matching
// rpo_overrides entry, else the vendor's policy, else the target's rpo.
func TestAssetRPO(t *testing.T) {
	overrides := []config.RPOOverride{
		{Match: config.RPOMatch{AssetID: "vol-9"}, RPO: model.Duration(time.Hour)},
		{Match: config.RPOMatch{Tenant: "prod", AssetType: "rds"}, RPO: model.Duration(6 * time.Hour)},
		{Match: config.RPOMatch{AssetType: "rds"}, RPO: model.Duration(8 * time.Hour)},
		{Match: config.RPOMatch{Asset: "orders"}, RPO: model.Duration(2 * time.Hour)},
	}
	cfg := fakeTarget("acme", func(t *config.Target) { t.RPO = 26 * time.Hour; t.RPOOverrides = overrides })
	cases := []struct {
		name  string
		asset backup.Asset
		want  time.Duration
	}{
		{"no override, no policy: the target's rpo", backup.Asset{ID: "v", Type: "ebs"}, 26 * time.Hour},
		{"vendor policy beats the target's rpo", backup.Asset{ID: "v", Type: "ebs", RPO: 12 * time.Hour}, 12 * time.Hour},
		{"an override beats the vendor policy", backup.Asset{ID: "vol-9", Type: "ebs", RPO: 12 * time.Hour}, time.Hour},
		{"all fields of a match must hold", backup.Asset{ID: "r", Type: "rds", Tenant: "dev"}, 8 * time.Hour},
		{"the first matching entry wins", backup.Asset{ID: "r", Type: "rds", Tenant: "prod", Name: "orders"}, 6 * time.Hour},
		{"match by asset name", backup.Asset{ID: "o", Type: "s3", Name: "orders"}, 2 * time.Hour},
		{"a unit allowed to idle has none", backup.Asset{ID: "n", Type: "node", RPO: 12 * time.Hour, RPOWaived: true}, 0},
		{"an override still sets one on a unit allowed to idle", backup.Asset{ID: "vol-9", Type: "node", RPOWaived: true}, time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := assetRPO(&cfg, &c.asset); got != c.want {
				t.Errorf("rpo = %v, want %v", got, c.want)
			}
		})
	}
}

// TestSelectAssets pins the filters, the cap and the duplicate handling.
func TestSelectAssets(t *testing.T) {
	assets := []backup.Asset{
		{ID: "d", Name: "first d", Tenant: "prod", Type: "ebs"},
		{ID: "b", Tenant: "prod", Type: "rds"},
		{ID: "a", Tenant: "dev", Type: "ebs"},
		{ID: "d", Name: "second d", Tenant: "prod", Type: "ebs"},
		{ID: "", Name: "no id", Tenant: "prod", Type: "ebs"},
		{ID: "c", Tenant: "test", Type: "s3"},
	}
	cases := []struct {
		name        string
		mod         func(*config.Target)
		wantIDs     []string
		wantDropped int
		wantIssues  []string
	}{
		{"no filter: all valid assets, by id, duplicates and id-less skipped", nil, []string{"a", "b", "c", "d"}, 0,
			[]string{"asset_without_id", "duplicate_asset_id"}},
		{"include tenants", func(t *config.Target) { t.Include.Tenants = []string{"prod", "test"} }, []string{"b", "c", "d"}, 0, nil},
		{"include tenants and types: both must hold", func(t *config.Target) {
			t.Include = config.AssetFilter{Tenants: []string{"prod", "dev"}, AssetTypes: []string{"ebs"}}
		}, []string{"a", "d"}, 0, nil},
		{"exclude: either list excludes", func(t *config.Target) {
			t.Exclude = config.AssetFilter{Tenants: []string{"dev"}, AssetTypes: []string{"s3"}}
		}, []string{"b", "d"}, 0, nil},
		{"max_assets keeps the first by id after the filters", func(t *config.Target) {
			t.Exclude.Tenants = []string{"dev"}
			t.MaxAssets = 2
		}, []string{"b", "c"}, 1, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := fakeTarget("acme")
			if c.mod != nil {
				c.mod(&cfg)
			}
			is := issues{}
			kept, dropped := selectAssets(&cfg, assets, is)
			var ids []string
			for _, a := range kept {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, c.wantIDs) || dropped != c.wantDropped {
				t.Errorf("kept %v, dropped %d; want %v, %d", ids, dropped, c.wantIDs, c.wantDropped)
			}
			if len(kept) > 0 && kept[len(kept)-1].ID == "d" && kept[len(kept)-1].Name != "first d" {
				t.Errorf("duplicate id d kept %q, want the first", kept[len(kept)-1].Name)
			}
			for _, k := range c.wantIssues {
				if is[k] == nil || is[k].count != 1 {
					t.Errorf("issue %q not recorded once: %v", k, is)
				}
			}
		})
	}
}

// TestAssetsExposition pins the asset series under rpo_overrides, filters,
// max_assets (with the dropped counter growing at each refresh), a duplicate
// id and a name that is not valid UTF-8.
func TestAssetsExposition(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) {
		t.RPOOverrides = []config.RPOOverride{{Match: config.RPOMatch{AssetType: "aws_rds_resource"}, RPO: model.Duration(6 * time.Hour)}}
		t.Exclude.Tenants = []string{"ou-dev"}
		t.MaxAssets = 2
	}))
	snap := allParts(&backup.Snapshot{Assets: []backup.Asset{
		{ID: "vol-3", Name: "third", Type: "aws_ebs_volume", Tenant: "ou-prod"},
		{ID: "rds-1", Name: "orders \xff db", Type: "aws_rds_resource", Tenant: "ou-prod", Protected: true, RPO: 12 * time.Hour,
			LastSuccess: t0.Add(-time.Hour), LastAttempt: t0.Add(-time.Hour), LastStatus: backup.StatusSuccess},
		{ID: "vol-1", Name: "first", Type: "aws_ebs_volume", Tenant: "ou-prod", RPO: 12 * time.Hour, LastStatus: backup.StatusMissed},
		{ID: "vol-1", Name: "duplicate", Type: "aws_ebs_volume", Tenant: "ou-prod"},
		{ID: "vol-2", Name: "dev", Type: "aws_ebs_volume", Tenant: "ou-dev"},
	}})
	fetcherOf(t, e, "acme").returns(snap, nil)
	assertGolden(t, e.ScrapeCollector(context.Background()), "engine_assets.prom")
	clock.Advance(2 * time.Minute)
	gather(t, e, context.Background())
	if got := testutil.ToFloat64(e.self.dropped.WithLabelValues("acme", fakeVendor)); got != 2 {
		t.Errorf("dropped_assets_total = %v after two refreshes dropping one each, want 2", got)
	}
	if got := e.Targets()[0].Assets; got != 2 {
		t.Errorf("Targets()[0].Assets = %d, want 2", got)
	}
}

package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
)

// startCloutility serves a Cloutility fake and returns a target of it with
// the fake's credentials.
func startCloutility(tb testing.TB, srv http.Handler, name string, mods ...func(*config.Target)) config.Target {
	tb.Helper()
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	t := config.Target{
		Name:     name,
		Vendor:   config.VendorCloutility,
		URL:      ts.URL,
		Settings: config.DefaultSettings,
		ClientID: cloutilityfake.DefaultClientID,
		Origin:   cloutilityfake.DefaultOrigin,
		Username: cloutilityfake.DefaultUsername,
		Password: config.Secret(cloutilityfake.DefaultPassword),
	}
	for _, m := range mods {
		m(&t)
	}
	return t
}

// TestCloutilityGolden pins the metrics of Cloutility portals served by the
// fake:
//
//   - cloutility.prom: the hand-written cases (cloutilityfake.Cases), one
//     consumer each: every ErrorStatus of a node report as the
//     node_report_status state set, active warnings (one sent by type id,
//     named from /v1/nodewarningtypes) and an ignored one left out, absent
//     fields (no megaBytes, no lastAccessTime, no duration, no transfer),
//     a decommissioned node (unprotected), a pending consumer without a
//     node, business-unit and consumer storage limits, a node whose only
//     backup is a filespace's, a weekly success beyond the lookback, a
//     running backup and a queued restore, a completed restore (last
//     restore), restore_tests opting in web-01 (30d) and tenant Beta (the
//     default 90d); beside a target whose password the portal refuses
//     (backup_up 0 and no data);
//   - cloutility_generated.prom: one generated consumer of each profile
//     (Seed 1, Scale 12), with every job status and type.
func TestCloutilityGolden(t *testing.T) {
	tests := []struct {
		file    string
		opts    func(clock *fakeClock) cloutilityfake.Options
		refused bool
	}{
		{"cloutility.prom", func(c *fakeClock) cloutilityfake.Options {
			return cloutilityfake.Options{Data: cloutilityfake.Cases(c.Now()), Now: c.Now(), Clock: c.Now}
		}, true},
		{"cloutility_generated.prom", func(c *fakeClock) cloutilityfake.Options {
			return cloutilityfake.Options{Seed: 1, Scale: 12, BusinessUnits: 3, Now: c.Now(), Clock: c.Now}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			clock := newClock()
			srv := cloutilityfake.New(tt.opts(clock))
			targets := []config.Target{startCloutility(t, srv, "safespring", func(t *config.Target) {
				t.RestoreTests = []config.RestoreTest{
					{Match: config.RPOMatch{Asset: "web-01"}, Every: model.Duration(30 * 24 * time.Hour)},
					{Match: config.RPOMatch{Tenant: "Beta"}, Every: model.Duration(config.DefaultRestoreTestEvery)},
				}
			})}
			if tt.refused {
				targets = append(targets, startCloutility(t, srv, "safespring-bad-password", func(t *config.Target) {
					t.Password = "wrong"
				}))
			}
			e, _ := newTestExporter(t, clock, targets...)
			assertGolden(t, e.ScrapeCollector(context.Background()), tt.file)
		})
	}
}

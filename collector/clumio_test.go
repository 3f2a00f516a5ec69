package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// startClumio serves a Clumio fake and returns a target of it.
func startClumio(tb testing.TB, srv http.Handler, name string, mods ...func(*config.Target)) config.Target {
	tb.Helper()
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	t := config.Target{
		Name:        name,
		Vendor:      config.VendorClumio,
		URL:         ts.URL,
		Settings:    config.DefaultSettings,
		BearerToken: clumiofake.DefaultToken,
	}
	for _, m := range mods {
		m(&t)
	}
	return t
}

// clumioGoldenScale is one asset per generated case (clumiofake.Cases), the
// asset types cycling with them: every asset type, every normalised status
// (success, warning, failed, missed, running, queued, aborted, unknown), a
// protected asset never backed up (no last_success series), unprotected and
// unsupported assets, a deleted one (absent), RPOs from the 24 h and 4 h
// policies, tenants named after the OUs, and active alerts of both
// severities (cleared ones absent). TestClumioGolden moves the first asset,
// healthy, to the deactivated policy.
const clumioGoldenScale = 17

// TestClumioGolden pins the metrics of a Clumio account served by the fake,
// beside a target whose token the API refuses (401) and one that does not
// answer: both report backup_up 0 and leave the good one whole.
func TestClumioGolden(t *testing.T) {
	clock := newClock()
	srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: clumioGoldenScale, Now: clock.Now()})
	// Still "protected" under a deactivated policy: served unprotected,
	// with backup_asset_policy_active 0 and the target's RPO.
	srv.Update(func(d *clumiofake.Data) { d.Assets[0].PolicyID = clumiofake.PolicyPaused })
	good := startClumio(t, srv, "clumio", func(t *config.Target) { t.PageSize = 5 })
	refused := startClumio(t, srv, "clumio-bad-token", func(t *config.Target) { t.BearerToken = "revoked-token" })
	down := httptest.NewServer(nil)
	down.Close()
	unreachable := startClumio(t, srv, "clumio-down", func(t *config.Target) { t.URL = down.URL; t.MaxRetries = -1 })

	e, _ := newTestExporter(t, clock, good, refused, unreachable)
	assertGolden(t, e.ScrapeCollector(context.Background()), "clumio.prom")
}

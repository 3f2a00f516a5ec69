package collector

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// TestScrapeRichSnapshot pins the exposition of every backup-domain metric
// for a snapshot with every kind of data.
func TestScrapeRichSnapshot(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	snap := richSnapshot(clock.Now())
	fetcherOf(t, e, "acme").set(func(_ context.Context, d VendorDeps) (*backup.Snapshot, error) {
		s := *snap
		s.FetchedAt = d.Now()
		clock.Advance(1500 * time.Millisecond) // the refresh takes 1.5 s
		return &s, nil
	})
	assertGolden(t, e.ScrapeCollector(context.Background()), "engine_rich.prom")
}

// TestFailingTargetLeavesOthersAlone shows that a target whose refresh fails
// reports backup_up 0 while another target of the same scrape is served
// whole, and that the failure is logged once, redacted.
func TestFailingTargetLeavesOthersAlone(t *testing.T) {
	clock := newClock()
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	broken := fakeTarget("broken", func(t *config.Target) { t.BearerToken = "s3cr3t-token" })
	e, err := NewExporter(&config.Config{Targets: []config.Target{broken, fakeTarget("acme")}}, Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: clock.Now, Registerer: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	fetcherOf(t, e, "broken").returns(nil, errors.New("GET /tasks: HTTP 401 Unauthorized: token s3cr3t-token expired"))
	fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)

	assertGolden(t, e.ScrapeCollector(context.Background()), "engine_failure.prom")
	clock.Advance(2 * time.Minute)
	gather(t, e, context.Background())

	st := e.Targets()
	if len(st) != 2 || st[0].Name != "acme" || st[1].Name != "broken" {
		t.Fatalf("Targets() = %+v, want acme and broken, sorted", st)
	}
	if !st[0].Up || st[0].Assets != 4 || st[0].LastError != "" {
		t.Errorf("acme status = %+v, want up with 4 assets", st[0])
	}
	want := "GET /tasks: HTTP 401 Unauthorized: token <secret> expired"
	if st[1].Up || st[1].LastError != want || !st[1].LastSuccess.IsZero() || !st[1].LastRefresh.Equal(clock.Now()) {
		t.Errorf("broken status = %+v, want down with LastError %q", st[1], want)
	}
	if strings.Contains(logs.String(), "s3cr3t") {
		t.Errorf("the log shows the secret:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), "refresh failed"); n != 1 {
		t.Errorf("two failed refreshes logged %d times, want once:\n%s", n, logs.String())
	}
	if got := testutil.ToFloat64(e.self.refreshes.WithLabelValues("broken", fakeVendor, resultError)); got != 2 {
		t.Errorf("refreshes_total{result=error} = %v, want 2", got)
	}
}

// TestPartialFailureAndServeStaleFor follows one target through a partial
// failure (its alerts part keeps its last good data while the other parts
// move on), the expiry of that stale data after serve_stale_for, a failed
// fetch (everything stale) and its expiry (only the health series remain).
func TestPartialFailureAndServeStaleFor(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	f := fetcherOf(t, e, "acme")
	names := []string{"backup_up", "backup_collector_success", "backup_refresh_duration_seconds",
		"backup_snapshot_timestamp_seconds", "backup_asset_info", "backup_alerts_active", "backup_fake_token_refreshes_total"}

	alertsDenied := func(now time.Time) *backup.Snapshot {
		s := richSnapshot(now)
		s.Assets = s.Assets[:1]
		s.Alerts = nil
		s.SetPart(backup.PartAlerts, errors.New("GET /alerts: HTTP 403 Forbidden"))
		return s
	}
	steps := []struct {
		name    string
		advance time.Duration
		snap    func(now time.Time) *backup.Snapshot
		err     error
		golden  string
	}{
		{"all parts succeed", 0, richSnapshot, nil, "engine_partial_0_ok.prom"},
		{"alerts fail: their last good data stays, others move on", 2 * time.Minute, alertsDenied, nil, "engine_partial_1_alerts_stale.prom"},
		{"alerts still failing past serve_stale_for: their data goes", time.Hour, alertsDenied, nil, "engine_partial_2_alerts_expired.prom"},
		{"fetch fails: everything is served stale", 2 * time.Minute, nil, errors.New("connection refused"), "engine_partial_3_fetch_failed.prom"},
		{"fetch still failing past serve_stale_for: only health remains", time.Hour, nil, errors.New("connection refused"), "engine_partial_4_expired.prom"},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		var snap *backup.Snapshot
		if s.snap != nil {
			snap = s.snap(clock.Now())
		}
		f.returns(snap, s.err)
		t.Run(s.name, func(t *testing.T) {
			assertGolden(t, e.ScrapeCollector(context.Background()), s.golden, names...)
		})
	}
}

// TestPanickingClient shows that a vendor client that panics is a failed
// refresh of its target, not a crash of the exporter.
func TestPanickingClient(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"), fakeTarget("other"))
	fetcherOf(t, e, "acme").set(func(context.Context, VendorDeps) (*backup.Snapshot, error) {
		var s *backup.Snapshot
		return s, errors.New(s.Jobs[0].ID) // nil dereference
	})
	fetcherOf(t, e, "other").returns(richSnapshot(clock.Now()), nil)
	c := e.ScrapeCollector(context.Background())
	if got := testutil.CollectAndCount(c, "backup_up", "backup_asset_info"); got != 2+4 {
		t.Errorf("%d series of backup_up and backup_asset_info, want both targets' up and other's 4 assets", got)
	}
	st := e.Targets()[0]
	if st.Up || !strings.Contains(st.LastError, "vendor client panicked") {
		t.Errorf("acme status = %+v, want down with the panic as error", st)
	}
}

// TestProbeSelectsTargets shows that a scrape of named targets (/probe)
// refreshes and serves those only, skipping unknown names.
func TestProbeSelectsTargets(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("a"), fakeTarget("b"))
	fetcherOf(t, e, "a").returns(richSnapshot(clock.Now()), nil)
	fetcherOf(t, e, "b").returns(richSnapshot(clock.Now()), nil)
	assertGolden(t, e.ScrapeCollector(context.Background(), "b", "nosuch", "b"), "engine_probe.prom", "backup_up")
	if got := fetcherOf(t, e, "a").calls.Load(); got != 0 {
		t.Errorf("target a fetched %d times by a probe of b, want 0", got)
	}
	if e.HasTarget("nosuch") || !e.HasTarget("a") {
		t.Error("HasTarget is wrong")
	}
}

// TestClientWithoutParts shows that a snapshot whose client never called
// SetPart serves no data (only its vendor samples) and says why in the log.
func TestClientWithoutParts(t *testing.T) {
	clock := newClock()
	var logs bytes.Buffer
	e, err := NewExporter(&config.Config{Targets: []config.Target{fakeTarget("acme")}}, Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	snap := richSnapshot(clock.Now())
	snap.PartErrors = nil
	fetcherOf(t, e, "acme").returns(snap, nil)
	if got := testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "backup_asset_info", "backup_collector_success"); got != 0 {
		t.Errorf("%d asset or collector series from a snapshot without parts, want 0", got)
	}
	if !strings.Contains(logs.String(), "never called SetPart") {
		t.Errorf("log does not say why no data is served:\n%s", logs.String())
	}
}

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
	fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
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

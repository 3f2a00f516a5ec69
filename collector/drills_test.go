package collector

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// scriptedDriller answers each Drill with the next scripted result and
// advances the clock by the run's duration.
type scriptedDriller struct {
	clock   *fakeClock
	mu      sync.Mutex
	results []backup.DrillResult
	ran     []string
}

func (d *scriptedDriller) Drill(_ context.Context, rd config.RestoreDrill) backup.DrillResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ran = append(d.ran, rd.Name)
	d.clock.Advance(90 * time.Second)
	res := d.results[0]
	d.results = d.results[1:]
	return res
}

// drillCollector serves a drillRunner's metrics alone, for the golden.
type drillCollector struct{ r *drillRunner }

func (drillCollector) Describe(chan<- *prometheus.Desc) {}
func (c drillCollector) Collect(ch chan<- prometheus.Metric) {
	collectFamilies(c.r.current().families, ch)
}

// TestDrillSchedule runs two drills through their schedule with a fake
// clock: both run at start, one at a time; each runs again only when its
// interval has passed; a failure keeps the last success; a skip (another
// replica's recent drill) counts as skipped and its restore as a success.
func TestDrillSchedule(t *testing.T) {
	clock := newClock()
	d := &scriptedDriller{clock: clock, results: []backup.DrillResult{
		{Outcome: backup.DrillSuccess},
		{Outcome: backup.DrillFailed, Message: "protection group \"gone\" not found (token s3cr3t)"},
		{Outcome: backup.DrillFailed, Message: "restore task 7 ended failed"},
		{Outcome: backup.DrillSkipped, Message: "endpoint newer than every", Restored: t0.Add(3 * time.Hour)},
	}}
	drills := []config.RestoreDrill{
		{Name: "hourly", ProtectionGroup: "pg-1", Every: model.Duration(time.Hour), Timeout: model.Duration(time.Minute)},
		{Name: "daily", ProtectionGroup: "gone", Every: model.Duration(24 * time.Hour), Timeout: model.Duration(time.Minute)},
	}
	redact := func(s string) string { return strings.ReplaceAll(s, "s3cr3t", "<secret>") }
	r := newDrillRunner(drills, d, newLabeler("clumio", "clumio"), clock.Now, redact, slog.New(slog.DiscardHandler))

	next := r.runDue(context.Background())
	if want := t0.Add(time.Hour); !next.Equal(want) || len(d.ran) != 2 {
		t.Fatalf("after start: ran %v, next at %s; want both, next at %s", d.ran, next, want)
	}
	clock.Advance(30 * time.Minute) // not due yet
	if r.runDue(context.Background()); len(d.ran) != 2 {
		t.Fatalf("ran %v before any drill was due", d.ran)
	}
	clock.Advance(time.Hour) // hourly is due: it fails
	r.runDue(context.Background())
	clock.Advance(time.Hour) // hourly again: skipped, another replica restored at +3h
	r.runDue(context.Background())
	if want := []string{"hourly", "daily", "hourly", "hourly"}; len(d.ran) != len(want) {
		t.Fatalf("ran %v, want %v", d.ran, want)
	}
	assertGolden(t, drillCollector{r}, "drills.prom")
}

// TestDrillRunnerKnowsRunsBeforeARestart: a runner just started (after a
// restart) learns from the drill's first result when the drill last ran
// and succeeded before it: the last success is served at once, so
// BackupRestoreDrillStale judges the real age, and the next run is due
// every after the earlier run, not after the restart. A failed run keeps
// the earlier success.
func TestDrillRunnerKnowsRunsBeforeARestart(t *testing.T) {
	clock := newClock()
	d := &scriptedDriller{clock: clock, results: []backup.DrillResult{
		{Outcome: backup.DrillSkipped, Message: "endpoint newer than every", Restored: t0.Add(-20 * time.Hour), LastRun: t0.Add(-2 * time.Hour)},
		{Outcome: backup.DrillFailed, Message: "restore task 7 ended failed", Restored: t0.Add(-20 * time.Hour), LastRun: t0.Add(-2 * time.Hour)},
	}}
	drills := []config.RestoreDrill{{Name: "daily", ProtectionGroup: "pg-1", Every: model.Duration(24 * time.Hour), Timeout: model.Duration(time.Minute)}}
	r := newDrillRunner(drills, d, newLabeler("clumio", "clumio"), clock.Now, func(s string) string { return s }, slog.New(slog.DiscardHandler))
	lastSuccess := func() float64 {
		t.Helper()
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(drillCollector{r})
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		return sampleValue(mfs, "backup_restore_drill_last_success_timestamp_seconds", map[string]string{"drill": "daily"})
	}

	if next, want := r.runDue(context.Background()), t0.Add(22*time.Hour); !next.Equal(want) {
		t.Errorf("skipped at start: next run at %s, want %s (every after the run before the restart)", next, want)
	}
	if got, want := lastSuccess(), float64(t0.Add(-20*time.Hour).Unix()); got != want {
		t.Errorf("after the skip: last success %v, want %v", got, want)
	}
	clock.Advance(22 * time.Hour)
	r.runDue(context.Background())
	if got, want := lastSuccess(), float64(t0.Add(-20*time.Hour).Unix()); got != want {
		t.Errorf("after a failure: last success %v, want %v", got, want)
	}
}

// TestDrillsRunInTheBackground runs a Clumio target with one drill: with
// --restore-drills.enabled the drill runs once without any scrape, and
// scrapes never start another (one POST in all, and nothing but GETs
// besides), and its success reaches the cached series; without the flag it
// never runs.
func TestDrillsRunInTheBackground(t *testing.T) {
	for _, enabled := range []bool{true, false} {
		srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: clumioGoldenScale, Now: time.Now()})
		var group string
		srv.Update(func(d *clumiofake.Data) { group = d.DrillReadyGroup })
		target := startClumio(t, srv, "clumio", func(t *config.Target) {
			t.RestoreDrills = []config.RestoreDrill{{Name: "s3", ProtectionGroup: group,
				Every: model.Duration(time.Hour), EndpointTTL: model.Duration(time.Hour), Timeout: model.Duration(time.Minute)}}
		})
		e, err := NewExporter(&config.Config{Targets: []config.Target{target}}, Options{RestoreDrills: enabled})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			for _, tg := range e.lookup(nil) {
				tg.close()
			}
		})
		if enabled {
			deadline := time.Now().Add(20 * time.Second)
			for srv.Methods()[http.MethodPost] == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the drill never ran")
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		for range 5 {
			testutil.CollectAndCount(e.ScrapeCollector(context.Background()))
		}
		want := 0
		if enabled {
			want = 1
		}
		methods := srv.Methods()
		if got := methods[http.MethodPost]; got != want {
			t.Errorf("enabled=%v: %d POSTs after 5 scrapes, want %d", enabled, got, want)
		}
		delete(methods, http.MethodPost)
		delete(methods, http.MethodGet)
		if len(methods) > 0 {
			t.Errorf("enabled=%v: methods other than GET and POST sent: %v", enabled, methods)
		}
		if n := testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "backup_restore_drill_interval_seconds"); (n == 1) != enabled {
			t.Errorf("enabled=%v: %d drill interval series", enabled, n)
		}
		if !enabled {
			continue
		}
		// The drill's success shows in the target's cached series (the
		// snapshot is younger than cache_ttl): its rendition follows the
		// drills without a refresh.
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(scrapeText(t, e), `backup_restore_drill_last_status{drill="s3",status="success",target="clumio",vendor="clumio"} 1`) {
			if time.Now().After(deadline) {
				t.Fatalf("the drill's success never showed:\n%s", scrapeText(t, e))
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got := srv.Methods()[http.MethodPost]; got != 1 {
			t.Errorf("%d POSTs once the drill succeeded, want 1", got)
		}
	}
}

// scrapeText is one scrape of e in the text format.
func scrapeText(t *testing.T, e *Exporter) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e.ScrapeCollector(context.Background()))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

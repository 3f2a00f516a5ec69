package backtest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Options say what to score and with which tools.
type Options struct {
	// Scenario, Rules and Alertmanager are the files to read.
	Scenario, Rules, Alertmanager string
	// Promtool and Prometheus are the pinned binaries.
	Promtool, Prometheus string
	// Dir is a scratch directory; the TSDB grows there.
	Dir string
	// Progress, when set, is told as each stage and simulated day ends.
	Progress io.Writer
	// Reuse scores the data a previous run of the same scenario left in
	// Dir/data (copy it first: the recording rules are added to it) instead
	// of simulating again, so that other rules are scored in minutes.
	Reuse bool
	// SkipRecording, when set, leaves out the recording rules whose names
	// it matches (and so the alerts that read them), where their backfill
	// over the whole run would take hours: a 7-day quantile_over_time
	// evaluated every minute for a month, say. The report names them.
	SkipRecording *regexp.Regexp
}

// Run simulates the scenario, backfills it, replays the alerts and scores
// them. Cancelling ctx stops it between simulated days or stages, and stops
// the Prometheus server it started.
func Run(ctx context.Context, o Options) (*Report, error) {
	began := time.Now()
	sc, err := LoadScenario(o.Scenario)
	if err != nil {
		return nil, err
	}
	rs, err := loadRules(o.Rules)
	if err != nil {
		return nil, err
	}
	am, err := loadAlertmanager(o.Alertmanager)
	if err != nil {
		return nil, err
	}
	db := &tsdb{promtool: o.Promtool, prometheus: o.Prometheus, dir: o.Dir}
	if err := os.MkdirAll(filepath.Join(o.Dir, "data"), 0o755); err != nil {
		return nil, err
	}
	sim, err := newSimulation(sc)
	if err != nil {
		return nil, err
	}
	sim.keep = rs.reads
	timings := map[string]time.Duration{}
	day := 0
	run := sim.run
	if o.Reuse {
		run = sim.prepare
	}
	samples, err := run(o.Dir, func(path string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := db.importOpenMetrics(ctx, path)
		day++
		o.progress("simulated and imported day %d of %.0f (%s)", day, sc.Duration.D().Hours()/24, time.Since(began).Round(time.Second))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	timings["simulate+import"] = time.Since(began)

	mark := time.Now()
	if err := db.start(); err != nil {
		return nil, err
	}
	defer db.stop()
	end := sc.Start.Add(sc.Duration.D())
	skipped := rs.skip(o.SkipRecording)
	unread := rs.pruneUnread()
	o.progress("%d recording rules no alert reads are not backfilled: %v", len(unread), unread)
	for i := range rs.levels {
		if len(rs.levels[i]) == 0 {
			continue
		}
		file := filepath.Join(o.Dir, fmt.Sprintf("level%d.rules.yml", i))
		if err := rs.writeLevel(file, i); err != nil {
			return nil, err
		}
		if err := db.backfillRules(ctx, file, sc.Start, end); err != nil {
			return nil, fmt.Errorf("rules level %d: %w", i, err)
		}
		o.progress("recording rules of level %d of %d backfilled (%s)", i+1, len(rs.levels), time.Since(began).Round(time.Second))
	}
	timings["rules"] = time.Since(mark)

	mark = time.Now()
	eps, err := replay(ctx, db, rs, sc.Start, end)
	if err != nil {
		return nil, err
	}
	o.progress("alerts replayed: %d firing episodes (%s)", len(eps), time.Since(began).Round(time.Second))
	notes := am.notify(eps, sc.Start, end)
	timings["replay"] = time.Since(mark)
	r := score(sc, sim.entities, rs.alertNames(), eps, notes)
	r.Samples = samples
	r.Skipped = skipped
	timings["total"] = time.Since(began)
	r.Timings = timings
	return r, nil
}

// progress tells o.Progress, if set, how far the run is.
func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

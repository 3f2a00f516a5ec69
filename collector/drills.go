package collector

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// Driller is a vendor client that can run restore drills (Clumio). A drill
// runs beside the target's refreshes, so Drill must be safe to call while
// Fetch runs.
type Driller interface {
	Drill(ctx context.Context, d config.RestoreDrill) backup.DrillResult
}

// The descriptors of the restore drills' metrics.
var (
	drillLastSuccessDesc = newDesc("backup_restore_drill_last_success_timestamp_seconds",
		"When the restore drill last succeeded (its run's end); absent before the first success.", "drill")
	drillLastDurationDesc = newDesc("backup_restore_drill_last_duration_seconds",
		"How long the restore drill's latest finished run took (request to the restore task's end).", "drill")
	drillLastStatusDesc = newDesc("backup_restore_drill_last_status",
		"The restore drill's current status (running, success, failed or skipped), value 1.", "drill", "status")
	drillsTotalDesc = newDesc("backup_restore_drills_total",
		"Restore drill runs since the exporter started, by result (success, failed, skipped).", "drill", "result")
	drillIntervalDesc = newDesc("backup_restore_drill_interval_seconds",
		"The restore drill's configured interval (every); BackupRestoreDrillStale compares with it.", "drill")
)

// drillResults are the results every drill's counter starts at 0 with.
var drillResults = []backup.DrillOutcome{backup.DrillSuccess, backup.DrillFailed, backup.DrillSkipped}

// drillRunner runs one target's restore drills in the background on their
// own schedule, one at a time, never on a scrape, and keeps their metrics.
type drillRunner struct {
	drills  []config.RestoreDrill
	driller Driller
	labels  labeler
	now     func() time.Time
	redact  func(string) string
	logger  *slog.Logger

	// next is when each drill is due; only the runner's goroutine uses it.
	next []time.Time

	mu    sync.Mutex
	state []drillState
	// families are the drills' series, built from state after each change
	// and never changed: a view's rendition holds the ones it served.
	families atomic.Pointer[drillFamilies]
}

// drillFamilies is one immutable build of the drills' series.
type drillFamilies struct {
	families []*dto.MetricFamily
	err      error
}

// drillState is what the metrics say of one drill.
type drillState struct {
	status       string
	lastSuccess  time.Time
	lastDuration *time.Duration
	total        map[backup.DrillOutcome]float64
}

func newDrillRunner(drills []config.RestoreDrill, d Driller, l labeler, now func() time.Time, redact func(string) string, logger *slog.Logger) *drillRunner {
	r := &drillRunner{drills: drills, driller: d, labels: l, now: now, redact: redact, logger: logger,
		next: make([]time.Time, len(drills)), state: make([]drillState, len(drills))}
	for i := range r.state {
		r.state[i].total = map[backup.DrillOutcome]float64{}
	}
	start := now()
	for i := range r.next {
		r.next[i] = start
	}
	r.mu.Lock()
	r.rebuild()
	r.mu.Unlock()
	return r
}

// run runs the drills as they fall due until ctx ends.
func (r *drillRunner) run(ctx context.Context) {
	for {
		next := r.runDue(ctx)
		timer := time.NewTimer(max(0, next.Sub(r.now())))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// runDue runs, one after the other, every drill that is due, and returns
// when the next one falls due.
func (r *drillRunner) runDue(ctx context.Context) time.Time {
	for i, d := range r.drills {
		if ctx.Err() != nil {
			break
		}
		start := r.now()
		if start.Before(r.next[i]) {
			continue
		}
		r.next[i] = start.Add(time.Duration(d.Every))
		r.record(i, func(s *drillState) { s.status = "running" })

		dctx, cancel := context.WithTimeout(ctx, time.Duration(d.Timeout))
		res := r.driller.Drill(dctx, d)
		cancel()
		if ctx.Err() != nil {
			return r.now() // taken out of service: not the drill's failure
		}
		end := r.now()
		msg := r.redact(res.Message)
		// A skipped run's drill ran less than every ago, maybe before a
		// restart: the next run is due every after that one.
		if every := time.Duration(d.Every); res.Outcome == backup.DrillSkipped && res.LastRun.After(start.Add(-every)) {
			r.next[i] = res.LastRun.Add(every)
		}
		r.record(i, func(s *drillState) {
			s.status = string(res.Outcome)
			s.total[res.Outcome]++
			// The earlier runs the vendor knows of, before a restart too.
			if res.Restored.After(s.lastSuccess) {
				s.lastSuccess = res.Restored
			}
			switch res.Outcome {
			case backup.DrillSuccess:
				s.lastSuccess, s.lastDuration = end, backup.Duration(end.Sub(start))
			case backup.DrillFailed:
				s.lastDuration = backup.Duration(end.Sub(start))
			}
		})
		switch res.Outcome {
		case backup.DrillFailed:
			r.logger.Warn("restore drill failed", "drill", d.Name, "err", msg)
		case backup.DrillSkipped:
			r.logger.Info("restore drill skipped", "drill", d.Name, "reason", msg)
		default:
			r.logger.Info("restore drill succeeded", "drill", d.Name, "duration", end.Sub(start))
		}
	}
	next := r.next[0]
	for _, n := range r.next[1:] {
		if n.Before(next) {
			next = n
		}
	}
	return next
}

// record changes drill i's state and rebuilds the metrics.
func (r *drillRunner) record(i int, change func(*drillState)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	change(&r.state[i])
	r.rebuild()
}

// rebuild builds the series from the state; it runs under mu.
func (r *drillRunner) rebuild() {
	m := metricSet{}
	for i, d := range r.drills {
		s := r.state[i]
		drill := r.labels.with("drill", d.Name)
		m.gauge(drillIntervalDesc, drill, time.Duration(d.Every).Seconds())
		if s.status != "" {
			m.gauge(drillLastStatusDesc, r.labels.with("drill", d.Name, "status", s.status), 1)
		}
		timestamp(&m, drillLastSuccessDesc, drill, s.lastSuccess)
		if s.lastDuration != nil {
			m.gauge(drillLastDurationDesc, drill, s.lastDuration.Seconds())
		}
		for _, res := range drillResults {
			m.counter(drillsTotalDesc, r.labels.with("drill", d.Name, "result", string(res)), s.total[res])
		}
	}
	mfs, err := families(m.samples)
	r.families.Store(&drillFamilies{families: mfs, err: err})
}

// current returns the drills' latest series; nil for a target without
// running drills.
func (r *drillRunner) current() *drillFamilies {
	if r == nil {
		return nil
	}
	return r.families.Load()
}

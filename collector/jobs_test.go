package collector

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// TestJobBook feeds a target's job book a sequence of good reads and checks
// what it counted, what its window holds after the last read and what it
// remembers.
func TestJobBook(t *testing.T) {
	const lookback = 24 * time.Hour
	job := func(id string, typ backup.JobType, st backup.Status, endAgo time.Duration) backup.Job {
		return backup.Job{ID: id, Type: typ, Status: st, End: t0.Add(-endAgo)}
	}
	ok := func(id string, endAgo time.Duration) backup.Job {
		return job(id, backup.JobBackup, backup.StatusSuccess, endAgo)
	}
	bs, bf := jobKey{backup.JobBackup, backup.StatusSuccess}, jobKey{backup.JobBackup, backup.StatusFailed}
	type read struct {
		at    time.Duration // after t0
		jobs  []backup.Job
		types []backup.JobType
	}
	cases := []struct {
		name       string
		reads      []read
		wantCounts map[jobKey]float64
		wantRecent map[jobKey]float64
		wantTypes  []backup.JobType
		wantKept   int
	}{
		{
			name:       "the first read is the baseline: counted 0, in the window",
			reads:      []read{{0, []backup.Job{ok("a", time.Hour), job("b", backup.JobBackup, backup.StatusFailed, 0)}, nil}},
			wantCounts: map[jobKey]float64{},
			wantRecent: map[jobKey]float64{bs: 1, bf: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantKept:   2,
		},
		{
			name: "a job new to a later read is counted once, however often it is reported",
			reads: []read{
				{0, []backup.Job{ok("a", time.Hour)}, nil},
				{time.Minute, []backup.Job{ok("a", time.Hour), ok("b", 0), ok("b", 0)}, nil},
				{2 * time.Minute, []backup.Job{ok("b", 0)}, nil},
			},
			wantCounts: map[jobKey]float64{bs: 1},
			wantRecent: map[jobKey]float64{bs: 2},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantKept:   2,
		},
		{
			name: "an old job re-reported with a new end time is not counted again; the window follows its new end",
			reads: []read{
				{0, []backup.Job{ok("a", 2*time.Hour)}, nil},
				{time.Minute, []backup.Job{ok("b", 0)}, nil},
				{2 * time.Minute, []backup.Job{ok("a", -time.Minute), ok("b", -2*time.Minute)}, nil},
				// b's new end puts it before the window: it leaves the gauge.
				{3 * time.Minute, []backup.Job{ok("b", 30*time.Hour)}, nil},
			},
			wantCounts: map[jobKey]float64{bs: 1},
			wantRecent: map[jobKey]float64{bs: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantKept:   2,
		},
		{
			name: "a status changed by a re-report moves the window, not the counter",
			reads: []read{
				{0, nil, nil},
				{time.Minute, []backup.Job{job("a", backup.JobBackup, backup.StatusFailed, 0)}, nil},
				{2 * time.Minute, []backup.Job{ok("a", 0)}, nil},
			},
			wantCounts: map[jobKey]float64{bf: 1},
			wantRecent: map[jobKey]float64{bs: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantKept:   1,
		},
		{
			name: "a job that ends in the future is counted at once, and enters the window when it ends",
			reads: []read{
				{0, nil, nil},
				{time.Minute, []backup.Job{ok("early", -5*time.Minute), ok("ahead", -time.Minute)}, nil},
				{2 * time.Minute, nil, nil},
			},
			wantCounts: map[jobKey]float64{bs: 2},
			wantRecent: map[jobKey]float64{bs: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantKept:   2,
		},
		{
			name: "a type changed by a re-report gets its series",
			reads: []read{
				{0, []backup.Job{ok("a", 0)}, nil},
				{time.Minute, []backup.Job{job("a", backup.JobRestore, backup.StatusSuccess, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{},
			wantRecent: map[jobKey]float64{{backup.JobRestore, backup.StatusSuccess}: 1},
			wantTypes:  []backup.JobType{backup.JobBackup, backup.JobRestore},
			wantKept:   1,
		},
		{
			name: "incremental reads: the window is remembered, and jobs leave it as they age",
			reads: []read{
				{0, []backup.Job{ok("old", 23*time.Hour), ok("new", time.Hour)}, nil},
				{2 * time.Hour, nil, nil},
				{3 * time.Hour, []backup.Job{job("c", backup.JobBackup, backup.StatusFailed, -3*time.Hour)}, nil},
			},
			wantCounts: map[jobKey]float64{bf: 1},
			wantRecent: map[jobKey]float64{bs: 1, bf: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantKept:   3,
		},
		{
			name: "jobs that ended before the window are neither counted nor kept",
			reads: []read{
				{0, nil, nil},
				{time.Minute, []backup.Job{ok("old", 25*time.Hour), ok("new", 23*time.Hour)}, nil},
			},
			wantCounts: map[jobKey]float64{bs: 1},
			wantRecent: map[jobKey]float64{bs: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantKept:   1,
		},
		{
			name: "ids older than twice the lookback are forgotten and not counted again",
			reads: []read{
				{0, nil, nil},
				{0, []backup.Job{job("a", backup.JobRestore, backup.StatusWarning, 0)}, nil},
				{49 * time.Hour, []backup.Job{job("a", backup.JobRestore, backup.StatusWarning, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobRestore, backup.StatusWarning}: 1},
			wantRecent: map[jobKey]float64{},
			wantTypes:  []backup.JobType{backup.JobRestore},
			wantKept:   0,
		},
		{
			name: "unfinished, id-less jobs are skipped; an empty type is other",
			reads: []read{
				{0, nil, nil},
				{0, []backup.Job{job("", backup.JobBackup, backup.StatusSuccess, 0), job("r", backup.JobBackup, backup.StatusRunning, 0), job("x", "", backup.StatusAborted, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobOther, backup.StatusAborted}: 1},
			wantRecent: map[jobKey]float64{{backup.JobOther, backup.StatusAborted}: 1},
			wantTypes:  []backup.JobType{backup.JobOther},
			wantKept:   1,
		},
		{
			name: "declared types exist before their first job",
			reads: []read{
				{0, nil, []backup.JobType{backup.JobBackup, backup.JobArchive}},
				{time.Minute, []backup.Job{job("s", backup.JobSnapshot, backup.StatusMissed, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobSnapshot, backup.StatusMissed}: 1},
			wantRecent: map[jobKey]float64{{backup.JobSnapshot, backup.StatusMissed}: 1},
			wantTypes:  []backup.JobType{backup.JobArchive, backup.JobBackup, backup.JobSnapshot},
			wantKept:   1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newJobBook()
			for _, r := range c.reads {
				b.observe(&backup.Snapshot{Jobs: r.jobs, JobTypes: r.types}, t0.Add(r.at), lookback, issues{})
			}
			if !maps.Equal(b.counts, c.wantCounts) {
				t.Errorf("counts = %v, want %v", b.counts, c.wantCounts)
			}
			recent := map[jobKey]float64{}
			for _, k := range b.keys {
				if n := b.inWindow(k); n > 0 {
					recent[k] = n
				}
			}
			if !maps.Equal(recent, c.wantRecent) {
				t.Errorf("recent = %v, want %v", recent, c.wantRecent)
			}
			types := map[backup.JobType]struct{}{}
			for _, ty := range c.wantTypes {
				types[ty] = struct{}{}
			}
			if !maps.Equal(b.types, types) {
				t.Errorf("types = %v, want %v", b.types, c.wantTypes)
			}
			if len(b.jobs) != c.wantKept {
				t.Errorf("remembers %d ids, want %d", len(b.jobs), c.wantKept)
			}
		})
	}
}

// TestJobsExposition pins backup_jobs_total, backup_jobs_recent and
// backup_jobs_running over two refreshes that report overlapping jobs: the
// first refresh is the counters' baseline, counts grow by the new jobs only,
// the window gauge holds every job of the window, every finished status of
// every type starts at 0, and a failed jobs part leaves the series as they
// were.
func TestJobsExposition(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) { t.CacheTTL = time.Minute }))
	f := fetcherOf(t, e, "acme")
	snap := func(jobs ...backup.Job) *backup.Snapshot {
		return allParts(&backup.Snapshot{
			Jobs:        jobs,
			JobTypes:    []backup.JobType{backup.JobBackup, backup.JobRestore},
			JobsRunning: map[backup.JobType]int{backup.JobBackup: 2, backup.JobArchive: 1},
		})
	}
	j1 := backup.Job{ID: "1", Type: backup.JobBackup, Status: backup.StatusSuccess, End: t0.Add(-time.Hour)}
	j2 := backup.Job{ID: "2", Type: backup.JobBackup, Status: backup.StatusFailed, End: t0.Add(-time.Minute)}
	j3 := backup.Job{ID: "3", Type: backup.JobArchive, Status: backup.StatusSuccess, End: t0.Add(time.Minute)}
	j4 := backup.Job{ID: "4", Type: backup.JobBackup, Status: backup.StatusSuccess, End: t0.Add(time.Minute)}

	f.returns(snap(j1, j2), nil)
	gather(t, e, context.Background())
	clock.Advance(2 * time.Minute)
	f.returns(snap(j1, j2, j3), nil)
	gather(t, e, context.Background())
	clock.Advance(2 * time.Minute)
	failed := snap(j1, j2, j3, j4)
	failed.SetPart(backup.PartJobs, errFake)
	f.returns(failed, nil)
	assertGolden(t, e.ScrapeCollector(context.Background()), "engine_jobs.prom", "backup_jobs_total", "backup_jobs_recent", "backup_jobs_running")
}

// jobSeries gathers one target's backup_jobs_total and backup_jobs_recent,
// keyed by metric name, then job_type/status.
func jobSeries(t *testing.T, e *Exporter, target string) map[string]map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.ScrapeCollector(context.Background(), target))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]map[string]float64{}
	for _, mf := range mfs {
		name := mf.GetName()
		if name != "backup_jobs_total" && name != "backup_jobs_recent" {
			continue
		}
		out[name] = map[string]float64{}
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			v := m.GetGauge().GetValue()
			if m.Counter != nil {
				v = m.GetCounter().GetValue()
			}
			out[name][l["job_type"]+"/"+l["status"]] = v
		}
	}
	return out
}

// sum adds up a family's series.
func sum(series map[string]float64) float64 {
	var n float64
	for _, v := range series {
		n += v
	}
	return n
}

// TestJobsAcrossRestartAndReload shows what a restart, a second replica and
// a reload that changes a target do to the job series: the window gauge is
// the same at once, and the counters start again at 0 with the window as
// their baseline, so that Prometheus sees a reset to 0 and increase() over
// it counts only the jobs that finish afterwards.
func TestJobsAcrossRestartAndReload(t *testing.T) {
	clock := newClock()
	snap := func(jobs ...backup.Job) *backup.Snapshot {
		return allParts(&backup.Snapshot{Jobs: jobs, JobTypes: []backup.JobType{backup.JobBackup}})
	}
	job := func(id string, st backup.Status, end time.Duration) backup.Job {
		return backup.Job{ID: id, Type: backup.JobBackup, Status: st, End: t0.Add(end)}
	}
	j1, j2 := job("1", backup.StatusSuccess, -2*time.Hour), job("2", backup.StatusFailed, -time.Hour)
	j3, j4 := job("3", backup.StatusSuccess, time.Minute), job("4", backup.StatusFailed, 3*time.Minute)

	running, _ := newTestExporter(t, clock, fakeTarget("acme"))
	fetcherOf(t, running, "acme").returns(snap(j1, j2), nil)
	if got := jobSeries(t, running, "acme"); sum(got["backup_jobs_total"]) != 0 || sum(got["backup_jobs_recent"]) != 2 {
		t.Fatalf("first refresh: %v, want no job counted and 2 in the window", got)
	}
	clock.Advance(2 * time.Minute)
	fetcherOf(t, running, "acme").returns(snap(j1, j2, j3), nil)
	before := jobSeries(t, running, "acme")
	if sum(before["backup_jobs_total"]) != 1 || before["backup_jobs_total"]["backup/success"] != 1 {
		t.Fatalf("second refresh counted %v, want j3 alone", before["backup_jobs_total"])
	}

	// A restart (or a second replica) over the same vendor data.
	restarted, _ := newTestExporter(t, clock, fakeTarget("acme"))
	fetcherOf(t, restarted, "acme").returns(snap(j1, j2, j3), nil)
	after := jobSeries(t, restarted, "acme")
	if !maps.Equal(after["backup_jobs_recent"], before["backup_jobs_recent"]) {
		t.Errorf("window after a restart = %v, want %v as before it", after["backup_jobs_recent"], before["backup_jobs_recent"])
	}
	if sum(after["backup_jobs_total"]) != 0 || len(after["backup_jobs_total"]) != len(before["backup_jobs_total"]) {
		t.Errorf("counters after a restart = %v, want every series of before at 0", after["backup_jobs_total"])
	}

	// A reload that changes the target rebuilds it: the same as a restart.
	changed := fakeTarget("acme", func(t *config.Target) { t.RPO = time.Hour })
	if err := running.ApplyConfig(&config.Config{Targets: []config.Target{changed}}); err != nil {
		t.Fatal(err)
	}
	fetcherOf(t, running, "acme").returns(snap(j1, j2, j3), nil)
	reloaded := jobSeries(t, running, "acme")
	if !maps.Equal(reloaded["backup_jobs_recent"], before["backup_jobs_recent"]) || sum(reloaded["backup_jobs_total"]) != 0 {
		t.Errorf("after a reload that changed the target: %v, want the window as before and every counter at 0", reloaded)
	}

	// The next job to finish is counted by both, once.
	clock.Advance(2 * time.Minute)
	for _, e := range []*Exporter{running, restarted} {
		fetcherOf(t, e, "acme").returns(snap(j1, j2, j3, j4), nil)
		got := jobSeries(t, e, "acme")
		if sum(got["backup_jobs_total"]) != 1 || got["backup_jobs_total"]["backup/failed"] != 1 || sum(got["backup_jobs_recent"]) != 4 {
			t.Errorf("after j4 finished: %v, want j4 counted alone and 4 jobs in the window", got)
		}
	}
}

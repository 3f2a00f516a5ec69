package collector

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// TestJobCounter feeds a counter a sequence of refreshes and checks what it
// counted.
func TestJobCounter(t *testing.T) {
	const lookback = 24 * time.Hour
	job := func(id string, typ backup.JobType, st backup.Status, endAgo time.Duration) backup.Job {
		return backup.Job{ID: id, Type: typ, Status: st, End: t0.Add(-endAgo)}
	}
	type refresh struct {
		at    time.Duration // after t0
		jobs  []backup.Job
		types []backup.JobType
	}
	cases := []struct {
		name       string
		refreshes  []refresh
		wantCounts map[jobKey]float64
		wantTypes  []backup.JobType
		wantSeen   int
	}{
		{
			name: "same id twice is counted once",
			refreshes: []refresh{
				{0, []backup.Job{job("a", backup.JobBackup, backup.StatusSuccess, time.Hour), job("a", backup.JobBackup, backup.StatusSuccess, time.Hour)}, nil},
				{time.Minute, []backup.Job{job("a", backup.JobBackup, backup.StatusSuccess, time.Hour), job("b", backup.JobBackup, backup.StatusFailed, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobBackup, backup.StatusSuccess}: 1, {backup.JobBackup, backup.StatusFailed}: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantSeen:   2,
		},
		{
			name: "jobs that ended before the lookback are ignored",
			refreshes: []refresh{
				{0, []backup.Job{job("old", backup.JobBackup, backup.StatusSuccess, 25*time.Hour), job("new", backup.JobBackup, backup.StatusSuccess, 23*time.Hour)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobBackup, backup.StatusSuccess}: 1},
			wantTypes:  []backup.JobType{backup.JobBackup},
			wantSeen:   1,
		},
		{
			name: "ids older than twice the lookback are forgotten and not counted again",
			refreshes: []refresh{
				{0, []backup.Job{job("a", backup.JobRestore, backup.StatusWarning, 0)}, nil},
				{49 * time.Hour, []backup.Job{job("a", backup.JobRestore, backup.StatusWarning, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobRestore, backup.StatusWarning}: 1},
			wantTypes:  []backup.JobType{backup.JobRestore},
			wantSeen:   0,
		},
		{
			name: "unfinished, id-less jobs are skipped; an empty type is other",
			refreshes: []refresh{
				{0, []backup.Job{job("", backup.JobBackup, backup.StatusSuccess, 0), job("r", backup.JobBackup, backup.StatusRunning, 0), job("x", "", backup.StatusAborted, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobOther, backup.StatusAborted}: 1},
			wantTypes:  []backup.JobType{backup.JobOther},
			wantSeen:   1,
		},
		{
			name: "declared types exist before their first job",
			refreshes: []refresh{
				{0, nil, []backup.JobType{backup.JobBackup, backup.JobArchive}},
				{time.Minute, []backup.Job{job("s", backup.JobSnapshot, backup.StatusMissed, 0)}, nil},
			},
			wantCounts: map[jobKey]float64{{backup.JobSnapshot, backup.StatusMissed}: 1},
			wantTypes:  []backup.JobType{backup.JobArchive, backup.JobBackup, backup.JobSnapshot},
			wantSeen:   1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jc := newJobCounter()
			for _, r := range c.refreshes {
				jc.observe(&backup.Snapshot{Jobs: r.jobs, JobTypes: r.types}, t0.Add(r.at), lookback, issues{})
			}
			if !maps.Equal(jc.counts, c.wantCounts) {
				t.Errorf("counts = %v, want %v", jc.counts, c.wantCounts)
			}
			types := map[backup.JobType]struct{}{}
			for _, ty := range c.wantTypes {
				types[ty] = struct{}{}
			}
			if !maps.Equal(jc.types, types) {
				t.Errorf("types = %v, want %v", jc.types, c.wantTypes)
			}
			if len(jc.seen) != c.wantSeen {
				t.Errorf("remembers %d ids, want %d", len(jc.seen), c.wantSeen)
			}
		})
	}
}

// TestJobsExposition pins backup_jobs_total and backup_jobs_running over two
// refreshes that report overlapping jobs: counts grow by the new jobs only,
// every finished status of every type starts at 0, and a failed jobs part
// leaves the counters as they were.
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
	assertGolden(t, e.ScrapeCollector(context.Background()), "engine_jobs.prom", "backup_jobs_total", "backup_jobs_running")
}

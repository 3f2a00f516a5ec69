package collector

import (
	"strconv"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// BenchmarkJobBookRefresh is one warm refresh of a large target's jobs: a
// window of 50,000 jobs remembered, 100 new ones read incrementally, and
// the job series built.
func BenchmarkJobBookRefresh(b *testing.B) {
	const (
		window   = 50000
		perRead  = 100
		lookback = 24 * time.Hour
	)
	statuses := backup.FinishedStatuses
	jobs := func(from, n int, end time.Time) []backup.Job {
		out := make([]backup.Job, n)
		for i := range out {
			id := from + i
			out[i] = backup.Job{ID: "job-" + strconv.Itoa(id), Type: backup.JobBackup, Status: statuses[id%len(statuses)], End: end}
		}
		return out
	}
	book := newJobBook()
	l := newLabeler("acme", fakeVendor)
	now := t0
	book.observe(&backup.Snapshot{Jobs: jobs(0, window, now.Add(-time.Hour)), JobTypes: []backup.JobType{backup.JobBackup}}, now, lookback, issues{})
	next := window
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		now = now.Add(time.Second)
		snap := &backup.Snapshot{Jobs: jobs(next, perRead, now)}
		next += perRead
		book.observe(snap, now, lookback, issues{})
		_ = book.metrics(l, snap)
	}
}

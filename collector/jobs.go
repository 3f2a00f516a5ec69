package collector

import (
	"slices"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// jobKey is one series of backup_jobs_total.
type jobKey struct {
	typ    backup.JobType
	status backup.Status
}

// jobCounter owns a target's backup_jobs_total: it counts each job id once,
// however many refreshes report it. Its memory is bounded: an id is forgotten
// once its job ended more than twice the lookback ago, and a job that ended
// more than one lookback ago is never counted, so a forgotten id cannot come
// back. It is used by the one refresh in flight only.
type jobCounter struct {
	counts map[jobKey]float64
	types  map[backup.JobType]struct{}
	seen   map[string]time.Time // job id → end
}

func newJobCounter() *jobCounter {
	return &jobCounter{
		counts: map[jobKey]float64{},
		types:  map[backup.JobType]struct{}{},
		seen:   map[string]time.Time{},
	}
}

// observe counts the jobs not counted before. now is the snapshot's fetch
// time; lookback the target's window.
func (c *jobCounter) observe(snap *backup.Snapshot, now time.Time, lookback time.Duration, is issues) {
	for _, t := range snap.JobTypes {
		c.types[t] = struct{}{}
	}
	horizon := now.Add(-lookback)
	for id, end := range c.seen {
		if end.Before(now.Add(-2 * lookback)) {
			delete(c.seen, id)
		}
	}
	for _, j := range snap.Jobs {
		switch {
		case j.ID == "":
			is.add(issueJobWithoutID, string(j.Type))
			continue
		case !j.Status.Finished():
			is.add(issueJobNotFinished, string(j.Status))
			continue
		case j.End.After(now.Add(maxAhead)):
			// A job "ending" in year 9999 would be counted now and
			// remembered for ever.
			is.add(issueTimeOutOfRange, j.End.UTC().Format(time.RFC3339))
			continue
		case j.End.Before(horizon):
			// Older than the window: it may have been counted and
			// forgotten already.
			continue
		}
		if _, ok := c.seen[j.ID]; ok {
			continue
		}
		c.seen[j.ID] = j.End
		typ := j.Type
		if typ == "" {
			typ = backup.JobOther
		}
		c.types[typ] = struct{}{}
		c.counts[jobKey{typ, j.Status}]++
	}
}

// metrics builds backup_jobs_total for every type the target has, each
// finished status starting at 0, and backup_jobs_running from the snapshot.
func (c *jobCounter) metrics(l labeler, snap *backup.Snapshot) []constSample {
	types := make([]backup.JobType, 0, len(c.types))
	for t := range c.types {
		types = append(types, t)
	}
	slices.Sort(types)
	m := metricSet{samples: make([]constSample, 0, len(types)*(len(backup.FinishedStatuses)+1))}
	for _, t := range types {
		for _, s := range backup.FinishedStatuses {
			m.counter(jobsTotalDesc, l.with("job_type", string(t), "status", string(s)), c.counts[jobKey{t, s}])
		}
	}
	// A vendor that reports running jobs at all reports 0 for a type by
	// leaving it out of the map; one that cannot, leaves the map nil.
	if snap.JobsRunning != nil {
		running := slices.Clone(types)
		for t := range snap.JobsRunning {
			if _, ok := c.types[t]; !ok {
				running = append(running, t)
			}
		}
		slices.Sort(running)
		for _, t := range running {
			m.gauge(jobsRunningDesc, l.with("job_type", string(t)), float64(snap.JobsRunning[t]))
		}
	}
	return m.samples
}

package collector

import (
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/backup"
)

// jobKey is one series of backup_jobs_total and backup_jobs_recent.
type jobKey struct {
	typ    backup.JobType
	status backup.Status
}

// jobRecord is the latest report of one finished job: its series (an
// index into jobBook.keys, cheaper to count by than the key's strings) and
// its end.
type jobRecord struct {
	key int
	end time.Time
}

// jobBook owns a target's job series. It remembers every finished job by
// id, as the vendor last reported it, so that:
//
//   - backup_jobs_total counts each id once, and only the jobs that finished
//     while the target was watched: what the first good read of the jobs
//     reports is the baseline, not an increment, so a restart or a reload
//     never makes Prometheus see the window's jobs twice;
//   - backup_jobs_recent counts the jobs that ended within the lookback
//     window (up to now), whether the vendor client reads the whole window each refresh
//     or only what is new since its watermark.
//
// Its memory is bounded by time: a record is forgotten once its job ended
// more than twice the lookback ago, and a job first reported as having ended
// before the window is neither counted nor remembered, so a forgotten id
// cannot come back unless the vendor moves its end by more than a lookback.
// It is used by the one refresh in flight only.
type jobBook struct {
	counts map[jobKey]float64
	types  map[backup.JobType]struct{}
	jobs   map[string]jobRecord // job id → latest report
	// baselined is set by the first good read: from then on a new id is
	// an increment.
	baselined bool
	// keys are the series the records refer to, keyIndex their indexes;
	// recent counts, by index, the remembered jobs that ended within the
	// window of the latest read.
	keys     []jobKey
	keyIndex map[jobKey]int
	recent   []float64
}

func newJobBook() *jobBook {
	return &jobBook{
		counts:   map[jobKey]float64{},
		types:    map[backup.JobType]struct{}{},
		jobs:     map[string]jobRecord{},
		keyIndex: map[jobKey]int{},
	}
}

// index returns the index of a series in keys, adding it if it is new.
func (b *jobBook) index(k jobKey) int {
	i, ok := b.keyIndex[k]
	if !ok {
		i = len(b.keys)
		b.keys = append(b.keys, k)
		b.keyIndex[k] = i
	}
	return i
}

// inWindow is the number of jobs of a series in the latest window.
func (b *jobBook) inWindow(k jobKey) float64 {
	if i, ok := b.keyIndex[k]; ok {
		return b.recent[i]
	}
	return 0
}

// observe takes one good read of the jobs: it counts the ids not seen
// before (none on the first read), updates the ones seen before to their
// latest report, forgets the old ones and counts the window. now is the
// snapshot's fetch time; lookback the target's window.
func (b *jobBook) observe(snap *backup.Snapshot, now time.Time, lookback time.Duration, is issues) {
	for _, t := range snap.JobTypes {
		b.types[t] = struct{}{}
	}
	windowStart := now.Add(-lookback)
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
		}
		typ := j.Type
		if typ == "" {
			typ = backup.JobOther
		}
		key := jobKey{typ, j.Status}
		r := jobRecord{key: b.index(key), end: j.End}
		if _, known := b.jobs[j.ID]; known {
			// Reported again (an overlapping read, a later page, a new end
			// time): the window follows the latest report, the counter
			// does not move.
			b.jobs[j.ID] = r
			b.types[typ] = struct{}{}
			continue
		}
		if j.End.Before(windowStart) {
			// Older than the window: it may have been counted and
			// forgotten already.
			continue
		}
		b.jobs[j.ID] = r
		b.types[typ] = struct{}{}
		if b.baselined {
			b.counts[key]++
		}
	}
	b.baselined = true

	// One pass forgets the old records and counts the window. A job whose
	// end the vendor puts in the future (its clock ahead of ours, or a
	// date it gets wrong) enters the window when that time comes.
	forgetBefore := now.Add(-2 * lookback)
	b.recent = make([]float64, len(b.keys))
	for id, r := range b.jobs {
		switch {
		case r.end.Before(forgetBefore):
			delete(b.jobs, id)
		case !r.end.Before(windowStart) && !r.end.After(now):
			b.recent[r.key]++
		}
	}
}

// metrics builds backup_jobs_total and backup_jobs_recent for every type the
// target has, each finished status starting at 0, and backup_jobs_running
// from the snapshot.
func (b *jobBook) metrics(l labeler, snap *backup.Snapshot) []constSample {
	types := make([]backup.JobType, 0, len(b.types))
	for t := range b.types {
		types = append(types, t)
	}
	slices.Sort(types)
	m := metricSet{samples: make([]constSample, 0, len(types)*(2*len(backup.FinishedStatuses)+1))}
	for _, t := range types {
		for _, s := range backup.FinishedStatuses {
			labels := l.with("job_type", string(t), "status", string(s))
			m.counter(jobsTotalDesc, labels, b.counts[jobKey{t, s}])
			m.gauge(jobsRecentDesc, labels, b.inWindow(jobKey{t, s}))
		}
	}
	b.activeGauges(&m, l, jobsRunningDesc, types, snap.JobsRunning)
	b.activeGauges(&m, l, jobsQueuedDesc, types, snap.JobsQueued)
	return m.samples
}

// activeGauges adds one gauge per job type of the running or queued jobs.
// A vendor that reports them at all reports 0 for a type by leaving it out
// of the map; one that cannot, leaves the map nil.
func (b *jobBook) activeGauges(m *metricSet, l labeler, d *prometheus.Desc, types []backup.JobType, counts map[backup.JobType]int) {
	if counts == nil {
		return
	}
	all := slices.Clone(types)
	for t := range counts {
		if _, ok := b.types[t]; !ok {
			all = append(all, t)
		}
	}
	slices.Sort(all)
	for _, t := range all {
		m.gauge(d, l.with("job_type", string(t)), float64(counts[t]))
	}
}

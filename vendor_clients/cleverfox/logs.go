package cleverfox

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// jobRecord is what the logs have said about one job. It is carried from
// refresh to refresh, so that a job's last success survives long after its
// log has left the pages a later refresh reads.
type jobRecord struct {
	// The newest log of the job: its status, start and end.
	newestID    int
	newestStart time.Time
	lastAttempt time.Time
	lastStatus  backup.Status
	// The newest finished log: what it took and moved.
	finishedID      int
	lastDuration    *time.Duration
	lastTransferred *float64
	// The newest successful log.
	successID       int
	lastSuccess     time.Time
	successDuration time.Duration
}

// logHistory is the client's memory of the logs between refreshes.
type logHistory struct {
	// warm is set once a refresh has read the logs back far enough; later
	// refreshes read only what is new.
	warm bool
	// resumeAfter is the watermark: every log with a LogId up to it has been
	// read in its final state.
	resumeAfter int
	jobs        map[int]*jobRecord
	// pending holds the unfinished logs of the lookback window (by LogId,
	// with when each was written): the watermark stays below them so that
	// the next refresh reads them again, finished.
	pending map[int]time.Time
	// done holds the finished logs of the lookback window, by LogId.
	done map[int]backup.Job
}

func newLogHistory() *logHistory {
	return &logHistory{jobs: map[int]*jobRecord{}, pending: map[int]time.Time{}, done: map[int]backup.Job{}}
}

// jobStatus normalises JobStatus. The documented values are Completed,
// Failed and Missed; their exact case is not, so they match in any case.
// cleverfox.md tells to tolerate Running too (a log written while its job
// runs), and "In Progress" is read the same way; anything else is unknown.
func jobStatus(s string) backup.Status {
	switch {
	case strings.EqualFold(s, "Completed"):
		return backup.StatusSuccess
	case strings.EqualFold(s, "Failed"):
		return backup.StatusFailed
	case strings.EqualFold(s, "Missed"):
		return backup.StatusMissed
	case strings.EqualFold(s, "Running"), strings.EqualFold(s, "In Progress"), strings.EqualFold(s, "InProgress"):
		return backup.StatusRunning
	}
	return backup.StatusUnknown
}

// logTimes places a log in time: when it started and ended (DateTime Local,
// in the log's zone), when it was written (AddedOn, DateTime UTC, falling
// back to the start) and the time of the attempt (its end, else its start,
// else when it was written: a missed run has neither).
func logTimes(l *Log, loc *time.Location) (start, end, written, attempt time.Time) {
	start, end = l.JobStartedOn.In(loc), l.JobCompletedOn.In(loc)
	written = l.AddedOn.UTC()
	if written.IsZero() {
		written = cmp.Or(start, end)
	}
	attempt = cmp.Or(end, start, written)
	return start, end, written, attempt
}

// transferred sums BackupFileSize over the log's items, or nil when no item
// reports one (list answers may carry LogItems as null).
func transferred(l *Log) *float64 {
	var sum float64
	found := false
	for _, it := range l.LogItems {
		if it.BackupFileSize != nil {
			sum += float64(*it.BackupFileSize)
			found = true
		}
	}
	if !found {
		return nil
	}
	return &sum
}

// add records one log and returns when it was written. Logs may come in any
// order and more than once: each slot keeps the log with the highest LogId,
// and a log read again (a running job's, now finished) replaces itself.
func (h *logHistory) add(l *Log, loc *time.Location, windowStart time.Time) time.Time {
	start, end, written, attempt := logTimes(l, loc)
	st := jobStatus(l.JobStatus)
	rec := h.jobs[l.JobID]
	if rec == nil {
		rec = &jobRecord{}
		h.jobs[l.JobID] = rec
	}
	if l.LogID >= rec.newestID {
		rec.newestID = l.LogID
		rec.newestStart = cmp.Or(start, written)
		rec.lastAttempt = attempt
		rec.lastStatus = st
	}
	var dur *time.Duration
	if !start.IsZero() && !end.IsZero() && !end.Before(start) {
		dur = backup.Duration(end.Sub(start))
	}
	if st.Finished() && l.LogID >= rec.finishedID {
		rec.finishedID = l.LogID
		rec.lastDuration = dur
		rec.lastTransferred = transferred(l)
	}
	if st == backup.StatusSuccess && l.LogID >= rec.successID {
		rec.successID = l.LogID
		rec.lastSuccess = attempt
		rec.successDuration = 0
		if dur != nil {
			rec.successDuration = *dur
		}
	}

	delete(h.pending, l.LogID)
	switch {
	case !st.Finished() && !written.Before(windowStart):
		h.pending[l.LogID] = written
	case st.Finished() && !attempt.Before(windowStart):
		h.done[l.LogID] = backup.Job{ID: strconv.Itoa(l.LogID), Type: backup.JobBackup, Status: st, End: attempt}
	}
	return written
}

// complete reports whether the job has both a last success and a last
// attempt, so that older logs cannot tell more about it.
func (h *logHistory) complete(jobID int) bool {
	rec := h.jobs[jobID]
	return rec != nil && rec.successID != 0
}

// readLogs brings the history up to date. Logs come newest first. The first
// refresh pages back until every active job has its last success and last
// attempt and the lookback window is covered, or until history is reached,
// whichever comes first. Later refreshes stop at the first page that reaches
// the watermark: when nothing is new, that is the first page.
func (c *Client) readLogs(ctx context.Context, m *mapper, now time.Time) error {
	h := c.logs
	windowStart, historyStart := now.Add(-c.lookback), now.Add(-c.history)
	var incomplete map[int]bool
	if !h.warm {
		incomplete = map[int]bool{}
		for _, j := range m.inv.jobs {
			if m.active(&j) && !h.complete(j.JobID) {
				incomplete[j.JobID] = true
			}
		}
	}
	newest := h.resumeAfter
	err := eachPage(ctx, c, "logs", func(logs []Log) bool {
		if len(logs) == 0 {
			return false
		}
		var oldest time.Time
		reachedWatermark := false
		for i := range logs {
			l := &logs[i]
			written := h.add(l, m.logZone(l), windowStart)
			if oldest.IsZero() || written.Before(oldest) {
				oldest = written
			}
			newest = max(newest, l.LogID)
			reachedWatermark = reachedWatermark || l.LogID <= h.resumeAfter
			if incomplete[l.JobID] && h.complete(l.JobID) {
				delete(incomplete, l.JobID)
			}
		}
		switch {
		case oldest.Before(historyStart):
			return false
		case h.warm:
			return !reachedWatermark
		default:
			return !oldest.Before(windowStart) || len(incomplete) > 0
		}
	})
	if err != nil {
		// The watermark stays: the next refresh reads these pages again.
		return err
	}
	h.prune(m, windowStart)
	h.resumeAfter = newest
	for id := range h.pending {
		h.resumeAfter = min(h.resumeAfter, id-1)
	}
	h.warm = true
	return nil
}

// prune forgets deleted jobs and logs that have left the lookback window.
func (h *logHistory) prune(m *mapper, windowStart time.Time) {
	for id := range h.jobs {
		if m.jobs[id] == nil {
			delete(h.jobs, id)
		}
	}
	for id, written := range h.pending {
		if written.Before(windowStart) {
			delete(h.pending, id)
		}
	}
	for id, j := range h.done {
		if j.End.Before(windowStart) {
			delete(h.done, id)
		}
	}
}

// finished returns the finished logs that ended within the window, oldest
// first.
func (h *logHistory) finished(windowStart time.Time) []backup.Job {
	out := make([]backup.Job, 0, len(h.done))
	for _, j := range h.done {
		if !j.End.Before(windowStart) {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b backup.Job) int {
		return cmp.Or(a.End.Compare(b.End), cmp.Compare(a.ID, b.ID))
	})
	return out
}

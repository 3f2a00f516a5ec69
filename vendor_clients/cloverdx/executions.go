package cloverdx

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// executionState is what the client remembers of the executions between
// refreshes.
type executionState struct {
	// primed is true once a first read has completed.
	primed bool
	// watermark is a runId at or below which every execution has been read
	// in a finished state: later refreshes read down to it and no further.
	watermark int64
	// assets are the job files, with their last success carried forward.
	assets map[string]*backup.Asset
}

// fetchExecutions reads the executions and fills the assets and jobs of
// snap. While the collection comes newest first it pages on until it
// reaches the floor (the lookback start on the first refresh, the watermark
// later) with every job file first seen in this read having its last
// success, or until the history horizon. The remembered state changes only
// when the read succeeds.
//
// Quirk: the order of GET /executions is not documented (cloverdx.md 4.4
// marks newest first as inferred, and no sort parameter is documented for
// REST). The read stops early only while every runId seen so far was lower
// than the one before; once one is higher, it reads the collection to its
// end and takes the executions newest first by runId.
func (c *Client) fetchExecutions(ctx context.Context, now time.Time, snap *backup.Snapshot) error {
	r := c.newExecutionRead(now)
	if err := pageAll(ctx, c, "/executions", "/executions", r.visit); err != nil {
		return err
	}
	if !r.ordered {
		all := r.all
		slices.SortFunc(all, func(a, b execution) int { return cmp.Compare(b.RunID, a.RunID) })
		r = c.newExecutionRead(now)
		for _, e := range all {
			r.seen[e.RunID] = true
			if !r.process(e) {
				break
			}
		}
	}
	c.state = r.commit()
	snap.Assets = make([]backup.Asset, 0, len(c.state.assets))
	for _, id := range slices.Sorted(maps.Keys(c.state.assets)) {
		snap.Assets = append(snap.Assets, *c.state.assets[id])
	}
	snap.Jobs = r.jobs
	snap.JobTypes = []backup.JobType{backup.JobOther}
	snap.JobsRunning = map[backup.JobType]int{backup.JobOther: r.active - r.queued}
	snap.JobsQueued = map[backup.JobType]int{backup.JobOther: r.queued}
	return nil
}

// newExecutionRead starts one refresh's pass over the executions.
func (c *Client) newExecutionRead(now time.Time) *executionRead {
	return &executionRead{
		prev:          &c.state,
		lookbackStart: now.Add(-c.lookback),
		historyStart:  now.Add(-c.history),
		seen:          map[int64]bool{},
		fresh:         map[string]*freshAsset{},
		ordered:       true,
	}
}

// executionRead is one refresh's pass over the executions, newest first.
type executionRead struct {
	prev                        *executionState
	lookbackStart, historyStart time.Time

	// seen dedupes runIds: an execution started while paging shifts the
	// offsets, so a page can repeat the last items of the one before.
	seen map[int64]bool
	// ordered stays true while the runIds come strictly newest first;
	// lastRun is the previous one. all keeps every execution read, for a
	// collection that turns out not to be ordered.
	ordered bool
	lastRun int64
	all     []execution
	// stopped is set once process has seen enough.
	stopped bool
	// fresh are the job files this read saw, newest execution first.
	fresh map[string]*freshAsset
	// incomplete counts the job files new to this read still lacking a
	// last success.
	incomplete int

	jobs   []backup.Job
	active int
	// queued are the active executions not started yet (ENQUEUED, READY, N_A).
	queued            int
	maxRun, minActive int64
}

// freshAsset is a job file as this read has seen it so far.
type freshAsset struct {
	asset backup.Asset
	// known is true when a previous refresh already had the job file.
	known bool
	// attempted, finished and succeeded are set by the job file's newest
	// execution, newest finished one and newest successful one.
	attempted, finished, succeeded bool
}

// visit takes one page of executions and reports whether to read on: while
// the order holds, until process has seen enough; once it breaks, to the
// end of the collection.
func (r *executionRead) visit(page []execution) bool {
	for _, e := range page {
		if r.seen[e.RunID] {
			continue
		}
		r.seen[e.RunID] = true
		r.all = append(r.all, e)
		if r.lastRun != 0 && e.RunID >= r.lastRun {
			r.ordered = false
		}
		r.lastRun = e.RunID
		if r.ordered && !r.stopped && !r.process(e) {
			r.stopped = true
		}
	}
	return !r.ordered || !r.stopped
}

// process takes one execution, the executions coming newest first, and
// reports whether older ones can still tell something.
func (r *executionRead) process(e execution) bool {
	started := e.started()
	if !started.IsZero() && started.Before(r.historyStart) {
		return false
	}
	if e.child() {
		// A child execution (a jobflow's graph, a partition worker)
		// is part of its parent's run, which is the job: it is
		// neither counted nor an attempt of a job file of its own.
		return true
	}
	// Past the watermark every execution was read before: it matters
	// only to a job file new to this read that still lacks its success.
	beyondFloor := r.prev.primed && e.RunID <= r.prev.watermark
	status := normaliseStatus(e.Status)
	if !beyondFloor {
		r.count(e, status)
	}
	r.apply(e, status, beyondFloor)
	passed := beyondFloor || (!r.prev.primed && !started.IsZero() && started.Before(r.lookbackStart))
	return !passed || r.incomplete != 0
}

// count adds an execution to the jobs and the running count, and tracks the
// runIds that set the next watermark.
func (r *executionRead) count(e execution, status backup.Status) {
	r.maxRun = max(r.maxRun, e.RunID)
	switch {
	case status.Active():
		r.active++
		if status == backup.StatusQueued {
			r.queued++
		}
		if r.minActive == 0 || e.RunID < r.minActive {
			r.minActive = e.RunID
		}
	case status.Finished():
		if end := finishedAt(e); !end.IsZero() && !end.Before(r.lookbackStart) {
			r.jobs = append(r.jobs, backup.Job{ID: strconv.FormatInt(e.RunID, 10), Type: backup.JobOther, Status: status, End: end})
		}
	}
}

// apply updates the job file of e, whose executions arrive newest first.
func (r *executionRead) apply(e execution, status backup.Status, beyondFloor bool) {
	if e.JobFile == "" {
		return
	}
	id := e.SandboxCode + "/" + strings.TrimPrefix(e.JobFile, "/")
	f := r.fresh[id]
	if beyondFloor && (f == nil || f.known || f.succeeded) {
		return
	}
	if f == nil {
		_, known := r.prev.assets[id]
		f = &freshAsset{known: known, asset: backup.Asset{
			ID:        id,
			Name:      e.JobFile,
			Type:      assetType(e.JobFile),
			Tenant:    e.SandboxCode,
			Protected: true,
		}}
		r.fresh[id] = f
		if !known {
			r.incomplete++
		}
	}
	if !f.attempted {
		f.attempted = true
		f.asset.LastStatus = status
		f.asset.LastAttempt = e.started()
		if status.Finished() {
			f.asset.LastAttempt = finishedAt(e)
		}
	}
	if status.Finished() && !f.finished {
		f.finished = true
		f.asset.LastDuration = e.duration()
	}
	if status == backup.StatusSuccess && !f.succeeded {
		f.succeeded = true
		f.asset.LastSuccess = finishedAt(e)
		if !f.known {
			r.incomplete--
		}
	}
}

// commit merges the read into the remembered state. A job file's newest
// execution in this read is its latest attempt; its last success and last
// duration are carried forward when the read saw no newer ones. Job files
// whose latest attempt has left the history window are forgotten, as a first
// refresh would not find them.
func (r *executionRead) commit() executionState {
	next := executionState{primed: true, watermark: max(r.prev.watermark, r.maxRun), assets: map[string]*backup.Asset{}}
	if r.minActive > 0 {
		next.watermark = r.minActive - 1
	}
	for id, a := range r.prev.assets {
		next.assets[id] = a
	}
	for id, f := range r.fresh {
		a := f.asset
		if old := r.prev.assets[id]; old != nil {
			if !f.succeeded {
				a.LastSuccess = old.LastSuccess
			}
			if !f.finished {
				a.LastDuration = old.LastDuration
			}
		}
		next.assets[id] = &a
	}
	for id, a := range next.assets {
		if !a.LastAttempt.IsZero() && a.LastAttempt.Before(r.historyStart) {
			delete(next.assets, id)
		}
	}
	return next
}

// finishedAt is when a finished execution ended: its end time, else its
// start plus its duration, else its start.
func finishedAt(e execution) time.Time {
	if end := e.end(); !end.IsZero() {
		return end
	}
	if d := e.duration(); d != nil && !e.StartTime.IsZero() {
		return e.StartTime.Add(*d)
	}
	return e.started()
}

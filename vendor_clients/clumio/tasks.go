package clumio

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

var tasksResource = resource{
	name:   "tasks",
	path:   "/tasks",
	accept: "application/api.clumio.tasks=v1+json",
}

// jobCategories are the task categories that are backup jobs; system,
// report-generation and management tasks are not.
var jobCategories = []string{"backup", "restore", "snapshot", "snapshot_restore"}

// jobTypes are the job types a Clumio target has (jobType of jobCategories).
var jobTypes = []backup.JobType{backup.JobBackup, backup.JobRestore, backup.JobSnapshot}

const (
	// watermarkOverlap re-reads the last minutes before the newest task
	// seen, so that a task that becomes visible late (or with a slightly
	// earlier created_timestamp) is not skipped. Tasks read twice are
	// harmless: the engine counts each job id once.
	watermarkOverlap = 5 * time.Minute
	// maxUnfinished bounds the queued and running tasks kept to re-check;
	// past it the oldest are forgotten (their asset's next task or the
	// inventory's status then takes over).
	maxUnfinished = 5000
	// recheckChunk is how many task ids one request for the final status
	// of finished tasks asks for, to keep the filter (and the URL) short.
	recheckChunk = 50
)

// taskTracker is the tasks state kept between refreshes: where the next
// refresh starts reading, the tasks still running, and each asset's task
// history.
type taskTracker struct {
	// watermark is the created_timestamp the next refresh lists from; zero
	// before the first good refresh.
	watermark time.Time
	// unfinished are the queued and running tasks, re-read by id until they
	// finish.
	unfinished map[string]trackedTask
	// byAsset is the backup-task history of each asset, by Clumio asset id
	// (the tasks' primary_entity.id).
	byAsset map[string]*assetHistory
	// lastRestore is the end of each asset's newest completed restore task,
	// by the restore's primary_entity.id, carried forward from refresh to
	// refresh.
	lastRestore map[string]time.Time
	// restoresRead is set once the completed restores of the history window
	// have been read; until then every refresh asks for them.
	restoresRead bool
}

// trackedTask is an unfinished task; queued until it starts.
type trackedTask struct {
	jobType backup.JobType
	created time.Time
	queued  bool
}

// assetHistory is what an asset's backup tasks said.
type assetHistory struct {
	// latestID, latestStatus and latestAt describe the newest task (by
	// creation): latestAt is its end, or its start while it runs, and zero
	// while it is queued.
	latestID      string
	latestCreated time.Time
	latestStatus  backup.Status
	latestAt      time.Time
	// lastFinished and lastDuration are the end and duration of the newest
	// finished task.
	lastFinished time.Time
	lastDuration *time.Duration
	// lastSuccess is the end of the newest completed task.
	lastSuccess time.Time
}

func newTaskTracker() taskTracker {
	return taskTracker{unfinished: map[string]trackedTask{}, byAsset: map[string]*assetHistory{}, lastRestore: map[string]time.Time{}}
}

// unfinishedStatuses are the task statuses that are not final, and
// finishedStatuses those that are (clumio.md 1.7.1).
var (
	unfinishedStatuses = []string{"queued", "in_progress", "aborting"}
	finishedStatuses   = []string{"completed", "failed", "aborted"}
)

// fetchTasks lists the job tasks created since the watermark (the lookback
// window on the first refresh) and re-reads the unfinished tasks it
// tracks. It returns the tasks and the set of ids re-read.
//
// The API has no filter on a task's update time, so learning that the
// tracked tasks are still running costs one listing of the unfinished job
// tasks (status $in, a page per page_size tasks); only the tracked tasks
// missing from it (finished since, or gone) are then read by id ($in,
// recheckChunk a request) for their final status.
//
// The first refresh needs no longer history than the lookback for backups:
// each asset's last success comes from the inventory's
// last_backup_timestamp. Restores have no such summary, so until it
// succeeds once a refresh also lists the completed restores of the history
// window (fetchRestoreHistory).
func (c *Client) fetchTasks(ctx context.Context, now time.Time) ([]task, map[string]bool, error) {
	tasks, rechecked, err := c.fetchJobTasks(ctx, now)
	if err != nil || c.tasks.restoresRead {
		return tasks, rechecked, err
	}
	restores, err := c.fetchRestoreHistory(ctx, now)
	if err != nil {
		return nil, nil, err
	}
	c.tasks.restoresRead = true
	return append(tasks, restores...), rechecked, nil
}

// fetchJobTasks reads the job tasks new since the watermark and the final
// status of the tracked unfinished ones, as fetchTasks describes.
func (c *Client) fetchJobTasks(ctx context.Context, now time.Time) ([]task, map[string]bool, error) {
	since := c.tasks.watermark
	if floor := now.Add(-c.lookback); since.Before(floor) {
		since = floor
	}
	created := Filter{}.Since("created_timestamp", since).In("category", jobCategories...)
	if len(c.tasks.unfinished) == 0 {
		tasks, err := list[task](ctx, c, tasksResource, listQuery{Filter: created})
		return tasks, map[string]bool{}, err
	}
	// With tasks to follow, the new tasks are read in two listings that do
	// not overlap: those finished, created since the watermark, and every
	// unfinished one created since the oldest tracked (or the watermark,
	// if earlier), which holds both the new unfinished tasks and the
	// tracked ones still running. Older tasks still running are not
	// tracked and need not be read.
	oldest := since
	for _, u := range c.tasks.unfinished {
		if u.created.Before(oldest) {
			oldest = u.created
		}
	}
	queries := []listQuery{
		{Filter: created.In("status", finishedStatuses...)},
		{Filter: Filter{}.In("status", unfinishedStatuses...).In("category", jobCategories...).Since("created_timestamp", oldest)},
	}
	results := make([][]task, len(queries))
	err := httpapi.ForEach(ctx, len(queries), c.api.MaxConcurrency(), func(ctx context.Context, i int) error {
		ts, err := list[task](ctx, c, tasksResource, queries[i])
		results[i] = ts
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	rechecked := make(map[string]bool, len(c.tasks.unfinished))
	stillUnfinished := make(map[string]bool, len(results[1]))
	for _, t := range results[1] {
		stillUnfinished[t.ID] = true
		if _, tracked := c.tasks.unfinished[t.ID]; tracked {
			rechecked[t.ID] = true
		}
	}
	var gone []string
	for id := range c.tasks.unfinished {
		if !stillUnfinished[id] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	chunks := slices.Collect(slices.Chunk(gone, recheckChunk))
	finished := make([][]task, len(chunks))
	err = httpapi.ForEach(ctx, len(chunks), c.api.MaxConcurrency(), func(ctx context.Context, i int) error {
		ts, err := list[task](ctx, c, tasksResource, listQuery{Filter: Filter{}.In("id", chunks[i]...)})
		finished[i] = ts
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	for _, id := range gone {
		rechecked[id] = true
	}
	return slices.Concat(append(results, finished...)...), rechecked, nil
}

// apply folds a good tasks read into the tracker. It returns the finished
// jobs that ended within lookback and the running and queued jobs by type.
func (tr *taskTracker) apply(tasks []task, rechecked map[string]bool, now time.Time, lookback time.Duration, logger *slog.Logger) ([]backup.Job, map[backup.JobType]int) {
	var (
		jobs       []backup.Job
		newest     time.Time
		seen       = make(map[string]bool, len(tasks))
		windowFrom = now.Add(-lookback)
	)
	for _, t := range tasks {
		if t.ID == "" || seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		created := t.CreatedTimestamp.Time
		if created.After(newest) {
			newest = created
		}
		status, jt := taskStatus(t.Status), jobType(t.Category)
		if t.Category == "backup" && t.PrimaryEntity != nil && t.PrimaryEntity.ID != "" {
			h := tr.byAsset[t.PrimaryEntity.ID]
			if h == nil {
				h = &assetHistory{}
				tr.byAsset[t.PrimaryEntity.ID] = h
			}
			h.observe(t, status)
		}
		if slices.Contains(restoreCategories, t.Category) && status == backup.StatusSuccess && t.PrimaryEntity != nil && t.PrimaryEntity.ID != "" {
			if end := taskEnd(t); end.After(tr.lastRestore[t.PrimaryEntity.ID]) {
				tr.lastRestore[t.PrimaryEntity.ID] = end
			}
		}
		switch {
		case status.Finished():
			delete(tr.unfinished, t.ID)
			if end := taskEnd(t); !end.Before(windowFrom) {
				jobs = append(jobs, backup.Job{ID: t.ID, Type: jt, Status: status, End: end})
			}
		case status.Active():
			tr.unfinished[t.ID] = trackedTask{jobType: jt, created: created, queued: status == backup.StatusQueued}
		}
	}
	// A re-checked task the API no longer returns was deleted or left the
	// OU: stop waiting for it.
	for id := range rechecked {
		if !seen[id] {
			delete(tr.unfinished, id)
		}
	}
	if over := len(tr.unfinished) - maxUnfinished; over > 0 {
		tr.dropOldestUnfinished(over)
		logger.Warn("clumio: too many unfinished tasks to track; forgot the oldest", "forgotten", over, "kept", maxUnfinished)
	}
	if wm := newest.Add(-watermarkOverlap); wm.After(tr.watermark) {
		tr.watermark = wm
	}

	running := make(map[backup.JobType]int, len(jobTypes))
	for _, jt := range jobTypes {
		running[jt] = 0
	}
	for _, u := range tr.unfinished {
		if !u.queued {
			running[u.jobType]++
		}
	}
	return jobs, running
}

// queued counts the tracked tasks still queued, by type.
func (tr *taskTracker) queued() map[backup.JobType]int {
	queued := make(map[backup.JobType]int, len(jobTypes))
	for _, jt := range jobTypes {
		queued[jt] = 0
	}
	for _, u := range tr.unfinished {
		if u.queued {
			queued[u.jobType]++
		}
	}
	return queued
}

// dropOldestUnfinished forgets the n oldest unfinished tasks.
func (tr *taskTracker) dropOldestUnfinished(n int) {
	type aged struct {
		id      string
		created time.Time
	}
	all := make([]aged, 0, len(tr.unfinished))
	for id, u := range tr.unfinished {
		all = append(all, aged{id, u.created})
	}
	slices.SortFunc(all, func(a, b aged) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for _, a := range all[:n] {
		delete(tr.unfinished, a.id)
	}
}

// prune forgets the history of assets no longer in the inventory, so that
// the tracker's memory follows the estate.
func (tr *taskTracker) prune(assets []backup.Asset) {
	keep := make(map[string]bool, len(assets))
	for _, a := range assets {
		keep[a.ID] = true
	}
	for id := range tr.byAsset {
		if !keep[id] {
			delete(tr.byAsset, id)
		}
	}
	for id := range tr.lastRestore {
		if !keep[id] {
			delete(tr.lastRestore, id)
		}
	}
}

// observe folds one backup task of the asset into its history. The same
// task read again (running, then finished) updates it in place.
func (h *assetHistory) observe(t task, status backup.Status) {
	created := t.CreatedTimestamp.Time
	if h.latestID == "" || t.ID == h.latestID || created.After(h.latestCreated) {
		h.latestID, h.latestCreated, h.latestStatus = t.ID, created, status
		switch {
		case status.Finished():
			h.latestAt = taskEnd(t)
		case status == backup.StatusRunning:
			h.latestAt = t.StartTimestamp.Time
		default:
			h.latestAt = time.Time{}
		}
	}
	if !status.Finished() {
		return
	}
	end := taskEnd(t)
	if end.After(h.lastFinished) {
		h.lastFinished = end
		h.lastDuration = nil
		if start := t.StartTimestamp.Time; !start.IsZero() && !end.Before(start) {
			h.lastDuration = backup.Duration(end.Sub(start))
		}
	}
	if status == backup.StatusSuccess && end.After(h.lastSuccess) {
		h.lastSuccess = end
	}
}

// taskEnd is when a finished task ended; a finished task without
// end_timestamp falls back to its start, then its creation.
func taskEnd(t task) time.Time {
	for _, ts := range []timestamp{t.EndTimestamp, t.StartTimestamp, t.CreatedTimestamp} {
		if !ts.IsZero() {
			return ts.Time
		}
	}
	return time.Time{}
}

// taskStatus normalises a task status (cross-vendor.md); an unknown value is
// neither finished nor active.
func taskStatus(s string) backup.Status {
	switch s {
	case "completed":
		return backup.StatusSuccess
	case "failed":
		return backup.StatusFailed
	case "aborted":
		return backup.StatusAborted
	case "queued":
		return backup.StatusQueued
	case "in_progress", "aborting":
		return backup.StatusRunning
	}
	return backup.StatusUnknown
}

// jobType normalises a task category.
func jobType(category string) backup.JobType {
	switch category {
	case "backup":
		return backup.JobBackup
	case "restore", "snapshot_restore":
		return backup.JobRestore
	case "snapshot":
		return backup.JobSnapshot
	}
	return backup.JobOther
}

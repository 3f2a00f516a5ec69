package clumio

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestIncrementalTasks runs two refreshes: the second must list only the
// finished tasks created since the watermark (newest seen minus the
// overlap), list the unfinished tasks by status, read by id only the one
// that finished in between, and report it and the new task.
func TestIncrementalTasks(t *testing.T) {
	srv := fakeAt(85)
	now := testNow
	c := newClient(t, srv, nil)
	c.now = func() time.Time { return now }

	first, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// Between the refreshes: one running backup finishes and a new backup
	// task is created and completes.
	var (
		finishedID, finishedAsset string
		newest                    time.Time
		unfinished                []string
	)
	end := testNow.Add(8 * time.Minute)
	srv.Update(func(d *clumiofake.Data) {
		for i := range d.Tasks {
			ft := &d.Tasks[i]
			if ft.Created.After(newest) {
				newest = ft.Created
			}
			switch ft.Status {
			case "in_progress":
				if finishedID == "" && ft.Category == "backup" {
					ft.Status, ft.End = "completed", end
					finishedID, finishedAsset = ft.ID, ft.PrimaryEntity.ID
				}
				unfinished = append(unfinished, ft.ID)
			case "queued", "aborting":
				unfinished = append(unfinished, ft.ID)
			}
		}
		d.Tasks = append(d.Tasks, clumiofake.Task{
			ID: "999999", Type: "aws_ebs_volume_backup", Category: "backup", Status: "completed",
			Created: testNow.Add(2 * time.Minute), Start: testNow.Add(2 * time.Minute), End: end,
			PrimaryEntity: d.Assets[0].Entity(), OUID: d.Assets[0].OUID,
		}, clumiofake.Task{
			// A new task still queued: the listing by status brings it.
			ID: "999998", Type: "aws_ebs_volume_backup", Category: "backup", Status: "queued",
			Created: testNow.Add(3 * time.Minute), PrimaryEntity: d.Assets[1].Entity(), OUID: d.Assets[1].OUID,
		})
	})
	if finishedID == "" {
		t.Fatal("the fake has no running backup task")
	}
	before := len(srv.Queries("/tasks"))
	now = testNow.Add(10 * time.Minute)
	second, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	var recheckedIDs []string
	var listed []string
	statusListings := 0
	for _, q := range srv.Queries("/tasks")[before:] {
		var f map[string]map[string]json.RawMessage
		if err := json.Unmarshal([]byte(q.Get("filter")), &f); err != nil {
			t.Fatalf("filter %q: %v", q.Get("filter"), err)
		}
		if st, ok := f["status"]; ok && strings.Contains(string(st["$in"]), `"in_progress"`) {
			if f["category"] == nil || f["created_timestamp"] == nil {
				t.Errorf("unfinished tasks listed with filter %s, want the job categories created since the oldest tracked", q.Get("filter"))
			}
			statusListings++
			continue
		}
		if ids, ok := f["id"]; ok {
			var v []string
			_ = json.Unmarshal(ids["$in"], &v)
			recheckedIDs = append(recheckedIDs, v...)
			continue
		}
		var since string
		_ = json.Unmarshal(f["created_timestamp"]["$gte"], &since)
		listed = append(listed, since)
		if !strings.Contains(string(f["status"]["$in"]), `"completed"`) {
			t.Errorf("new tasks listed with filter %s, want only the finished ones (the unfinished come with the listing by status)", q.Get("filter"))
		}
	}
	wantSince := newest.Add(-watermarkOverlap).UTC().Format(time.RFC3339)
	if len(listed) == 0 || listed[0] != wantSince {
		t.Errorf("second refresh listed tasks since %v, want %s (newest seen %s minus the overlap)", listed, wantSince, newest)
	}
	// The unfinished tasks are listed by status in one request (they fit
	// a page); only the one that finished since is read by id.
	if statusListings != 1 || !slices.Equal(recheckedIDs, []string{finishedID}) {
		t.Errorf("%d listings by status, read by id %v; want one listing and only the finished task %s (of the unfinished %v)",
			statusListings, recheckedIDs, finishedID, unfinished)
	}

	jobs := map[string]backup.Job{}
	for _, j := range second.Jobs {
		jobs[j.ID] = j
	}
	for _, id := range []string{finishedID, "999999"} {
		if j, ok := jobs[id]; !ok || j.Status != backup.StatusSuccess || !j.End.Equal(end) {
			t.Errorf("job %s = %+v, want a success ending %s", id, j, end)
		}
	}
	// One running backup finished, one new one is queued.
	if got, want := second.JobsRunning[backup.JobBackup]+second.JobsQueued[backup.JobBackup], first.JobsRunning[backup.JobBackup]+first.JobsQueued[backup.JobBackup]; got != want {
		t.Errorf("running and queued backups %d, want %d", got, want)
	}
	if got, want := second.JobsQueued[backup.JobBackup], first.JobsQueued[backup.JobBackup]+1; got != want {
		t.Errorf("queued backups %d, want %d", got, want)
	}
	for _, a := range second.Assets {
		if a.ID == finishedAsset && (a.LastStatus != backup.StatusSuccess || !a.LastSuccess.Equal(end) || !a.LastAttempt.Equal(end)) {
			t.Errorf("asset of the finished task: status %s, last success %s, last attempt %s; want success at %s", a.LastStatus, a.LastSuccess, a.LastAttempt, end)
		}
	}
}

// TestTaskStateBounded checks that the unfinished tasks kept are bounded and
// that the watermark never goes back.
func TestTaskStateBounded(t *testing.T) {
	tr := newTaskTracker()
	var tasks []task
	for i := range maxUnfinished + 10 {
		tasks = append(tasks, task{
			ID: "t" + strconv.Itoa(i), Category: "backup", Status: "queued",
			CreatedTimestamp: timestamp{testNow.Add(time.Duration(i) * time.Second)},
		})
	}
	_, running := tr.apply(tasks, nil, testNow, 24*time.Hour, slog.New(slog.DiscardHandler))
	if queued := tr.queued(); len(tr.unfinished) != maxUnfinished || queued[backup.JobBackup] != maxUnfinished || running[backup.JobBackup] != 0 {
		t.Errorf("kept %d unfinished (queued %d, running %d), want %d queued", len(tr.unfinished), queued[backup.JobBackup], running[backup.JobBackup], maxUnfinished)
	}
	if _, ok := tr.unfinished["t0"]; ok {
		t.Error("the oldest unfinished task was kept")
	}
	wm := tr.watermark
	tr.apply([]task{{ID: "old", Category: "backup", Status: "completed", CreatedTimestamp: timestamp{testNow.Add(-time.Hour)}}}, nil, testNow, 24*time.Hour, slog.New(slog.DiscardHandler))
	if !tr.watermark.Equal(wm) {
		t.Errorf("watermark moved back from %s to %s", wm, tr.watermark)
	}
}

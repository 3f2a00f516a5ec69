package clumio

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestLastRestore follows each asset's last restore: the first refresh
// reads the completed restores of the history window (older than the
// lookback too), failed and running restores do not count, a later refresh
// adds a new restore from its incremental read, and the value is carried
// forward once the restore leaves every window read.
func TestLastRestore(t *testing.T) {
	srv := fakeAt(20)
	now := testNow
	c := newClient(t, srv, nil)
	c.now = func() time.Time { return now }

	var old, failed, fresh, never clumiofake.Asset
	restore := func(d *clumiofake.Data, id string, a clumiofake.Asset, category, status string, created time.Time) {
		end := created.Add(20 * time.Minute)
		if status != "completed" && status != "failed" {
			end = time.Time{}
		}
		d.Tasks = append(d.Tasks, clumiofake.Task{ID: id, Type: a.Type + "_restore", Category: category, Status: status,
			Created: created, Start: created, End: end, PrimaryEntity: a.Entity(), OUID: a.OUID})
	}
	srv.Update(func(d *clumiofake.Data) {
		d.Tasks = nil // only the tasks of this test
		old, failed, fresh, never = d.Assets[0], d.Assets[1], d.Assets[2], d.Assets[3]
		restore(d, "r-old", old, "restore", "completed", testNow.Add(-20*24*time.Hour))
		restore(d, "r-old-newer", old, "snapshot_restore", "completed", testNow.Add(-10*24*time.Hour))
		restore(d, "r-too-old", never, "restore", "completed", testNow.Add(-40*24*time.Hour)) // before history (35d)
		restore(d, "r-failed", failed, "restore", "failed", testNow.Add(-2*time.Hour))
		restore(d, "r-running", failed, "restore", "in_progress", testNow.Add(-time.Hour))
	})

	lastRestore := func(snap *backup.Snapshot) map[string]time.Time {
		out := map[string]time.Time{}
		for _, a := range snap.Assets {
			if !a.LastRestore.IsZero() {
				out[a.ID] = a.LastRestore
			}
		}
		return out
	}
	snap, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := lastRestore(snap)
	if want := testNow.Add(-10*24*time.Hour + 20*time.Minute); !got[old.ID].Equal(want) || len(got) != 1 {
		t.Fatalf("after the first refresh: %v, want only %s at %s", got, old.ID, want)
	}

	// A later refresh: a new restore of fresh completes; the history is not
	// read again.
	now = testNow.Add(time.Hour)
	srv.Update(func(d *clumiofake.Data) {
		restore(d, "r-fresh", fresh, "restore", "completed", testNow.Add(10*time.Minute))
	})
	before := len(srv.Queries("/tasks"))
	if snap, err = c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	got = lastRestore(snap)
	if !got[old.ID].Equal(testNow.Add(-10*24*time.Hour+20*time.Minute)) || !got[fresh.ID].Equal(testNow.Add(30*time.Minute)) || len(got) != 2 {
		t.Errorf("after the second refresh: %v, want %s carried forward and %s", got, old.ID, fresh.ID)
	}
	for _, q := range srv.Queries("/tasks")[before:] {
		if f := q.Get("filter"); f != "" && !strings.Contains(f, `"backup"`) && !strings.Contains(f, `"id"`) {
			t.Errorf("the second refresh read the restore history again: %s", f)
		}
	}
}

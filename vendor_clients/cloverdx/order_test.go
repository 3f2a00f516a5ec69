package cloverdx

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
)

// TestChildExecutionsAreNotJobs fails on main, where a jobflow's graph
// step (parentRunId set) was a job of its own and its job file an asset.
func TestChildExecutionsAreNotJobs(t *testing.T) {
	srv := cloverdxfake.New(cloverdxfake.Options{Seed: 1, Scale: 20, Now: testNow})
	var data cloverdxfake.Data
	srv.Update(func(d *cloverdxfake.Data) { data = *d })
	children := map[string]bool{}
	parents := map[string]bool{}
	for _, e := range data.Executions {
		if e.ParentRunID != 0 {
			children[e.Sandbox+"/"+e.JobFile] = true
		} else {
			parents[e.Sandbox+"/"+e.JobFile] = true
		}
	}
	if len(children) == 0 {
		t.Fatal("the fake has no child execution")
	}
	snap := fetch(t, newClient(t, serve(t, srv, nil), nil))
	for _, a := range snap.Assets {
		if children[a.ID] && !parents[a.ID] {
			t.Errorf("asset %s runs only as a child, yet is served", a.ID)
		}
	}
	jobs := map[string]bool{}
	for _, j := range snap.Jobs {
		jobs[j.ID] = true
	}
	for _, e := range data.Executions {
		if e.ParentRunID != 0 && jobs[strconv.FormatInt(e.RunID, 10)] {
			t.Errorf("child run %d counted as a job", e.RunID)
		}
	}
}

// TestOrderIsNotAssumed fails on main, which took the first page of an
// oldest-first collection as the newest and stopped there: a server that
// sends the executions oldest first gives the same snapshot as one that
// sends them newest first.
func TestOrderIsNotAssumed(t *testing.T) {
	snapshotOf := func(oldestFirst bool) *backup.Snapshot {
		srv := cloverdxfake.New(cloverdxfake.Options{Seed: 3, Scale: 30, Now: testNow, OldestFirst: oldestFirst})
		return fetch(t, newClient(t, serve(t, srv, nil), nil))
	}
	want, got := snapshotOf(false), snapshotOf(true)
	if len(want.Assets) == 0 || len(want.Jobs) == 0 {
		t.Fatal("the newest-first read found nothing")
	}
	byID := func(s *backup.Snapshot) map[string]backup.Asset {
		m := map[string]backup.Asset{}
		for _, a := range s.Assets {
			m[a.ID] = a
		}
		return m
	}
	wa, ga := byID(want), byID(got)
	if !slices.Equal(slices.Sorted(maps.Keys(wa)), slices.Sorted(maps.Keys(ga))) {
		t.Fatalf("assets %v, want %v", slices.Sorted(maps.Keys(ga)), slices.Sorted(maps.Keys(wa)))
	}
	for id, w := range wa {
		g := ga[id]
		if !g.LastSuccess.Equal(w.LastSuccess) || !g.LastAttempt.Equal(w.LastAttempt) || g.LastStatus != w.LastStatus {
			t.Errorf("%s: last success/attempt/status %s/%s/%s, want %s/%s/%s", id,
				g.LastSuccess, g.LastAttempt, g.LastStatus, w.LastSuccess, w.LastAttempt, w.LastStatus)
		}
	}
	if len(got.Jobs) != len(want.Jobs) || got.JobsRunning[backup.JobOther] != want.JobsRunning[backup.JobOther] {
		t.Errorf("%d jobs, %d running; want %d, %d", len(got.Jobs), got.JobsRunning[backup.JobOther], len(want.Jobs), want.JobsRunning[backup.JobOther])
	}
}

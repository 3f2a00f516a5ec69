package cloverdx

import (
	"context"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
)

// fetch runs one refresh and fails the test on any error.
func fetch(t *testing.T, c *Client) *backup.Snapshot {
	t.Helper()
	snap, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for p, err := range snap.PartErrors {
		if err != nil {
			t.Fatalf("part %s: %v", p, err)
		}
	}
	return snap
}

// assetsByID indexes a snapshot's assets.
func assetsByID(snap *backup.Snapshot) map[string]backup.Asset {
	out := map[string]backup.Asset{}
	for _, a := range snap.Assets {
		out[a.ID] = a
	}
	return out
}

func TestStatusMapping(t *testing.T) {
	start := testNow.Add(-2 * time.Hour)
	cases := []struct {
		status  string
		want    backup.Status
		running bool // active: no end, counted as running
	}{
		{status: "FINISHED_OK", want: backup.StatusSuccess},
		{status: "ERROR", want: backup.StatusFailed},
		{status: "UNKNOWN", want: backup.StatusFailed},
		{status: "TIMEOUT", want: backup.StatusFailed},
		{status: "ABORTED", want: backup.StatusAborted},
		{status: "RUNNING", want: backup.StatusRunning, running: true},
		{status: "WAITING", want: backup.StatusRunning, running: true},
		{status: "ENQUEUED", want: backup.StatusQueued, running: true},
		{status: "READY", want: backup.StatusQueued, running: true},
		{status: "N_A", want: backup.StatusQueued, running: true},
		{status: "PAUSED", want: backup.StatusUnknown},
	}
	var execs []cloverdxfake.Execution
	for _, tc := range cases {
		took := 3 * time.Minute
		if tc.running {
			took = 0
		}
		execs = append(execs, run("etl", "graph/"+tc.status+".grf", tc.status, start, took))
	}
	srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
	srv.Update(func(d *cloverdxfake.Data) { d.Executions = numbered(0, execs) })
	snap := fetch(t, newClient(t, serve(t, srv, nil), nil))
	assets := assetsByID(snap)
	jobs := map[backup.Status]int{}
	for _, j := range snap.Jobs {
		jobs[j.Status]++
	}
	for _, tc := range cases {
		t.Run(tc.status, func(t *testing.T) {
			a, ok := assets["etl/graph/"+tc.status+".grf"]
			if !ok {
				t.Fatal("no asset")
			}
			if a.LastStatus != tc.want {
				t.Errorf("status %s, want %s", a.LastStatus, tc.want)
			}
			wantAttempt, wantDuration := start.Add(3*time.Minute), 3*time.Minute
			if tc.running || tc.want == backup.StatusUnknown {
				wantAttempt = start
			}
			if !a.LastAttempt.Equal(wantAttempt) {
				t.Errorf("last attempt %v, want %v", a.LastAttempt, wantAttempt)
			}
			if got := a.LastDuration; tc.want.Finished() != (got != nil) || (got != nil && *got != wantDuration) {
				t.Errorf("last duration %v, want %v only when finished", got, wantDuration)
			}
			if (tc.want == backup.StatusSuccess) != !a.LastSuccess.IsZero() {
				t.Errorf("last success %v", a.LastSuccess)
			}
			if a.Type != "graph" || a.Tenant != "etl" || a.Name != "graph/"+tc.status+".grf" || !a.Protected {
				t.Errorf("asset %+v", a)
			}
		})
	}
	want := map[backup.Status]int{backup.StatusSuccess: 1, backup.StatusFailed: 3, backup.StatusAborted: 1}
	for s, n := range want {
		if jobs[s] != n {
			t.Errorf("%d %s jobs, want %d", jobs[s], s, n)
		}
	}
	if len(snap.Jobs) != 5 {
		t.Errorf("%d jobs, want the 5 finished", len(snap.Jobs))
	}
	// RUNNING and WAITING run; ENQUEUED, READY and N_A wait in the queue.
	if got := snap.JobsRunning[backup.JobOther]; got != 2 {
		t.Errorf("%d running, want 2", got)
	}
	if got := snap.JobsQueued[backup.JobOther]; got != 3 {
		t.Errorf("%d queued, want 3", got)
	}
}

func TestFirstRefreshDepth(t *testing.T) {
	newest := testNow.Add(-10 * time.Hour)
	cases := []struct {
		name    string
		execs   []cloverdxfake.Execution
		history time.Duration
		// maxRequests bounds the pages read: the stopping page plus, at
		// most, the window of pages already asked for.
		maxRequests int64
		want        map[string]bool // asset → has a last success
	}{
		{
			name:        "every job file satisfied within the lookback",
			execs:       daily("etl", "graph/D.grf", newest, 30, always("FINISHED_OK")),
			maxRequests: 1,
			want:        map[string]bool{"etl/graph/D.grf": true},
		},
		{
			name: "a job file that never succeeded reads to the history horizon",
			execs: append(daily("etl", "graph/D.grf", newest, 40, always("FINISHED_OK")),
				daily("finance", "jobflow/N.jbf", newest, 40, always("ERROR"))...),
			history:     10 * 24 * time.Hour,
			maxRequests: 5 + 3, // 20 runs within 10 days = 4 pages, the 5th stops
			want:        map[string]bool{"etl/graph/D.grf": true, "finance/jobflow/N.jbf": false},
		},
		{
			name: "a failing job file reads back to its last success",
			execs: append(daily("etl", "graph/D.grf", newest, 30, always("FINISHED_OK")),
				daily("finance", "graph/F.grf", newest, 30, func(k int) string {
					if k < 6 {
						return "ERROR"
					}
					return "FINISHED_OK"
				})...),
			maxRequests: 3 + 3, // F's success is the 13th newest run: page 3
			want:        map[string]bool{"etl/graph/D.grf": true, "finance/graph/F.grf": true},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
			srv.Update(func(d *cloverdxfake.Data) { d.Executions = numbered(0, tc.execs) })
			c := newClient(t, serve(t, srv, nil), func(t *config.Target) {
				t.PageSize = 5
				if tc.history > 0 {
					t.History = tc.history
				}
			})
			snap := fetch(t, c)
			if n := executionRequests(srv); n > tc.maxRequests {
				t.Errorf("%d pages read, want at most %d", n, tc.maxRequests)
			}
			assets := assetsByID(snap)
			if len(assets) != len(tc.want) {
				t.Errorf("assets %v, want %v", assets, tc.want)
			}
			for id, success := range tc.want {
				if !assets[id].LastSuccess.IsZero() != success {
					t.Errorf("%s: last success %v, want one: %v", id, assets[id].LastSuccess, success)
				}
			}
			for _, j := range snap.Jobs {
				if j.End.Before(testNow.Add(-24 * time.Hour)) {
					t.Errorf("job %s ended %v, before the lookback", j.ID, j.End)
				}
			}
		})
	}
}

func TestIncrementalRefresh(t *testing.T) {
	newest := testNow.Add(-10 * time.Hour)
	srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
	first := numbered(0,
		daily("etl", "graph/D.grf", newest, 20, always("FINISHED_OK")),
		daily("finance", "graph/F.grf", newest, 20, func(k int) string {
			if k < 2 {
				return "ERROR"
			}
			return "FINISHED_OK"
		}),
		daily("etl", "jobflow/N.jbf", newest, 20, always("ERROR")),
	)
	// numbered sorts by submission: the last run has the highest id.
	lastID := first[len(first)-1].RunID
	srv.Update(func(d *cloverdxfake.Data) { d.Executions = first })
	c := newClient(t, serve(t, srv, nil), func(t *config.Target) { t.PageSize = 10 })
	before := assetsByID(fetch(t, c))

	type step struct {
		name         string
		change       func(d *cloverdxfake.Data)
		wantRequests int64
		wantJobs     int
		wantRunning  int
		check        func(t *testing.T, assets map[string]backup.Asset)
	}
	dRun := run("etl", "graph/D.grf", "RUNNING", testNow.Add(-30*time.Minute), 0)
	dRun.RunID = lastID + 2
	steps := []step{
		{
			name: "nothing new reads one page", change: func(*cloverdxfake.Data) {}, wantRequests: 1,
			check: func(t *testing.T, assets map[string]backup.Asset) {
				for id, a := range before {
					if !equalAsset(assets[id], a) {
						t.Errorf("%s changed: %+v, was %+v", id, assets[id], a)
					}
				}
			},
		},
		{
			name: "new runs: F succeeds, D starts",
			change: func(d *cloverdxfake.Data) {
				f := run("finance", "graph/F.grf", "FINISHED_OK", testNow.Add(-40*time.Minute), 2*time.Minute)
				f.RunID = lastID + 1
				d.Executions = append(d.Executions, f, dRun)
			},
			wantRequests: 1, wantJobs: 1, wantRunning: 1,
			check: func(t *testing.T, assets map[string]backup.Asset) {
				if f := assets["finance/graph/F.grf"]; f.LastStatus != backup.StatusSuccess || !f.LastSuccess.Equal(testNow.Add(-38*time.Minute)) {
					t.Errorf("F: %+v", f)
				}
				d, old := assets["etl/graph/D.grf"], before["etl/graph/D.grf"]
				if d.LastStatus != backup.StatusRunning || !d.LastAttempt.Equal(dRun.Started) {
					t.Errorf("D: status %s attempt %v, want running since %v", d.LastStatus, d.LastAttempt, dRun.Started)
				}
				if !d.LastSuccess.Equal(old.LastSuccess) || *d.LastDuration != *old.LastDuration {
					t.Errorf("D's last success and duration not carried forward: %+v", d)
				}
				if n := assets["etl/jobflow/N.jbf"]; !n.LastSuccess.IsZero() || n.LastStatus != backup.StatusFailed {
					t.Errorf("N: %+v", n)
				}
			},
		},
		{
			name: "the running run finishes and is read again",
			change: func(d *cloverdxfake.Data) {
				for i := range d.Executions {
					if d.Executions[i].RunID == dRun.RunID {
						d.Executions[i].Status = "FINISHED_OK"
						d.Executions[i].Ended = dRun.Started.Add(20 * time.Minute)
					}
				}
			},
			wantRequests: 1, wantJobs: 1,
			check: func(t *testing.T, assets map[string]backup.Asset) {
				d := assets["etl/graph/D.grf"]
				if d.LastStatus != backup.StatusSuccess || !d.LastSuccess.Equal(dRun.Started.Add(20*time.Minute)) || *d.LastDuration != 20*time.Minute {
					t.Errorf("D: %+v", d)
				}
			},
		},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			srv.Update(s.change)
			srv.Faults.ResetCounts()
			snap := fetch(t, c)
			if n := executionRequests(srv); n != s.wantRequests {
				t.Errorf("%d pages read, want %d", n, s.wantRequests)
			}
			if len(snap.Jobs) != s.wantJobs || snap.JobsRunning[backup.JobOther] != s.wantRunning {
				t.Errorf("%d jobs and %d running, want %d and %d", len(snap.Jobs), snap.JobsRunning[backup.JobOther], s.wantJobs, s.wantRunning)
			}
			assets := assetsByID(snap)
			if len(assets) != 3 {
				t.Errorf("%d assets, want 3", len(assets))
			}
			s.check(t, assets)
		})
	}
}

// equalAsset compares assets, durations by value.
func equalAsset(a, b backup.Asset) bool {
	if (a.LastDuration == nil) != (b.LastDuration == nil) || (a.LastDuration != nil && *a.LastDuration != *b.LastDuration) {
		return false
	}
	a.LastDuration, b.LastDuration = nil, nil
	return a == b
}

func TestNewJobFileReadsBack(t *testing.T) {
	newest := testNow.Add(-10 * time.Hour)
	weekly := run("etl", "graph/W.grf", "FINISHED_OK", testNow.Add(-5*24*time.Hour), 4*time.Minute)
	execs := numbered(0, daily("etl", "graph/D.grf", newest, 30, always("FINISHED_OK")), []cloverdxfake.Execution{weekly})
	lastID := execs[len(execs)-1].RunID
	srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
	srv.Update(func(d *cloverdxfake.Data) { d.Executions = execs })
	c := newClient(t, serve(t, srv, nil), func(t *config.Target) { t.PageSize = 5 })

	first := assetsByID(fetch(t, c))
	if _, ok := first["etl/graph/W.grf"]; ok || len(first) != 1 {
		t.Fatalf("first refresh read past the lookback: %v", first)
	}
	failed := run("etl", "graph/W.grf", "ERROR", testNow.Add(-time.Hour), time.Minute)
	failed.RunID = lastID + 1
	srv.Update(func(d *cloverdxfake.Data) { d.Executions = append(d.Executions, failed) })
	second := assetsByID(fetch(t, c))
	w := second["etl/graph/W.grf"]
	if w.LastStatus != backup.StatusFailed || !w.LastSuccess.Equal(weekly.Started.Add(4*time.Minute)) {
		t.Errorf("W: status %s, last success %v, want failed with the success of 5 days ago", w.LastStatus, w.LastSuccess)
	}
	if !equalAsset(second["etl/graph/D.grf"], first["etl/graph/D.grf"]) {
		t.Errorf("D changed by the runs read past the watermark: %+v", second["etl/graph/D.grf"])
	}
}

func TestForgetsJobFilesPastHistory(t *testing.T) {
	srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
	srv.Update(func(d *cloverdxfake.Data) {
		d.Executions = numbered(0,
			daily("etl", "graph/Old.grf", testNow.Add(-30*24*time.Hour), 1, always("FINISHED_OK")),
			daily("etl", "graph/N.grf", testNow.Add(-time.Hour), 31, always("ERROR")),
		)
	})
	c := newClient(t, serve(t, srv, nil), nil)
	if _, ok := assetsByID(fetch(t, c))["etl/graph/Old.grf"]; !ok {
		t.Fatal("Old not read on the first refresh")
	}
	c.now = func() time.Time { return testNow.Add(10 * 24 * time.Hour) }
	if a, ok := assetsByID(fetch(t, c))["etl/graph/Old.grf"]; ok {
		t.Errorf("Old, last run 40 days ago, kept past the 35 days of history: %+v", a)
	}
}

package cloutility

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

// hoursAgo is testNow minus n hours.
func hoursAgo(n float64) time.Time { return testNow.Add(-time.Duration(n * float64(time.Hour))) }

func fetch(t *testing.T, c *Client) *backup.Snapshot {
	t.Helper()
	snap, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func assetByID(t *testing.T, snap *backup.Snapshot, id string) backup.Asset {
	t.Helper()
	for _, a := range snap.Assets {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no asset %s", id)
	return backup.Asset{}
}

// TestAssetMapping checks each case of cloutilityfake.Cases on the asset it
// becomes.
func TestAssetMapping(t *testing.T) {
	f := newFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, nil)
	snap := fetch(t, f.client)
	for p, err := range snap.PartErrors {
		if err != nil {
			t.Errorf("part %s: %v", p, err)
		}
	}
	gib := float64(GiB)
	tests := []struct {
		name, id    string
		tenant      string
		protected   bool
		lastSuccess time.Time
		lastAttempt time.Time
		status      backup.Status
		size        *float64
		lastSeen    time.Time
		duration    *time.Duration
		transferred *float64
		lastRestore time.Time
	}{
		{name: "newest backup missed, a restore completed", id: "10", tenant: "Acme", protected: true,
			lastSuccess: hoursAgo(10), lastAttempt: hoursAgo(2), status: backup.StatusMissed,
			size: backup.Float(gib), lastSeen: hoursAgo(1), lastRestore: hoursAgo(5)},
		{name: "no job, filespace backup, no check-in", id: "11", tenant: "Beta", protected: true,
			lastSuccess: hoursAgo(30)},
		{name: "decommissioned node", id: "12", tenant: "Beta",
			size: backup.Float(2 * gib), lastSeen: hoursAgo(24 * 40)},
		{name: "weekly success beyond the lookback", id: "13", tenant: "Acme", protected: true,
			lastSuccess: hoursAgo(24 * 6), lastAttempt: hoursAgo(24 * 6), status: backup.StatusSuccess,
			size: backup.Float(256 * MiB), lastSeen: hoursAgo(3),
			duration: backup.Duration(time.Hour)}, // no `duration`: completed − actualStart
		{name: "pending consumer without node", id: "14", tenant: "Reseller"},
		{name: "backup running, a restore queued (no last restore)", id: "15", tenant: "Reseller", protected: true,
			lastSuccess: hoursAgo(30), lastAttempt: hoursAgo(1), status: backup.StatusRunning,
			size: backup.Float(512 * MiB), lastSeen: hoursAgo(0.5),
			duration: backup.Duration(time.Hour), transferred: backup.Float(300 * MiB)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := assetByID(t, snap, tt.id)
			check := func(what string, got, want any) {
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("tenant", a.Tenant, tt.tenant)
			check("type", a.Type, assetType)
			check("protected", a.Protected, tt.protected)
			check("last success", a.LastSuccess, tt.lastSuccess)
			check("last attempt", a.LastAttempt, tt.lastAttempt)
			check("last status", a.LastStatus, tt.status)
			check("last seen", a.LastSeen, tt.lastSeen)
			check("size", deref(a.SizeBytes), deref(tt.size))
			check("duration", derefD(a.LastDuration), derefD(tt.duration))
			check("transferred", deref(a.LastTransferredBytes), deref(tt.transferred))
			check("last restore", a.LastRestore, tt.lastRestore)
		})
	}

	t.Run("jobs", func(t *testing.T) {
		var got []string
		for _, j := range snap.Jobs {
			got = append(got, fmt.Sprintf("%s %s %s", j.ID, j.Type, j.Status))
		}
		slices.Sort(got)
		want := []string{"1002 backup warning", "1003 restore success", "1004 backup missed"}
		if !slices.Equal(got, want) {
			t.Errorf("jobs = %q, want %q", got, want)
		}
		// run-06's backup runs; its restore is Pending (queued).
		if r, q := snap.JobsRunning, snap.JobsQueued; r[backup.JobBackup] != 1 || r[backup.JobRestore] != 0 || q[backup.JobRestore] != 1 || q[backup.JobBackup] != 0 {
			t.Errorf("running = %v, queued = %v; want one backup running and one restore queued", r, q)
		}
	})
	t.Run("storage", func(t *testing.T) {
		var got []string
		for _, s := range snap.Storage {
			got = append(got, fmt.Sprintf("%s/%s %s used=%v limit=%v", s.Scope, s.ScopeID, s.ScopeName, deref(s.UsedBytes), deref(s.LimitBytes)))
		}
		want := []string{
			fmt.Sprintf("consumer/15 run-06 used=%v limit=<nil>", 512.0*MiB),
			fmt.Sprintf("consumer/10 web-01 used=%v limit=%v", gib, 2*gib),
			fmt.Sprintf("consumer/13 weekly-04 used=%v limit=<nil>", 256.0*MiB),
			fmt.Sprintf("consumer/12 old-03 used=%v limit=<nil>", 2*gib),
			fmt.Sprintf("business_unit/1 Reseller used=%v limit=<nil>", 3*gib+768*MiB),
			fmt.Sprintf("business_unit/2 Acme used=%v limit=%v", 3*gib+256*MiB, gib),
			fmt.Sprintf("business_unit/3 Beta used=%v limit=<nil>", 2*gib),
		}
		if !slices.Equal(got, want) {
			t.Errorf("storage =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("alerts", func(t *testing.T) {
		var got []string
		for _, a := range snap.Alerts {
			got = append(got, string(a.Severity)+" "+a.Type)
		}
		want := []string{"warning storage_above_limit", "error no_activity"}
		if !slices.Equal(got, want) {
			t.Errorf("alerts = %q, want %q", got, want)
		}
	})
	t.Run("report samples", func(t *testing.T) {
		got := map[string]bool{}
		for _, s := range snap.Samples {
			if s.Spec == &nodeReportStatusSpec && s.Value == 1 {
				got[s.LabelValues[0]+"="+s.LabelValues[1]] = true
			}
		}
		for _, want := range []string{"10=warning", "11=ok", "12=ignored", "13=error", "14=pending", "15=ok_with_warnings"} {
			if !got[want] {
				t.Errorf("no node_report_status %s in %v", want, got)
			}
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func derefD(p *time.Duration) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestRequestBudget counts the requests of a cold and a warm refresh by
// route: on the cold one, the listing and per consumer the node, the latest
// report, the first job and the jobs, and the filespaces of a node with no
// successful backup; on the warm one, a cache_ttl later, only what is due:
// the jobs (and the first job of a consumer that had none yet). The
// listing, the nodes and the filespaces wait for inventory_ttl, the reports
// for the next day's report.
func TestRequestBudget(t *testing.T) {
	const consumers, bunits = 48, 5
	clk := &clock{t: testNow}
	f := newFixture(t, cloutilityfake.Options{Seed: 7, Scale: consumers, BusinessUnits: bunits}, nil, clk.now)
	var withJobs, noSuccess, withNode, noRecentReport, oldReport int
	f.srv.Update(func(d *cloutilityfake.Data) {
		for _, c := range d.Consumers {
			if len(c.Jobs) > 0 {
				withJobs++
			}
			// A consumer without a report of the last week has its latest
			// read on /reports/latest, and an old one that day's on /reports.
			if c.Report == nil || c.Report.Date.Before(testNow.Add(-7*24*time.Hour)) {
				noRecentReport++
			}
			if c.Report != nil && c.Report.Date.Before(testNow.Add(-7*24*time.Hour)) {
				oldReport++
			}
			if c.Node == nil {
				continue
			}
			withNode++
			ok := false
			for _, j := range c.Jobs {
				ok = ok || (j.Type == cloutilityfake.JobBackup && !j.Completed.Before(testNow.Add(-35*24*time.Hour)) &&
					(j.Status == cloutilityfake.JobCompleted || j.Status == cloutilityfake.JobCompletedWithWarnings))
			}
			if !ok {
				noSuccess++
			}
		}
	})
	const (
		consumerPath = "/v1/bunits/{bunit}/consumers/{consumer}"
	)
	base := map[string]int{
		"/v1/bunits":                      1,
		"/v1/bunits/{bunit}":              bunits,
		"/v1/bunits/{bunit}/consumers":    bunits,
		consumerPath + "/node":            consumers,
		consumerPath + "/reports":         consumers + oldReport,
		consumerPath + "/reports/latest":  noRecentReport,
		consumerPath + "/jobs/first":      withJobs,
		consumerPath + "/node/filespaces": noSuccess,
		"/v1/nodewarningtypes":            1,
	}
	// /jobs/first serves both the first job (once per consumer) and, with
	// startTime and endTime, the ranged list (per consumer with jobs).
	// The list leaves allowNoActivity out, so each consumer's item is read
	// once per inventory_ttl, with its node.
	cold := maps(base, map[string]int{"/v1/oauth": 1, "/v1/me": 1, consumerPath + "/jobs/first": consumers + withJobs, consumerPath: consumers})
	// A cache_ttl later only the jobs are due: the ranged list of each
	// consumer with jobs, the first job of each without.
	warm := map[string]int{consumerPath + "/jobs/first": consumers}

	for _, step := range []struct {
		name    string
		advance time.Duration
		want    map[string]int
	}{{"cold", 0, cold}, {"warm", f.target.CacheTTL, warm}} {
		clk.advance(step.advance)
		fetch(t, f.client)
		got := f.routes.take()
		total := 0
		for _, n := range got {
			total += n
		}
		t.Logf("%s refresh: %d requests for %d consumers in %d business units (%.2f per consumer)",
			step.name, total, consumers, bunits, float64(total)/consumers)
		for route := range mergeKeys(got, step.want) {
			if got[route] != step.want[route] {
				t.Errorf("%s refresh: %d requests to %s, want %d", step.name, got[route], route, step.want[route])
			}
		}
	}
}

// maps returns base with the entries of over set (0 deletes).
func maps(base, over map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
		if v == 0 {
			delete(out, k)
		}
	}
	return out
}

func mergeKeys(a, b map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func TestJobsWindow(t *testing.T) {
	tests := []struct {
		name string
		opts cloutilityfake.Options
		// edit reshapes the data after the first refresh.
		edit        func(d *cloutilityfake.Data)
		advance     time.Duration
		wantRoutes2 map[string]int
		wantJobs2   []string
	}{
		{
			name:    "ranged jobs on the guide's /jobs/first?startTime&endTime",
			advance: time.Hour,
			wantRoutes2: map[string]int{
				// 3 ranged reads, and the first job of the 3 consumers without any.
				"/v1/bunits/{bunit}/consumers/{consumer}/jobs/first": 6,
			},
			wantJobs2: []string{"1002", "1003", "1004"},
		},
		{
			name:    "a portal with the guide's form only",
			opts:    cloutilityfake.Options{RangedJobsOnFirstOnly: true},
			advance: time.Hour,
			wantRoutes2: map[string]int{
				"/v1/bunits/{bunit}/consumers/{consumer}/jobs/first": 6,
			},
			wantJobs2: []string{"1002", "1003", "1004"},
		},
		{
			name:    "/jobs/first answers one Job whatever the range: /jobs?startTime&endTime from then on",
			opts:    cloutilityfake.Options{FirstJobIgnoresRange: true},
			advance: time.Hour,
			wantRoutes2: map[string]int{
				"/v1/bunits/{bunit}/consumers/{consumer}/jobs":       3,
				"/v1/bunits/{bunit}/consumers/{consumer}/jobs/first": 3, // the consumers without any job
			},
			wantJobs2: []string{"1002", "1003", "1004"},
		},
		{
			name: "the first job expired: the start is moved up after one 400",
			edit: func(d *cloutilityfake.Data) {
				c := d.Consumers[0]
				c.Jobs = c.Jobs[1:] // job 1001 (the first, 50 h ago) expires
				c.Jobs = append(c.Jobs, cloutilityfake.Job{ID: 1005, Type: cloutilityfake.JobBackup, Status: cloutilityfake.JobCompleted,
					ActualStart: testNow.Add(30 * time.Minute), Completed: testNow.Add(50 * time.Minute)})
			},
			advance: time.Hour,
			wantRoutes2: map[string]int{
				// web-01's range twice around its first job read again, 2 more
				// ranges, and the first job of the 3 consumers without any.
				"/v1/bunits/{bunit}/consumers/{consumer}/jobs/first": 8,
			},
			wantJobs2: []string{"1002", "1003", "1004", "1005"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: testNow}
			tt.opts.Data = cloutilityfake.Cases(testNow)
			f := newFixture(t, tt.opts, nil, clk.now)
			first := fetch(t, f.client)
			if err := first.PartErrors[backup.PartJobs]; err != nil {
				t.Fatalf("first refresh: jobs: %v", err)
			}
			if tt.edit != nil {
				f.srv.Update(tt.edit)
			}
			clk.advance(tt.advance)
			f.routes.take()
			snap := fetch(t, f.client)
			if err := snap.PartErrors[backup.PartJobs]; err != nil {
				t.Fatalf("second refresh: jobs: %v", err)
			}
			got := f.routes.take()
			for route, want := range tt.wantRoutes2 {
				if got[route] != want {
					t.Errorf("%d requests to %s, want %d", got[route], route, want)
				}
			}
			var ids []string
			for _, j := range snap.Jobs {
				ids = append(ids, j.ID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.wantJobs2) {
				t.Errorf("jobs = %v, want %v", ids, tt.wantJobs2)
			}
			// The weekly success six days ago is carried forward.
			if a := assetByID(t, snap, "13"); !a.LastSuccess.Equal(hoursAgo(24 * 6)) {
				t.Errorf("weekly-04 last success = %v, want %v", a.LastSuccess, hoursAgo(24*6))
			}
		})
	}
}

// TestFetchOutcomes checks that a failing read of one consumer or business
// unit is counted and fails no part (the others are served), that a part
// fails only when none of its reads succeeds, that a tree that cannot be
// read fails the refresh, and how the target's url and business_units
// select what is read.
func TestFetchOutcomes(t *testing.T) {
	failOn := func(suffix string) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, suffix) {
					w.WriteHeader(http.StatusForbidden)
					_, _ = w.Write([]byte(`{"code": "Forbidden", "message": "denied"}`))
					return
				}
				h.ServeHTTP(w, r)
			})
		}
	}
	tests := []struct {
		name       string
		suffix     string
		config     func(*config.Target)
		wantErr    bool
		wantFail   []backup.Part
		wantAsset  int
		wantFailed int
	}{
		{name: "a report is forbidden: the consumer is served without it", suffix: "/consumers/13/reports",
			wantAsset: 6, wantFailed: 1},
		{name: "a node is forbidden: that consumer is not served", suffix: "/consumers/10/node",
			wantAsset: 5, wantFailed: 1},
		{name: "jobs are forbidden", suffix: "/consumers/15/jobs/first",
			wantAsset: 5, wantFailed: 1},
		{name: "every node is forbidden: nothing of the assets could be read", suffix: "/node",
			wantFail: []backup.Part{backup.PartAssets}, wantAsset: 0, wantFailed: 6},
		{name: "every report is forbidden", suffix: "/reports",
			wantFail: []backup.Part{backup.PartStorage, backup.PartAlerts}, wantAsset: 6, wantFailed: 6},
		{name: "a business unit is forbidden", suffix: "/bunits/3/consumers",
			wantAsset: 4, wantFailed: 1},
		{name: "the tree is forbidden", suffix: "/v1/bunits", wantErr: true},
		{name: "url with the /v1 of the API root", config: func(t *config.Target) { t.URL += "/v1/" },
			wantAsset: 6},
		{name: "configured business unit and its descendants", config: func(t *config.Target) { t.BusinessUnits = []string{"2"} },
			wantAsset: 4},
		{name: "a configured business unit is unknown", config: func(t *config.Target) { t.BusinessUnits = []string{"3", "99"} },
			wantAsset: 2, wantFailed: 1},
		{name: "no configured business unit is known", config: func(t *config.Target) { t.BusinessUnits = []string{"99"} },
			wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var wrap func(http.Handler) http.Handler
			if tt.suffix != "" {
				wrap = failOn(tt.suffix)
			}
			f := newWrappedFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, tt.config, nil, wrap)
			snap, err := f.client.Fetch(context.Background())
			if tt.wantErr {
				if err == nil {
					t.Fatal("Fetch succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range backup.Parts[:4] {
				if failed := snap.Failed(p); failed != slices.Contains(tt.wantFail, p) {
					t.Errorf("part %s failed = %v (%v)", p, failed, snap.PartErrors[p])
				}
			}
			if len(snap.Assets) != tt.wantAsset {
				t.Errorf("%d assets, want %d", len(snap.Assets), tt.wantAsset)
			}
			if p := snap.Progress; p == nil || p.Failed != tt.wantFailed {
				t.Errorf("progress %+v, want %d failed reads", p, tt.wantFailed)
			}
		})
	}
}

// TestTransientFaults checks that faults the HTTP layer retries (5xx, 429
// with Retry-After, a dropped connection) leave the refresh whole.
func TestTransientFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults []fakefault.Kind
	}{
		{name: "server errors", faults: []fakefault.Kind{fakefault.ServerError, fakefault.ServerError}},
		{name: "rate limited", faults: []fakefault.Kind{fakefault.RateLimited}},
		{name: "dropped connection", faults: []fakefault.Kind{fakefault.Drop}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, nil)
			f.srv.Faults.Queue(tt.faults...)
			snap := fetch(t, f.client)
			for _, p := range backup.Parts[:4] {
				if snap.Failed(p) {
					t.Errorf("part %s failed: %v", p, snap.PartErrors[p])
				}
			}
			if len(snap.Assets) != 6 {
				t.Errorf("%d assets, want 6", len(snap.Assets))
			}
		})
	}
}

package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
)

// startCloverDX serves a CloverDX fake and returns a target of it, the URL
// being the server root (…/clover) as in exporter.yml.
func startCloverDX(tb testing.TB, srv http.Handler, mods ...func(*config.Target)) config.Target {
	tb.Helper()
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	t := config.Target{
		Name:     "cloverdx",
		Vendor:   config.VendorCloverDX,
		URL:      ts.URL + cloverdxfake.Root,
		Settings: config.DefaultSettings,
		Username: cloverdxfake.DefaultUsername,
		Password: cloverdxfake.DefaultPassword,
	}
	for _, m := range mods {
		m(&t)
	}
	return t
}

// cloverdxGoldenPageSize makes the golden executions exactly four full
// pages, so the client must stop at @totalItems without asking for a fifth.
const cloverdxGoldenPageSize = 5

// cloverdxGoldenExecutions are 20 executions, one job file per case, at t0
// (2026-11-23 12:00 UTC; the fake writes ISO times at +02:00, the runs
// marked epoch in epoch milliseconds):
//
//	etl/graph/LoadOrders.grf        FINISHED_OK now, ERROR and FINISHED_OK before
//	etl/graph/LoadCustomers.grf     ERROR, older success (epoch)
//	finance/jobflow/NightlyLedger   TIMEOUT (epoch), success two days ago
//	finance/graph/Invoices.grf      UNKNOWN, ERROR: never succeeded
//	marketing/graph/Campaigns.grf   ABORTED, older success
//	marketing/jobflow/Leads.jbf     RUNNING, older success
//	warehouse/graph/Stock.grf       WAITING, its only run
//	warehouse/graph/Shipments.grf   ENQUEUED (not started), success (epoch)
//	warehouse/jobflow/Replenish.jbf READY, its only run
//	etl/services/Lookup.rjob        N_A, success three days ago: type "job"
//	etl/graph/Archive.grf           one success ten days ago: stale
func cloverdxGoldenExecutions() []cloverdxfake.Execution {
	type r struct {
		sandbox, job, status string
		start                time.Duration // before t0
		took                 time.Duration // 0: not finished
		epoch, queued        bool
	}
	runs := []r{
		{"etl", "graph/LoadOrders.grf", "FINISHED_OK", 2 * time.Hour, 5 * time.Minute, false, false},
		{"etl", "graph/LoadOrders.grf", "ERROR", 26 * time.Hour, 2 * time.Minute, false, false},
		{"etl", "graph/LoadOrders.grf", "FINISHED_OK", 50 * time.Hour, 6 * time.Minute, false, false},
		{"etl", "graph/LoadCustomers.grf", "ERROR", 3 * time.Hour, 90 * time.Second, false, false},
		{"etl", "graph/LoadCustomers.grf", "FINISHED_OK", 27 * time.Hour, 4 * time.Minute, true, false},
		{"finance", "jobflow/NightlyLedger.jbf", "TIMEOUT", 4 * time.Hour, 30 * time.Minute, true, false},
		{"finance", "jobflow/NightlyLedger.jbf", "FINISHED_OK", 48 * time.Hour, 25 * time.Minute, false, false},
		{"finance", "graph/Invoices.grf", "UNKNOWN", 5 * time.Hour, time.Minute, false, false},
		{"finance", "graph/Invoices.grf", "ERROR", 29 * time.Hour, time.Minute, false, false},
		{"marketing", "graph/Campaigns.grf", "ABORTED", 6 * time.Hour, 10 * time.Minute, false, false},
		{"marketing", "graph/Campaigns.grf", "FINISHED_OK", 30 * time.Hour, 12 * time.Minute, false, false},
		{"marketing", "jobflow/Leads.jbf", "RUNNING", 20 * time.Minute, 0, false, false},
		{"marketing", "jobflow/Leads.jbf", "FINISHED_OK", 24*time.Hour + 20*time.Minute, 7 * time.Minute, false, false},
		{"warehouse", "graph/Stock.grf", "WAITING", 15 * time.Minute, 0, false, false},
		{"warehouse", "graph/Shipments.grf", "ENQUEUED", 10 * time.Minute, 0, false, true},
		{"warehouse", "graph/Shipments.grf", "FINISHED_OK", 24 * time.Hour, 3 * time.Minute, true, false},
		{"warehouse", "jobflow/Replenish.jbf", "READY", 5 * time.Minute, 0, false, true},
		{"etl", "services/Lookup.rjob", "N_A", time.Minute, 0, false, true},
		{"etl", "services/Lookup.rjob", "FINISHED_OK", 72 * time.Hour, time.Second, false, false},
		{"etl", "graph/Archive.grf", "FINISHED_OK", 240 * time.Hour, 45 * time.Minute, false, false},
	}
	out := make([]cloverdxfake.Execution, len(runs))
	for i, x := range runs {
		start := t0.Add(-x.start)
		e := cloverdxfake.Execution{
			Sandbox: x.sandbox, JobFile: x.job, Status: x.status, EpochMillis: x.epoch,
			Submitted: start.Add(-time.Second), Started: start,
		}
		if x.queued {
			e.Started = time.Time{}
		}
		if x.took > 0 {
			e.Ended = start.Add(x.took)
		}
		out[i] = e
	}
	// Run ids follow submission, newest highest, as on the server.
	for i := range out {
		n := int64(0)
		for j := range out {
			if out[j].Submitted.Before(out[i].Submitted) {
				n++
			}
		}
		out[i].RunID = 5000 + n
	}
	return out
}

// newCloverDXGolden returns a fake with the golden executions, the
// generated dashboards (passing, warning and failing monitors at every
// alert level) with one state and one level in other cases, and phantom
// executions counted in @totalItems but never served.
func newCloverDXGolden(phantom int) *cloverdxfake.Server {
	srv := cloverdxfake.New(cloverdxfake.Options{Now: t0})
	srv.Update(func(d *cloverdxfake.Data) {
		d.Executions = cloverdxGoldenExecutions()
		d.PhantomExecutions = phantom
		d.Dashboards[0].Monitors[2].State = "passing"
		d.Dashboards[1].Monitors[2].AlertLevel = "Low"
	})
	return srv
}

// TestCloverDXGolden pins the metrics of every CloverDX case: each
// execution status, both time encodings, every monitor state and alert
// level. The executions are exactly four pages; in the second case the
// total promises more that never come, and the fifth page, empty, ends the
// read with the same metrics.
func TestCloverDXGolden(t *testing.T) {
	cases := []struct {
		name         string
		phantom      int
		wantRequests int64
	}{
		{name: "total an exact multiple of pageSize", wantRequests: 4},
		// Pages 2 to 5 are asked for at once and one more as each of 2, 3
		// and 4 is taken; the 5th comes back empty and ends the read at 8
		// of the 10 pages the total promises.
		{name: "a page empty before the total", phantom: 30, wantRequests: 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCloverDXGolden(tc.phantom)
			target := startCloverDX(t, srv, func(t *config.Target) { t.PageSize = cloverdxGoldenPageSize })
			e, _ := newTestExporter(t, newClock(), target)
			assertGolden(t, e.ScrapeCollector(context.Background()), "cloverdx.prom")
			if got := srv.Faults.RequestsTo(cloverdxfake.Root + "/api/rest/v1/executions"); got != tc.wantRequests {
				t.Errorf("%d pages of executions read, want %d", got, tc.wantRequests)
			}
		})
	}
}

// TestCloverDXIncrementalRefresh shows that a later refresh reads only the
// newest page of executions, down to the oldest run that was still active,
// sees those runs finish, picks up a new one, and carries every other last
// success forward (Archive's is ten days old, far below that page).
func TestCloverDXIncrementalRefresh(t *testing.T) {
	clock := newClock()
	srv := newCloverDXGolden(0)
	target := startCloverDX(t, srv, func(t *config.Target) { t.PageSize = 10 })
	e, _ := newTestExporter(t, clock, target)
	metrics := []string{
		"backup_asset_last_success_timestamp_seconds",
		"backup_asset_last_attempt_timestamp_seconds",
		"backup_asset_last_status",
		"backup_asset_last_duration_seconds",
		"backup_jobs_total",
		"backup_jobs_running",
	}
	executions := cloverdxfake.Root + "/api/rest/v1/executions"

	if n := testutil.CollectAndCount(e.ScrapeCollector(context.Background()), "backup_asset_info"); n != 11 {
		t.Fatalf("first refresh: %d assets, want 11", n)
	}
	if got := srv.Faults.RequestsTo(executions); got != 2 {
		t.Fatalf("first refresh read %d pages, want both", got)
	}

	// Leads' run succeeds, Stock's fails, and Invoices runs and succeeds
	// for the first time.
	srv.Update(func(d *cloverdxfake.Data) {
		for i := range d.Executions {
			x := &d.Executions[i]
			switch {
			case x.JobFile == "jobflow/Leads.jbf" && x.Status == "RUNNING":
				x.Status, x.Ended = "FINISHED_OK", t0.Add(time.Minute)
			case x.JobFile == "graph/Stock.grf":
				x.Status, x.Ended = "ERROR", t0.Add(time.Minute)
			}
		}
		d.Executions = append(d.Executions, cloverdxfake.Execution{
			RunID: d.Executions[0].RunID + 1, Sandbox: "finance", JobFile: "graph/Invoices.grf", Status: "FINISHED_OK",
			Submitted: t0.Add(30 * time.Second), Started: t0.Add(31 * time.Second), Ended: t0.Add(time.Minute),
		})
	})
	srv.Faults.ResetCounts()
	clock.Advance(2 * time.Minute)
	assertGolden(t, e.ScrapeCollector(context.Background()), "cloverdx_incremental.prom", metrics...)
	if got := srv.Faults.RequestsTo(executions); got != 1 {
		t.Errorf("second refresh read %d pages, want 1", got)
	}
}

package clumio

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// requestsByPath counts the fake's recorded requests per path.
func requestsByPath(srv *clumiofake.Server) map[string]int {
	out := map[string]int{}
	for path := range wantAccept {
		out[path] = len(srv.Queries(path))
	}
	return out
}

// TestWarmRefreshReadsWhatChanged follows a client through refreshes: a
// warm refresh within inventory_ttl reads no inventory, OU or policy, and
// reads the alerts by what changed since the previous refresh; an alert
// cleared leaves the count and one raised joins it, as a full read would
// say; past inventory_ttl everything is read whole again.
func TestWarmRefreshReadsWhatChanged(t *testing.T) {
	srv := fakeAt(170)
	now := testNow
	c := newClientAt(t, srv, nil, func() time.Time { return now })
	full := newClient(t, srv, nil) // reads the alerts whole every time
	full.inventoryTTL = 0
	countAlerts := func(cl *Client) int {
		t.Helper()
		snap, err := cl.Fetch(context.Background())
		if err != nil || snap.PartErrors["alerts"] != nil {
			t.Fatalf("fetch: %v %v", err, snap.PartErrors)
		}
		return len(snap.Alerts)
	}

	cold := countAlerts(c)
	if cold == 0 || cold != countAlerts(full) {
		t.Fatalf("cold refresh: %d active alerts, a full read %d", cold, countAlerts(full))
	}

	now = now.Add(time.Minute)
	before, requestsBefore := requestsByPath(srv), srv.Faults.Requests()
	if got := countAlerts(c); got != cold {
		t.Errorf("warm refresh with nothing changed: %d active alerts, want %d", got, cold)
	}
	after := requestsByPath(srv)
	for path := range wantAccept {
		if strings.HasPrefix(path, "/datasources/") || path == "/organizational-units" || path == "/policies/definitions" {
			if after[path] != before[path] {
				t.Errorf("warm refresh read %s within inventory_ttl", path)
			}
		}
	}
	if n := after["/alerts/individual"] - before["/alerts/individual"]; n != len(alertTimeFields) {
		t.Errorf("warm refresh: %d alert requests, want %d (one per timestamp field)", n, len(alertTimeFields))
	}
	for _, q := range srv.Queries("/alerts/individual")[before["/alerts/individual"]:] {
		if !strings.Contains(q.Get("filter"), `"$gte"`) || strings.Contains(q.Get("filter"), "status") {
			t.Errorf("incremental alert read with filter %s, want one timestamp $gte and any status", q.Get("filter"))
		}
	}
	// The tasks since the watermark and the unfinished tasks by status
	// (a page each at this size; none finished, so none is read by id), the
	// alerts, and the instant-access endpoints (one page, listed whole: no
	// filter is documented on them): nothing else.
	if n := len(c.tasks.unfinished); n == 0 || n > c.pageSize {
		t.Fatalf("%d unfinished tasks; the test wants one page of them", n)
	}
	if warm, want := srv.Faults.Requests()-requestsBefore, int64(2+len(alertTimeFields)+1); warm != want {
		t.Errorf("warm refresh: %d requests, want %d", warm, want)
	}

	// One active alert is cleared and a new one raised, both after the
	// previous refresh.
	now = now.Add(time.Minute)
	srv.Update(func(d *clumiofake.Data) {
		for i := range d.Alerts {
			if d.Alerts[i].Status == "active" {
				d.Alerts[i].Status, d.Alerts[i].Cleared = "cleared", now.Add(-30*time.Second)
				raised := d.Alerts[i]
				raised.ID, raised.Status = "new-alert", "active"
				raised.Raised, raised.Updated, raised.Cleared = now.Add(-20*time.Second), now.Add(-20*time.Second), time.Time{}
				raised.Type = "restore_failed"
				d.Alerts = append(d.Alerts, raised)
				break
			}
		}
	})
	if got, want := countAlerts(c), countAlerts(full); got != want || got != cold {
		t.Errorf("after one clear and one raise: %d active alerts, a full read %d, want %d", got, want, cold)
	}

	now = now.Add(c.inventoryTTL)
	before = requestsByPath(srv)
	countAlerts(c)
	after = requestsByPath(srv)
	for _, path := range []string{"/datasources/aws/ebs-volumes", "/organizational-units", "/policies/definitions"} {
		if after[path] == before[path] {
			t.Errorf("past inventory_ttl, %s was not read again", path)
		}
	}
}

// TestWarmAndColdAgreeOnALastRunOutsideTheWindow: two days after the
// fake's last runs, backup_status says no_backup for every asset (it
// covers lookback_days, 1 here). An exporter that watched the runs knows
// their tasks; one started now lists no task older than its lookback. Both
// must report the latest attempt's status (issue 17: the cold one said
// missed, so BackupLastRunFailed fired after a restart or a rollout for an
// asset whose backups had merely stopped, or ran weekly). A protection
// group's backup_status_stats name no failure time, so the cold exporter
// cannot tell its last run's status and says unknown, never missed.
// Unprotected assets have no status from the inventory, as before.
func TestWarmAndColdAgreeOnALastRunOutsideTheWindow(t *testing.T) {
	now := testNow
	clock := func() time.Time { return now }
	srv := clumiofake.New(clumiofake.Options{Seed: 7, Scale: 85, Now: testNow, Clock: clock})
	warm := newClientAt(t, srv, nil, clock)
	fetch := func(c *Client) map[string]backup.Asset {
		t.Helper()
		snap, err := c.Fetch(context.Background())
		if err != nil || snap.Failed(backup.PartAssets) || snap.Failed(backup.PartJobs) {
			t.Fatalf("fetch: %v %v", err, snap.PartErrors)
		}
		out := map[string]backup.Asset{}
		for _, a := range snap.Assets {
			out[a.ID] = a
		}
		return out
	}
	fetch(warm)
	now = now.Add(48 * time.Hour)
	cold, watched := fetch(newClientAt(t, srv, nil, clock)), fetch(warm)

	var data clumiofake.Data
	srv.Update(func(d *clumiofake.Data) { data = *d })
	checked := 0
	for i, fa := range data.Assets {
		c := clumiofake.Cases[i%len(clumiofake.Cases)]
		if c != clumiofake.CaseHealthy && c != clumiofake.CaseFailed && c != clumiofake.CaseNever || !cold[fa.ID].Protected {
			continue
		}
		checked++
		got, want := cold[fa.ID].LastStatus, watched[fa.ID].LastStatus
		if want != wantStatus[c] {
			t.Errorf("%s %s %s: the exporter that watched says %q, want %q", c, fa.Type, fa.ID, want, wantStatus[c])
		}
		if got != want && (fa.Type != clumiofake.TypeProtectionGroup || got != backup.StatusUnknown) {
			t.Errorf("%s %s %s: a cold exporter says %q, one that watched %q", c, fa.Type, fa.ID, got, want)
		}
	}
	if checked < 20 {
		t.Fatalf("%d assets checked, want at least 20", checked)
	}
}

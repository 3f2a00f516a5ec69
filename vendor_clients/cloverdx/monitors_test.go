package cloverdx

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
)

// monitorView is what one monitor became: its state, failing items and
// alert level sample (-1: none).
type monitorView struct {
	state   backup.MonitorState
	failing int
	level   float64
}

// viewMonitors sums a snapshot's monitor side up: the monitors by id, and
// the alerts by "severity/type".
func viewMonitors(snap *backup.Snapshot) (map[string]monitorView, map[string]int) {
	out := map[string]monitorView{}
	for _, m := range snap.Monitors {
		out[m.ID] = monitorView{state: m.State, failing: m.FailingItems, level: -1}
	}
	for _, s := range snap.Samples {
		if s.Spec == &alertLevelSpec {
			v := out[s.LabelValues[0]]
			v.level = s.Value
			out[s.LabelValues[0]] = v
		}
	}
	alerts := map[string]int{}
	for _, a := range snap.Alerts {
		alerts[string(a.Severity)+"/"+a.Type]++
	}
	return out, alerts
}

func TestMonitorsFromFake(t *testing.T) {
	want := map[string]monitorView{
		"1/7":  {state: backup.MonitorFailing, failing: 1, level: 3},
		"1/8":  {state: backup.MonitorWarning, failing: 0, level: 2},
		"1/9":  {state: backup.MonitorPassing, failing: 0, level: -1},
		"2/10": {state: backup.MonitorFailing, failing: 2, level: 4},
		"2/11": {state: backup.MonitorFailing, failing: 1, level: 0},
		"2/12": {state: backup.MonitorFailing, failing: 1, level: 1},
		"3/13": {state: backup.MonitorPassing, failing: 0, level: -1},
	}
	wantAlerts := map[string]int{"error/schedule": 1, "critical/data_service": 1, "warning/data_service": 2, "warning/event_listener": 1}
	cases := []struct {
		name   string
		change func(d *cloverdxfake.Data)
	}{
		{name: "upper-case strings", change: func(*cloverdxfake.Data) {}},
		{name: "objects with a name", change: func(d *cloverdxfake.Data) { d.ObjectEnums = true }},
		{name: "mixed case and UI labels", change: func(d *cloverdxfake.Data) {
			label := strings.NewReplacer("_", " ")
			for i := range d.Dashboards {
				for j := range d.Dashboards[i].Monitors {
					m := &d.Dashboards[i].Monitors[j]
					m.State = strings.ToLower(m.State)
					m.AlertLevel = label.Replace(strings.ToLower(m.AlertLevel))
					for k := range m.Items {
						m.Items[k].State = strings.ToLower(m.Items[k].State)
						m.Items[k].AlertLevel = label.Replace(m.Items[k].AlertLevel)
					}
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
			srv.Update(tc.change)
			monitors, alerts := viewMonitors(fetch(t, newClient(t, serve(t, srv, nil), nil)))
			for id, m := range want {
				if got := monitors[id]; got.state != m.state || got.failing != m.failing || got.level != m.level {
					t.Errorf("monitor %s: %+v, want %+v", id, got, m)
				}
			}
			if len(monitors) != len(want) {
				t.Errorf("%d monitors, want %d", len(monitors), len(want))
			}
			if !reflect.DeepEqual(alerts, wantAlerts) {
				t.Errorf("alerts %v, want %v", alerts, wantAlerts)
			}
		})
	}
}

func TestMonitorJSON(t *testing.T) {
	cases := []struct {
		name       string
		json       string
		want       monitorView
		wantAlerts map[string]int
	}{
		{
			name: "failing, level from the items when the monitor has none",
			json: `{"id": 5, "name": "m", "state": "FAILING", "items": [
				{"type": "SCHEDULE", "state": "FAILING", "alertLevel": "LOW"},
				{"type": "SCHEDULE", "state": "FAILING", "alertLevel": "CRITICAL"},
				{"type": "DATA_SERVICE", "state": "PASSING", "alertLevel": "HIGH"}]}`,
			want:       monitorView{state: backup.MonitorFailing, failing: 2, level: 4},
			wantAlerts: map[string]int{"warning/schedule": 1, "critical/schedule": 1},
		},
		{
			name:       "an item without a level is medium",
			json:       `{"id": 5, "name": "m", "state": "FAILING", "items": [{"type": "EVENT_LISTENER", "state": "FAILING"}]}`,
			want:       monitorView{state: backup.MonitorFailing, failing: 1, level: 2},
			wantAlerts: map[string]int{"warning/event_listener": 1},
		},
		{
			name:       "listed without items: the count and the monitor's level",
			json:       `{"id": 5, "name": "m", "state": "FAILING", "alertLevel": "HIGH", "failingItemsCount": 2}`,
			want:       monitorView{state: backup.MonitorFailing, failing: 2, level: 3},
			wantAlerts: map[string]int{"error/monitor": 2},
		},
		{
			name:       "a WARNING state",
			json:       `{"id": 5, "name": "m", "state": "Warning", "alertLevel": {"name": "Very Low"}}`,
			want:       monitorView{state: backup.MonitorWarning, level: 0},
			wantAlerts: map[string]int{},
		},
		{
			name:       "passing with a null warning flag",
			json:       `{"id": 5, "name": "m", "state": "PASSING", "warning": null, "alertLevel": "HIGH"}`,
			want:       monitorView{state: backup.MonitorPassing, level: -1},
			wantAlerts: map[string]int{},
		},
		{
			name:       "an unknown state with failing items fails",
			json:       `{"id": 5, "name": "m", "state": "DEGRADED", "failingItemsCount": 1}`,
			want:       monitorView{state: backup.MonitorFailing, failing: 1, level: -1},
			wantAlerts: map[string]int{"warning/monitor": 1},
		},
		{
			name:       "an unknown state without failing items passes",
			json:       `{"id": 5, "name": "m"}`,
			want:       monitorView{state: backup.MonitorPassing, level: -1},
			wantAlerts: map[string]int{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m monitor
			if err := json.Unmarshal([]byte(tc.json), &m); err != nil {
				t.Fatal(err)
			}
			c := &Client{logger: slog.New(slog.DiscardHandler)}
			snap := &backup.Snapshot{}
			c.addMonitor(snap, dashboard{ID: "1"}, m)
			monitors, alerts := viewMonitors(snap)
			got := monitors["1/5"]
			if got.state != tc.want.state || got.failing != tc.want.failing || got.level != tc.want.level {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if !reflect.DeepEqual(alerts, tc.wantAlerts) {
				t.Errorf("alerts %v, want %v", alerts, tc.wantAlerts)
			}
		})
	}
}

// TestMonitorsSchedule checks that a dashboard's monitors are read again
// only when due (every cache_ttl), the dashboards listed every
// inventory_ttl, and that a dashboard whose read fails keeps serving its
// last good monitors while the others are read again.
func TestMonitorsSchedule(t *testing.T) {
	var (
		mu     sync.Mutex
		now    = testNow
		broken string // the requests whose path ends with it fail
	)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
	url := serve(t, srv, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			fail := broken != "" && strings.HasSuffix(r.URL.Path, broken)
			mu.Unlock()
			if fail {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	c := newClient(t, url, func(tc *config.Target) { tc.CacheTTL, tc.InventoryTTL = 5*time.Minute, time.Hour })
	c.now = clock
	dashboards := cloverdxfake.Root + "/api/rest/v1/dashboards"
	steps := []struct {
		name          string
		advance       time.Duration
		breakPath     string
		wantMonitors  int64 // requests to /dashboards… (listing and monitors) that reach the fake
		wantMonitorsN int   // monitors served
		wantFailed    bool  // the monitors part fails
		wantFailedN   int   // failed reads counted (Progress.Failed)
	}{
		{"cold: the listing and every dashboard", 0, "", 1 + 3, 7, false, 0},
		{"within cache_ttl: nothing", time.Minute, "", 0, 7, false, 0},
		{"past cache_ttl: every dashboard, not the listing", 5 * time.Minute, "", 3, 7, false, 0},
		{"one dashboard fails (before the fake): the others read, its monitors kept", 5 * time.Minute, "/dashboards/2/monitors", 2, 7, false, 1},
		{"every dashboard fails (a permission withdrawn): the part fails, the monitors kept", 5 * time.Minute, "/monitors", 0, 7, true, 3},
		{"still failing, none due: the part still fails", 10 * time.Second, "/monitors", 0, 7, true, 0},
		{"healed: every dashboard reads again, the part with them", 5 * time.Minute, "", 3, 7, false, 0},
		{"past inventory_ttl the listing fails: kept and counted, nothing fails", time.Hour, "/dashboards", 3, 7, false, 1},
		{"the listing again after its backoff, the dashboards not due", 4 * time.Minute, "", 1, 7, false, 0},
	}
	for _, s := range steps {
		mu.Lock()
		now = now.Add(s.advance)
		broken = s.breakPath
		mu.Unlock()
		before := srv.Faults.RequestsTo(dashboards)
		snap, err := c.Fetch(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if snap.Failed(backup.PartAssets) || snap.Failed(backup.PartJobs) {
			t.Errorf("%s: the executions failed with the monitors: %v", s.name, snap.PartErrors)
		}
		got := srv.Faults.RequestsTo(dashboards) - before
		if got != s.wantMonitors {
			t.Errorf("%s: %d dashboard requests, want %d", s.name, got, s.wantMonitors)
		}
		if len(snap.Monitors) != s.wantMonitorsN || snap.Failed(backup.PartMonitors) != s.wantFailed {
			t.Errorf("%s: %d monitors (part error %v), want %d", s.name, len(snap.Monitors), snap.PartErrors[backup.PartMonitors], s.wantMonitorsN)
		}
		if snap.Progress.Failed != s.wantFailedN {
			t.Errorf("%s: %d failed reads counted, want %d", s.name, snap.Progress.Failed, s.wantFailedN)
		}
	}
}

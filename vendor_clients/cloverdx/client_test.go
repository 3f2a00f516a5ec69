package cloverdx

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

func TestFetchFailures(t *testing.T) {
	const password = "not-the-password-4711"
	cases := []struct {
		name       string
		wrap       func(http.Handler) http.Handler
		fault      bool // the first request, the liveness check, fails
		password   string
		wantErr    string // Fetch fails with this; "" means a snapshot
		wantFailed []backup.Part
		wantOK     []backup.Part
		// wantFailedReads is the dashboards whose read failed.
		wantFailedReads int
	}{
		{name: "liveness check fails", fault: true, wantErr: "liveness"},
		{name: "wrong password", password: password, wantErr: "HTTP 401"},
		{
			name: "executions forbidden", wrap: forbid("/executions"),
			wantFailed: []backup.Part{backup.PartAssets, backup.PartJobs},
			wantOK:     []backup.Part{backup.PartMonitors, backup.PartAlerts},
		},
		{
			name: "dashboards forbidden", wrap: forbid("/dashboards"),
			wantFailed: []backup.Part{backup.PartMonitors, backup.PartAlerts},
			wantOK:     []backup.Part{backup.PartAssets, backup.PartJobs},
		},
		{
			// Counted and read again later; the others are served.
			name: "one dashboard's monitors forbidden", wrap: forbid("/dashboards/2/monitors"),
			wantOK:          []backup.Part{backup.PartAssets, backup.PartJobs, backup.PartMonitors, backup.PartAlerts},
			wantFailedReads: 1,
		},
		{
			name: "every dashboard's monitors forbidden: nothing could be read", wrap: forbid("/monitors"),
			wantFailed:      []backup.Part{backup.PartMonitors, backup.PartAlerts},
			wantOK:          []backup.Part{backup.PartAssets, backup.PartJobs},
			wantFailedReads: 3,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
			if tc.fault {
				srv.Faults.Queue(fakefault.ServerError)
			}
			c := newClient(t, serve(t, srv, tc.wrap), func(t *config.Target) {
				if tc.password != "" {
					t.Password = config.Secret(tc.password)
				}
			})
			snap, err := c.Fetch(context.Background())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), password) {
					t.Errorf("error shows the password: %v", err)
				}
				if tc.fault && srv.Faults.RequestsTo(cloverdxfake.Root+"/api") != 0 {
					t.Errorf("REST called after the liveness check failed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.wantFailed {
				if !snap.Failed(p) {
					t.Errorf("part %s did not fail", p)
				}
			}
			for _, p := range tc.wantOK {
				if !snap.Attempted(p) || snap.Failed(p) {
					t.Errorf("part %s: %v, want success", p, snap.PartErrors[p])
				}
			}
			if !snap.Failed(backup.PartAssets) && len(snap.Assets) == 0 {
				t.Error("no assets")
			}
			if !snap.Failed(backup.PartMonitors) && len(snap.Monitors) == 0 {
				t.Error("no monitors")
			}
			if p := snap.Progress; p != nil && p.Failed != tc.wantFailedReads {
				t.Errorf("%d dashboard reads failed, want %d", p.Failed, tc.wantFailedReads)
			}
		})
	}
}

func TestURLForms(t *testing.T) {
	for _, suffix := range []string{"", "/", "/api/rest/v1", "/api/rest/v1/"} {
		t.Run("root"+suffix, func(t *testing.T) {
			srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
			c := newClient(t, serve(t, srv, nil)+suffix, nil)
			if _, err := c.Fetch(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := srv.Faults.RequestsTo(cloverdxfake.Root + "/accessibilityTest.jsp"); n != 1 {
				t.Errorf("%d liveness checks, want 1", n)
			}
		})
	}
}

func TestNewNeedsCredentials(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*config.Target)
	}{
		{name: "no username", mod: func(t *config.Target) { t.Username = "" }},
		{name: "no password", mod: func(t *config.Target) { t.Password = "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := config.Target{URL: "https://etl.example.com/clover", Username: "u", Password: "p"}
			tc.mod(&target)
			if _, err := New(target, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "password_file") {
				t.Fatalf("error %v, want one naming the keys", err)
			}
		})
	}
}

// TestSimulatorData reads the fake's generated data set, as the simulator
// serves it, and checks that every case the dashboards and alerts need
// comes through the client.
func TestSimulatorData(t *testing.T) {
	srv := cloverdxfake.New(cloverdxfake.Options{Seed: 1, Scale: 60, Now: testNow})
	snap := fetch(t, newClient(t, serve(t, srv, nil), nil))
	if len(snap.Assets) != 60 {
		t.Errorf("%d assets, want the scale, 60", len(snap.Assets))
	}
	cases := map[string]int{}
	for _, a := range snap.Assets {
		cases[string(a.LastStatus)]++
		switch {
		case a.LastSuccess.IsZero():
			cases["never succeeded"]++
		case testNow.Sub(a.LastSuccess) > config.DefaultSettings.RPO:
			cases["past the RPO"]++
		}
	}
	for _, c := range []string{"success", "failed", "running", "queued", "never succeeded", "past the RPO"} {
		if cases[c] == 0 {
			t.Errorf("no asset %s: %v", c, cases)
		}
	}
	if snap.JobsRunning[backup.JobOther] == 0 || len(snap.Jobs) == 0 || len(snap.Alerts) == 0 {
		t.Errorf("%d running, %d jobs, %d alerts: want some of each", snap.JobsRunning[backup.JobOther], len(snap.Jobs), len(snap.Alerts))
	}
}

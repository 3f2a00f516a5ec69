package cleverfox_test

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// now is the tests' clock: Monday 2026-11-23 12:00 UTC.
var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// serve starts h over TLS with the server config tlsCfg (nil: the fake's)
// and returns a target that trusts it through tls_config.ca_file.
func serve(t *testing.T, h http.Handler, tlsCfg *tls.Config) config.Target {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	ts.TLS = tlsCfg
	if ts.TLS == nil {
		ts.TLS = cleverfoxfake.TLSConfig()
	}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return config.Target{
		Name: "cf", Vendor: config.VendorCleverFox, URL: ts.URL + "/api",
		Settings: config.DefaultSettings, TLS: config.TLSConfig{CAFile: ca},
		APIKey: cleverfoxfake.DefaultAPIKey,
	}
}

// newClient builds the client of tg as the engine does: a transport from
// the target's tls_config, no retries.
func newClient(t *testing.T, tg config.Target) *cleverfox.Client {
	t.Helper()
	tr, err := httpapi.NewTransport(tg.TLS, "", tg.MaxConcurrency)
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Options{
		BaseURL: tg.URL, Transport: tr, MaxConcurrency: tg.MaxConcurrency, MaxRetries: -1,
		Secrets: tg.SecretValues(), ErrorMessage: cleverfox.ErrorMessage,
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := cleverfox.New(tg, api, nil, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewRefuses(t *testing.T) {
	api, err := httpapi.New(httpapi.Options{BaseURL: "https://cleverfoxbackup.com/api"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url string
		key       config.Secret
		want      string
	}{
		{"plain http would send the key in clear", "http://cleverfoxbackup.com/api", "k", "use https"},
		{"no host", "https:///api", "k", "want https://host/api"},
		{"no API key", "https://cleverfoxbackup.com/api", "", "api_key_file or api_key is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cleverfox.New(config.Target{URL: tc.url, APIKey: tc.key}, api, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%q) error = %v, want one saying %q", tc.url, err, tc.want)
			}
		})
	}
	if _, err := cleverfox.New(config.Target{URL: "https://cleverfoxbackup.com/api", APIKey: "k"}, api, nil, nil); err != nil {
		t.Errorf("New of an https target: %v", err)
	}
}

// TestAuth shows Basic auth with the API key as the user name and an empty
// password, and that a key the API refuses fails the refresh with 401 and
// never appears in the error.
func TestAuth(t *testing.T) {
	srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, &cleverfoxfake.Data{})
	var users, passwords []string
	tg := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		users, passwords = append(users, u), append(passwords, p)
		srv.ServeHTTP(w, r)
	}), nil)
	tg.MaxConcurrency = 1

	if _, err := newClient(t, tg).Fetch(context.Background()); err != nil {
		t.Fatalf("Fetch with the right key: %v", err)
	}
	for i := range users {
		if users[i] != cleverfoxfake.DefaultAPIKey || passwords[i] != "" {
			t.Fatalf("request %d sent user %q password %q, want the key and no password", i, users[i], passwords[i])
		}
	}

	tg.APIKey = "wrong-key-1234"
	snap, err := newClient(t, tg).Fetch(context.Background())
	if err == nil || snap != nil {
		t.Fatalf("Fetch with a wrong key = %v, %v; want no snapshot and an error", snap, err)
	}
	if !httpapi.IsStatus(err, http.StatusUnauthorized) {
		t.Errorf("error = %v, want HTTP 401", err)
	}
	if strings.Contains(err.Error(), "wrong-key-1234") {
		t.Errorf("error %q shows the key", err)
	}
}

// TestTLSOlderThan12Refused shows that a server offering only TLS 1.1 is
// refused: the API requires TLS 1.2 or newer.
func TestTLSOlderThan12Refused(t *testing.T) {
	srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, &cleverfoxfake.Data{})
	tg := serve(t, srv, &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
	_, err := newClient(t, tg).Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Errorf("Fetch over TLS 1.1 = %v, want a protocol version error", err)
	}
}

// TestPaging shows that every page is read: a list of exactly PageSize
// items is followed by one more request, and a server that caps PageSize
// below the client's (its envelope's page_size says so) is paged on. With
// more than one request in flight, pages past the second are asked for in
// windows, which may read past the end.
func TestPaging(t *testing.T) {
	tests := []struct {
		name        string
		jobs        int
		pageSize    int
		concurrency int
		wantPages   int64
	}{
		{"one short page", 7, 10, 1, 1},
		{"exactly one full page", 10, 10, 1, 2},
		{"two full pages and a short one", 25, 10, 1, 3},
		{"server caps the page size", cleverfoxfake.MaxPageSize + 5, 2 * cleverfoxfake.MaxPageSize, 1, 2},
		{"one short page, four in flight", 7, 10, 4, 1},
		{"exactly one full page, four in flight", 10, 10, 4, 2},
		// Pages 1, 2, then 3 and 4 together.
		{"two full pages and a short one, four in flight", 25, 10, 4, 4},
		// Pages 1, 2, 3-4, 5-8, 9-12: the 9th is short.
		{"long list, four in flight", 85, 10, 4, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &cleverfoxfake.Data{Devices: []cleverfoxfake.Device{{ID: 1, Name: "PC"}}}
			for i := 1; i <= tc.jobs; i++ {
				d.Jobs = append(d.Jobs, cleverfoxfake.Job{ID: i, DeviceID: 1, Name: "job"})
			}
			srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, d)
			tg := serve(t, srv, nil)
			tg.PageSize, tg.MaxConcurrency = tc.pageSize, tc.concurrency
			snap, err := newClient(t, tg).Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(snap.Assets) != tc.jobs {
				t.Errorf("%d assets, want %d", len(snap.Assets), tc.jobs)
			}
			if got := srv.Faults.RequestsTo("/api/jobs"); got != tc.wantPages {
				t.Errorf("%d requests to /api/jobs, want %d", got, tc.wantPages)
			}
		})
	}
}

// TestPartsFailAlone shows that a list the API refuses fails only the parts
// that need it.
func TestPartsFailAlone(t *testing.T) {
	tests := []struct {
		failing string
		failed  []backup.Part
	}{
		{"/api/subscriptions", []backup.Part{backup.PartStorage}},
		{"/api/plans", []backup.Part{backup.PartStorage}},
		{"/api/logs", []backup.Part{backup.PartAssets, backup.PartJobs}},
		{"/api/companies", []backup.Part{backup.PartAssets, backup.PartStorage}},
	}
	for _, tc := range tests {
		t.Run(tc.failing, func(t *testing.T) {
			srv := cleverfoxfake.New(cleverfoxfake.Options{Seed: 1, Scale: 20, Now: now})
			tg := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == tc.failing {
					http.Error(w, `{"message":"forbidden"}`, http.StatusForbidden)
					return
				}
				srv.ServeHTTP(w, r)
			}), nil)
			snap, err := newClient(t, tg).Fetch(context.Background())
			if err != nil {
				t.Fatalf("Fetch: %v, want a partial snapshot", err)
			}
			for _, p := range []backup.Part{backup.PartAssets, backup.PartJobs, backup.PartStorage} {
				want := false
				for _, f := range tc.failed {
					want = want || f == p
				}
				if got := snap.Failed(p); got != want || !snap.Attempted(p) {
					t.Errorf("part %s failed = %v, want %v (errors %v)", p, got, want, snap.PartErrors)
				}
			}
		})
	}
}

// TestFirstRefreshStopsEarly shows the first refresh's bound on the logs:
// it pages back until every active job has its last success and the lookback
// window is covered, and no further, unless a job still lacks one, when it
// goes on to history and no further.
func TestFirstRefreshStopsEarly(t *testing.T) {
	const jobs, days = 3, 30
	data := func(failing bool) *cleverfoxfake.Data {
		d := &cleverfoxfake.Data{Devices: []cleverfoxfake.Device{{ID: 1, Name: "PC", TimeZoneID: "UTC"}}}
		for j := 1; j <= jobs; j++ {
			d.Jobs = append(d.Jobs, cleverfoxfake.Job{ID: j, DeviceID: 1, Name: "job", Frequency: "Daily", Every: 1})
		}
		for day := days; day >= 1; day-- {
			for j := 1; j <= jobs; j++ {
				start := now.AddDate(0, 0, -day).Add(time.Duration(j) * time.Minute)
				status := "Completed"
				if failing && j == 1 {
					status = "Failed"
				}
				d.Logs = append(d.Logs, cleverfoxfake.Log{
					ID: len(d.Logs) + 1, JobID: j, Status: status,
					Started: start, Completed: start.Add(time.Minute), AddedOn: start,
				})
			}
		}
		return d
	}
	tests := []struct {
		name      string
		failing   bool
		history   time.Duration
		wantPages int64
	}{
		// Three logs a day, five a page. Page 1 holds day 1 (within the
		// 24 h lookback) and two logs of day 2 (past it), with every job's
		// success.
		{"every job succeeds", false, 35 * 24 * time.Hour, 1},
		// Job 1 never succeeds: on to page 7, whose logs 31-33 are of day
		// 11, past the 10 days of history.
		{"a job that never succeeds", true, 10 * 24 * time.Hour, 7},
		// The whole list (18 full pages and an empty one) when history
		// reaches past it.
		{"history past the oldest log", true, 60 * 24 * time.Hour, 19},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, data(tc.failing))
			tg := serve(t, srv, nil)
			tg.PageSize, tg.History, tg.MaxConcurrency = 5, tc.history, 1
			if _, err := newClient(t, tg).Fetch(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := srv.Faults.RequestsTo("/api/logs"); got != tc.wantPages {
				t.Errorf("read %d pages of logs, want %d", got, tc.wantPages)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := map[string]string{
		`{"message":"Authorization has been denied for this request."}`: "Authorization has been denied for this request.",
		`{"Message":"An error has occurred."}`:                          "An error has occurred.",
		`<html>Bad gateway</html>`:                                      "",
		``:                                                              "",
	}
	for body, want := range tests {
		if got := cleverfox.ErrorMessage([]byte(body)); got != want {
			t.Errorf("ErrorMessage(%q) = %q, want %q", body, got, want)
		}
	}
}

package clumio

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// TestAuthAndStatusErrors checks that the API's refusals fail the refresh
// with the status, the vendor's error code and message, and never the token.
func TestAuthAndStatusErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		token   config.Secret
		ou      string
		strip   bool // a proxy drops the Authorization header
		wantErr []string
	}{
		{name: "wrong token", token: "not-the-token", wantErr: []string{"HTTP 401", "360: The authentication token is invalid"}},
		{name: "missing token", token: clumiofake.DefaultToken, strip: true, wantErr: []string{"HTTP 403", "359: The authentication token is missing"}},
		{name: "unknown OU", token: clumiofake.DefaultToken, ou: "no-such-ou", wantErr: []string{"HTTP 404", "organizational unit not found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var srv http.Handler = fakeAt(10)
			if tc.strip {
				next := srv
				srv = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					r.Header.Del("Authorization")
					next.ServeHTTP(w, r)
				})
			}
			c := newClient(t, srv, func(tg *config.Target, _ *httpapi.Options) {
				tg.BearerToken, tg.OrganizationalUnit = tc.token, tc.ou
			})
			snap, err := c.Fetch(context.Background())
			if snap != nil || err == nil {
				t.Fatalf("Fetch = %v, %v; want no snapshot and an error", snap, err)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "not-the-token") {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

// TestUnreachable checks that a target that does not answer fails the
// refresh without a snapshot.
func TestUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	c := newClient(t, http.NotFoundHandler(), func(tg *config.Target, o *httpapi.Options) {
		tg.URL, o.BaseURL, o.MaxRetries = url, url, -1
	})
	if snap, err := c.Fetch(context.Background()); snap != nil || err == nil {
		t.Fatalf("Fetch = %v, %v; want an error", snap, err)
	}
}

// routeFaults sends the requests to one path through its own fault
// injector, so that a test can fail one part of the refresh.
type routeFaults struct {
	path   string
	faults *fakefault.Injector
	faulty http.Handler
	srv    http.Handler
}

func newRouteFaults(srv http.Handler, path string) *routeFaults {
	f := &fakefault.Injector{}
	return &routeFaults{path: path, faults: f, faulty: f.Wrap(srv), srv: srv}
}

func (r *routeFaults) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path == r.path {
		r.faulty.ServeHTTP(w, req)
		return
	}
	r.srv.ServeHTTP(w, req)
}

// forbidden answers 403 with Clumio's envelope.
var forbidden = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(`{"errors":[{"error_code":403,"error_message":"Insufficient permissions"}]}`))
})

// TestFaults injects one fault on one path and checks which parts fail and
// that retryable faults are retried to success.
func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		path      string
		faults    []fakefault.Kind
		handler   http.Handler // replaces the fake on path, when set
		wantFail  backup.Part  // "" = every part succeeds
		wantErr   string
		wantTries int64 // requests to path, when set
	}{
		{name: "429 with Retry-After is retried", path: "/tasks", faults: []fakefault.Kind{fakefault.RateLimited}, wantTries: 2},
		{name: "5xx is retried", path: "/alerts/individual", faults: []fakefault.Kind{fakefault.ServerError, fakefault.ServerError}, wantTries: 3},
		{name: "dropped connection is retried", path: "/policies/definitions", faults: []fakefault.Kind{fakefault.Drop}, wantTries: 2},
		{name: "malformed alerts fail the alerts part", path: "/alerts/individual", faults: []fakefault.Kind{fakefault.Malformed}, wantFail: backup.PartAlerts, wantErr: "decode JSON"},
		{name: "truncated tasks fail the jobs part", path: "/tasks", faults: []fakefault.Kind{fakefault.Truncated}, wantFail: backup.PartJobs, wantErr: "decode JSON"},
		{name: "oversized inventory fails the assets part", path: "/datasources/aws/rds-resources", faults: []fakefault.Kind{fakefault.Oversized}, wantFail: backup.PartAssets, wantErr: "exceeds the size limit"},
		{name: "403 on alerts fails the alerts part", path: "/alerts/individual", handler: forbidden, wantFail: backup.PartAlerts, wantErr: "403: Insufficient permissions"},
		{name: "403 on instant-access endpoints fails the restore_endpoints part", path: "/restores/protection-groups/instant-access-endpoints", handler: forbidden, wantFail: backup.PartRestoreEndpoints, wantErr: "403: Insufficient permissions"},
		{name: "403 on policies fails the assets part", path: "/policies/definitions", handler: forbidden, wantFail: backup.PartAssets, wantErr: "policy definitions"},
		{name: "5xx that persists fails the jobs part", path: "/tasks", faults: []fakefault.Kind{fakefault.ServerError, fakefault.ServerError, fakefault.ServerError}, wantFail: backup.PartJobs, wantErr: "HTTP 503", wantTries: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var srv http.Handler = fakeAt(40)
			if tc.handler != nil {
				srv = &routeFaults{path: tc.path, faulty: tc.handler, srv: srv, faults: &fakefault.Injector{}}
			}
			rf := newRouteFaults(srv, tc.path)
			rf.faults.Queue(tc.faults...)
			rf.faults.SetOversizedBytes(2 << 20)
			c := newClient(t, rf, func(_ *config.Target, o *httpapi.Options) { o.MaxBodyBytes = 1 << 20 })
			// As on a later refresh: one list request to /tasks, without the
			// first refresh's read of the restore history.
			c.tasks.restoresRead = true
			start := time.Now()
			snap, err := c.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []backup.Part{backup.PartAssets, backup.PartJobs, backup.PartAlerts, backup.PartRestoreEndpoints} {
				perr := snap.PartErrors[p]
				switch {
				case p == tc.wantFail && (perr == nil || !strings.Contains(perr.Error(), tc.wantErr)):
					t.Errorf("part %s: error %v, want one mentioning %q", p, perr, tc.wantErr)
				case p != tc.wantFail && perr != nil:
					t.Errorf("part %s failed: %v", p, perr)
				}
			}
			if tc.wantFail != backup.PartAssets && len(snap.Assets) == 0 {
				t.Error("no assets although the assets part succeeded")
			}
			if tc.wantFail == backup.PartAssets && tc.wantErr == "exceeds the size limit" && !errors.Is(snap.PartErrors[backup.PartAssets], httpapi.ErrBodyTooLarge) {
				t.Errorf("assets error %v does not wrap ErrBodyTooLarge", snap.PartErrors[backup.PartAssets])
			}
			if tc.wantTries > 0 {
				if got := rf.faults.Requests(); got != tc.wantTries {
					t.Errorf("%d requests to %s, want %d", got, tc.path, tc.wantTries)
				}
			}
			if tc.faults != nil && tc.faults[0] == fakefault.RateLimited && time.Since(start) < time.Second {
				t.Errorf("refresh took %s: the 1 s Retry-After was not honoured", time.Since(start))
			}
		})
	}
}

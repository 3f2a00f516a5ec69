package cloverdx

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

var testNow = time.Date(2024, 5, 14, 12, 0, 0, 0, time.UTC)

// serve starts the fake, behind wrap when given, and returns its target URL.
func serve(t testing.TB, srv *cloverdxfake.Server, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs.URL + cloverdxfake.Root
}

// newClient returns a client of url with the fake's credentials, changed by
// mod when given. Retries are off, so that a fault fails at once.
func newClient(t testing.TB, url string, mod func(*config.Target)) *Client {
	t.Helper()
	target := config.Target{
		Name: "cloverdx", Vendor: config.VendorCloverDX, URL: url, Settings: config.DefaultSettings,
		Username: cloverdxfake.DefaultUsername, Password: config.Secret(cloverdxfake.DefaultPassword),
	}
	if mod != nil {
		mod(&target)
	}
	api, err := httpapi.New(httpapi.Options{
		BaseURL: target.URL, MaxConcurrency: target.MaxConcurrency, MaxRetries: -1,
		Secrets: target.SecretValues(), ErrorMessage: ErrorMessage,
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(target, api, nil, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// forbid answers 403 to every request whose path contains part.
func forbid(part string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, part) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"errorMessage": "Access denied", "httpStatus": 403}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// run is one finished execution of a test data set, or an active one when
// took is 0. numbered gives it its run id.
func run(sandbox, jobFile, status string, start time.Time, took time.Duration) cloverdxfake.Execution {
	e := cloverdxfake.Execution{Sandbox: sandbox, JobFile: jobFile, Status: status, Submitted: start, Started: start}
	if took > 0 {
		e.Ended = start.Add(took)
	}
	return e
}

// daily returns the executions of jobFile, one a day for days days, the
// newest starting at newest, with status from statusOf(k) for the k-th
// newest.
func daily(sandbox, jobFile string, newest time.Time, days int, statusOf func(k int) string) []cloverdxfake.Execution {
	var out []cloverdxfake.Execution
	for k := range days {
		out = append(out, run(sandbox, jobFile, statusOf(k), newest.Add(-time.Duration(k)*24*time.Hour), 5*time.Minute))
	}
	return out
}

// numbered gives the executions run ids after firstID in the order of their
// submission, as the server does.
func numbered(firstID int64, execs ...[]cloverdxfake.Execution) []cloverdxfake.Execution {
	all := slices.Concat(execs...)
	slices.SortStableFunc(all, func(a, b cloverdxfake.Execution) int { return a.Submitted.Compare(b.Submitted) })
	for i := range all {
		all[i].RunID = firstID + int64(i) + 1
	}
	return all
}

// always returns a statusOf that is always s.
func always(s string) func(int) string { return func(int) string { return s } }

// executionRequests counts the requests to the executions collection.
func executionRequests(srv *cloverdxfake.Server) int64 {
	return srv.Faults.RequestsTo(cloverdxfake.Root + "/api/rest/v1/executions")
}

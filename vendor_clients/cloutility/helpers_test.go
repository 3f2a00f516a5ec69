package cloutility

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// testNow is the fixed present of the tests' data sets.
var testNow = time.Date(2024, 5, 14, 12, 0, 0, 0, time.UTC)

// routeCounter is an httpapi.Observer that counts requests by route.
type routeCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (r *routeCounter) Request(route, _ string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	r.counts[route]++
}

func (r *routeCounter) Retry(string, string) {}

// take returns the counts so far and starts again from zero.
func (r *routeCounter) take() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.counts
	r.counts = nil
	return c
}

// fixture is a client wired to a fake portal.
type fixture struct {
	srv    *cloutilityfake.Server
	client *Client
	routes *routeCounter
	target config.Target
}

// newFixture serves a fake built from opts and returns a client of it. The
// client's clock is testNow unless now is given.
func newFixture(t *testing.T, opts cloutilityfake.Options, edit func(*config.Target), now func() time.Time) *fixture {
	return newWrappedFixture(t, opts, edit, now, nil)
}

// newWrappedFixture is newFixture with wrap, when not nil, in front of the
// fake.
func newWrappedFixture(t *testing.T, opts cloutilityfake.Options, edit func(*config.Target), now func() time.Time, wrap func(http.Handler) http.Handler) *fixture {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	srv := cloutilityfake.New(opts)
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	target := config.Target{
		Name:     "safespring",
		Vendor:   config.VendorCloutility,
		URL:      ts.URL,
		Settings: config.DefaultSettings,
		ClientID: cloutilityfake.DefaultClientID,
		Origin:   cloutilityfake.DefaultOrigin,
		Username: cloutilityfake.DefaultUsername,
		Password: config.Secret(cloutilityfake.DefaultPassword),
	}
	target.MaxConcurrency = 8
	if opts.Password != "" {
		target.Password = config.Secret(opts.Password)
	}
	if edit != nil {
		edit(&target)
	}
	routes := &routeCounter{}
	api, err := httpapi.New(httpapi.Options{
		BaseURL:        target.URL,
		MaxConcurrency: target.MaxConcurrency,
		Secrets:        target.SecretValues(),
		ErrorMessage:   ErrorMessage,
		Observer:       routes,
		Backoff:        httpapi.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	if now == nil {
		now = func() time.Time { return opts.Now }
	}
	c, err := New(target, api, slog.New(slog.DiscardHandler), now)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, client: c, routes: routes, target: target}
}

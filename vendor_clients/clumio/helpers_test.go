package clumio

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// testNow is the fixed clock of the tests and of the fake's data.
var testNow = time.Date(2026, 5, 14, 12, 0, 0, 0, time.UTC)

// fakeAt returns a fake with scale assets generated around testNow.
func fakeAt(scale int) *clumiofake.Server {
	return clumiofake.New(clumiofake.Options{Seed: 7, Scale: scale, Now: testNow})
}

// testTarget is a Clumio target with the fake's token and small pages.
func testTarget(url string) config.Target {
	t := config.Target{Name: "clumio-test", Vendor: config.VendorClumio, URL: url, Settings: config.DefaultSettings}
	t.BearerToken = clumiofake.DefaultToken
	t.PageSize = 50
	return t
}

// newClient serves h and returns a client of it; mod adjusts the target and
// the HTTP options before the client is built.
func newClient(t testing.TB, h http.Handler, mod func(*config.Target, *httpapi.Options)) *Client {
	t.Helper()
	return newClientAt(t, h, mod, func() time.Time { return testNow })
}

// newClientAt is newClient with a clock.
func newClientAt(t testing.TB, h http.Handler, mod func(*config.Target, *httpapi.Options), now func() time.Time) *Client {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	target := testTarget(ts.URL)
	opts := httpapi.Options{
		BaseURL:        ts.URL,
		MaxConcurrency: 4,
		MaxRetries:     2,
		Backoff:        httpapi.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond},
		ErrorMessage:   ErrorMessage,
	}
	if mod != nil {
		mod(&target, &opts)
	}
	opts.Secrets = target.SecretValues()
	api, err := httpapi.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(target, api, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

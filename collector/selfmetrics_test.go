package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// TestSelfMetrics pins the exporter's own metrics after one refresh whose
// client retried one request, served one asset id twice (a data issue) and
// dropped one asset past max_assets. The
// golden file, testdata/exporter_self.prom, is also what the dashboards and
// alert rules are checked against for self-metric names.
func TestSelfMetrics(t *testing.T) {
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "backup_exporter/test" {
			t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
		}
		if calls.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"assets":["a-1","a-1","a-2"]}`))
	}))
	defer api.Close()

	clock := newClock()
	e, reg := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) {
		t.URL = api.URL
		t.MaxAssets = 1
	}))
	fetcherOf(t, e, "acme").set(func(ctx context.Context, d VendorDeps) (*backup.Snapshot, error) {
		var page struct{ Assets []string }
		snap := &backup.Snapshot{FetchedAt: d.Now()}
		err := d.API.GetJSON(ctx, httpapi.Request{Path: "/v1/assets?page=1", Route: "/v1/assets"}, &page)
		for _, id := range page.Assets {
			snap.Assets = append(snap.Assets, backup.Asset{ID: id})
		}
		snap.SetPart(backup.PartAssets, err)
		return snap, nil
	})
	gather(t, e, context.Background())
	assertGatherGolden(t, reg, "exporter_self.prom")
}

// TestSelfMetricsRegisterAllOrNone shows that a second exporter on the same
// registry fails to build and leaves the first one's metrics registered.
func TestSelfMetricsRegisterAllOrNone(t *testing.T) {
	clock := newClock()
	e, reg := newTestExporter(t, clock, fakeTarget("acme"))
	if _, err := NewExporter(&config.Config{}, Options{Registerer: reg}); err == nil {
		t.Fatal("a second exporter registered its self metrics on the same registry")
	}
	fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
	gather(t, e, context.Background())
	if n, err := testutil.GatherAndCount(reg, "backup_exporter_scrapes_total", "backup_exporter_dropped_assets_total"); err != nil || n != 4 {
		t.Errorf("%d series of the first exporter (err %v), want 4", n, err)
	}
}

// TestMaxRetries shows that the target's max_retries reaches the HTTP layer,
// 0 included: max_retries: 0 means one try and no retry.
func TestMaxRetries(t *testing.T) {
	for _, retries := range []int{0, 2} {
		var calls atomic.Int32
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}))
		clock := newClock()
		e, _ := newTestExporter(t, clock, fakeTarget("acme", func(t *config.Target) {
			t.URL = api.URL
			t.MaxRetries = retries
		}))
		fetcherOf(t, e, "acme").set(func(ctx context.Context, d VendorDeps) (*backup.Snapshot, error) {
			_, err := d.API.Do(ctx, httpapi.Request{Path: "/v1/assets"})
			return nil, err
		})
		gather(t, e, context.Background())
		api.Close()
		if got := calls.Load(); got != int32(retries+1) {
			t.Errorf("max_retries %d: %d requests, want %d", retries, got, retries+1)
		}
	}
}

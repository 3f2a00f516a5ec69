package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestRemovedTargetLeavesNothing removes a target by reload, once idle and
// once while its refresh is still running: none of its goroutines remains
// (its refresh, its connections) and none of its series, data or self, is
// served any more.
func TestRemovedTargetLeavesNothing(t *testing.T) {
	for _, inFlight := range []bool{false, true} {
		name := "idle"
		if inFlight {
			name = "refresh in flight"
		}
		t.Run(name, func(t *testing.T) {
			release := make(chan struct{})
			srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: 20, Now: t0})
			var slow atomic.Bool
			fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if slow.Load() {
					select {
					case <-release:
					case <-r.Context().Done():
						return
					}
				}
				srv.ServeHTTP(w, r)
			}))
			defer fake.Close()
			defer close(release)
			// The fake server's own goroutines are not the exporter's.
			baseline := goleak.IgnoreCurrent()

			stays := fakeTarget("stays")
			gone := config.Target{Name: "gone", Vendor: config.VendorClumio, URL: fake.URL, Settings: config.DefaultSettings, BearerToken: clumiofake.DefaultToken}
			clock := newClock()
			e, self := newTestExporter(t, clock, stays, gone)
			fetcherOf(t, e, "stays").returns(richSnapshot(t0), nil)
			scrapeAll(t, e, nil)
			if inFlight {
				slow.Store(true)
				clock.Advance(time.Hour) // the cache expires: the next scrape refreshes
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				scrapeAll(t, e, ctx)
				cancel()
			}

			if err := e.ApplyConfig(&config.Config{Targets: []config.Target{stays}}); err != nil {
				t.Fatal(err)
			}
			for _, g := range []prometheus.Gatherer{self, scrapeGatherer(e)} {
				mfs, err := g.Gather()
				if err != nil {
					t.Fatal(err)
				}
				for _, mf := range mfs {
					for _, m := range mf.Metric {
						if labelValue(m, "target") == "gone" {
							t.Errorf("the removed target still has %s", mf.GetName())
						}
					}
				}
			}
			goleak.VerifyNone(t, baseline)
		})
	}
}

// scrapeAll scrapes every target once, under ctx when given.
func scrapeAll(t *testing.T, e *Exporter, ctx context.Context) {
	t.Helper()
	if ctx == nil {
		ctx = context.Background()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.ScrapeCollector(ctx))
	if _, err := reg.Gather(); err != nil && !strings.Contains(err.Error(), "context") {
		t.Fatal(err)
	}
}

func scrapeGatherer(e *Exporter) prometheus.Gatherer {
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.ScrapeCollector(context.Background()))
	return reg
}

//go:build scale

package collector

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

// The scale runs (build tag scale, `make bench-scale`) print the figures of
// BENCHMARKS.md about upstream requests and cold refreshes. They run the
// exporter in this process over the four vendors' fakes, with a simulated
// clock: the exporter, the clients and the fakes' data all read it, so an
// hour of scrapes runs in as long as its refreshes take.

// scaleEstate is the MSP's estate, split evenly across the four vendors.
const scaleEstate = 50000

// scaleVendor builds one vendor's fake, at its share of the estate, with
// its data generated at now, and a target of it.
type scaleVendor struct {
	name  string
	start func(tb testing.TB, clock *fakeClock, assets int) (config.Target, *fakefault.Injector)
}

var scaleVendors = []scaleVendor{
	{"clumio", func(tb testing.TB, clock *fakeClock, assets int) (config.Target, *fakefault.Injector) {
		srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: assets, Now: clock.Now()})
		return startClumio(tb, srv, "clumio"), srv.Faults
	}},
	{"cleverfox", func(tb testing.TB, clock *fakeClock, assets int) (config.Target, *fakefault.Injector) {
		srv := cleverfoxfake.New(cleverfoxfake.Options{Seed: 1, Scale: assets, Now: clock.Now()})
		return startCleverFox(tb, srv), srv.Faults
	}},
	{"cloutility", func(tb testing.TB, clock *fakeClock, assets int) (config.Target, *fakefault.Injector) {
		srv := cloutilityfake.New(cloutilityfake.Options{Seed: 1, Scale: assets, Now: clock.Now(), Clock: clock.Now})
		return startCloutility(tb, srv, "cloutility"), srv.Faults
	}},
	{"cloverdx", func(tb testing.TB, clock *fakeClock, assets int) (config.Target, *fakefault.Injector) {
		srv := cloverdxfake.New(cloverdxfake.Options{Seed: 1, Scale: assets, Now: clock.Now()})
		return startCloverDX(tb, srv), srv.Faults
	}},
}

// TestScaleUpstreamRequests reports, per vendor, the requests of a cold
// refresh and of a warm one with nothing changed, and the steady-state
// requests per hour with one and with two scrapers every 30 s (the second
// 15 s after the first), with the default TTLs; then the same with the
// incremental reads off (inventory_ttl = cache_ttl: every refresh reads
// the inventories and the Clumio alerts whole). One simulated hour follows
// the cold refresh.
func TestScaleUpstreamRequests(t *testing.T) {
	type mode struct {
		name     string
		scrapers int
		mod      func(*config.Target)
	}
	modes := []mode{
		{"defaults, 1 scraper", 1, func(*config.Target) {}},
		{"defaults, 2 scrapers", 2, func(*config.Target) {}},
		{"incremental off, 2 scrapers", 2, func(t *config.Target) { t.InventoryTTL = t.CacheTTL }},
	}
	share := scaleEstate / len(scaleVendors)
	t.Logf("estate %d assets, %d per vendor; cache_ttl %s, inventory_ttl %s unless said", scaleEstate, share,
		config.DefaultSettings.CacheTTL, config.DefaultSettings.InventoryTTL)
	t.Logf("%-28s %-10s %6s %6s %7s %9s", "mode", "vendor", "cold", "warm", "warm/cold", "req/hour")
	for _, m := range modes {
		clock := newClock()
		var targets []config.Target
		var faults []*fakefault.Injector
		for _, v := range scaleVendors {
			tg, f := v.start(t, clock, share)
			m.mod(&tg)
			targets = append(targets, tg)
			faults = append(faults, f)
		}
		e := benchExporter(t, clock, targets...)
		counts := func() []int64 {
			out := make([]int64, len(faults))
			for i, f := range faults {
				out[i] = f.Requests()
			}
			return out
		}
		ctx := context.Background()
		base := counts()
		e.Scrape(ctx)
		cold := counts()
		// A warm refresh: one cache_ttl later, nothing changed.
		clock.Advance(config.DefaultSettings.CacheTTL)
		e.Scrape(ctx)
		warm := counts()
		// An hour of scrapes.
		step := 30 * time.Second / time.Duration(m.scrapers)
		for elapsed := time.Duration(0); elapsed < time.Hour; elapsed += step {
			clock.Advance(step)
			e.Scrape(ctx)
		}
		hour := counts()
		closeTargets(e)
		for i, v := range scaleVendors {
			c, w := cold[i]-base[i], warm[i]-cold[i]
			t.Logf("%-28s %-10s %6d %6d %8.1f%% %9d", m.name, v.name, c, w, 100*float64(w)/float64(c), hour[i]-warm[i])
		}
	}
}

// TestScaleColdRefresh reports, per vendor, a cold refresh of its share of
// the estate at 20 ms per request with max_concurrency 8 (the median of
// three), beside the ideal: its requests × 20 ms ÷ 8.
func TestScaleColdRefresh(t *testing.T) {
	const (
		latency = 20 * time.Millisecond
		conc    = 8
		runs    = 3
	)
	share := scaleEstate / len(scaleVendors)
	t.Logf("%d assets per vendor, %s per request, max_concurrency %d, median of %d", share, latency, conc, runs)
	t.Logf("%-10s %8s %10s %10s %6s %8s", "vendor", "requests", "measured", "ideal", "ratio", "in-flight")
	for _, v := range scaleVendors {
		clock := newClock()
		target, faults := v.start(t, clock, share)
		target.MaxConcurrency = conc
		faults.SetLatency(latency)
		var took []time.Duration
		var requests int64
		for range runs {
			e := benchExporter(t, clock, target)
			faults.ResetCounts()
			began := time.Now()
			e.Scrape(context.Background())
			took = append(took, time.Since(began))
			requests = faults.Requests()
			closeTargets(e)
		}
		slices.Sort(took)
		measured := took[len(took)/2]
		ideal := time.Duration(requests) * latency / conc
		t.Logf("%-10s %8d %10s %10s %5.2fx %8d", v.name, requests, measured.Round(time.Millisecond), ideal.Round(time.Millisecond),
			float64(measured)/float64(ideal), faults.MaxInFlight())
	}
}

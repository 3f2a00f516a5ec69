//go:build scale

package collector

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
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
// the inventories and the Clumio alerts whole). A simulated window follows
// the warm refresh (SCALE_WINDOW, default 1h; the requests per hour are
// its requests scaled to an hour, so a window shorter than inventory_ttl
// misses the inventory re-reads). SCALE_WINDOW=0 measures only the cold and
// warm refreshes of the first mode: for an API whose warm refresh is about
// as long as its cold one, that is all there is to tell.
func TestScaleUpstreamRequests(t *testing.T) {
	window := time.Hour
	if v := os.Getenv("SCALE_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SCALE_WINDOW: %v", err)
		}
		window = d
	}
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
	vendors := selectedVendors(t)
	t.Logf("estate %d assets, %d per vendor; cache_ttl %s, inventory_ttl %s unless said", scaleEstate, share,
		config.DefaultSettings.CacheTTL, config.DefaultSettings.InventoryTTL)
	t.Logf("%-28s %-10s %6s %6s %7s %9s", "mode", "vendor", "cold", "warm", "warm/cold", "req/hour")
	if window <= 0 {
		modes = modes[:1]
	}
	for _, m := range modes {
		clock := newClock()
		var targets []config.Target
		var faults []*fakefault.Injector
		for _, v := range vendors {
			tg, f := v.start(t, clock, share)
			tg.Timeout = 30 * time.Minute // a loaded machine must not cut a refresh short
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
		// The window of scrapes.
		step := 30 * time.Second / time.Duration(m.scrapers)
		for elapsed := time.Duration(0); elapsed < window; elapsed += step {
			clock.Advance(step)
			e.Scrape(ctx)
		}
		end := counts()
		closeTargets(e)
		for i, v := range vendors {
			c, w := cold[i]-base[i], warm[i]-cold[i]
			perHour := "-"
			if window > 0 {
				perHour = fmt.Sprintf("%.0f", float64(end[i]-warm[i])*float64(time.Hour)/float64(window))
			}
			t.Logf("%-28s %-10s %6d %6d %8.1f%% %9s", m.name, v.name, c, w, 100*float64(w)/float64(c), perHour)
		}
	}
}

// selectedVendors are the vendors named in SCALE_VENDORS (comma-separated),
// or all four.
func selectedVendors(t *testing.T) []scaleVendor {
	names := os.Getenv("SCALE_VENDORS")
	if names == "" {
		return scaleVendors
	}
	var out []scaleVendor
	for _, v := range scaleVendors {
		if slices.Contains(strings.Split(names, ","), v.name) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		t.Fatalf("SCALE_VENDORS=%q names no vendor", names)
	}
	return out
}

// TestScaleColdRefresh reports, per vendor, a cold refresh of its share of
// the estate at 20 ms per request with max_concurrency 8 (the median of
// three), beside the ideal: its requests × 20 ms ÷ 8; and the same refresh
// with no added latency, the CPU it costs on this machine (the fake's
// encoding included, as it runs in this process).
func TestScaleColdRefresh(t *testing.T) {
	const (
		latency = 20 * time.Millisecond
		conc    = 8
		runs    = 3
	)
	share := scaleEstate / len(scaleVendors)
	t.Logf("%d assets per vendor, %s per request, max_concurrency %d, median of %d", share, latency, conc, runs)
	t.Logf("%-10s %8s %10s %10s %6s %9s %10s", "vendor", "requests", "measured", "ideal", "ratio", "in-flight", "no latency")
	for _, v := range selectedVendors(t) {
		clock := newClock()
		target, faults := v.start(t, clock, share)
		target.MaxConcurrency = conc
		target.Timeout = 30 * time.Minute
		median := func() (time.Duration, int64) {
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
			return took[len(took)/2], requests
		}
		cpu, _ := median()
		faults.SetLatency(latency)
		measured, requests := median()
		ideal := time.Duration(requests) * latency / conc
		t.Logf("%-10s %8d %10s %10s %5.2fx %9d %10s", v.name, requests, measured.Round(time.Millisecond), ideal.Round(time.Millisecond),
			float64(measured)/float64(ideal), faults.MaxInFlight(), cpu.Round(time.Millisecond))
	}
}

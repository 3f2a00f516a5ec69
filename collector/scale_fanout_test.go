//go:build scale

package collector

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

// The fan-out runs of BENCHMARKS.md (issue 18): a Cloutility portal of
// 3,000 and 12,500 consumers and a CloverDX server of 2,000 dashboards,
// with nothing but credentials in the target (the vendor's defaults) and
// with the README's recommended settings for a portal that can take more.

// fanOutCase is one estate and one set of settings.
type fanOutCase struct {
	vendor   string
	items    int // consumers or dashboards
	settings string
	mod      func(*config.Target)
}

// recommended is README's "Large estates" advice for a portal that takes
// twice the default budget: twice the requests a second and in flight.
func recommended(t *config.Target) {
	t.RequestsPerSecond, t.MaxConcurrency = 2*t.RequestsPerSecond, 2*t.MaxConcurrency
}

func fanOutCases() []fanOutCase {
	var out []fanOutCase
	for _, e := range []struct {
		vendor string
		items  int
	}{{config.VendorCloutility, 3000}, {config.VendorCloutility, 12500}, {config.VendorCloverDX, 2000}} {
		out = append(out, fanOutCase{e.vendor, e.items, "defaults", func(*config.Target) {}},
			fanOutCase{e.vendor, e.items, "recommended", recommended})
	}
	if sel := os.Getenv("SCALE_SETTINGS"); sel != "" {
		var kept []fanOutCase
		for _, c := range out {
			if strings.Contains(","+sel+",", ","+c.settings+",") {
				kept = append(kept, c)
			}
		}
		out = kept
	}
	if sel := os.Getenv("SCALE_FANOUT"); sel != "" {
		var kept []fanOutCase
		for _, c := range out {
			if strings.Contains(","+sel+",", fmt.Sprintf(",%s-%d,", c.vendor, c.items)) {
				kept = append(kept, c)
			}
		}
		out = kept
	}
	return out
}

// startFanOut serves the case's fake, its data generated at now and its
// tokens expiring on clock, and returns a target of it with the vendor's
// defaults and the case's settings.
func startFanOut(tb testing.TB, c fanOutCase, now time.Time, clock func() time.Time) (config.Target, *fakefault.Injector) {
	var (
		tg     config.Target
		faults *fakefault.Injector
	)
	switch c.vendor {
	case config.VendorCloutility:
		srv := cloutilityfake.New(cloutilityfake.Options{Seed: 1, Scale: c.items, BusinessUnits: c.items / 100, Now: now, Clock: clock})
		tg, faults = startCloutility(tb, srv, "cloutility"), srv.Faults
	case config.VendorCloverDX:
		srv := cloverdxfake.New(cloverdxfake.Options{Seed: 1, Scale: 500, Dashboards: c.items, Now: now})
		tg, faults = startCloverDX(tb, srv), srv.Faults
	}
	tg.Settings = config.VendorDefaults(c.vendor)
	c.mod(&tg)
	return tg, faults
}

// itemsState reads a fan-out target's backup_refresh_items by freshness and
// its oldest read time from an exposition.
func itemsState(mfs []*dto.MetricFamily) (fresh, behind, unread float64, oldest time.Time) {
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			switch mf.GetName() {
			case "backup_refresh_items":
				switch labelValue(m, "freshness") {
				case "fresh":
					fresh = m.GetGauge().GetValue()
				case "behind":
					behind = m.GetGauge().GetValue()
				case "unread":
					unread = m.GetGauge().GetValue()
				}
			case "backup_refresh_items_observed_timestamp_seconds":
				if labelValue(m, "age_percentile") == "100" {
					oldest = time.Unix(0, int64(m.GetGauge().GetValue()*1e9))
				}
			}
		}
	}
	return fresh, behind, unread, oldest
}

// minimumPerHour is the least a fan-out target needs an hour to keep every
// item's state within cache_ttl: for Cloutility one jobs read per consumer
// per cache_ttl, its node every inventory_ttl and its report once a day;
// for CloverDX one monitors read per dashboard per cache_ttl.
func minimumPerHour(c fanOutCase, t config.Target) float64 {
	n := float64(c.items)
	perHour := func(d time.Duration) float64 { return float64(time.Hour) / float64(d) }
	if c.vendor == config.VendorCloverDX {
		return n * perHour(t.CacheTTL)
	}
	return n*perHour(t.CacheTTL) + n*perHour(t.InventoryTTL) + n/24
}

// TestScaleFanOutSteady runs each case in simulated time: scrapes every
// 30 s for SCALE_WINDOW (default 3h) after the cold refresh, and reports
// the cold refresh's requests, the steady-state requests an hour (from the
// second hour on, when the nodes and listings have been read again) against
// the minimum, and the largest data age seen by any scrape against
// cache_ttl. Reports and the consumers' allowNoActivity are read daily: a
// window under a day has none of them, so the minimum counts the reports
// and the run counts neither, in its favour by items/24 an hour for each
// (0.6 % of the minimum at the defaults); SCALE_WINDOW=26h counts a day of
// both. Only the defaults run: in simulated time a refresh takes no time,
// so a larger budget reads the same.
func TestScaleFanOutSteady(t *testing.T) {
	window := 3 * time.Hour
	if v := os.Getenv("SCALE_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		window = d
	}
	t.Logf("simulated: scrapes every 30s for %s after the cold refresh", window)
	t.Logf("%-11s %6s %-12s %8s %8s %10s %10s %6s %9s %6s", "vendor", "items", "settings", "cache_ttl", "cold", "req/hour", "minimum", "ratio", "max age", "/ttl")
	for _, c := range fanOutCases() {
		if c.settings != "defaults" {
			continue // the budget does not change what is read in simulated time
		}
		clock := newClock()
		target, faults := startFanOut(t, c, clock.Now(), clock.Now)
		// The budget's limiter runs on the wall clock; in simulated time
		// a refresh takes no time, so what it reads does not depend on it.
		budget := target.RequestsPerSecond
		target.RequestsPerSecond = 0
		// The refresh deadline runs on the wall clock too: a loaded
		// machine must not cut a simulated refresh short.
		target.Timeout = 30 * time.Minute
		e := benchExporter(t, clock, target)
		ctx := context.Background()
		e.Scrape(ctx)
		cold := faults.Requests()
		var maxAge time.Duration
		var steadyFrom int64 = -1
		steadyStart := clock.Now().Add(time.Hour)
		for elapsed := time.Duration(0); elapsed < window; elapsed += 30 * time.Second {
			clock.Advance(30 * time.Second)
			mfs, err := e.Scrape(ctx).Gather()
			if err != nil {
				t.Fatal(err)
			}
			// From just after the scrape an hour in: the hourly reads
			// (nodes, listing) of its refresh are left out, and those of
			// the refresh an hour later counted, once each.
			if steadyFrom < 0 && !clock.Now().Before(steadyStart) {
				steadyFrom = faults.Requests()
			}
			_, _, unread, oldest := itemsState(mfs)
			if unread > 0 {
				t.Errorf("%s %d: %v items unread after the cold refresh", c.vendor, c.items, unread)
			}
			if age := clock.Now().Sub(oldest); !oldest.IsZero() && age > maxAge {
				maxAge = age
			}
		}
		closeTargets(e)
		perHour := float64(faults.Requests()-steadyFrom) / (window - time.Hour).Hours()
		target.RequestsPerSecond = budget
		minimum := minimumPerHour(c, target)
		t.Logf("%-11s %6d %-12s %8s %8d %10.0f %10.0f %5.2fx %9s %5.2fx", c.vendor, c.items, c.settings, target.CacheTTL,
			cold, perHour, minimum, perHour/minimum, maxAge, maxAge.Seconds()/target.CacheTTL.Seconds())
	}
}

// fanOutLatencies are the fakes' latencies of the real-time runs: 20 ms and
// 50 ms, or those SCALE_LATENCIES lists (for example 50ms).
func fanOutLatencies(t *testing.T) []time.Duration {
	sel := os.Getenv("SCALE_LATENCIES")
	if sel == "" {
		return []time.Duration{20 * time.Millisecond, 50 * time.Millisecond}
	}
	var out []time.Duration
	for _, f := range strings.Split(sel, ",") {
		d, err := time.ParseDuration(f)
		if err != nil {
			t.Fatalf("SCALE_LATENCIES: %v", err)
		}
		out = append(out, d)
	}
	return out
}

// TestScaleFanOutCold runs each case in real time against its fake
// answering in 20 ms and in 50 ms, from a new exporter that nobody
// scrapes (as at startup, the first refresh starts at once and the
// continuations follow in the background), and reports the time until the
// first item is served and until every one is, against the time its cold
// requests take at the budget (requests ÷ requests_per_second), and the
// peak requests in flight against max_concurrency. SCALE_FANOUT selects
// cases (for example cloutility-3000,cloverdx-2000), SCALE_SETTINGS the
// settings (defaults, recommended) and SCALE_LATENCIES the latencies:
// 12,500 consumers at the default budget take some 14 minutes each.
func TestScaleFanOutCold(t *testing.T) {
	t.Logf("%-11s %6s %-12s %7s %9s %8s %9s %9s %6s %9s", "vendor", "items", "settings", "latency", "requests", "first", "all", "budget", "ratio", "in-flight")
	for _, c := range fanOutCases() {
		for _, latency := range fanOutLatencies(t) {
			target, faults := startFanOut(t, c, time.Now(), nil)
			target.Timeout = time.Minute
			faults.SetLatency(latency)
			e, err := NewExporter(&config.Config{Targets: []config.Target{target}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			tg := e.lookup(nil)[0]
			began := time.Now()
			tg.warm()
			var first, all time.Duration
			limit := time.Duration(float64(c.items)*6/target.RequestsPerSecond*float64(time.Second)) + 2*time.Minute
			for all == 0 && time.Since(began) < limit {
				time.Sleep(250 * time.Millisecond)
				tg.mu.Lock()
				v := tg.view
				tg.mu.Unlock()
				fresh, behind, unread, _ := itemsState(v.renditionAt(time.Now()).families)
				if first == 0 && fresh+behind > 0 {
					first = time.Since(began)
				}
				if fresh > 0 && unread == 0 {
					all = time.Since(began)
				}
			}
			requests := faults.Requests()
			closeTargets(e)
			budget := time.Duration(float64(requests) / target.RequestsPerSecond * float64(time.Second))
			ratio := math.NaN()
			if all > 0 {
				ratio = all.Seconds() / budget.Seconds()
			}
			t.Logf("%-11s %6d %-12s %7s %9d %8s %9s %9s %5.2fx %5d/%-3d", c.vendor, c.items, c.settings, latency, requests,
				first.Round(100*time.Millisecond), all.Round(time.Second), budget.Round(time.Second), ratio, faults.MaxInFlight(), target.MaxConcurrency)
			if all == 0 {
				t.Errorf("%s %d %s at %s: not every item served within %s", c.vendor, c.items, c.settings, latency, limit)
			}
		}
	}
}

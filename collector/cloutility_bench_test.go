package collector

import (
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
)

// BenchmarkCloutility measures a portal of 1,000 consumers in 50 business
// units, served with 20 ms of latency per request to a target with
// max_concurrency 8:
//
//   - cold_refresh: a new exporter's first scrape: the tree, two calls per
//     business unit, and per consumer its node, latest report, first job
//     and jobs over the history, plus the filespaces of nodes without a
//     successful backup job;
//   - warm_refresh: a later refresh of the same exporter (the cache expired),
//     which no longer reads /v1/me, the warning types or the first jobs;
//   - cached_scrape: a scrape served from the cache, no upstream call.
//
// Beside the time it reports requests/op, requests/consumer and the ideal
// time, requests × 20 ms ÷ 8.
//
//	go test ./collector -run '^$' -bench Cloutility -benchtime 1x
func BenchmarkCloutility(b *testing.B) {
	const (
		consumers = 1000
		bunits    = 50
		conc      = 8
		latency   = 20 * time.Millisecond
	)
	clock := newClock()
	srv := cloutilityfake.New(cloutilityfake.Options{Seed: 1, Scale: consumers, BusinessUnits: bunits, Now: clock.Now(), Clock: clock.Now})
	target := startCloutility(b, srv, "safespring", func(t *config.Target) { t.MaxConcurrency = conc })
	srv.Faults.SetLatency(latency)

	report := func(b *testing.B, requests int64) {
		perOp := float64(requests) / float64(b.N)
		b.ReportMetric(perOp, "requests/op")
		b.ReportMetric(perOp/consumers, "requests/consumer")
		b.ReportMetric(perOp*float64(latency.Milliseconds())/conc, "ideal-ms/op")
	}

	b.Run("cold_refresh", func(b *testing.B) {
		srv.Faults.ResetCounts()
		b.ReportAllocs()
		for b.Loop() {
			e := benchExporter(b, clock, target)
			if n := benchScrape(b, e); n < consumers {
				b.Fatalf("the scrape served %d series, want at least one per consumer", n)
			}
			closeTargets(e)
		}
		report(b, srv.Faults.Requests())
		b.ReportMetric(float64(srv.Faults.MaxInFlight()), "max-in-flight")
	})

	b.Run("warm_refresh", func(b *testing.B) {
		e := benchExporter(b, clock, target)
		defer closeTargets(e)
		benchScrape(b, e)
		before := srv.Faults.Requests()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			clock.Advance(2 * config.DefaultSettings.CacheTTL)
			benchScrape(b, e)
		}
		report(b, srv.Faults.Requests()-before)
	})

	b.Run("cached_scrape", func(b *testing.B) {
		srv.Faults.SetLatency(0)
		benchCachedScrape(b, clock, target, srv.Faults, consumers)
	})
}

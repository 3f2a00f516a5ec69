package collector

import (
	"fmt"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// clumioBenchScale is the number of Clumio assets of the benchmarks.
const clumioBenchScale = 10000

// BenchmarkClumio measures, for 10,000 Clumio assets (about 9,000 tasks and
// 2,600 active alerts in the lookback window), one scrape served from the
// cache (cached_scrape, no upstream call) and a new exporter's first scrape
// (cold_refresh/latency=L/max_concurrency=N), which reads every list from a
// fake that takes L per request with N requests in flight. Beside the
// measured time it reports the ideal one, requests × L ÷ N, which only
// perfectly parallel paging reaches; the run without latency is the CPU
// floor (the fake's JSON encoding included, as it serves in the same
// process). Run it with:
//
//	go test ./collector -run '^$' -bench Clumio -benchtime 3x
func BenchmarkClumio(b *testing.B) {
	clock := newClock()
	srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: clumioBenchScale, Now: clock.Now()})

	b.Run("cached_scrape", func(b *testing.B) {
		benchCachedScrape(b, clock, startClumio(b, srv, "clumio"), srv.Faults, clumioBenchScale)
	})

	for _, tc := range []struct {
		latency time.Duration
		conc    int
	}{
		// Without latency the refresh costs only CPU (the fake's encoding
		// included): the floor under the figures with latency.
		{0, 4},
		{20 * time.Millisecond, 4},
		{20 * time.Millisecond, 8},
	} {
		latency, conc := tc.latency, tc.conc
		b.Run(fmt.Sprintf("cold_refresh/latency=%s/max_concurrency=%d", latency, conc), func(b *testing.B) {
			srv.Faults.SetLatency(latency)
			defer srv.Faults.SetLatency(0)
			target := startClumio(b, srv, "clumio", func(t *config.Target) { t.MaxConcurrency = conc })
			srv.Faults.ResetCounts()
			b.ReportAllocs()
			for b.Loop() {
				e := benchExporter(b, clock, target)
				if n := benchScrape(b, e); n < clumioBenchScale {
					b.Fatalf("the scrape served %d series, want at least one per asset", n)
				}
				closeTargets(e)
			}
			requests := float64(srv.Faults.Requests()) / float64(b.N)
			b.ReportMetric(requests, "requests/op")
			b.ReportMetric(requests*float64(latency)/float64(time.Millisecond)/float64(conc), "ideal-ms/op")
			b.ReportMetric(float64(srv.Faults.MaxInFlight()), "max-in-flight")
		})
	}
}

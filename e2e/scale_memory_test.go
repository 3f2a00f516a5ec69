//go:build scale

package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestScaleMemory reports the exporter's heap in use and RSS after the
// cold refresh of one Clumio target and a first scrape (OpenMetrics,
// gzip, as Prometheus asks), at 5,000, 50,000 and 200,000 assets, with the
// heap per series. The exporter runs with --web.probe-only, so that reading
// its self metrics does not scrape the target. The 200,000-asset run needs
// about 10 GiB free (vendorsim holds the fake's data set) and is skipped
// without it. SCALE_ASSETS runs that size alone.
func TestScaleMemory(t *testing.T) {
	t.Logf("%8s %8s %12s %10s %13s", "assets", "series", "heap in use", "RSS", "heap/series")
	sizes := []int{5000, 50000, 200000}
	if n := scaleAssets(t, 0); n > 0 {
		sizes = []int{n}
	}
	for _, scale := range sizes {
		if need := float64(scale) / 50000 * 2.5 * (1 << 30); procMemAvailable(t) < need {
			t.Logf("%8d skipped: %.1f GiB available, %.1f GiB needed", scale, procMemAvailable(t)/(1<<30), need/(1<<30))
			continue
		}
		t.Run(fmt.Sprint(scale), func(t *testing.T) {
			s := startClumioScale(t, scale, "--web.probe-only")
			body, _ := fetch(t, "http://"+s.exporterAddr+"/probe?target=clumio", map[string]string{
				"Accept": "application/openmetrics-text;version=1.0.0", "Accept-Encoding": "gzip"})
			series := countSeries(gunzip(t, body))
			heap := selfMetric(t, s.exporterAddr, "go_memstats_heap_inuse_bytes")
			rss := procStatus(t, s.pid, "VmRSS")
			t.Logf("%8d %8d %9.0f MiB %6.0f MiB %9.0f B", scale, series, heap/(1<<20), rss/(1<<20), heap/float64(series))
		})
	}
}

// TestScaleConcurrentScrapes runs 16 scrapers at once on the cached
// 50,000-asset target, each scraping /metrics (and then /probe) in a loop
// with OpenMetrics and gzip, and reports the p50 and p99 latency and the
// exporter's CPU seconds per scrape.
func TestScaleConcurrentScrapes(t *testing.T) {
	const scrapers = 16
	s := startClumioScale(t, scaleAssets(t, 50000))
	header := map[string]string{"Accept": "application/openmetrics-text;version=1.0.0", "Accept-Encoding": "gzip"}
	fetch(t, "http://"+s.exporterAddr+"/metrics", header) // the cold refresh
	perScraper := scaleRounds(t, 4)
	t.Logf("%d scrapers, %d scrapes each, OpenMetrics gzip", scrapers, perScraper)
	t.Logf("%-9s %10s %10s %14s", "endpoint", "p50", "p99", "CPU s/scrape")
	for _, path := range []string{"/metrics", "/probe?target=clumio"} {
		url := "http://" + s.exporterAddr + path
		fetch(t, url, header) // encodes what /probe caches
		var (
			mu   sync.Mutex
			took []time.Duration
			wg   sync.WaitGroup
		)
		cpuBefore := cpuSeconds(t, s.pid)
		for range scrapers {
			wg.Go(func() {
				for range perScraper {
					_, d := fetch(t, url, header)
					mu.Lock()
					took = append(took, d)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		cpu := cpuSeconds(t, s.pid) - cpuBefore
		n := len(took)
		t.Logf("%-9s %10s %10s %14.3f", strings.SplitN(path, "?", 2)[0], percentile(took, 0.5).Round(time.Millisecond),
			percentile(took, 0.99).Round(time.Millisecond), cpu/float64(n))
	}
}

// gunzip inflates a gzipped body.
func gunzip(t *testing.T, body []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// procMemAvailable is MemAvailable of /proc/meminfo, in bytes.
func procMemAvailable(t *testing.T) float64 {
	return procStatusFile(t, "/proc/meminfo", "MemAvailable")
}

package collector

import (
	"context"
	"testing"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

// The helpers the vendors' benchmarks share.

// benchExporter builds an exporter of the targets.
func benchExporter(b testing.TB, clock *fakeClock, targets ...config.Target) *Exporter {
	b.Helper()
	e, err := NewExporter(&config.Config{Targets: targets}, Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// benchScrape gathers every target once and returns the number of series.
func benchScrape(b *testing.B, e *Exporter) int {
	b.Helper()
	mfs, err := e.Scrape(context.Background()).Gather()
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, mf := range mfs {
		n += len(mf.GetMetric())
	}
	return n
}

// benchCachedScrape measures scrapes served from the cache of an exporter of
// target: the first scrape fills it (and must serve at least minSeries
// series), and no timed scrape may reach the fake behind faults.
func benchCachedScrape(b *testing.B, clock *fakeClock, target config.Target, faults *fakefault.Injector, minSeries int) {
	b.Helper()
	e := benchExporter(b, clock, target)
	defer closeTargets(e)
	if n := benchScrape(b, e); n < minSeries {
		b.Fatalf("the first scrape served %d series, want at least %d", n, minSeries)
	}
	faults.ResetCounts()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		benchScrape(b, e)
	}
	if n := faults.Requests(); n != 0 {
		b.Fatalf("cached scrapes sent %d requests upstream, want 0", n)
	}
}

// closeTargets stops the exporter's targets.
func closeTargets(e *Exporter) {
	for _, t := range e.lookup(nil) {
		t.close()
	}
}

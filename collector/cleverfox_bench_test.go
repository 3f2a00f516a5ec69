package collector

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
)

// BenchmarkCleverFox measures a cold refresh of 5,000 jobs on 2,000 devices
// (a new exporter whose first scrape pages every list and the logs back to
// history) and a cached scrape of the same target. The fake serves in the
// same process over TLS, so the cold figures include its JSON encoding.
//
//	go test ./collector -run '^$' -bench CleverFox -benchtime 5x
func BenchmarkCleverFox(b *testing.B) {
	clock := newClock()
	srv := cleverfoxfake.New(cleverfoxfake.Options{Seed: 1, Scale: 5000, Now: clock.Now()})
	target := startCleverFox(b, srv)

	b.Run("cold_refresh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			e := benchExporter(b, clock, target)
			benchScrape(b, e)
			for _, t := range e.lookup(nil) {
				t.close()
			}
		}
		b.ReportMetric(float64(srv.Faults.Requests())/float64(b.N), "requests/op")
		srv.Faults.ResetCounts()
	})

	b.Run("cached_scrape", func(b *testing.B) {
		e := benchExporter(b, clock, target)
		defer func() {
			for _, t := range e.lookup(nil) {
				t.close()
			}
		}()
		if n := benchScrape(b, e); n < 5000 {
			b.Fatalf("the first scrape served %d series, want at least one per job", n)
		}
		srv.Faults.ResetCounts()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			benchScrape(b, e)
		}
		if n := srv.Faults.Requests(); n != 0 {
			b.Fatalf("cached scrapes sent %d requests upstream, want 0", n)
		}
	})
}

// benchExporter builds an exporter of the one target.
func benchExporter(b *testing.B, clock *fakeClock, target config.Target) *Exporter {
	b.Helper()
	e, err := NewExporter(&config.Config{Targets: []config.Target{target}}, Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// benchScrape gathers every target once and returns the number of series.
func benchScrape(b *testing.B, e *Exporter) int {
	b.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.ScrapeCollector(context.Background()))
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, mf := range mfs {
		n += len(mf.GetMetric())
	}
	return n
}

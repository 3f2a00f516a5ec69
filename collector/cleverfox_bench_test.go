package collector

import (
	"testing"

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
			closeTargets(e)
		}
		b.ReportMetric(float64(srv.Faults.Requests())/float64(b.N), "requests/op")
		srv.Faults.ResetCounts()
	})

	b.Run("cached_scrape", func(b *testing.B) {
		benchCachedScrape(b, clock, target, srv.Faults, 5000)
	})
}

package collector

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
)

// benchAssets is the size of the benchmarks' synthetic estate.
const benchAssets = 10000

// BenchmarkScrapeCached10kAssets measures a scrape of a 10,000-asset target
// served from cache: "gather" is what /metrics does before encoding (the
// target's families, built at refresh time, merged), "encoded" what /probe
// does (the bytes encoded at the first scrape after the refresh, gzipped
// text here, copied out), and "floor" the encoding of the same families
// that any exporter pays, for comparison.
func BenchmarkScrapeCached10kAssets(b *testing.B) {
	clock := newClock()
	e, _ := newTestExporter(b, clock, fakeTarget("acme"))
	fetcherOf(b, e, "acme").returns(syntheticSnapshot(clock.Now(), benchAssets), nil)
	ctx := context.Background()
	mfs, err := e.Scrape(ctx).Gather()
	if err != nil {
		b.Fatal(err)
	}
	series := 0
	for _, mf := range mfs {
		series += len(mf.Metric)
	}
	format := expfmt.NewFormat(expfmt.TypeTextPlain)

	b.Run("gather", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Scrape(ctx).Gather(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(series), "series/op")
	})
	for _, gz := range []bool{false, true} {
		name := map[bool]string{false: "identity", true: "gzip"}[gz]
		b.Run("encoded/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				body, err := e.Scrape(ctx).Encode(Encoding{Format: format, Gzip: gz})
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Discard.Write(body)
			}
		})
		b.Run("floor/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeFamilies(mfs, Encoding{Format: format, Gzip: gz}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if fetches := fetcherOf(b, e, "acme").calls.Load(); fetches != 1 {
		b.Fatalf("%d fetches, want 1: the benchmark left the cache", fetches)
	}
}

// BenchmarkRefresh10kAssets measures the engine's work of turning a
// 10,000-asset snapshot (with jobs and alerts) into the series it serves,
// in the steady state where every job id has been seen before: the
// families and their first rendition included.
func BenchmarkRefresh10kAssets(b *testing.B) {
	clock := newClock()
	e, _ := newTestExporter(b, clock, fakeTarget("acme"))
	tg := e.lookup(nil)[0]
	snap := syntheticSnapshot(clock.Now(), benchAssets)
	start, end := clock.Now(), clock.Now().Add(time.Second)
	b.ReportAllocs()
	for b.Loop() {
		v := tg.absorb(snap, nil, start, end)
		if v.status.Assets != benchAssets {
			b.Fatalf("%d assets, want %d", v.status.Assets, benchAssets)
		}
	}
}

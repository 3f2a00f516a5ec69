package collector

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// benchAssets is the size of the benchmarks' synthetic estate.
const benchAssets = 10000

// BenchmarkScrapeCached10kAssets measures a scrape of a 10,000-asset target
// served from cache: "collect" is the engine's own work (sending the series
// built at refresh time), "gather" adds what the Prometheus registry does
// with them before encoding.
func BenchmarkScrapeCached10kAssets(b *testing.B) {
	clock := newClock()
	e, _ := newTestExporter(b, clock, fakeTarget("acme"))
	fetcherOf(b, e, "acme").returns(syntheticSnapshot(clock.Now(), benchAssets), nil)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.ScrapeCollector(ctx))
	if _, err := reg.Gather(); err != nil {
		b.Fatal(err)
	}

	b.Run("collect", func(b *testing.B) {
		c := e.ScrapeCollector(ctx)
		ch := make(chan prometheus.Metric, 1024)
		done := make(chan int)
		go func() {
			n := 0
			for range ch {
				n++
			}
			done <- n
		}()
		b.ReportAllocs()
		for b.Loop() {
			c.Collect(ch)
		}
		close(ch)
		b.ReportMetric(float64(<-done)/float64(b.N), "series/op")
	})
	b.Run("gather", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := reg.Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
	if fetches := fetcherOf(b, e, "acme").calls.Load(); fetches != 1 {
		b.Fatalf("%d fetches, want 1: the benchmark left the cache", fetches)
	}
}

// BenchmarkRefresh10kAssets measures the engine's work of turning a
// 10,000-asset snapshot (with jobs and alerts) into the series it serves,
// in the steady state where every job id has been seen before.
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

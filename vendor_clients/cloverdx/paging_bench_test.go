package cloverdx

import (
	"context"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
)

// BenchmarkParallelPages reads 20 pages at 20 ms latency with
// max_concurrency 4 and reports the time per read against the ideal: the
// first page alone, then 19 pages 4 at a time, 6 round trips.
func BenchmarkParallelPages(b *testing.B) {
	const latency = 20 * time.Millisecond
	ideal := 6 * latency
	srv := twentyPages(latency)
	c := newClient(b, serve(b, srv, nil), func(t *config.Target) { t.PageSize, t.MaxConcurrency = 10, 4 })
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if n, err := readAll(context.Background(), c); err != nil || n != 200 {
			b.Fatalf("read %d executions, error %v", n, err)
		}
	}
	perRead := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(perRead)/float64(ideal), "x_ideal")
}

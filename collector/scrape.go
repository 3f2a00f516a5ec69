package collector

import (
	"context"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// scrape is the collector of one scrape: it collects its targets in
// parallel, so that a slow target delays no other, each bounded by ctx.
type scrape struct {
	ctx   context.Context
	e     *Exporter
	names []string
}

// Describe implements prometheus.Collector. It sends nothing: the collector
// is unchecked because vendor-only metrics are known only once fetched.
func (s *scrape) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	ctx := s.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var wg sync.WaitGroup
	for _, t := range s.e.lookup(s.names) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.collect(ctx, ch)
		}()
	}
	wg.Wait()
}

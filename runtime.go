package main

import (
	"regexp"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	dto "github.com/prometheus/client_model/go"
)

// clashingMemStats are the Go collector's MemStats metrics that OpenMetrics
// names like another of its families, which makes strict parsers refuse the
// whole answer (client_golang issue 829): the counter
// go_memstats_alloc_bytes_total is the family go_memstats_alloc_bytes there,
// as is the gauge of that name. The collector has no option to leave one
// MemStats metric out, so they are dropped when gathered; the same figure is
// served under its runtime/metrics name, go_gc_heap_allocs_bytes_total.
var clashingMemStats = map[string]bool{"go_memstats_alloc_bytes_total": true}

// heapAllocs is the runtime/metrics counter that replaces
// go_memstats_alloc_bytes_total: bytes allocated on the heap since start.
var heapAllocs = collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/heap/allocs:bytes$`)}

// withRuntimeMetrics registers the exporter's build, Go runtime and process
// metrics with reg and returns the gatherer of reg's families to serve:
// the familiar go_memstats_* (which guides, dashboards and the e2e soak
// read) and client_golang's default runtime metrics, less clashingMemStats.
func withRuntimeMetrics(reg *prometheus.Registry) prometheus.Gatherer {
	reg.MustRegister(
		versioncollector.NewCollector(exporterName),
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(heapAllocs)),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		mfs, err := reg.Gather()
		kept := mfs[:0]
		for _, mf := range mfs {
			if !clashingMemStats[mf.GetName()] {
				kept = append(kept, mf)
			}
		}
		return kept, err
	})
}

package collector

import (
	"context"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// ScrapeCollector returns the scrape of the named targets (every target when
// names is empty) as a prometheus.Collector, for a registry that holds it
// beside other collectors; the HTTP routes use Scrape, which needs no
// registry. Each Collect is one scrape, with ctx's deadline as Scrape's.
//
// The collector is unchecked (it describes nothing): vendor-only metrics are
// only known once fetched.
func (e *Exporter) ScrapeCollector(ctx context.Context, names ...string) prometheus.Collector {
	return &scrapeCollector{ctx: ctx, e: e, names: names}
}

// scrapeCollector is the Collector of ScrapeCollector.
type scrapeCollector struct {
	ctx   context.Context
	e     *Exporter
	names []string
}

// Describe implements prometheus.Collector. It sends nothing.
func (s *scrapeCollector) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector: one scrape, its series sent
// with the descriptor of their family.
func (s *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	mfs, _ := s.e.Scrape(s.ctx, s.names...).Gather()
	collectFamilies(mfs, ch)
}

// collectFamilies sends the series of mfs as prometheus.Metrics.
func collectFamilies(mfs []*dto.MetricFamily, ch chan<- prometheus.Metric) {
	for _, mf := range mfs {
		descs := map[string]*prometheus.Desc{}
		for _, m := range mf.Metric {
			names := make([]string, len(m.Label))
			for i, lp := range m.Label {
				names[i] = lp.GetName()
			}
			key := strings.Join(names, "\xff")
			d, ok := descs[key]
			if !ok {
				d = prometheus.NewDesc(mf.GetName(), mf.GetHelp(), names, nil)
				descs[key] = d
			}
			ch <- familyMetric{desc: d, m: m}
		}
	}
}

// familyMetric is one series of a family, as a prometheus.Metric.
type familyMetric struct {
	desc *prometheus.Desc
	m    *dto.Metric
}

// Desc implements prometheus.Metric.
func (f familyMetric) Desc() *prometheus.Desc { return f.desc }

// Write implements prometheus.Metric: it shares the series' immutable parts.
func (f familyMetric) Write(out *dto.Metric) error {
	out.Label, out.Gauge, out.Counter, out.Untyped = f.m.Label, f.m.Gauge, f.m.Counter, f.m.Untyped
	out.Summary, out.Histogram, out.TimestampMs = f.m.Summary, f.m.Histogram, f.m.TimestampMs
	return nil
}

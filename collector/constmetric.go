package collector

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// constSample is an immutable prometheus.Metric built once per refresh and
// sent again on every cached scrape. Unlike prometheus.NewConstMetric it
// shares what it writes: the `target` and `vendor` pairs are shared by every
// series of a target, an asset's pairs by all of its series, and the value
// is written as a ready-made dto.Gauge or dto.Counter. That keeps a
// 10,000-asset target's cache small and a cached scrape free of allocations
// of its own. The registry treats written messages as immutable, so sharing
// them between concurrent scrapes is safe.
type constSample struct {
	desc    *prometheus.Desc
	labels  []*dto.LabelPair
	gauge   *dto.Gauge
	counter *dto.Counter
}

// gaugeSample makes one gauge on its own, for the few series not built in a
// metricSet.
func gaugeSample(d *prometheus.Desc, labels []*dto.LabelPair, v float64) constSample {
	return constSample{desc: d, labels: labels, gauge: &dto.Gauge{Value: &v}}
}

// Desc implements prometheus.Metric.
func (s *constSample) Desc() *prometheus.Desc { return s.desc }

// Write implements prometheus.Metric.
func (s *constSample) Write(m *dto.Metric) error {
	m.Label, m.Gauge, m.Counter = s.labels, s.gauge, s.counter
	return nil
}

// labeler makes the sorted label pairs of one target's series.
type labeler struct {
	target, vendor *dto.LabelPair
}

func newLabeler(target, vendor string) labeler {
	return labeler{target: labelPair("target", target), vendor: labelPair("vendor", vendor)}
}

// with returns the target's pairs plus the given name/value pairs, sorted by
// name as the exposition expects.
func (l labeler) with(kv ...string) []*dto.LabelPair {
	n := len(kv) / 2
	out := l.alloc(n)
	block, values := make([]dto.LabelPair, n), make([]string, n)
	for i := range n {
		out = append(out, fillPair(&block[i], &values[i], kv[2*i], kv[2*i+1]))
	}
	sortPairs(out)
	return out
}

// withNames is with for parallel slices of names and values.
func (l labeler) withNames(names, values []string) []*dto.LabelPair {
	out := l.alloc(len(names))
	block, vals := make([]dto.LabelPair, len(names)), make([]string, len(names))
	for i, name := range names {
		out = append(out, fillPair(&block[i], &vals[i], name, values[i]))
	}
	sortPairs(out)
	return out
}

// alloc returns a label set holding the target's pairs with room for n more.
func (l labeler) alloc(n int) []*dto.LabelPair {
	return append(make([]*dto.LabelPair, 0, n+2), l.target, l.vendor)
}

// labelPair makes one pair.
func labelPair(name, value string) *dto.LabelPair {
	return fillPair(new(dto.LabelPair), new(string), name, value)
}

// fillPair fills p with name and value, keeping the value in *store: the
// pairs and values of one label set are allocated in blocks, a 10,000-asset
// refresh makes a great many of them. A value that is not valid UTF-8 (a
// vendor's mangled asset name) would make the whole exposition fail, so its
// bad bytes are replaced.
func fillPair(p *dto.LabelPair, store *string, name, value string) *dto.LabelPair {
	*store = labelKey(value)
	p.Name, p.Value = internName(name), store
	return p
}

// labelNames are the engine's own label names, shared by every pair.
var labelNames = func() map[string]*string {
	m := map[string]*string{}
	for _, n := range []string{"target", "vendor", "collector", "asset_id", "asset", "asset_type", "tenant", "status",
		"job_type", "scope", "scope_id", "scope_name", "severity", "alert_type", "monitor_id", "monitor", "state"} {
		m[n] = &n
	}
	return m
}()

// internName returns a shared pointer for the engine's label names and a new
// one for a vendor's.
func internName(name string) *string {
	if p, ok := labelNames[name]; ok {
		return p
	}
	return &name
}

// sortPairs is an insertion sort: label sets are a handful of pairs.
func sortPairs(p []*dto.LabelPair) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].GetName() < p[j-1].GetName(); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// metricSet accumulates the constSamples of one part of a refresh. The
// gauges' values are allocated in blocks: a 10,000-asset refresh makes
// about 90,000 of them.
type metricSet struct {
	samples []constSample
	gauges  []dto.Gauge // the rest of the current block
	values  []float64   // their values
}

// gaugeBlock is how many gauges one allocation holds.
const gaugeBlock = 256

func (m *metricSet) gauge(d *prometheus.Desc, labels []*dto.LabelPair, v float64) {
	if len(m.gauges) == 0 {
		m.gauges, m.values = make([]dto.Gauge, gaugeBlock), make([]float64, gaugeBlock)
	}
	g, val := &m.gauges[0], &m.values[0]
	m.gauges, m.values = m.gauges[1:], m.values[1:]
	*val = v
	g.Value = val
	m.samples = append(m.samples, constSample{desc: d, labels: labels, gauge: g})
}

func (m *metricSet) counter(d *prometheus.Desc, labels []*dto.LabelPair, v float64) {
	m.samples = append(m.samples, constSample{desc: d, labels: labels, counter: &dto.Counter{Value: &v}})
}

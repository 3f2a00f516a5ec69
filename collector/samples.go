package collector

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/backup"
)

// sampleDescs caches the descriptor of each vendor-only metric, shared by
// every target of the exporter. A spec whose name is invalid, or that clashes
// with another spec of the same name, gets an error instead, and its samples
// are skipped: one bad spec must not fail the whole scrape.
type sampleDescs struct {
	mu     sync.Mutex
	bySpec map[specKey]sampleDesc
	byName map[string]*backup.MetricSpec
}

type specKey struct {
	spec   *backup.MetricSpec
	vendor string
}

type sampleDesc struct {
	desc *prometheus.Desc
	err  error
}

func newSampleDescs() *sampleDescs {
	return &sampleDescs{bySpec: map[specKey]sampleDesc{}, byName: map[string]*backup.MetricSpec{}}
}

// get returns the descriptor of spec for vendor: backup_<vendor>_<name> with
// the labels target, vendor, then the spec's own.
func (d *sampleDescs) get(vendor string, spec *backup.MetricSpec) sampleDesc {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := specKey{spec, vendor}
	if sd, ok := d.bySpec[k]; ok {
		return sd
	}
	name := "backup_" + vendor + "_" + spec.Name
	var sd sampleDesc
	if other, ok := d.byName[name]; ok && !sameSpec(other, spec) {
		sd.err = fmt.Errorf("metric %s is declared twice with different help, type or labels", name)
	} else {
		d.byName[name] = spec
		labels := append(slices.Clone(targetLabels), spec.Labels...)
		sd.desc = prometheus.NewDesc(name, spec.Help, labels, nil)
		// A Desc keeps its construction error to itself; building one
		// metric brings it out (bad names, duplicate labels).
		if _, err := prometheus.NewConstMetric(sd.desc, prometheus.GaugeValue, 0, make([]string, len(labels))...); err != nil {
			sd.err = fmt.Errorf("metric %s: %w", name, err)
		}
	}
	d.bySpec[k] = sd
	return sd
}

func sameSpec(a, b *backup.MetricSpec) bool {
	return a.Help == b.Help && a.Type == b.Type && slices.Equal(a.Labels, b.Labels)
}

// sampleMetrics builds the vendor-only series. A sample whose label values do
// not fit its spec, or that repeats another's labels, is skipped.
func sampleMetrics(l labeler, descs *sampleDescs, vendor string, in []backup.Sample, is issues) []constSample {
	m := metricSet{samples: make([]constSample, 0, len(in))}
	seen := make(map[string]struct{}, len(in))
	for _, s := range in {
		if s.Spec == nil {
			is.add(issueSampleWithoutSpec, "")
			continue
		}
		sd := descs.get(vendor, s.Spec)
		switch {
		case sd.err != nil:
			is.add(issueInvalidMetric, sd.err.Error())
			continue
		case len(s.LabelValues) != len(s.Spec.Labels):
			is.add(issueSampleLabelCount, s.Spec.Name)
			continue
		}
		if !finite(s.Value) || (s.Value < 0 && neverNegative(s.Spec)) {
			is.add(issueInvalidSampleValue, s.Spec.Name)
			continue
		}
		key := s.Spec.Name
		for _, v := range s.LabelValues {
			key += "\xff" + labelKey(v) // \xff never appears in a labelKey
		}
		if _, dup := seen[key]; dup {
			is.add(issueDuplicateSample, s.Spec.Name+"{"+strings.Join(s.LabelValues, ",")+"}")
			continue
		}
		seen[key] = struct{}{}
		labels := l.withNames(s.Spec.Labels, s.LabelValues)
		if s.Spec.Type == backup.Counter {
			m.counter(sd.desc, labels, s.Value)
		} else {
			m.gauge(sd.desc, labels, s.Value)
		}
	}
	return m.samples
}

// samplesOf returns the samples tied to part p ("" for the samples served
// with every snapshot).
func samplesOf(in []backup.Sample, p backup.Part) []backup.Sample {
	if !slices.ContainsFunc(in, func(s backup.Sample) bool { return s.Part != p }) {
		return in
	}
	out := make([]backup.Sample, 0, len(in))
	for _, s := range in {
		if s.Part == p {
			out = append(out, s)
		}
	}
	return out
}

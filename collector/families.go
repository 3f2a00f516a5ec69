package collector

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// The series a target serves are kept as metric families, sorted the way the
// Prometheus registry sorts them (families by name, series by label values),
// so that a scrape hands them to the encoder as they are. They are built
// once, when a refresh builds the series, and never changed afterwards: any
// number of scrapes may encode them at once.

// samplesCollector sends a fixed list of samples; families runs it through
// a registry once, which brings the registry's checks (valid names, no
// series twice) to the families built.
type samplesCollector []constSample

// Describe implements prometheus.Collector: unchecked, as vendor-only
// metrics are known only once fetched.
func (samplesCollector) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (c samplesCollector) Collect(ch chan<- prometheus.Metric) {
	for i := range c {
		ch <- &c[i]
	}
}

// families turns samples into sorted metric families. A sample the registry
// rejects (say, the same series twice) is left out and reported in the
// error; the others are kept.
func families(samples []constSample) ([]*dto.MetricFamily, error) {
	if len(samples) == 0 {
		return nil, nil
	}
	reg := prometheus.NewRegistry()
	if err := reg.Register(samplesCollector(samples)); err != nil {
		return nil, err
	}
	return reg.Gather()
}

// mergeFamilies merges sorted family lists (an Exposition's, the
// exporter's self metrics) into one sorted list in which
// every family appears once. A family found in one list only is shared, not
// copied; one found in several gets a new family holding the series of all,
// in order. A series found twice keeps its first, and a family whose type
// differs between lists keeps the first list's; both are reported in the
// error.
func mergeFamilies(lists ...[]*dto.MetricFamily) ([]*dto.MetricFamily, error) {
	var nonEmpty [][]*dto.MetricFamily
	total := 0
	for _, l := range lists {
		if len(l) > 0 {
			nonEmpty = append(nonEmpty, l)
			total += len(l)
		}
	}
	switch len(nonEmpty) {
	case 0:
		return nil, nil
	case 1:
		return nonEmpty[0], nil
	}
	byName := make(map[string][]*dto.MetricFamily, total)
	names := make([]string, 0, total)
	for _, l := range nonEmpty {
		for _, mf := range l {
			name := mf.GetName()
			if _, seen := byName[name]; !seen {
				names = append(names, name)
			}
			byName[name] = append(byName[name], mf)
		}
	}
	slices.Sort(names)
	out := make([]*dto.MetricFamily, 0, len(names))
	var errs []error
	for _, name := range names {
		same := byName[name]
		if len(same) == 1 {
			out = append(out, same[0])
			continue
		}
		mf, err := mergeFamily(same)
		errs = append(errs, err)
		out = append(out, mf)
	}
	return out, errors.Join(errs...)
}

// mergeFamily merges families of one name, each with sorted series.
func mergeFamily(same []*dto.MetricFamily) (*dto.MetricFamily, error) {
	first := same[0]
	n := 0
	for _, mf := range same {
		n += len(mf.Metric)
	}
	merged := &dto.MetricFamily{Name: first.Name, Help: first.Help, Type: first.Type, Unit: first.Unit, Metric: first.Metric}
	var errs []error
	for _, mf := range same[1:] {
		if mf.GetType() != first.GetType() {
			errs = append(errs, fmt.Errorf("metric %s has type %s and %s: the second's series are left out", first.GetName(), first.GetType(), mf.GetType()))
			continue
		}
		var dups int
		merged.Metric, dups = mergeSeries(merged.Metric, mf.Metric, n)
		if dups > 0 {
			errs = append(errs, fmt.Errorf("metric %s: %d series collected twice, the first kept", first.GetName(), dups))
		}
	}
	return merged, errors.Join(errs...)
}

// mergeSeries merges two sorted series lists, dropping from b the series
// that a already has, and returns how many it dropped.
func mergeSeries(a, b []*dto.Metric, capacity int) ([]*dto.Metric, int) {
	out := make([]*dto.Metric, 0, max(capacity, len(a)+len(b)))
	dups := 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := compareSeries(a[i], b[j]); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
			dups++
		}
	}
	out = append(append(out, a[i:]...), b[j:]...)
	return out, dups
}

// compareSeries orders series as the registry does: by the number of
// labels, then by label values in order. Timestamps are not compared: the
// exporter's series have none.
func compareSeries(a, b *dto.Metric) int {
	if len(a.Label) != len(b.Label) {
		return len(a.Label) - len(b.Label)
	}
	for n, lp := range a.Label {
		if c := strings.Compare(lp.GetValue(), b.Label[n].GetValue()); c != 0 {
			return c
		}
	}
	return 0
}

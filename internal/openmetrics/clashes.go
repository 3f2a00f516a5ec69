// Package openmetrics checks that an exposition is valid for a strict
// OpenMetrics consumer: in Go, that no two families claim one name once
// OpenMetrics' naming rules are applied (Clashes), and with the reference
// parser, Python's prometheus_client, that an answer parses (Parse).
package openmetrics

import (
	"fmt"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// Clashes returns, sorted, one line for each name that two of mfs claim in
// OpenMetrics. There a counter family is named without its _total suffix,
// and a family owns the names of its samples (a counter's _total and
// _created, a summary's _sum, _count and _created, a histogram's _bucket
// too, a gauge histogram's _gsum and _gcount): so a gauge x and a counter
// x_total clash (client_golang issue 829), as do a gauge x_count and a
// summary x. Prometheus' own parsers tolerate both; strict consumers
// refuse the whole answer.
func Clashes(mfs []*dto.MetricFamily) []string {
	owners := map[string][]string{}
	for _, mf := range mfs {
		family, names := omNames(mf)
		for _, n := range names {
			owners[n] = append(owners[n], mf.GetName()+" ("+family+")")
		}
	}
	var out []string
	for name, who := range owners {
		if len(who) > 1 {
			slices.Sort(who)
			out = append(out, fmt.Sprintf("%s is claimed by %s", name, strings.Join(who, " and ")))
		}
	}
	slices.Sort(out)
	return out
}

// omNames returns the OpenMetrics family name of mf, as its type
// describes it, and every name that family owns: its own and its
// samples'.
func omNames(mf *dto.MetricFamily) (string, []string) {
	name := mf.GetName()
	switch mf.GetType() {
	case dto.MetricType_COUNTER:
		family := strings.TrimSuffix(name, "_total")
		return "counter " + family, []string{family, family + "_total", family + "_created"}
	case dto.MetricType_SUMMARY:
		return "summary " + name, []string{name, name + "_sum", name + "_count", name + "_created"}
	case dto.MetricType_HISTOGRAM:
		return "histogram " + name, []string{name, name + "_bucket", name + "_sum", name + "_count", name + "_created"}
	case dto.MetricType_GAUGE_HISTOGRAM:
		return "gaugehistogram " + name, []string{name, name + "_bucket", name + "_gsum", name + "_gcount"}
	case dto.MetricType_GAUGE:
		return "gauge " + name, []string{name}
	default:
		return "unknown " + name, []string{name}
	}
}

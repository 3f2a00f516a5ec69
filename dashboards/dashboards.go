// Package dashboards generates backup_exporter's Grafana dashboards with the
// Grafana Foundation SDK. The generated JSON is committed next to this code
// (go run ./dashboards/cmd/gen writes it) and a test fails when it differs
// from what the code generates.
package dashboards

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// builders maps each dashboard's file name to the function that builds it.
var builders = map[string]func() *dashboard.DashboardBuilder{
	"backup-overview.json":           overview,
	"backup-asset-detail.json":       assetDetail,
	"backup-exporter-internals.json": exporterInternals,
	"backup-slo.json":                slo,
}

// Generate returns the JSON of every dashboard by file name, indented and
// ending in a newline, the way it is committed.
func Generate() (map[string][]byte, error) {
	out := make(map[string][]byte, len(builders))
	for name, build := range builders {
		d, err := build().Build()
		if err != nil {
			return nil, fmt.Errorf("dashboards: build %s: %w", name, err)
		}
		numberPanels(&d)
		data, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("dashboards: marshal %s: %w", name, err)
		}
		out[name] = append(data, '\n')
	}
	return out, nil
}

// numberPanels gives every panel and row an id in layout order, so that the
// JSON is stable and panel links survive regeneration.
func numberPanels(d *dashboard.Dashboard) {
	var id uint32
	for _, p := range d.Panels {
		id++
		switch {
		case p.Panel != nil:
			p.Panel.Id = cog.ToPtr(id)
		case p.RowPanel != nil:
			p.RowPanel.Id = id
		}
	}
}

// Query is one panel query of a generated dashboard.
type Query struct {
	// Dashboard is the dashboard's file name.
	Dashboard string
	// Panel is the panel's title.
	Panel string
	// Expr is the PromQL as committed, with Grafana's variables.
	Expr string
	// Resolved is Expr with every variable replaced so that Prometheus
	// can run it: label variables by ".*" (".+" for the asset), the
	// rate interval by 1m and the dashboard range by 1h.
	Resolved string
}

// variableValues are what Queries puts in place of Grafana's variables.
// Longer names come first so that $__rate_interval is not read as $__r….
var variableValues = strings.NewReplacer(
	"${asset:regex}", ".+",
	"$__rate_interval", "1m",
	"$__range", "1h",
	"$job", ".*",
	"$vendor", ".*",
	"$target", ".*",
	"$tenant", ".*",
)

// unresolved finds a variable that variableValues missed.
var unresolved = regexp.MustCompile(`\$\{?\w+`)

// Queries returns every panel query of every dashboard, sorted by
// dashboard, for end-to-end tests that run them against a real Prometheus.
func Queries() ([]Query, error) {
	files, err := Generate()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var queries []Query
	for _, name := range names {
		var d struct {
			Panels []struct {
				Title   string `json:"title"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(files[name], &d); err != nil {
			return nil, fmt.Errorf("dashboards: read %s: %w", name, err)
		}
		for _, p := range d.Panels {
			for _, t := range p.Targets {
				resolved := variableValues.Replace(t.Expr)
				if v := unresolved.FindString(resolved); v != "" {
					return nil, fmt.Errorf("dashboards: %s, panel %q: no value for %s", name, p.Title, v)
				}
				queries = append(queries, Query{Dashboard: name, Panel: p.Title, Expr: t.Expr, Resolved: resolved})
			}
		}
	}
	return queries, nil
}

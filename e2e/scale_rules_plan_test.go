//go:build scale

package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// ruleGroup is one group of a rule file, as far as the rule-cost run needs it.
type ruleGroup struct {
	Name     string         `yaml:"name"`
	Interval model.Duration `yaml:"interval"`
	Rules    []struct {
		Record string `yaml:"record"`
		Alert  string `yaml:"alert"`
		Expr   string `yaml:"expr"`
	} `yaml:"rules"`
}

// readRuleGroups parses a rule file's groups.
func readRuleGroups(t *testing.T, path string) []ruleGroup {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []ruleGroup `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f.Groups
}

// interval is the group's evaluation interval, the global one when unset.
func (g ruleGroup) interval(global time.Duration) time.Duration {
	if g.Interval == 0 {
		return global
	}
	return time.Duration(g.Interval)
}

// A range selector (`name{…}[7d]`, a subquery's `[7d:1h]` included) or an
// offset (`name{…} offset 3d`, `name{…}[1d] offset 6h`). PromQL is not parsed
// here (prometheus/prometheus is not a dependency): these two shapes are all
// that reach into the past, and the rule files write them plainly.
var (
	rangeSelector  = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{[^}]*\})?\s*\[(\d+[smhdwy](?:\d+[smh])*)(?::[^\]]*)?\](?:\s+offset\s+(\d+[smhdwy]))?`)
	offsetSelector = regexp.MustCompile(`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{[^}]*\})?\s+offset\s+(\d+[smhdwy])`)
)

// lookback is how far into the past, from the evaluation time, an
// expression reads each metric name: the longest range plus offset.
// Instant selectors without offset read the last 5 minutes (staleness) and
// are left out: the live scrape gives them.
func lookback(t *testing.T, expr string) map[string]time.Duration {
	t.Helper()
	back := map[string]time.Duration{}
	note := func(name string, d time.Duration) {
		if d > back[name] {
			back[name] = d
		}
	}
	parse := func(s string) time.Duration {
		if s == "" {
			return 0
		}
		d, err := model.ParseDuration(s)
		if err != nil {
			t.Fatalf("duration %q in %q: %v", s, expr, err)
		}
		return time.Duration(d)
	}
	for _, m := range rangeSelector.FindAllStringSubmatch(expr, -1) {
		note(m[1], parse(m[2])+parse(m[3]))
	}
	for _, m := range offsetSelector.FindAllStringSubmatch(expr, -1) {
		note(m[1], parse(m[2])+5*time.Minute)
	}
	return back
}

// historyPlan says which series the backfill writes, how far back, and how
// densely: what the rules of one or more rule files read beyond the live
// scrape.
type historyPlan struct {
	// raw maps an exporter metric to its lookback.
	raw map[string]time.Duration
	// recorded maps a recorded series to the rule that records it, its
	// group's interval (its resolution) and its lookback.
	recorded map[string]*recordedHistory
}

// recordedHistory is a recorded series that some rule reads over a long
// range, so that it must be there for the whole range from the first
// evaluation on, as in a Prometheus that has run for weeks.
type recordedHistory struct {
	expr     string
	interval time.Duration
	lookback time.Duration
}

// longLookback is the shortest lookback whose history the run writes for a
// recorded series. Shorter ones are recorded by the rules themselves before
// the measured evaluations (the run waits for every group to evaluate).
const longLookback = 6 * time.Hour

// planHistory collects what the rule files read into the past.
func planHistory(t *testing.T, global time.Duration, files ...string) historyPlan {
	t.Helper()
	p := historyPlan{raw: map[string]time.Duration{}, recorded: map[string]*recordedHistory{}}
	recordedBy := map[string]*recordedHistory{}
	for _, f := range files {
		for _, g := range readRuleGroups(t, f) {
			for _, r := range g.Rules {
				if r.Record != "" {
					recordedBy[r.Record] = &recordedHistory{expr: r.Expr, interval: g.interval(global)}
				}
			}
		}
	}
	for _, f := range files {
		for _, g := range readRuleGroups(t, f) {
			for _, r := range g.Rules {
				for name, d := range lookback(t, r.Expr) {
					if !strings.Contains(name, ":") {
						p.raw[name] = max(p.raw[name], d)
						continue
					}
					rec, ok := recordedBy[name]
					if !ok {
						t.Fatalf("%s reads %s, which no rule records", r.Record+r.Alert, name)
					}
					if d < longLookback {
						continue
					}
					rec.lookback = max(rec.lookback, d)
					p.recorded[name] = rec
				}
			}
		}
	}
	return p
}

// String lists the plan for the test log.
func (p historyPlan) String() string {
	var b strings.Builder
	for name, d := range p.raw {
		fmt.Fprintf(&b, "  raw %s: %s\n", name, model.Duration(d))
	}
	for name, r := range p.recorded {
		fmt.Fprintf(&b, "  recorded %s: %s every %s\n", name, model.Duration(r.lookback), model.Duration(r.interval))
	}
	return b.String()
}

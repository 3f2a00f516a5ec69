package backtest

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// ruleFile is the part of a Prometheus rule file the backtest reads.
type ruleFile struct {
	Groups []struct {
		Name string `yaml:"name"`
		// Interval is the group's evaluation interval (0: the default,
		// a minute); each of its recording rules is backfilled at it.
		Interval model.Duration `yaml:"interval"`
		Rules    []rule         `yaml:"rules"`
	} `yaml:"groups"`
}

// rule is one recording or alerting rule.
type rule struct {
	Record        string            `yaml:"record,omitempty"`
	Alert         string            `yaml:"alert,omitempty"`
	Expr          string            `yaml:"expr"`
	For           model.Duration    `yaml:"for,omitempty"`
	KeepFiringFor model.Duration    `yaml:"keep_firing_for,omitempty"`
	Labels        map[string]string `yaml:"labels,omitempty"`
	// interval is the evaluation interval of the rule's group (0: a
	// minute), so that an hourly group's rules are backfilled hourly.
	interval model.Duration
}

// rules are a rule file's recording rules, level by level (a rule of level
// n reads only raw series and rules of lower levels), and its alerts.
type rules struct {
	levels [][]rule
	alerts []rule
	// names are the metric names the rules read, so that the backfill can
	// leave out the series nothing reads.
	names map[string]bool
}

// identifier matches the metric names in an expression (and, harmlessly,
// label names and functions).
var identifier = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)

// loadRules reads path and sorts its recording rules into levels.
func loadRules(path string) (*rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f ruleFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &rules{names: map[string]bool{"up": true}}
	level := map[string]int{}
	var recording []rule
	for _, g := range f.Groups {
		for _, rl := range g.Rules {
			rl.interval = g.Interval
			for _, id := range identifier.FindAllString(rl.Expr, -1) {
				r.names[id] = true
			}
			if rl.Record != "" {
				recording = append(recording, rl)
			} else {
				r.alerts = append(r.alerts, rl)
			}
		}
	}
	// A rule's level is one more than the highest level it reads; repeat
	// until nothing moves (rule files are small).
	for changed := true; changed; {
		changed = false
		for _, rl := range recording {
			l := 0
			for _, id := range identifier.FindAllString(rl.Expr, -1) {
				if dep, ok := level[id]; ok && id != rl.Record {
					l = max(l, dep+1)
				}
			}
			if old, ok := level[rl.Record]; !ok || old < l {
				if l > len(recording) {
					return nil, fmt.Errorf("%s: recording rules read each other in a cycle (%s)", path, rl.Record)
				}
				level[rl.Record], changed = l, true
			}
		}
	}
	for _, rl := range recording {
		l := level[rl.Record]
		for len(r.levels) <= l {
			r.levels = append(r.levels, nil)
		}
		r.levels[l] = append(r.levels[l], rl)
	}
	return r, nil
}

// reads reports whether the rules read the family name (a histogram's or a
// counter's family through its series' suffixes).
func (r *rules) reads(family string) bool {
	for _, suffix := range []string{"", "_total", "_bucket", "_count", "_sum"} {
		if r.names[family+suffix] {
			return true
		}
	}
	return false
}

// writeLevel writes level i's recording rules as a rule file, one group
// per evaluation interval of the groups they came from, so that promtool
// evaluates each rule as often as Prometheus would (an hourly baseline
// once an hour, not every minute).
func (r *rules) writeLevel(path string, i int) error {
	type group struct {
		Name     string         `yaml:"name"`
		Interval model.Duration `yaml:"interval,omitempty"`
		Rules    []rule         `yaml:"rules"`
	}
	var out struct {
		Groups []group `yaml:"groups"`
	}
	for _, rl := range r.levels[i] {
		j := slices.IndexFunc(out.Groups, func(g group) bool { return g.Interval == rl.interval })
		if j < 0 {
			name := fmt.Sprintf("level%d", i)
			if rl.interval != 0 {
				name += "_every_" + rl.interval.String()
			}
			out.Groups = append(out.Groups, group{Name: name, Interval: rl.interval})
			j = len(out.Groups) - 1
		}
		out.Groups[j].Rules = append(out.Groups[j].Rules, rl)
	}
	data, err := yaml.Marshal(out)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// alertNames are the distinct alert names, sorted.
func (r *rules) alertNames() []string {
	var out []string
	for _, a := range r.alerts {
		if !slices.Contains(out, a.Alert) {
			out = append(out, a.Alert)
		}
	}
	slices.Sort(out)
	return out
}

// durations returns the rule's for and keep_firing_for.
func (rl rule) durations() (time.Duration, time.Duration) {
	return time.Duration(rl.For), time.Duration(rl.KeepFiringFor)
}

// pruneUnread removes the recording rules that no alert reads, directly or
// through other rules (those recorded for dashboards), and returns their
// names: backfilling them over a month costs minutes and scores nothing.
func (r *rules) pruneUnread() []string {
	read := map[string]bool{}
	mark := func(expr string) {
		for _, id := range identifier.FindAllString(expr, -1) {
			read[id] = true
		}
	}
	for _, a := range r.alerts {
		mark(a.Expr)
	}
	// A rule reads only rules of lower levels: from the top level down,
	// every reader is marked before what it reads is looked at.
	var out []string
	for i := len(r.levels) - 1; i >= 0; i-- {
		r.levels[i] = slices.DeleteFunc(r.levels[i], func(rl rule) bool {
			if read[rl.Record] {
				mark(rl.Expr)
				return false
			}
			out = append(out, rl.Record)
			return true
		})
	}
	return out
}

// skip removes the recording rules whose names re matches, and the alerts
// and rules that read them, and returns what it removed.
func (r *rules) skip(re *regexp.Regexp) []string {
	if re == nil {
		return nil
	}
	gone := map[string]bool{}
	var out []string
	reads := func(rl rule) bool {
		for _, id := range identifier.FindAllString(rl.Expr, -1) {
			if gone[id] {
				return true
			}
		}
		return false
	}
	for i := range r.levels {
		r.levels[i] = slices.DeleteFunc(r.levels[i], func(rl rule) bool {
			if re.MatchString(rl.Record) || reads(rl) {
				gone[rl.Record] = true
				out = append(out, rl.Record)
				return true
			}
			return false
		})
	}
	r.alerts = slices.DeleteFunc(r.alerts, func(rl rule) bool {
		if reads(rl) {
			out = append(out, rl.Alert)
			return true
		}
		return false
	})
	return out
}

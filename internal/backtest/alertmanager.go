package backtest

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// amRoute is a route of an Alertmanager configuration, with the settings
// its children inherit.
type amRoute struct {
	Receiver       string          `yaml:"receiver"`
	GroupBy        []string        `yaml:"group_by"`
	GroupWait      *model.Duration `yaml:"group_wait"`
	GroupInterval  *model.Duration `yaml:"group_interval"`
	RepeatInterval *model.Duration `yaml:"repeat_interval"`
	Matchers       []string        `yaml:"matchers"`
	Continue       bool            `yaml:"continue"`
	Routes         []*amRoute      `yaml:"routes"`

	matchers []matcher
}

// amConfig is the part of an Alertmanager configuration that decides which
// notifications are sent.
type amConfig struct {
	Route        *amRoute `yaml:"route"`
	InhibitRules []struct {
		SourceMatchers []string `yaml:"source_matchers"`
		TargetMatchers []string `yaml:"target_matchers"`
		Equal          []string `yaml:"equal"`
		source, target []matcher
	} `yaml:"inhibit_rules"`
}

// matcher is one label matcher, such as severity="critical" or
// tenant=~"acme|globex".
type matcher struct {
	name, op, value string
	re              *regexp.Regexp
}

var matcherSyntax = regexp.MustCompile(`^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

func parseMatchers(in []string) ([]matcher, error) {
	var out []matcher
	for _, s := range in {
		m := matcherSyntax.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf("matcher %q: not of the form name=\"value\"", s)
		}
		mt := matcher{name: m[1], op: m[2], value: strings.ReplaceAll(m[3], `\"`, `"`)}
		if mt.op == "=~" || mt.op == "!~" {
			re, err := regexp.Compile("^(?:" + mt.value + ")$")
			if err != nil {
				return nil, fmt.Errorf("matcher %q: %w", s, err)
			}
			mt.re = re
		}
		out = append(out, mt)
	}
	return out, nil
}

func (m matcher) matches(labels map[string]string) bool {
	v := labels[m.name]
	switch m.op {
	case "=":
		return v == m.value
	case "!=":
		return v != m.value
	case "=~":
		return m.re.MatchString(v)
	default:
		return !m.re.MatchString(v)
	}
}

func matchAll(ms []matcher, labels map[string]string) bool {
	for _, m := range ms {
		if !m.matches(labels) {
			return false
		}
	}
	return true
}

// loadAlertmanager reads an Alertmanager configuration and fills in what
// children inherit and Alertmanager's defaults.
func loadAlertmanager(path string) (*amConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c amConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Route == nil {
		return nil, fmt.Errorf("%s: no route", path)
	}
	def := func(d time.Duration) *model.Duration { v := model.Duration(d); return &v }
	root := c.Route
	if root.GroupWait == nil {
		root.GroupWait = def(30 * time.Second)
	}
	if root.GroupInterval == nil {
		root.GroupInterval = def(5 * time.Minute)
	}
	if root.RepeatInterval == nil {
		root.RepeatInterval = def(4 * time.Hour)
	}
	var inherit func(parent, r *amRoute) error
	inherit = func(parent, r *amRoute) error {
		if parent != nil {
			if r.Receiver == "" {
				r.Receiver = parent.Receiver
			}
			if r.GroupBy == nil {
				r.GroupBy = parent.GroupBy
			}
			if r.GroupWait == nil {
				r.GroupWait = parent.GroupWait
			}
			if r.GroupInterval == nil {
				r.GroupInterval = parent.GroupInterval
			}
			if r.RepeatInterval == nil {
				r.RepeatInterval = parent.RepeatInterval
			}
		}
		ms, err := parseMatchers(r.Matchers)
		if err != nil {
			return err
		}
		r.matchers = ms
		for _, child := range r.Routes {
			if err := inherit(r, child); err != nil {
				return err
			}
		}
		return nil
	}
	if err := inherit(nil, root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range c.InhibitRules {
		ir := &c.InhibitRules[i]
		if ir.source, err = parseMatchers(ir.SourceMatchers); err != nil {
			return nil, err
		}
		if ir.target, err = parseMatchers(ir.TargetMatchers); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// routes returns the routes an alert goes to, as Alertmanager walks the
// tree: the first matching child (or every matching child up to one
// without continue), depth first; the route itself when no child matches.
func (r *amRoute) routes(labels map[string]string) []*amRoute {
	var out []*amRoute
	for _, child := range r.Routes {
		if !matchAll(child.matchers, labels) {
			continue
		}
		out = append(out, child.routes(labels)...)
		if !child.Continue {
			break
		}
	}
	if len(out) == 0 {
		return []*amRoute{r}
	}
	return out
}

// inhibited reports whether any firing source alert inhibits target.
func (c *amConfig) inhibited(target map[string]string, firing []map[string]string) bool {
	for _, ir := range c.InhibitRules {
		if !matchAll(ir.target, target) {
			continue
		}
		for _, src := range firing {
			if !matchAll(ir.source, src) || (matchAll(ir.target, src) && identity(src) == identity(target)) {
				continue
			}
			equal := true
			for _, l := range ir.Equal {
				if src[l] != target[l] {
					equal = false
					break
				}
			}
			if equal {
				return true
			}
		}
	}
	return false
}

// notification is one message Alertmanager sends with firing alerts.
type notification struct {
	at       time.Time
	receiver string
	alerts   []map[string]string
}

// page reports whether the notification goes to a pager: by this project's
// convention, a receiver whose name says "page".
func (n notification) page() bool { return strings.Contains(n.receiver, "page") }

// aggrGroup is one of Alertmanager's aggregation groups.
type aggrGroup struct {
	route        *amRoute
	alerts       map[string]map[string]string
	nextFlush    time.Time
	lastNotified string
	lastAt       time.Time
}

// notify plays the episodes through Alertmanager minute by minute:
// inhibitions, then routing and grouping with group_wait, group_interval
// and repeat_interval. It returns the notifications with firing alerts.
func (c *amConfig) notify(eps []episode, start, end time.Time) []notification {
	groups := map[string]*aggrGroup{}
	var out []notification
	for t := start; t.Before(end); t = t.Add(step) {
		var firing []map[string]string
		for _, e := range eps {
			if !e.start.After(t) && e.end.After(t) {
				firing = append(firing, e.labels)
			}
		}
		current := map[string]map[string]map[string]string{}
		for _, a := range firing {
			if c.inhibited(a, firing) {
				continue
			}
			for _, r := range c.Route.routes(a) {
				key := fmt.Sprintf("%p", r)
				for _, l := range r.GroupBy {
					key += "," + l + "=" + a[l]
				}
				if current[key] == nil {
					current[key] = map[string]map[string]string{}
				}
				current[key][identity(a)] = a
				if groups[key] == nil {
					groups[key] = &aggrGroup{route: r, nextFlush: t.Add(time.Duration(*r.GroupWait))}
				}
			}
		}
		for _, key := range slices.Sorted(maps.Keys(groups)) {
			g := groups[key]
			g.alerts = current[key]
			if t.Before(g.nextFlush) {
				continue
			}
			g.nextFlush = t.Add(time.Duration(*g.route.GroupInterval))
			if len(g.alerts) == 0 {
				delete(groups, key)
				continue
			}
			set := strings.Join(slices.Sorted(maps.Keys(g.alerts)), "|")
			if set != g.lastNotified || t.Sub(g.lastAt) >= time.Duration(*g.route.RepeatInterval) {
				n := notification{at: t, receiver: g.route.Receiver}
				for _, k := range slices.Sorted(maps.Keys(g.alerts)) {
					n.alerts = append(n.alerts, g.alerts[k])
				}
				out = append(out, n)
				g.lastNotified, g.lastAt = set, t
			}
		}
	}
	return out
}

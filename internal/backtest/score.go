package backtest

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// matchSlack is how long after an incident's end an alert on it may still
// fire or go on firing (the next backup may be a day away); noiseSlack how
// long after a noise incident a notification is still blamed on it.
const (
	matchSlack = 26 * time.Hour
	noiseSlack = 30 * time.Minute
)

// Score is one alert's result.
type Score struct {
	Alert string
	// Episodes fired; True those that match an incident that lists the
	// alert, on its entity and in its time.
	Episodes, True int
	// Incidents list the alert; Detected were caught by it.
	Incidents, Detected int
	// Delays are the detected incidents' detection delays.
	Delays []time.Duration
	// Pages and Tickets are the notifications whose first alert is this one.
	Pages, Tickets int
}

// Precision is the share of episodes that match a real incident; 1 when
// the alert never fired.
func (s Score) Precision() float64 {
	if s.Episodes == 0 {
		return 1
	}
	return float64(s.True) / float64(s.Episodes)
}

// Recall is the share of the incidents listing the alert that it caught; 1
// when none lists it.
func (s Score) Recall() float64 {
	if s.Incidents == 0 {
		return 1
	}
	return float64(s.Detected) / float64(s.Incidents)
}

// Report is a backtest's outcome.
type Report struct {
	Scenario string
	Days     float64
	Scores   []Score
	// Missed are the incidents that list alerts and that none caught.
	Missed []string
	// Noisy are notifications sent during an incident that must cause none
	// (restarts, rollouts, HA pairs, blips), as "incident: alert at time".
	Noisy []string
	// UnexplainedPages are pages that match no incident.
	UnexplainedPages []string
	// WrongPages are pages for incidents that deserve a ticket at most.
	WrongPages []string
	// FalseEpisodes describe the episodes that match no incident.
	FalseEpisodes []string
	// Skipped are the recording rules and alerts left out (Options.SkipRecording).
	Skipped []string
	// Samples is what the simulation wrote; Timings what each stage took.
	Samples int64
	Timings map[string]time.Duration
}

// matches reports whether the alert's labels name e: the same target, and
// where the alert names a tenant or an asset, one of e's.
func (e entity) matches(labels map[string]string) bool {
	if e.target != "" && labels["target"] != "" && labels["target"] != e.target {
		return false
	}
	if id := labels["asset_id"]; id != "" && len(e.assetIDs) > 0 && !slices.Contains(e.assetIDs, id) {
		return false
	}
	if t := labels["tenant"]; t != "" && e.tenant != "" && t != e.tenant {
		return false
	}
	return true
}

// overlaps reports whether [from, to) meets the incident's time with slack.
func (inc *Incident) overlaps(start time.Time, from, to time.Time) bool {
	slack := matchSlack
	if len(inc.Alerts) == 0 {
		slack = noiseSlack
	}
	return from.Before(start.Add(inc.End.D()+slack)) && to.After(start.Add(inc.Start.D()))
}

// score compares the episodes and notifications with the incidents.
func score(sc *Scenario, entities map[string]entity, alertNames []string, eps []episode, notes []notification) *Report {
	r := &Report{Scenario: sc.Name, Days: sc.Duration.D().Hours() / 24}
	byAlert := map[string]*Score{}
	for _, name := range alertNames {
		byAlert[name] = &Score{Alert: name}
	}
	for _, inc := range sc.Incidents {
		for _, a := range inc.Alerts {
			if byAlert[a] == nil {
				byAlert[a] = &Score{Alert: a}
			}
			byAlert[a].Incidents++
		}
	}
	detected := map[string]bool{}
	for _, e := range eps {
		s := byAlert[e.alert]
		s.Episodes++
		matched := false
		for i := range sc.Incidents {
			inc := &sc.Incidents[i]
			if !entities[inc.Name].matches(e.labels) || !inc.overlaps(sc.Start, e.start, e.end) {
				continue
			}
			if slices.Contains(inc.Tolerated, e.alert) {
				matched = true
			}
			if !slices.Contains(inc.Alerts, e.alert) {
				continue
			}
			matched = true
			key := inc.Name + "\xff" + e.alert
			if !detected[key] {
				detected[key] = true
				s.Detected++
				s.Delays = append(s.Delays, max(0, e.start.Sub(sc.Start.Add(inc.Start.D()))))
			}
		}
		if matched {
			s.True++
		} else {
			r.FalseEpisodes = append(r.FalseEpisodes, fmt.Sprintf("%s %s from %s to %s", e.alert, describe(e.labels), e.start.Format(time.DateTime), e.end.Format(time.DateTime)))
		}
	}
	for _, inc := range sc.Incidents {
		caught := len(inc.Alerts) == 0
		for _, a := range inc.Alerts {
			caught = caught || detected[inc.Name+"\xff"+a]
		}
		if !caught {
			r.Missed = append(r.Missed, fmt.Sprintf("%s (%s): none of %s fired", inc.Name, inc.Kind, strings.Join(inc.Alerts, ", ")))
		}
	}
	// lastSent is when each alert, with its instance left out, was last
	// notified, and from which instance: the same alert again from another
	// instance within its repeat interval is a duplicate (an HA pair, or a
	// rollout that restarted the alert's identity).
	type sent struct {
		instance string
		at       time.Time
	}
	lastSent := map[string]sent{}
	for _, n := range notes {
		for _, a := range n.alerts {
			key := identity(withoutInstance(a))
			if prev, ok := lastSent[key]; ok && prev.instance != a["instance"] && n.at.Sub(prev.at) < duplicateWindow {
				r.Noisy = append(r.Noisy, fmt.Sprintf("duplicate from another instance: %s %s to %s at %s (sent from %s at %s)",
					a["alertname"], describe(a), n.receiver, n.at.Format(time.DateTime), prev.instance, prev.at.Format(time.DateTime)))
			}
			lastSent[key] = sent{instance: a["instance"], at: n.at}
		}
	}
	for _, n := range notes {
		first := n.alerts[0]["alertname"]
		if s := byAlert[first]; s != nil {
			if n.page() {
				s.Pages++
			} else {
				s.Tickets++
			}
		}
		// A notification is explained when one of its alerts is expected
		// (or tolerated) on a real incident; only an unexplained one is
		// blamed on the noise under way.
		explained := false
		var noise []string
		for i := range sc.Incidents {
			inc := &sc.Incidents[i]
			for _, a := range n.alerts {
				if !entities[inc.Name].matches(a) || !inc.overlaps(sc.Start, n.at, n.at.Add(step)) {
					continue
				}
				if len(inc.Alerts) == 0 {
					noise = append(noise, fmt.Sprintf("%s: %s %s to %s at %s", inc.Name, a["alertname"], describe(a), n.receiver, n.at.Format(time.DateTime)))
				} else if slices.Contains(inc.Alerts, a["alertname"]) || slices.Contains(inc.Tolerated, a["alertname"]) {
					explained = true
					if inc.NoPage && n.page() {
						r.WrongPages = append(r.WrongPages, fmt.Sprintf("%s: %s %s to %s at %s", inc.Name, a["alertname"], describe(a), n.receiver, n.at.Format(time.DateTime)))
					}
				}
			}
		}
		if !explained {
			r.Noisy = append(r.Noisy, noise...)
		}
		if n.page() && !explained {
			r.UnexplainedPages = append(r.UnexplainedPages, fmt.Sprintf("%s %s to %s at %s", first, describe(n.alerts[0]), n.receiver, n.at.Format(time.DateTime)))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(byAlert)) {
		r.Scores = append(r.Scores, *byAlert[name])
	}
	return r
}

// duplicateWindow is how soon the same alert notified again from another
// instance counts as a duplicate: Alertmanager's default repeat interval.
const duplicateWindow = 4 * time.Hour

// withoutInstance returns labels without instance.
func withoutInstance(labels map[string]string) map[string]string {
	out := maps.Clone(labels)
	delete(out, "instance")
	return out
}

// describe names an alert's entity briefly.
func describe(labels map[string]string) string {
	var parts []string
	for _, l := range []string{"instance", "target", "tenant", "asset", "collector"} {
		if v := labels[l]; v != "" {
			parts = append(parts, l+"="+v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Print writes the score table and what failed, as Markdown.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "Backtest %q: %.1f simulated days, %d samples\n\n", r.Scenario, r.Days, r.Samples)
	fmt.Fprintln(w, "| alert | episodes | precision | incidents | recall | delay (median / max) | pages/week | tickets/week |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
	weeks := r.Days / 7
	for _, s := range r.Scores {
		delay := "-"
		if len(s.Delays) > 0 {
			d := slices.Sorted(slices.Values(s.Delays))
			delay = fmt.Sprintf("%s / %s", d[len(d)/2].Round(time.Minute), d[len(d)-1].Round(time.Minute))
		}
		fmt.Fprintf(w, "| %s | %d | %.2f | %d | %.2f | %s | %.1f | %.1f |\n", s.Alert, s.Episodes, s.Precision(), s.Incidents, s.Recall(), delay,
			float64(s.Pages)/weeks, float64(s.Tickets)/weeks)
	}
	section := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d):\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(w, "- %s\n", it)
		}
	}
	section("Rules left out (not scored)", r.Skipped)
	section("Incidents no alert caught", r.Missed)
	section("Notifications during noise (restarts, rollouts, HA pairs, blips)", r.Noisy)
	section("Pages matching no incident", r.UnexplainedPages)
	section("Pages for incidents that deserve a ticket at most", r.WrongPages)
	section("Firing episodes matching no incident", r.FalseEpisodes)
	if len(r.Timings) > 0 {
		fmt.Fprintln(w)
		for _, k := range []string{"simulate+import", "rules", "replay", "total"} {
			fmt.Fprintf(w, "%s: %s  ", k, r.Timings[k].Round(time.Second))
		}
		fmt.Fprintln(w)
	}
}

package backtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// episode is one alert firing, from Start to End (exclusive; the scenario's
// end when it was still firing), after for and keep_firing_for.
type episode struct {
	alert  string
	labels map[string]string
	start  time.Time
	end    time.Time
	// severity is the rule's severity label.
	severity string
}

// replay evaluates every alert as Prometheus's rule manager does, once a
// minute over [start, end), or once per its group's interval where that is
// longer (the 5-minute groups): an alert pending from the first evaluation
// that returns its series, firing once it has been pending for `for`,
// resolved at the first evaluation without it, or keep_firing_for after.
func replay(ctx context.Context, db *tsdb, rs *rules, start, end time.Time) ([]episode, error) {
	var out []episode
	for _, rl := range rs.alerts {
		found, err := db.queryRange(ctx, rl.Expr, start, end)
		if err != nil {
			return nil, fmt.Errorf("alert %s: %w", rl.Alert, err)
		}
		forDur, keep := rl.durations()
		every := max(step, time.Duration(rl.interval))
		for _, s := range found {
			labels := maps.Clone(s.labels)
			maps.Copy(labels, rl.Labels)
			labels["alertname"] = rl.Alert
			for _, e := range episodesOf(atCadence(s.times, every), forDur, keep, end, every) {
				out = append(out, episode{alert: rl.Alert, labels: labels, start: e[0], end: e[1], severity: rl.Labels["severity"]})
			}
		}
	}
	slices.SortFunc(out, func(a, b episode) int { return a.start.Compare(b.start) })
	return out, nil
}

// atCadence keeps the times at which a group evaluated every `every`
// evaluates: the multiples of every since the Unix epoch (Prometheus
// offsets each group by a hash of its name; any fixed phase will do here).
func atCadence(times []time.Time, every time.Duration) []time.Time {
	if every <= step {
		return times
	}
	var out []time.Time
	for _, t := range times {
		if t.UnixNano()%int64(every) == 0 {
			out = append(out, t)
		}
	}
	return out
}

// episodesOf turns the evaluations (every `every`) at which an alert's
// expression returned its series into firing intervals. Active runs are
// separated by an evaluation without a value; a run shorter than forDur
// never fires. keep extends a firing run over gaps up to keep long, as
// keep_firing_for does.
func episodesOf(times []time.Time, forDur, keep time.Duration, end time.Time, every time.Duration) [][2]time.Time {
	var out [][2]time.Time
	var activeAt, firingAt, lastSeen time.Time
	firing := false
	flush := func(resolvedAt time.Time) {
		if firing {
			out = append(out, [2]time.Time{firingAt, resolvedAt})
		}
		firing, activeAt = false, time.Time{}
	}
	for _, t := range times {
		if !activeAt.IsZero() && t.Sub(lastSeen) > every {
			// The series was absent at lastSeen+every: pending resets, and a
			// firing alert resolves unless keep_firing_for covers the gap.
			if !firing || t.Sub(lastSeen)-every > keep {
				resolved := lastSeen.Add(every)
				if firing && keep > 0 {
					resolved = lastSeen.Add(every + keep)
				}
				flush(resolved)
			}
		}
		if activeAt.IsZero() {
			activeAt = t
		}
		if !firing && t.Sub(activeAt) >= forDur {
			firing, firingAt = true, t
		}
		lastSeen = t
	}
	if !activeAt.IsZero() {
		resolved := lastSeen.Add(every)
		if firing && keep > 0 {
			resolved = lastSeen.Add(every + keep)
		}
		if lastSeen.Add(every).Equal(end) || resolved.After(end) {
			resolved = end
		}
		flush(resolved)
	}
	return out
}

// identity is an alert's label set as one string, as Alertmanager keys it.
func identity(labels map[string]string) string {
	keys := slices.Sorted(maps.Keys(labels))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + labels[k] + ",")
	}
	return b.String()
}

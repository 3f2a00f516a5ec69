package backtest

import (
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)

// minutes returns the times of the given minutes after t0.
func minutes(ms ...int) []time.Time {
	out := make([]time.Time, len(ms))
	for i, m := range ms {
		out[i] = t0.Add(time.Duration(m) * time.Minute)
	}
	return out
}

// span returns the minute range [from, to) as a list.
func span(from, to int) []int {
	var out []int
	for m := from; m < to; m++ {
		out = append(out, m)
	}
	return out
}

// Alerts are replayed as the rule manager evaluates them: every minute, or
// at their group's interval. A group evaluated every 5 minutes sees a
// condition at its first evaluation after it starts, fires at the first
// evaluation after `for`, and resolves at the first evaluation without it.
func TestEpisodesOfFollowsForAndKeepFiringFor(t *testing.T) {
	end := t0.Add(2 * time.Hour)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	for _, tc := range []struct {
		name   string
		every  time.Duration
		active []int
		forDur time.Duration
		keep   time.Duration
		want   [][2]time.Time
	}{
		{"shorter than for never fires", step, span(0, 9), 10 * time.Minute, 0, nil},
		{"fires once pending for `for`", step, span(0, 20), 10 * time.Minute, 0, [][2]time.Time{{at(10), at(20)}}},
		{"a one-minute gap resets pending", step, append(span(0, 8), span(9, 18)...), 10 * time.Minute, 0, nil},
		{"a gap resolves a firing alert", step, append(span(0, 15), span(16, 30)...), 5 * time.Minute, 0,
			[][2]time.Time{{at(5), at(15)}, {at(21), at(30)}}},
		{"keep_firing_for bridges the gap", step, append(span(0, 15), span(16, 30)...), 5 * time.Minute, 5 * time.Minute,
			[][2]time.Time{{at(5), at(35)}}},
		{"still firing at the end", step, span(100, 120), 0, 0, [][2]time.Time{{at(100), end}}},
		// Active from 3m to 29m: seen at 5m, pending 10 minutes at 15m,
		// last seen at 25m, gone at 30m (at 1m: 13m to 29m).
		{"every 5m: fires up to one interval later", 5 * time.Minute, span(3, 29), 10 * time.Minute, 0,
			[][2]time.Time{{at(15), at(30)}}},
		// Active for 4 minutes between two evaluations: never seen.
		{"every 5m: a condition between evaluations is not seen", 5 * time.Minute, span(6, 10), 0, 0, nil},
		{"every 5m: keep_firing_for after the last evaluation", 5 * time.Minute, span(3, 29), 10 * time.Minute, 15 * time.Minute,
			[][2]time.Time{{at(15), at(45)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := episodesOf(atCadence(minutes(tc.active...), tc.every), tc.forDur, tc.keep, end, tc.every)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNotifyInhibitsGroupsAndRepeats(t *testing.T) {
	am, err := loadAlertmanager("testdata/alertmanager.yml")
	if err != nil {
		t.Fatal(err)
	}
	down := map[string]string{"alertname": "Down", "target": "a", "severity": "critical"}
	stale := map[string]string{"alertname": "Stale", "target": "a", "severity": "warning"}
	end := t0.Add(10 * time.Hour)
	for _, tc := range []struct {
		name  string
		eps   []episode
		pages int
		other int
	}{
		{"one page, repeated every 4 h while firing", []episode{{labels: down, start: t0, end: t0.Add(9 * time.Hour)}}, 3, 0},
		{"inhibited while its source fires", []episode{{labels: down, start: t0, end: end}, {labels: stale, start: t0.Add(time.Hour), end: t0.Add(2 * time.Hour)}}, 3, 0},
		{"a ticket when alone", []episode{{labels: stale, start: t0, end: t0.Add(time.Hour)}}, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pages, other int
			for _, n := range am.notify(tc.eps, t0, end) {
				if n.page() {
					pages++
				} else {
					other++
				}
			}
			if pages != tc.pages || other != tc.other {
				t.Errorf("%d pages and %d tickets, want %d and %d", pages, other, tc.pages, tc.other)
			}
		})
	}
}

// Every scenario file shipped loads and passes its checks.
func TestScenarioFilesLoad(t *testing.T) {
	for _, name := range []string{"testdata/short.yml", "testdata/month.yml"} {
		t.Run(name, func(t *testing.T) {
			if _, err := LoadScenario(name); err != nil {
				t.Error(err)
			}
		})
	}
}

package backtest

import (
	"slices"
	"testing"
	"time"
)

func TestScoreMatchesEpisodesToIncidents(t *testing.T) {
	h := func(n int) Duration { return Duration(time.Duration(n) * time.Hour) }
	sc := &Scenario{Start: t0, Duration: h(48), Incidents: []Incident{
		{Name: "stop", Kind: KindBackupsStop, Target: "clumio", Start: h(1), End: h(10), Alerts: []string{"RPO"}, Tolerated: []string{"Burn"}},
		{Name: "laptop", Kind: KindAgentOff, Target: "cleverfox", Start: h(1), End: h(10), Alerts: []string{"NotSeen"}, NoPage: true},
		{Name: "missed", Kind: KindBackupsStop, Target: "clumio", Start: h(30), End: h(40), Alerts: []string{"RPO"}},
		{Name: "rollout", Kind: KindRollout, Start: h(20), End: h(21)},
	}}
	entities := map[string]entity{
		"stop":    {target: "clumio", tenant: "finance", assetIDs: []string{"a1"}},
		"laptop":  {target: "cleverfox", tenant: "acme", assetIDs: []string{"pc1"}},
		"missed":  {target: "clumio", tenant: "retail", assetIDs: []string{"a9"}},
		"rollout": {},
	}
	at := func(hours float64) time.Time { return t0.Add(time.Duration(hours * float64(time.Hour))) }
	rpo := map[string]string{"alertname": "RPO", "target": "clumio", "tenant": "finance", "asset_id": "a1", "instance": "x:1"}
	rpoOther := map[string]string{"alertname": "RPO", "target": "clumio", "tenant": "finance", "asset_id": "a2", "instance": "x:1"}
	burn := map[string]string{"alertname": "Burn", "tenant": "finance"}
	notSeen := map[string]string{"alertname": "NotSeen", "target": "cleverfox", "tenant": "acme", "asset_id": "pc1", "instance": "x:1"}
	rpoRolled := map[string]string{"alertname": "RPO", "target": "clumio", "tenant": "finance", "asset_id": "a1", "instance": "y:1"}
	eps := []episode{
		{alert: "RPO", labels: rpo, start: at(5), end: at(11)},        // true, detects "stop" 4 h in
		{alert: "RPO", labels: rpoOther, start: at(5), end: at(6)},    // another asset: false
		{alert: "Burn", labels: burn, start: at(2), end: at(3)},       // tolerated on "stop": true
		{alert: "NotSeen", labels: notSeen, start: at(3), end: at(9)}, // true
		{alert: "RPO", labels: rpoRolled, start: at(7), end: at(11)},  // the same alert from another instance: true
	}
	notes := []notification{
		{at: at(5), receiver: "finance-pager", alerts: []map[string]string{rpo}},
		{at: at(3), receiver: "backup-pager", alerts: []map[string]string{notSeen}},
		{at: at(7), receiver: "finance-pager", alerts: []map[string]string{rpoRolled}}, // a duplicate
		{at: at(45), receiver: "backup-pager", alerts: []map[string]string{{"alertname": "Down", "target": "cloutility"}}},
	}
	r := score(sc, entities, []string{"RPO", "Burn", "NotSeen", "Down"}, eps, notes)
	byName := map[string]Score{}
	for _, s := range r.Scores {
		byName[s.Alert] = s
	}
	for _, tc := range []struct {
		alert             string
		precision, recall float64
	}{
		{"RPO", 2.0 / 3, 0.5}, {"Burn", 1, 1}, {"NotSeen", 1, 1}, {"Down", 1, 1},
	} {
		s := byName[tc.alert]
		if s.Precision() != tc.precision || s.Recall() != tc.recall {
			t.Errorf("%s: precision %.2f recall %.2f, want %.2f and %.2f", tc.alert, s.Precision(), s.Recall(), tc.precision, tc.recall)
		}
	}
	if d := byName["RPO"].Delays; !slices.Equal(d, []time.Duration{4 * time.Hour}) {
		t.Errorf("RPO delays %v, want [4h]", d)
	}
	for _, check := range []struct {
		what string
		list []string
		want int
	}{
		{"missed incidents", r.Missed, 1},
		{"pages for a ticket-only incident", r.WrongPages, 1},
		{"pages matching no incident", r.UnexplainedPages, 1},
		{"duplicates from another instance", r.Noisy, 1},
		{"false episodes", r.FalseEpisodes, 1},
	} {
		if len(check.list) != check.want {
			t.Errorf("%s: %q, want %d", check.what, check.list, check.want)
		}
	}
}

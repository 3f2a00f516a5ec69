//go:build scale

package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// TestRuleCost measures what the rules cost the Prometheus that evaluates
// them at MSP scale (BENCHMARKS.md, section 8;
// `make bench-rules`): a 50,000-asset estate with the exporter's series
// (estate), scraped every minute, on top of a TSDB backfilled with what
// the rules read from the past (7 days of per-asset sizes, 30 days of
// per-tenant SLIs, …). For each rule set (the working tree's rule file, and
// with RULES_BEFORE=<git revision> that revision's first, on the same TSDB),
// it reports per group the evaluation time against the group's interval,
// the samples an evaluation touches, the iterations missed, and the
// replica's memory and CPU.
func TestRuleCost(t *testing.T) {
	promtool := lookTool(t, "promtool")
	sets := ruleSets(t)
	var paths []string
	for _, s := range sets {
		paths = append(paths, s.path)
	}
	plan := planHistory(t, time.Minute, paths...)
	t.Logf("what the rules read from the past:\n%s", plan)

	rawStep := envDuration(t, "RULECOST_RAW_STEP", 15*time.Minute)
	window := envDuration(t, "RULECOST_WINDOW", 5*time.Minute)
	est := newEstate(scaleAssets(t, 50000), envInt(t, "RULECOST_TENANTS", 500), time.Now())
	checkAgainstGolden(t, est)
	exporterAddr := serveEstate(t, est)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(est.text))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("estate: %d assets, %d tenants, %d series, %.1f MB of text", est.assets, est.tenants, countSeries(est.text), float64(len(est.text))/1e6)

	dir := t.TempDir()
	var series []backfillSeries
	for _, name := range sortedNames(plan.raw) {
		back := plan.raw[name]
		if back <= time.Hour {
			continue // the live scrape has it by the time the rules are measured
		}
		f := families[name]
		if f == nil {
			continue // not served by the exporter (a self metric, say): nothing to write
		}
		for _, m := range f.Metric {
			labels := map[string]string{"__name__": name, "job": "backup_exporter", "instance": benchInstance}
			for _, l := range m.Label {
				labels[l.GetName()] = l.GetValue()
			}
			series = append(series, backfillSeries{labels: labels, now: m.GetGauge().GetValue(), noise: 0.3,
				from: back + historyMargin, step: rawStep, fine: true})
		}
		t.Logf("raw %s: %d series, %s back", name, len(f.Metric), model.Duration(back))
	}

	// The label sets (and values now) of the recorded series come from their
	// rules' expressions, evaluated over the live scrape; where an
	// expression reads another recorded series, from what the working
	// tree's rules record over it (intervals capped, so that every group
	// evaluates within minutes).
	phase1 := startReplica(t, filepath.Join(dir, "phase1"), capIntervals(t, sets[len(sets)-1].path, phase1IntervalCap), exporterAddr)
	waitScraped(t, phase1, time.Now().Add(-time.Minute))
	for _, name := range sortedNames(plan.recorded) {
		rec := plan.recorded[name]
		a := phase1.query(t, rec.expr, time.Time{})
		for deadline := time.Now().Add(5 * time.Minute); len(a.Data.Result) == 0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Second)
			a = phase1.query(t, name, time.Time{})
		}
		if len(a.Data.Result) == 0 {
			t.Fatalf("recorded %s: neither its expression nor its rule gives anything over the live scrape", name)
		}
		for _, res := range a.Data.Result {
			labels := map[string]string{}
			for k, v := range res.Metric {
				labels[k] = v
			}
			labels["__name__"] = name
			var v float64
			fmt.Sscan(fmt.Sprint(res.Value[1]), &v)
			series = append(series, backfillSeries{labels: labels, now: v, from: rec.lookback + historyMargin, step: rec.interval})
		}
		t.Logf("recorded %s: %d series, %s back every %s", name, len(a.Data.Result), model.Duration(rec.lookback), model.Duration(rec.interval))
	}
	phase1.stop(t)

	data := filepath.Join(dir, "data")
	scratch := filepath.Join(dir, "scratch")
	if err := os.MkdirAll(scratch, 0o700); err != nil {
		t.Fatal(err)
	}
	end := time.Now().Truncate(time.Minute)
	began := time.Now()
	samples := backfill(t, promtool, data, scratch, series, end, time.Hour, time.Minute)
	t.Logf("backfill: %d series, %d samples (raw every %s, its last hour every 1m), %s", len(series), samples,
		model.Duration(rawStep), time.Since(began).Round(time.Second))

	budget := envDuration(t, "RULECOST_QUERY_BUDGET", 10*time.Minute)
	var rows []costRow
	for _, s := range sets {
		set := measureRules(t, s, data, exporterAddr, window, budget)
		// Each set's table as soon as it is measured, so that a later set
		// that fails or is stopped does not lose it.
		t.Logf("per group, %s, %d assets:\n%s", s.name, est.assets, costTable(set))
		rows = append(rows, set...)
	}
	if len(sets) > 1 {
		t.Logf("per group, %d assets:\n%s", est.assets, costTable(rows))
	}
}

// historyMargin is how much more than its lookback each series' past
// reaches, so that the ranges are still full when the last rule set is
// measured, an hour or so after the backfill ends.
const historyMargin = 2 * time.Hour

// ruleSet is a rule file to measure, under a name for the table.
type ruleSet struct {
	name, path string
}

// ruleSets are the working tree's rule file, after RULES_BEFORE's when set.
func ruleSets(t *testing.T) []ruleSet {
	t.Helper()
	current := ruleSet{name: "working tree", path: filepath.Join(repoRoot, "alerts", "backup_exporter.rules.yml")}
	rev := os.Getenv("RULES_BEFORE")
	if rev == "" {
		return []ruleSet{current}
	}
	out, err := exec.Command("git", "-C", repoRoot, "show", rev+":alerts/backup_exporter.rules.yml").Output()
	if err != nil {
		t.Fatalf("git show %s:alerts/backup_exporter.rules.yml: %v", rev, err)
	}
	path := filepath.Join(t.TempDir(), "before.rules.yml")
	writeFile(t, path, string(out))
	return []ruleSet{{name: rev, path: path}, current}
}

// benchIntervalCap is the longest interval a group is evaluated at during
// the run: a group of interval 1h would otherwise first evaluate up to an
// hour after the start. Its cost per evaluation is the same; its interval in
// the table is its own. 5 minutes, so that the 5-minute groups run at their
// own interval and load the replica as they would in production.
const benchIntervalCap = 5 * time.Minute

// phase1IntervalCap is the same cap for the replica that finds the label
// sets of the recorded series: shorter, so that a record of a record (the
// day's maximum of the hourly maxima) appears within its 5-minute wait.
const phase1IntervalCap = 2 * time.Minute

// costRow is one group's cost in one rule set.
type costRow struct {
	set, group                 string
	interval, benchInterval    time.Duration
	evals                      int
	median, worst              time.Duration
	outputSamples, touched     float64
	missedWindow, missedTotal  float64
	rssBytes, heapBytes, cpuPS float64
	load                       [2]float64 // the machine's 1-minute load average, least and most seen in the window
}

// touchedUnknown marks a group whose samples touched were not counted: one
// of its expressions timed out, or the query budget ran out first.
const touchedUnknown = -1

// sampleQueryTimeout is how long one expression may take as a query to
// count the samples it touches, well under Prometheus' 2-minute default: an
// expression that takes this long is past any group's budget anyway.
const sampleQueryTimeout = time.Minute

// measureRules runs a replica with the set's rules on data, lets it settle
// (the live scrape in, the backfilled blocks compacted), then watches every
// group's evaluations for window. After it, it counts the samples each
// group's expressions touch, within budget in all.
func measureRules(t *testing.T, s ruleSet, data, exporterAddr string, window, budget time.Duration) []costRow {
	t.Helper()
	groups := readRuleGroups(t, s.path)
	capped := capIntervals(t, s.path, benchIntervalCap)
	began := time.Now()
	r := startReplica(t, data, capped, exporterAddr)
	t.Logf("%s: replica ready in %s", s.name, time.Since(began).Round(time.Second))
	waitScraped(t, r, began)
	settle(t, r)

	seen := map[string]map[float64]float64{}
	m := r.metrics(t)
	missed0 := byGroup(m["prometheus_rule_group_iterations_missed_total"])
	cpu0 := scalar(m["process_cpu_seconds_total"])
	start := time.Now()
	load := [2]float64{loadAverage(t), loadAverage(t)}
	for time.Since(start) < window {
		l := loadAverage(t)
		load = [2]float64{min(load[0], l), max(load[1], l)}
		m = r.metrics(t)
		last := byGroup(m["prometheus_rule_group_last_evaluation_timestamp_seconds"])
		took := byGroup(m["prometheus_rule_group_last_duration_seconds"])
		for g, at := range last {
			if seen[g] == nil {
				seen[g] = map[float64]float64{}
			}
			seen[g][at] = took[g]
		}
		time.Sleep(5 * time.Second)
	}
	cpu := (scalar(m["process_cpu_seconds_total"]) - cpu0) / time.Since(start).Seconds()
	missed := byGroup(m["prometheus_rule_group_iterations_missed_total"])
	outputs := byGroup(m["prometheus_rule_group_last_evaluation_samples"])
	rss := scalar(m["process_resident_memory_bytes"])
	heap := scalar(m["go_memstats_heap_inuse_bytes"])

	var rows []costRow
	for _, g := range groups {
		row := costRow{set: s.name, group: g.Name, interval: g.interval(time.Minute),
			benchInterval: min(g.interval(time.Minute), benchIntervalCap),
			outputSamples: outputs[g.Name], missedWindow: missed[g.Name] - missed0[g.Name], missedTotal: missed[g.Name],
			rssBytes: rss, heapBytes: heap, cpuPS: cpu, load: load}
		var took []time.Duration
		for _, d := range seen[g.Name] {
			took = append(took, time.Duration(d*float64(time.Second)))
		}
		if len(took) == 0 {
			t.Errorf("%s: group %s did not evaluate within %s", s.name, g.Name, window)
			continue
		}
		slices.Sort(took)
		row.evals, row.median, row.worst = len(took), took[len(took)/2], took[len(took)-1]
		rows = append(rows, row)
	}
	// The samples an evaluation touches: each rule's expression as an
	// instant query, after the window so as not to disturb it. A query that
	// times out, or a budget spent, is reported as unknown, not as a failed
	// run: the table is what the run is for.
	queries := time.Now()
	for i := range rows {
		g := groups[slices.IndexFunc(groups, func(g ruleGroup) bool { return g.Name == rows[i].group })]
		for _, rule := range g.Rules {
			if time.Since(queries) > budget {
				t.Logf("%s: %s: samples touched unknown: the query budget of %s is spent", s.name, g.Name, budget)
				rows[i].touched = touchedUnknown
				break
			}
			a, err := r.tryQuery(rule.Expr, time.Time{}, sampleQueryTimeout)
			if err != nil {
				t.Logf("%s: %s: samples touched unknown: %v", s.name, g.Name, err)
				rows[i].touched = touchedUnknown
				break
			}
			rows[i].touched += float64(a.Data.Stats.Samples.TotalQueryableSamples)
		}
	}
	r.stop(t)
	return rows
}

// capIntervals writes a copy of the rule file whose group intervals are at
// most limit, comments and all else kept.
func capIntervals(t *testing.T, path string, limit time.Duration) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := editRuleGroups(t, b, func(g *yaml.Node) {
		for j := 0; j+1 < len(g.Content); j += 2 {
			if g.Content[j].Value != "interval" {
				continue
			}
			d, err := model.ParseDuration(g.Content[j+1].Value)
			if err != nil {
				t.Fatal(err)
			}
			if time.Duration(d) > limit {
				g.Content[j+1].Value = model.Duration(limit).String()
			}
		}
	})
	capped := filepath.Join(t.TempDir(), filepath.Base(path))
	writeFile(t, capped, string(out))
	return capped
}

// waitScraped waits until the replica has scraped the exporter after since.
func waitScraped(t *testing.T, r *replica, since time.Time) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		a := r.query(t, `max(timestamp(backup_up{job="backup_exporter"}))`, time.Time{})
		if v := a.value(t); v >= float64(since.Unix()) {
			return
		}
		time.Sleep(5 * time.Second)
	}
	t.Fatal("the replica did not scrape the exporter within 5m")
}

// settle waits until the replica has stopped compacting the backfilled
// blocks (no compaction for two minutes) and every group has evaluated over
// the live scrape, so that the window measures the rules alone.
func settle(t *testing.T, r *replica) {
	t.Helper()
	began := time.Now()
	var last float64 = -1
	quietSince := time.Now()
	for time.Since(began) < 20*time.Minute {
		c := scalar(r.metrics(t)["prometheus_tsdb_compactions_total"])
		if c != last {
			last, quietSince = c, time.Now()
		}
		if time.Since(quietSince) >= 2*time.Minute && time.Since(began) >= benchIntervalCap+time.Minute {
			t.Logf("settled after %s (%v compactions)", time.Since(began).Round(time.Second), last)
			return
		}
		time.Sleep(10 * time.Second)
	}
	t.Logf("still compacting after 20m; measuring anyway")
}

// costTable renders the rows as BENCHMARKS.md's table. The groups' need
// is the sum of each group's median evaluation time over its own interval:
// the share of one core the groups would keep busy if evaluations were
// CPU-bound and not slowed by a starved replica (wall time, so an upper
// bound on a replica that gets less than its need).
func costTable(rows []costRow) string {
	var b strings.Builder
	b.WriteString("| rules | group | interval | evaluations | median | worst | median ÷ interval | worst ÷ interval | samples out | samples touched | missed (window, total) |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	need := map[string]float64{}
	for _, r := range rows {
		touched := fmt.Sprintf("%.0f", r.touched)
		if r.touched == touchedUnknown {
			touched = "unknown"
		}
		need[r.set] += r.median.Seconds() / r.interval.Seconds()
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | %s | %.2f%% | %.2f%% | %.0f | %s | %.0f, %.0f |\n",
			r.set, strings.TrimPrefix(r.group, "backup_exporter."), model.Duration(r.interval), r.evals,
			r.median.Round(time.Millisecond), r.worst.Round(time.Millisecond),
			100*r.median.Seconds()/r.interval.Seconds(), 100*r.worst.Seconds()/r.interval.Seconds(),
			r.outputSamples, touched, r.missedWindow, r.missedTotal)
	}
	b.WriteString("\n| rules | replica RSS | heap in use | replica CPU (cores) | groups' need (cores, Σ median ÷ interval) | load average (1m) in the window |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	done := map[string]bool{}
	for _, r := range rows {
		if !done[r.set] {
			done[r.set] = true
			fmt.Fprintf(&b, "| %s | %.0f MiB | %.0f MiB | %.2f | %.2f | %.2f–%.2f |\n", r.set, r.rssBytes/(1<<20),
				r.heapBytes/(1<<20), r.cpuPS, need[r.set], r.load[0], r.load[1])
		}
	}
	return b.String()
}

// loadAverage is the machine's 1-minute load average.
func loadAverage(t *testing.T) float64 {
	t.Helper()
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		t.Fatal(err)
	}
	var l float64
	if _, err := fmt.Sscan(string(b), &l); err != nil {
		t.Fatalf("/proc/loadavg: %v", err)
	}
	return l
}

// envDuration is the environment variable name as a duration, else def.
func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := model.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a positive duration", name, v)
	}
	return time.Duration(d)
}

// serveEstate serves the estate's exposition on a loopback address until
// the test ends, as an exporter's /metrics would.
func serveEstate(t *testing.T, e *estate) string {
	t.Helper()
	addr := freeAddr(t)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write(e.text)
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return addr
}

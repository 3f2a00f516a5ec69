package alerts

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const runbookBase = "https://github.com/backup-exporter/backup_exporter/blob/main/alerts/RUNBOOK.md#"

// TestAlertConventions checks what every alert must carry: a severity that
// routes, the three annotations, a runbook link to its own section, and, for
// per-asset alerts, the tenant join, an identity without `instance`,
// keep_firing_for, and the hold-back while the target's assets or jobs have
// failed for a sustained time (the conventions at the top of the rule file).
func TestAlertConventions(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	runbook := runbookSections(t)
	alerts := 0
	for _, r := range rules {
		if r.Alert == "" {
			continue
		}
		alerts++
		t.Run(r.Alert, func(t *testing.T) {
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("severity %q, want critical or warning", s)
			}
			for _, a := range []string{"summary", "description", "runbook_url"} {
				if r.Annotations[a] == "" {
					t.Errorf("no %s annotation", a)
				}
			}
			if want := runbookBase + strings.ToLower(r.Alert); r.Annotations["runbook_url"] != want {
				t.Errorf("runbook_url %q, want %q", r.Annotations["runbook_url"], want)
			}
			section, ok := runbook[r.Alert]
			if !ok {
				t.Fatalf("RUNBOOK.md has no section %q", "## "+r.Alert)
			}
			if r.For != "" && !strings.Contains(section, "`for: "+r.For+"`") {
				t.Errorf("RUNBOOK.md section %s does not document `for: %s`", r.Alert, r.For)
			}
			// A rule that reads the fleet summary (backup_assets_*) is
			// tenant-level, even where it checks for per-asset series.
			if strings.Contains(r.Expr, "backup_asset_") && !strings.Contains(r.Expr, "backup_assets_") {
				if !strings.Contains(r.Expr, "group_left (tenant, asset, asset_type)") {
					t.Error("per-asset alert does not join tenant, asset and asset_type from backup_asset_info")
				}
				if !strings.Contains(r.Expr, "unless on (job, target, vendor)\n(max without (instance) (max_over_time(backup_collector_success{collector=~\"assets|jobs\"}[10m])) == 0)") {
					t.Error("per-asset alert is not held back while its assets or jobs part has failed for 10 minutes")
				}
				if !strings.Contains(r.Expr, "without (instance)") {
					t.Error("per-asset alert keeps `instance` in its identity: aggregate it away")
				}
				if r.KeepFiringFor == "" {
					t.Error("per-asset alert has no keep_firing_for: a failed scrape would resolve it")
				}
			}
		})
	}
	if alerts == 0 {
		t.Fatal("no alerting rules")
	}
}

// runbookSections splits RUNBOOK.md into its "## Name" sections.
func runbookSections(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("RUNBOOK.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	var name string
	for _, line := range strings.Split(string(data), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			name = strings.TrimSpace(h)
			continue
		}
		if name != "" {
			sections[name] += line + "\n"
		}
	}
	return sections
}

// ruleTests mirrors the parts of a promtool test file this test reads.
type ruleTests struct {
	Tests []struct {
		AlertRuleTest []struct {
			Alertname string           `yaml:"alertname"`
			ExpAlerts []map[string]any `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
		PromqlExprTest []struct {
			Expr string `yaml:"expr"`
		} `yaml:"promql_expr_test"`
	} `yaml:"tests"`
}

// TestEveryRuleIsTested checks that tests/ has, for every alert, a case
// where it fires and a case where it must not, and a test of every
// recording rule.
func TestEveryRuleIsTested(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("tests", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule tests in tests/: %v", err)
	}
	fires, silent := map[string]int{}, map[string]int{}
	var exprs []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rt ruleTests
		if err := yaml.Unmarshal(data, &rt); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tg := range rt.Tests {
			for _, a := range tg.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					fires[a.Alertname]++
				} else {
					silent[a.Alertname]++
				}
			}
			for _, p := range tg.PromqlExprTest {
				exprs = append(exprs, p.Expr)
			}
		}
	}
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		switch {
		case r.Alert != "":
			if fires[r.Alert] == 0 {
				t.Errorf("%s: no test where it fires", r.Alert)
			}
			if silent[r.Alert] == 0 {
				t.Errorf("%s: no test where it must not fire", r.Alert)
			}
		case !exprMentions(exprs, r.Record):
			t.Errorf("recording rule %s: no promql_expr_test reads it", r.Record)
		}
	}
}

func exprMentions(exprs []string, name string) bool {
	re := regexp.MustCompile(`(^|[^a-zA-Z0-9_:])` + regexp.QuoteMeta(name) + `($|[^a-zA-Z0-9_:])`)
	for _, e := range exprs {
		if re.MatchString(e) {
			return true
		}
	}
	return false
}

// TestWithoutFor checks that the copy for end-to-end tests differs from the
// shipped file in `for` and `keep_firing_for` only.
func TestWithoutFor(t *testing.T) {
	data, err := WithoutFor()
	if err != nil {
		t.Fatal(err)
	}
	var got, want ruleFile
	if err := yaml.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(File, &want); err != nil {
		t.Fatal(err)
	}
	if len(got.Groups) != len(want.Groups) {
		t.Fatalf("%d groups, want %d", len(got.Groups), len(want.Groups))
	}
	withFor := 0
	for i, g := range want.Groups {
		if len(got.Groups[i].Rules) != len(g.Rules) {
			t.Fatalf("group %s: %d rules, want %d", g.Name, len(got.Groups[i].Rules), len(g.Rules))
		}
		for j, w := range g.Rules {
			r := got.Groups[i].Rules[j]
			if w.For != "" {
				withFor++
				if r.For != "0s" {
					t.Errorf("%s: for %q, want 0s", w.Name(), r.For)
				}
			}
			if w.KeepFiringFor != "" && r.KeepFiringFor != "0s" {
				t.Errorf("%s: keep_firing_for %q, want 0s", w.Name(), r.KeepFiringFor)
			}
			r.For, w.For = "", ""
			r.KeepFiringFor, w.KeepFiringFor = "", ""
			if fmt.Sprint(r) != fmt.Sprint(w) {
				t.Errorf("%s changed beyond `for`:\n got %v\nwant %v", w.Name(), r, w)
			}
		}
	}
	if withFor == 0 {
		t.Fatal("no rule has a `for`: the test proves nothing")
	}
}

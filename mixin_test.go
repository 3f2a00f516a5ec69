package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-jsonnet"
	"sigs.k8s.io/yaml"

	"github.com/backup-exporter/backup_exporter/internal/tooltest"
)

// mixinOutput is what a mixin user renders: its three documents.
type mixinOutput struct {
	Alerts     ruleGroups                `json:"alerts"`
	Rules      ruleGroups                `json:"rules"`
	Dashboards map[string]map[string]any `json:"dashboards"`
}

// ruleGroups is a Prometheus rule file, as parsed JSON.
type ruleGroups struct {
	Groups []map[string]any `json:"groups"`
}

// renderMixin evaluates mixin.libsonnet with config merged into its _config,
// as a jsonnet-bundler user's file would import it.
func renderMixin(t *testing.T, config string) mixinOutput {
	t.Helper()
	vm := jsonnet.MakeVM()
	vm.Importer(&jsonnet.FileImporter{JPaths: []string{"."}})
	out, err := vm.EvaluateAnonymousSnippet("render.jsonnet", `
local mixin = (import 'mixin.libsonnet') + { _config+:: `+config+` };
{ alerts: mixin.prometheusAlerts, rules: mixin.prometheusRules, dashboards: mixin.grafanaDashboards }`)
	if err != nil {
		t.Fatalf("jsonnet: %v", err)
	}
	var m mixinOutput
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// committedRules is alerts/backup_exporter.rules.yml, parsed as JSON is.
func committedRules(t *testing.T) ruleGroups {
	t.Helper()
	var f ruleGroups
	if err := yaml.Unmarshal(mustRead(t, "alerts/backup_exporter.rules.yml"), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Groups) == 0 {
		t.Fatal("no rule groups")
	}
	return f
}

// hasAlert reports whether a rule group holds an alerting rule.
func hasAlert(group map[string]any) bool {
	for _, r := range group["rules"].([]any) {
		if _, ok := r.(map[string]any)["alert"]; ok {
			return true
		}
	}
	return false
}

// TestMixinRendersCommittedFiles: with the default _config, the mixin's
// prometheusAlerts and prometheusRules together are the committed rule file,
// group for group in its order (groups with an alert in the first, the
// others in the second), and grafanaDashboards is dashboards/*.json.
func TestMixinRendersCommittedFiles(t *testing.T) {
	m := renderMixin(t, "{}")
	var wantAlerts, wantRules []map[string]any
	for _, g := range committedRules(t).Groups {
		if hasAlert(g) {
			wantAlerts = append(wantAlerts, g)
		} else {
			wantRules = append(wantRules, g)
		}
	}
	if !reflect.DeepEqual(m.Alerts.Groups, wantAlerts) {
		t.Errorf("prometheusAlerts differs from the alerting groups of alerts/backup_exporter.rules.yml")
	}
	if !reflect.DeepEqual(m.Rules.Groups, wantRules) {
		t.Errorf("prometheusRules differs from the recording-only groups of alerts/backup_exporter.rules.yml")
	}

	files, err := filepath.Glob("dashboards/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Dashboards) != len(files) {
		t.Errorf("grafanaDashboards has %d dashboards, dashboards/ %d: list every file in mixin.libsonnet", len(m.Dashboards), len(files))
	}
	for _, f := range files {
		var want map[string]any
		if err := json.Unmarshal(mustRead(t, f), &want); err != nil {
			t.Fatal(err)
		}
		if got, ok := m.Dashboards[filepath.Base(f)]; !ok {
			t.Errorf("grafanaDashboards has no %s", filepath.Base(f))
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("grafanaDashboards[%q] differs from %s", filepath.Base(f), f)
		}
	}
}

// committedSelector is the job selector the rule file is written with.
const committedSelector = `job="backup_exporter"`

// TestMixinConfigReachesEveryRule changes every _config key and checks where
// each lands: the exporter's selector in every expression that had the
// committed one, the self selector where it narrows a backup_exporter_*
// series, the objective in the rule that records it, the tags on every
// dashboard, and nothing else changed. The rendered rules pass promtool.
func TestMixinConfigReachesEveryRule(t *testing.T) {
	const (
		exporter = `job="backups", cluster="eu-1"`
		self     = `job="backups_self"`
	)
	m := renderMixin(t, `{
		backupExporterSelector: 'job="backups", cluster="eu-1"',
		backupExporterSelfSelector: 'job="backups_self"',
		defaultObjective: 0.995,
		dashboardTags: ['backups', 'msp'],
	}`)
	// Rules by group and position: an alert name may repeat (BackupSizeAnomaly).
	rendered := map[string][]any{}
	byName := map[string]map[string]any{}
	for _, g := range append(append([]map[string]any{}, m.Alerts.Groups...), m.Rules.Groups...) {
		rendered[g["name"].(string)] = g["rules"].([]any)
		for _, r := range g["rules"].([]any) {
			byName[ruleName(r.(map[string]any))] = r.(map[string]any)
		}
	}
	selfSeries := regexp.MustCompile(`backup_exporter_\w+\{` + regexp.QuoteMeta(committedSelector))
	needing := 0
	for _, g := range committedRules(t).Groups {
		group := rendered[g["name"].(string)]
		if len(group) != len(g["rules"].([]any)) {
			t.Errorf("group %s: %d rules rendered, %d committed", g["name"], len(group), len(g["rules"].([]any)))
			continue
		}
		for i, r := range g["rules"].([]any) {
			want, got := r.(map[string]any), group[i].(map[string]any)
			name := ruleName(want)
			committed, expr := want["expr"].(string), got["expr"].(string)
			if strings.Contains(expr, committedSelector) {
				t.Errorf("%s keeps %s: %s", name, committedSelector, expr)
			}
			if n := strings.Count(committed, committedSelector); n > 0 {
				needing++
				selfN := len(selfSeries.FindAllString(committed, -1))
				if strings.Count(expr, exporter) != n-selfN || strings.Count(expr, self) != selfN {
					t.Errorf("%s: %d selectors to replace (%d of self metrics), rendered %q", name, n, selfN, expr)
				}
			}
			if name == "tenant:backup_slo_objective:ratio" && !strings.Contains(expr, "0.995") {
				t.Errorf("the objective 0.995 does not reach %s: %s", name, expr)
			}
			// Everything but the expression is the committed rule's.
			w, g := copyWithout(want, "expr"), copyWithout(got, "expr")
			if !reflect.DeepEqual(w, g) {
				t.Errorf("%s: the mixin changed more than its expression", name)
			}
		}
	}
	for _, alert := range []string{"BackupExporterDown", "BackupExporterAbsent"} {
		if rule := byName[alert]; rule == nil || !strings.Contains(rule["expr"].(string), exporter) {
			t.Errorf("%s does not select the exporter's scrape job %s", alert, exporter)
		}
	}
	if needing < 2 {
		t.Errorf("only %d rules select the scrape job; BackupExporterDown and BackupExporterAbsent must", needing)
	}
	for name, d := range m.Dashboards {
		if !reflect.DeepEqual(d["tags"], []any{"backups", "msp"}) {
			t.Errorf("%s has tags %v, want the configured ones", name, d["tags"])
		}
	}

	promtool := tooltest.Path(t, "promtool")
	for _, doc := range []ruleGroups{m.Alerts, m.Rules} {
		data, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "rules.yml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
			t.Errorf("promtool check rules on the rendered mixin: %v\n%s", err, out)
		}
	}
}

func ruleName(rule map[string]any) string {
	if a, ok := rule["alert"].(string); ok {
		return a
	}
	return rule["record"].(string)
}

func copyWithout(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

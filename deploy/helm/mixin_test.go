package helm

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"
)

// update rewrites the chart's copies of the rules and the dashboards:
// go test ./deploy/helm -run TestChartFilesMatchMixin -update
var update = flag.Bool("update", false, "copy alerts/ and dashboards/ into the chart's files/")

// mixinFiles maps each file the chart ships (relative to the chart) to the
// file of the repository it copies, since Helm reads nothing outside the
// chart's directory.
func mixinFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{"files/backup_exporter.rules.yml": "../../alerts/backup_exporter.rules.yml"}
	dashboards, err := filepath.Glob("../../dashboards/*.json")
	if err != nil || len(dashboards) == 0 {
		t.Fatalf("no dashboards/*.json (%v)", err)
	}
	for _, d := range dashboards {
		files["files/dashboards/"+filepath.Base(d)] = d
	}
	return files
}

// TestChartFilesMatchMixin keeps the chart's copies of the alert rules and the
// dashboards identical to alerts/ and dashboards/, byte for byte, with no copy
// of a file that is gone. It needs no helm, so it runs everywhere.
func TestChartFilesMatchMixin(t *testing.T) {
	files := mixinFiles(t)
	copies, err := filepath.Glob(filepath.Join(chartDir, "files/dashboards/*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range copies {
		rel, _ := filepath.Rel(chartDir, c)
		if _, ok := files[filepath.ToSlash(rel)]; ok {
			continue
		}
		if *update {
			if err := os.Remove(c); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s copies no file of dashboards/; run go test ./deploy/helm -run TestChartFilesMatchMixin -update", c)
	}
	for copyPath, source := range files {
		want, err := os.ReadFile(source)
		if err != nil {
			t.Fatal(err)
		}
		copyPath = filepath.Join(chartDir, copyPath)
		if *update {
			if err := os.WriteFile(copyPath, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(copyPath)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (%v); run go test ./deploy/helm -run TestChartFilesMatchMixin -update", copyPath, source, err)
		}
	}
}

// TestRenderedMixin checks what a cluster receives: the PrometheusRule's
// groups are exactly alerts/backup_exporter.rules.yml's, and the dashboard
// ConfigMaps hold exactly dashboards/*.json, labelled for the Grafana sidecar.
func TestRenderedMixin(t *testing.T) {
	r := render(t, "--values", allOptions)
	var values struct {
		PrometheusRule struct {
			Labels map[string]string `json:"labels"`
		} `json:"prometheusRule"`
		Dashboards struct {
			Label            string            `json:"label"`
			LabelValue       string            `json:"labelValue"`
			Folder           string            `json:"folder"`
			FolderAnnotation string            `json:"folderAnnotation"`
			Labels           map[string]string `json:"labels"`
		} `json:"dashboards"`
	}
	readYAML(t, allOptions, &values)

	if len(r.prometheusRules) != 1 {
		t.Fatalf("%d PrometheusRules, want 1", len(r.prometheusRules))
	}
	for _, pr := range r.prometheusRules {
		for k, v := range values.PrometheusRule.Labels {
			if pr.Labels[k] != v {
				t.Errorf("PrometheusRule label %s=%q, want %q", k, pr.Labels[k], v)
			}
		}
		// Compared as parsed YAML: the rendered groups against the rule
		// file's, every field of every rule.
		var file map[string]any
		var doc struct {
			Spec map[string]any `json:"spec"`
		}
		readYAML(t, "../../alerts/backup_exporter.rules.yml", &file)
		rendered := r.raw["PrometheusRule/"+pr.Name]
		if err := yaml.Unmarshal([]byte(rendered), &doc); err != nil {
			t.Fatal(err)
		}
		if len(file) != 1 || file["groups"] == nil {
			t.Fatalf("alerts/backup_exporter.rules.yml has keys beyond groups: %v", keys(file))
		}
		if !reflect.DeepEqual(doc.Spec, file) {
			t.Errorf("PrometheusRule spec differs from alerts/backup_exporter.rules.yml: %s", firstDifference(doc.Spec["groups"], file["groups"]))
		}
	}

	dashboards, err := filepath.Glob("../../dashboards/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, cm := range r.configMaps {
		if cm.Labels[values.Dashboards.Label] == "" {
			continue
		}
		if cm.Labels[values.Dashboards.Label] != values.Dashboards.LabelValue {
			t.Errorf("%s: label %s=%q, want %q", cm.Name, values.Dashboards.Label, cm.Labels[values.Dashboards.Label], values.Dashboards.LabelValue)
		}
		for k, v := range values.Dashboards.Labels {
			if cm.Labels[k] != v {
				t.Errorf("%s: label %s=%q, want %q", cm.Name, k, cm.Labels[k], v)
			}
		}
		if got := cm.Annotations[values.Dashboards.FolderAnnotation]; got != values.Dashboards.Folder {
			t.Errorf("%s: annotation %s=%q, want %q", cm.Name, values.Dashboards.FolderAnnotation, got, values.Dashboards.Folder)
		}
		if len(cm.Data) != 1 {
			t.Errorf("%s: %d files, want one dashboard", cm.Name, len(cm.Data))
		}
		for name, data := range cm.Data {
			found = append(found, name)
			want, err := os.ReadFile(filepath.Join("../../dashboards", name))
			if err != nil {
				t.Errorf("%s: %s is no file of dashboards/: %v", cm.Name, name, err)
				continue
			}
			if data != string(want) {
				t.Errorf("%s: %s differs from dashboards/%s", cm.Name, name, name)
			}
		}
	}
	var want []string
	for _, d := range dashboards {
		want = append(want, filepath.Base(d))
	}
	slices.Sort(found)
	if !slices.Equal(found, want) {
		t.Errorf("dashboard ConfigMaps hold %v, want every dashboards/*.json: %v", found, want)
	}
}

// firstDifference names the first group and rule where two parsed rule files
// differ, so that a failure says where to look.
func firstDifference(got, want any) string {
	g, _ := got.([]any)
	w, _ := want.([]any)
	for i := range max(len(g), len(w)) {
		if i >= len(g) || i >= len(w) {
			return fmt.Sprintf("%d groups, want %d", len(g), len(w))
		}
		if reflect.DeepEqual(g[i], w[i]) {
			continue
		}
		gg, _ := g[i].(map[string]any)
		wg, _ := w[i].(map[string]any)
		gr, _ := gg["rules"].([]any)
		wr, _ := wg["rules"].([]any)
		for j := range min(len(gr), len(wr)) {
			if !reflect.DeepEqual(gr[j], wr[j]) {
				return fmt.Sprintf("group %v, rule %d: %v, want %v", wg["name"], j, gr[j], wr[j])
			}
		}
		return fmt.Sprintf("group %v: %v, want %v", wg["name"], gg, wg)
	}
	return "no difference in groups"
}

// TestRuleJobSelector: the PrometheusRule selects the scrape job the chart
// gives its series, job="<serviceMonitor.jobName>", or prometheusRule.jobSelector
// when set, in place of every job="backup_exporter" of the rule file, as the
// mixin does; nothing else of the rules changes.
func TestRuleJobSelector(t *testing.T) {
	file, err := os.ReadFile("../../alerts/backup_exporter.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	const committed = `job="backup_exporter"`
	if !bytes.Contains(file, []byte(committed)) {
		t.Fatalf("the rule file selects no %s: BackupExporterDown and BackupExporterAbsent need it", committed)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		selector string
	}{
		{"job name", []string{"--set", "serviceMonitor.jobName=backups"}, `job="backups"`},
		{"selector", []string{"--set", "serviceMonitor.jobName=backups", "--set-string", `prometheusRule.jobSelector=job="backups"\, cluster="eu-1"`}, `job="backups", cluster="eu-1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := render(t, append([]string{"--set", "prometheusRule.enabled=true,serviceMonitor.enabled=true"}, tc.args...)...)
			if len(r.prometheusRules) != 1 {
				t.Fatalf("%d PrometheusRules, want 1", len(r.prometheusRules))
			}
			var want map[string]any
			if err := yaml.Unmarshal(bytes.ReplaceAll(file, []byte(committed), []byte(tc.selector)), &want); err != nil {
				t.Fatal(err)
			}
			for name := range r.prometheusRules {
				var doc struct {
					Spec map[string]any `json:"spec"`
				}
				if err := yaml.Unmarshal([]byte(r.raw["PrometheusRule/"+name]), &doc); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(doc.Spec, want) {
					t.Errorf("the rules differ from the rule file with %s for %s: %s", tc.selector, committed, firstDifference(doc.Spec["groups"], want["groups"]))
				}
			}
		})
	}
}

package promnames

import (
	"reflect"
	"testing"
)

func TestMetricNames(t *testing.T) {
	tests := []struct {
		name string
		expr string
		want []string
	}{
		{"plain selector", `backup_up`, []string{"backup_up"}},
		{"matchers hide label names and values", `backup_up{target=~"a|b", vendor!="x{y}"} == 0`, []string{"backup_up"}},
		{"functions and ranges", `rate(backup_jobs_total[5m])`, []string{"backup_jobs_total"}},
		{"aggregation with by list", `sum by (target, vendor) (increase(backup_jobs_total{status="failed"}[1d]))`, []string{"backup_jobs_total"}},
		{"aggregation with trailing by", `sum(rate(x_total[5m])) without (instance)`, []string{"x_total"}},
		{"join with on and group_left", "a * on (job, instance, asset_id) group_left (tenant, asset) backup_asset_info", []string{"a", "backup_asset_info"}},
		{"set operators and bool", `(time() - b <= bool c) or on (asset_id) (c * 0) unless d`, []string{"b", "c", "d"}},
		{"offset and numbers", `count(x offset 1d) > 4 * 86400 and y > 1e3 and z > 0x1f and w > .5`, []string{"w", "x", "y", "z"}},
		{"subquery", `max_over_time(deriv(x[1h])[1d:5m])`, []string{"x"}},
		{"grafana variables", `rate(x{job=~"$job"}[$__rate_interval]) / ${divisor}`, []string{"x"}},
		{"histogram quantile", `histogram_quantile(0.95, sum by (le, endpoint) (rate(h_bucket[5m])))`, []string{"h_bucket"}},
		{"label_replace strings", `label_replace(x, "dst", "$1", "src", "(.*)")`, []string{"x"}},
		{"recording rule names with colons", `avg(asset:backup_asset_rpo_compliant:bool)`, []string{"asset:backup_asset_rpo_compliant:bool"}},
		{"absent", `absent(up{job="backup_exporter"})`, []string{"up"}},
		{"topk with parameter", `topk(10, x)`, []string{"x"}},
		{"duplicates once", `x + x`, []string{"x"}},
		{"comments", "x # not_a_metric\n+ y", []string{"x", "y"}},
		{"no metric", `vector(1)`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MetricNames(tt.expr)
			if err != nil {
				t.Fatalf("MetricNames(%q): %v", tt.expr, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MetricNames(%q) = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

func TestMetricNamesErrors(t *testing.T) {
	for _, expr := range []string{
		`x{a="b}`,
		`rate(x[5m)`,
		`sum by (a (x)`,
		`x{a="b"`,
	} {
		if _, err := MetricNames(expr); err == nil {
			t.Errorf("MetricNames(%q) succeeded, want an error", expr)
		}
	}
}

func TestExposedNames(t *testing.T) {
	got, err := ExposedNames("testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"backup_up":         true,
		"backup_jobs_total": true,
		"backup_exporter_api_request_duration_seconds_bucket": true,
		"backup_exporter_api_request_duration_seconds_sum":    true,
		"backup_exporter_api_request_duration_seconds_count":  true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExposedNames = %v, want %v", got, want)
	}
	if _, err := ExposedNames(t.TempDir()); err == nil {
		t.Error("ExposedNames of an empty directory succeeded, want an error")
	}
}

func TestUnknown(t *testing.T) {
	got := Unknown([]string{"c", "a", "b"}, map[string]bool{"a": true}, map[string]bool{"b": true})
	if want := []string{"c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Unknown = %q, want %q", got, want)
	}
}

func TestCheck(t *testing.T) {
	also := map[string]bool{"asset:recorded:bool": true}
	tests := []struct {
		name    string
		exprs   []string
		wantErr bool
	}{
		{"exposed, main.go's and recorded names", []string{
			`sum(rate(backup_jobs_total[5m])) / count(backup_up)`,
			`histogram_quantile(0.9, rate(backup_exporter_api_request_duration_seconds_bucket[5m]))`,
			`up{job="backup_exporter"} + backup_exporter_build_info`,
			`avg(asset:recorded:bool)`,
		}, false},
		{"a renamed metric", []string{`backup_up`, `backup_last_success`}, true},
		{"a histogram read by its family name", []string{`backup_exporter_api_request_duration_seconds`}, true},
		{"a broken expression", []string{`rate(backup_up[5m)`}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.exprs, "testdata", also)
			if (err != nil) != tt.wantErr {
				t.Errorf("Check = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

package collector

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/backup-exporter/backup_exporter/internal/openmetrics"
)

// TestMetricsLint runs promlint (what `promtool check metrics` runs) over
// every backup-domain metric the engine emits.
func TestMetricsLint(t *testing.T) {
	clock := newClock()
	e, reg := newTestExporter(t, clock, fakeTarget("acme"))
	fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
	problems, err := testutil.CollectAndLint(e.ScrapeCollector(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	self, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(problems, self...) {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// TestNoOpenMetricsNameClashes reads every golden exposition (each vendor,
// the engine's cases and the self metrics: together what /metrics merges)
// and checks that no two families claim one name under OpenMetrics' rules,
// as a gauge x and a counter x_total would: a strict OpenMetrics parser
// refuses a whole answer that holds such a pair.
func TestNoOpenMetricsNameClashes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.prom"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden expositions: %v", err)
	}
	byName := map[string]*dto.MetricFamily{}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		mfs, err := parser.TextToMetricFamilies(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for name, mf := range mfs {
			byName[name] = mf
		}
	}
	all := make([]*dto.MetricFamily, 0, len(byName))
	for _, mf := range byName {
		all = append(all, mf)
	}
	for _, c := range openmetrics.Clashes(all) {
		t.Error(c)
	}
}

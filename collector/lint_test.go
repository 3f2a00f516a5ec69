package collector

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
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

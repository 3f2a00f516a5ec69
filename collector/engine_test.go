package collector

import (
	"context"
	"testing"
)

// TestScrapeRichSnapshot pins the exposition of every backup-domain metric
// for a snapshot with every kind of data.
func TestScrapeRichSnapshot(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
	assertGolden(t, e.ScrapeCollector(context.Background()), "engine_rich.prom")
}

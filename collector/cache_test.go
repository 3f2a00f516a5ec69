package collector

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/backup-exporter/backup_exporter/backup"
)

// scrapesTotal reads backup_exporter_scrapes_total of one target and cache
// value.
func scrapesTotal(e *Exporter, target, cache string) float64 {
	return testutil.ToFloat64(e.self.scrapes.WithLabelValues(target, fakeVendor, cache))
}

// gather scrapes the named targets once with ctx.
func gather(t *testing.T, e *Exporter, ctx context.Context, names ...string) {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.ScrapeCollector(ctx, names...))
	if _, err := reg.Gather(); err != nil {
		t.Fatalf("gather: %v", err)
	}
}

// TestCacheHitAndExpiry shows that a snapshot younger than cache_ttl is
// served with no upstream call, and an older one is refreshed.
func TestCacheHitAndExpiry(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	f := fetcherOf(t, e, "acme")
	f.returns(richSnapshot(clock.Now()), nil)

	steps := []struct {
		name      string
		advance   time.Duration
		wantCalls int32
		wantCache string
	}{
		{"first scrape refreshes", 0, 1, cacheRefresh},
		{"young snapshot is a hit", 59 * time.Second, 1, cacheHit},
		{"snapshot at cache_ttl is refreshed", time.Second, 2, cacheRefresh},
		{"fresh again", 30 * time.Second, 2, cacheHit},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		before := scrapesTotal(e, "acme", s.wantCache)
		gather(t, e, context.Background())
		if got := f.calls.Load(); got != s.wantCalls {
			t.Errorf("%s: %d fetches, want %d", s.name, got, s.wantCalls)
		}
		if got := scrapesTotal(e, "acme", s.wantCache) - before; got != 1 {
			t.Errorf("%s: scrapes_total{cache=%q} grew by %v, want 1", s.name, s.wantCache, got)
		}
	}
}

// TestConcurrentScrapesShareOneRefresh shows single flight: 20 scrapes of a
// stale target that arrive while its refresh runs all wait on that one
// refresh, so the vendor is called once.
func TestConcurrentScrapesShareOneRefresh(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	f := fetcherOf(t, e, "acme")
	release := make(chan struct{})
	snap := richSnapshot(clock.Now())
	f.set(func(ctx context.Context, d VendorDeps) (*backup.Snapshot, error) {
		<-release
		s := *snap
		s.FetchedAt = d.Now()
		return &s, nil
	})

	const scrapes = 20
	var waiting, done sync.WaitGroup
	waiting.Add(scrapes)
	done.Add(scrapes)
	for range scrapes {
		go func() {
			defer done.Done()
			gather(t, e, &waitingCtx{Context: context.Background(), waiting: &waiting})
		}()
	}
	// Release the refresh only once every scrape waits on it.
	waiting.Wait()
	close(release)
	done.Wait()

	if got := f.calls.Load(); got != 1 {
		t.Errorf("%d fetches for %d concurrent scrapes, want 1", got, scrapes)
	}
	if got := scrapesTotal(e, "acme", cacheRefresh); got != scrapes {
		t.Errorf("scrapes_total{cache=refresh} = %v, want %d", got, scrapes)
	}
}

// waitingCtx tells when a scrape starts waiting on a refresh: the engine
// asks for Done only then, after it has joined the refresh in flight.
type waitingCtx struct {
	context.Context
	waiting *sync.WaitGroup
	once    sync.Once
}

func (c *waitingCtx) Done() <-chan struct{} {
	c.once.Do(c.waiting.Done)
	return c.Context.Done()
}

// staleGoldenMetrics tell an old snapshot (four assets, fetched at t0) from
// the newer one (one asset, two minutes later).
var staleGoldenMetrics = []string{"backup_up", "backup_asset_info", "backup_snapshot_timestamp_seconds"}

// TestDeadlineServesStaleSnapshot shows that a refresh outlives a scrape
// whose deadline passes first: the scrape gets the last good snapshot, the
// refresh fills the cache in the background, and another target of the same
// scrape is not held up.
func TestDeadlineServesStaleSnapshot(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("slow"), fakeTarget("quick"))
	slow, quick := fetcherOf(t, e, "slow"), fetcherOf(t, e, "quick")
	old := richSnapshot(clock.Now())
	slow.returns(old, nil)
	quick.returns(old, nil)
	gather(t, e, context.Background())

	// Past the TTL, the slow target's refresh takes "5 s": it blocks until
	// released, well after the 1 s scrape deadline.
	clock.Advance(2 * time.Minute)
	newer := richSnapshot(clock.Now())
	newer.Assets = newer.Assets[:1]
	release := make(chan struct{})
	slow.set(func(ctx context.Context, d VendorDeps) (*backup.Snapshot, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		s := *newer
		s.FetchedAt = d.Now()
		return &s, nil
	})
	quick.returns(newer, nil)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	assertGolden(t, e.ScrapeCollector(ctx), "engine_stale.prom", staleGoldenMetrics...)
	if got := scrapesTotal(e, "slow", cacheStale); got != 1 {
		t.Errorf("slow: scrapes_total{cache=stale} = %v, want 1", got)
	}
	if got := scrapesTotal(e, "quick", cacheRefresh); got != 2 {
		t.Errorf("quick: scrapes_total{cache=refresh} = %v, want 2", got)
	}

	// The refresh goes on after the scrape and fills the cache.
	tg := e.lookup([]string{"slow"})[0]
	tg.mu.Lock()
	inflight := tg.inflight
	tg.mu.Unlock()
	if inflight == nil {
		t.Fatal("the slow refresh did not outlive the scrape")
	}
	close(release)
	<-inflight
	assertGolden(t, e.ScrapeCollector(context.Background(), "slow"), "engine_stale_filled.prom", staleGoldenMetrics...)
	if got := scrapesTotal(e, "slow", cacheHit); got != 1 {
		t.Errorf("slow: scrapes_total{cache=hit} = %v after the background refresh, want 1", got)
	}
	if got := slow.calls.Load(); got != 2 {
		t.Errorf("slow: %d fetches, want 2", got)
	}
}

// TestDeadlineBeforeFirstSnapshot shows a target that has never answered:
// backup_up 0 and nothing else, without waiting for the refresh.
func TestDeadlineBeforeFirstSnapshot(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("slow"))
	release := make(chan struct{})
	defer close(release)
	fetcherOf(t, e, "slow").set(func(ctx context.Context, _ VendorDeps) (*backup.Snapshot, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil, context.Canceled
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has already passed
	assertGolden(t, e.ScrapeCollector(ctx), "engine_never_answered.prom")
}

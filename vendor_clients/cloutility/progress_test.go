package cloutility

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
)

// tickingClock advances by step at every reading: a refresh then runs out
// of its slice after a few requests, as a slow portal makes it.
type tickingClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *tickingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// TestRefreshMakesProgress checks that refreshes cut by their slice keep
// what they read and continue with the consumers not read yet: the first
// refresh serves some consumers, each later one serves more, no consumer is
// read twice before every one was read once, and each asset carries the
// time its state was read.
func TestRefreshMakesProgress(t *testing.T) {
	clk := &tickingClock{t: testNow, step: 400 * time.Millisecond}
	f := newFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, clk.now)
	served := 0
	for refresh := 1; refresh <= 10 && served < 6; refresh++ {
		snap := fetch(t, f.client)
		p := snap.Progress
		if p == nil || p.Items != 6 {
			t.Fatalf("refresh %d: progress %+v, want 6 items", refresh, p)
		}
		if len(snap.Assets) < served {
			t.Fatalf("refresh %d: %d assets served, fewer than the %d before", refresh, len(snap.Assets), served)
		}
		if refresh == 1 && (len(snap.Assets) == 0 || p.Pending == 0) {
			t.Fatalf("first refresh: %d assets, %d pending; want some served and some left", len(snap.Assets), p.Pending)
		}
		for _, a := range snap.Assets {
			if a.Observed.IsZero() || a.Observed.Before(testNow) || a.Observed.After(clk.now()) {
				t.Errorf("refresh %d: asset %s observed at %v", refresh, a.ID, a.Observed)
			}
		}
		served = len(snap.Assets)
		t.Logf("refresh %d: %d served, %d read, %d pending", refresh, served, p.Read, p.Pending)
	}
	if served != 6 {
		t.Fatalf("%d consumers served after 10 refreshes, want 6", served)
	}
	if got := f.routes.take()["/v1/bunits/{bunit}/consumers/{consumer}/jobs/first"]; got > 6+3 {
		t.Errorf("%d first-job reads: consumers were read again before all were read once", got)
	}
}

// TestConsumersServedBeforeReports checks the cold pass of an estate too
// large for one slice: no report is read until every consumer was tried,
// so that each is served a report's requests sooner, and the reports
// follow in the refreshes after, without waiting for a scrape (pending).
func TestConsumersServedBeforeReports(t *testing.T) {
	clk := &tickingClock{t: testNow, step: 400 * time.Millisecond}
	f := newFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, clk.now)
	reports := func(routes map[string]int) int {
		n := 0
		for route, count := range routes {
			if strings.Contains(route, "/reports") {
				n += count
			}
		}
		return n
	}
	served, refreshes := 0, 0
	for ; served < 6 && refreshes < 10; refreshes++ {
		snap := fetch(t, f.client)
		served = len(snap.Assets)
		if n := reports(f.routes.take()); n > 0 && served < 6 {
			t.Fatalf("refresh %d: %d report reads with %d of 6 consumers served", refreshes+1, n, served)
		}
		if served < 6 && snap.Progress.Pending == 0 {
			t.Fatalf("refresh %d: %d of 6 served and nothing pending", refreshes+1, served)
		}
	}
	if served != 6 || refreshes < 2 {
		t.Fatalf("%d consumers served after %d refreshes; want all 6, after more than one", served, refreshes)
	}
	sized := 0
	for i := 0; i < 10 && sized == 0; i++ {
		snap := fetch(t, f.client)
		for _, a := range snap.Assets {
			if a.SizeBytes != nil {
				sized++
			}
		}
	}
	if sized == 0 {
		t.Fatal("no consumer's report read in the 10 refreshes after every consumer was served")
	}
}

// TestFailingConsumer checks that a consumer whose reads fail for ever is
// counted, served stale with its own observed time while the others stay
// fresh, backed off rather than read at every refresh, and never fails a
// part.
func TestFailingConsumer(t *testing.T) {
	var (
		mu     sync.Mutex
		broken bool
		hits   int
	)
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			fail := broken && strings.Contains(r.URL.Path, "/consumers/13/")
			if fail {
				hits++
			}
			mu.Unlock()
			if fail {
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte(`{"items": [garbage`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	clk := &clock{t: testNow}
	f := newWrappedFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, clk.now, wrap)
	fetch(t, f.client)
	mu.Lock()
	broken = true
	mu.Unlock()
	ttl := f.target.CacheTTL
	attempts := 0
	for i := 1; i <= 16; i++ {
		clk.advance(ttl / 4)
		mu.Lock()
		before := hits
		mu.Unlock()
		snap := fetch(t, f.client)
		mu.Lock()
		if hits > before {
			attempts++
		}
		mu.Unlock()
		if snap.Progress.Failed > 1 {
			t.Errorf("after %d: %d failed reads, want the broken consumer's at most", i, snap.Progress.Failed)
		}
		for p, err := range snap.PartErrors {
			if err != nil {
				t.Errorf("after %d: part %s failed: %v", i, p, err)
			}
		}
		a := assetByID(t, snap, "13")
		if !a.Observed.Equal(testNow) {
			t.Errorf("after %d: the broken consumer observed at %v, want its last good read %v", i, a.Observed, testNow)
		}
		if b := assetByID(t, snap, "10"); clk.now().Sub(b.Observed) > ttl {
			t.Errorf("after %d: a healthy consumer is %v old, past cache_ttl %v", i, clk.now().Sub(b.Observed), ttl)
		}
	}
	// Four cache_ttls, refreshed every quarter: backing off from ttl/16
	// to ttl, the broken consumer is tried in fewer than half of them.
	if attempts == 0 || attempts > 7 {
		t.Errorf("the jobs were read in %d of 16 refreshes; want some, backed off", attempts)
	}
}

// TestNextReport checks when a consumer's latest report is read again: at
// the next day's report, no sooner than cache_ttl, every inventory_ttl
// while it is overdue.
func TestNextReport(t *testing.T) {
	c := &Client{cacheTTL: 10 * time.Minute, inventoryTTL: time.Hour}
	now := testNow // 12:00
	day := time.Date(2024, 5, 14, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rep  nodeReport
		want time.Time
	}{
		{"today's report, written at 04:05: tomorrow at 04:05",
			nodeReport{ReportDate: Time{day}, CreatedDate: Time{day.Add(4*time.Hour + 5*time.Minute)}}, day.Add(28*time.Hour + 5*time.Minute)},
		{"no creation date: at midnight", nodeReport{ReportDate: Time{day}}, day.Add(24 * time.Hour)},
		{"yesterday's report: overdue, looked for every inventory_ttl",
			nodeReport{ReportDate: Time{day.Add(-24 * time.Hour)}}, now.Add(time.Hour)},
		{"due within cache_ttl: at cache_ttl",
			nodeReport{ReportDate: Time{day.Add(-12*time.Hour + 5*time.Minute)}}, now.Add(10 * time.Minute)},
		{"dated next week: in a day", nodeReport{ReportDate: Time{day.Add(7 * 24 * time.Hour)}}, now.Add(24 * time.Hour)},
		{"no report date: every inventory_ttl", nodeReport{}, now.Add(time.Hour)},
	}
	for _, tt := range tests {
		if got := c.nextReport(&tt.rep, now); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestPartFailsWhileEveryConsumerFails checks the other side of a failing
// consumer: when the reads of one resource fail for every consumer after
// good reads (a permission withdrawn, a path gone), the part it feeds
// fails, while the consumers keep serving their last good reads and the
// other parts stay up; the part heals with the first good read again.
func TestPartFailsWhileEveryConsumerFails(t *testing.T) {
	for _, tc := range []struct {
		resource string
		broken   func(path string) bool
		parts    []backup.Part
		// within is how long every consumer takes to try the resource
		// again: its TTL, and a day for the daily report.
		within time.Duration
	}{
		{"node", func(p string) bool { return strings.HasSuffix(p, "/node") }, []backup.Part{backup.PartAssets}, time.Hour},
		{"jobs", func(p string) bool { return strings.Contains(p, "/jobs") }, []backup.Part{backup.PartJobs}, time.Hour},
		{"report", func(p string) bool { return strings.Contains(p, "/reports") }, []backup.Part{backup.PartStorage, backup.PartAlerts}, reportEvery},
	} {
		t.Run(tc.resource, func(t *testing.T) {
			var (
				mu     sync.Mutex
				broken bool
			)
			wrap := func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					fail := broken && tc.broken(r.URL.Path)
					mu.Unlock()
					if fail {
						http.Error(w, `{"message": "forbidden"}`, http.StatusForbidden)
						return
					}
					h.ServeHTTP(w, r)
				})
			}
			clk := &clock{t: testNow}
			f := newWrappedFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, clk.now, wrap)
			setBroken := func(b bool) {
				mu.Lock()
				broken = b
				mu.Unlock()
			}
			// until refreshes every quarter of cache_ttl until the parts
			// fed by the resource fail (want) or not, within the
			// resource's period and two inventory_ttls, and checks the
			// rest of the snapshot on the way: every consumer served,
			// the other parts up.
			step := f.target.CacheTTL / 4
			until := func(want bool) {
				t.Helper()
				for elapsed := time.Duration(0); elapsed <= tc.within+2*f.target.InventoryTTL; elapsed += step {
					clk.advance(step)
					snap := fetch(t, f.client)
					if len(snap.Assets) != 6 {
						t.Fatalf("%d assets served, want all 6 with their last good reads", len(snap.Assets))
					}
					failing := 0
					for _, p := range backup.Parts {
						fed := slices.Contains(tc.parts, p)
						switch err := snap.PartErrors[p]; {
						case err != nil && !fed:
							t.Fatalf("part %s failed: %v", p, err)
						case err != nil:
							failing++
						}
					}
					if (failing == len(tc.parts)) == want {
						t.Logf("parts %v failing %v after %v", tc.parts, want, elapsed+step)
						return
					}
				}
				t.Fatalf("parts %v still failing %v after %v", tc.parts, !want, tc.within+2*f.target.InventoryTTL)
			}
			fetch(t, f.client)
			setBroken(true)
			until(true)
			// It keeps failing while every consumer's reads do.
			clk.advance(f.target.InventoryTTL)
			if snap := fetch(t, f.client); !snap.Failed(tc.parts[0]) {
				t.Errorf("part %s up again while every consumer's %s reads still fail", tc.parts[0], tc.resource)
			}
			setBroken(false)
			until(false)
		})
	}
}

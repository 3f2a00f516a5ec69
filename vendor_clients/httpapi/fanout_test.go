package httpapi

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestScheduleBackoff checks that a failing item is tried again after a
// backoff that doubles from ttl/16 up to ttl, and that a success resets it.
func TestScheduleBackoff(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	ttl := 16 * time.Minute
	var s Schedule
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 16 * time.Minute} {
		s.Failed(t0, ttl)
		if got := s.Due.Sub(t0); got != want {
			t.Errorf("failure %d: due in %v, want %v", i+1, got, want)
		}
		if !s.Failing() {
			t.Errorf("failure %d: not failing", i+1)
		}
	}
	s.Succeeded(t0, ReadEarly(t0, ttl))
	if s.Failing() || s.Due.Sub(t0) != 14*time.Minute || !s.ReadAt.Equal(t0) {
		t.Errorf("after a success: %+v, want read at t0, due at 7/8 of the TTL", s)
	}
	s.Failed(t0, ttl)
	if s.Due.Sub(t0) != time.Minute {
		t.Errorf("a failure after a success: due in %v, want ttl/16 again", s.Due.Sub(t0))
	}
}

// TestDueFirst checks that the due items come never-read first, then the
// stalest, and that the next due time is the earliest of the others.
func TestDueFirst(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	schedules := []*Schedule{
		{ReadAt: at(-5), Due: at(-1)}, // 0: due, read 5m ago
		{ReadAt: at(-1), Due: at(3)},  // 1: not due
		{},                            // 2: never read
		{ReadAt: at(-9), Due: at(0)},  // 3: due, read 9m ago
		{ReadAt: at(-2), Due: at(2)},  // 4: not due, next
	}
	due, next := DueFirst(schedules, t0)
	if want := []int{2, 3, 0}; !slices.Equal(due, want) {
		t.Errorf("due %v, want %v", due, want)
	}
	if !next.Equal(at(2)) {
		t.Errorf("next due %v, want %v", next, at(2))
	}
}

// TestSliceEnd checks a fan-out refresh's slice: short while nothing was
// read, longer after, and always a tenth of the time to the deadline
// before it.
func TestSliceEnd(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deadline time.Duration // 0: none
		first    bool
		want     time.Duration
	}{
		{"first, no deadline", 0, true, FirstSlice},
		{"later, no deadline", 0, false, Slice},
		{"later, 60s deadline", time.Minute, false, Slice},
		{"later, 20s deadline: its margin", 20 * time.Second, false, 18 * time.Second},
		{"first, 3s deadline: its margin", 3 * time.Second, true, 2700 * time.Millisecond},
	}
	for _, tt := range tests {
		ctx := context.Background()
		if tt.deadline > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, t0.Add(tt.deadline))
			defer cancel()
		}
		if got := SliceEnd(ctx, t0, tt.first).Sub(t0); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestSweep checks that Sweep starts items in order on at most workers
// goroutines and starts none once its stop time has come.
func TestSweep(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	var (
		mu      sync.Mutex
		now     = t0
		order   []int
		running atomic.Int32
		peak    atomic.Int32
	)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	started := Sweep(context.Background(), 100, 3, t0.Add(10*time.Second), clock, func(_ context.Context, i int) {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		order = append(order, i)
		now = now.Add(time.Second) // each item takes a second of the clock
		mu.Unlock()
		running.Add(-1)
	})
	if started < 10 || started > 12 {
		t.Errorf("%d items started in a 10 s slice of 1 s items on 3 workers, want 10 to 12", started)
	}
	if len(order) != started {
		t.Errorf("%d items ran, %d started", len(order), started)
	}
	slices.Sort(order)
	for i, v := range order {
		if v != i {
			t.Fatalf("items ran %v: not the first %d in order", order, started)
		}
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("%d items at once, want at most 3", p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n := Sweep(ctx, 5, 2, t0.Add(time.Hour), clock, func(context.Context, int) {}); n != 0 {
		t.Errorf("a cancelled sweep started %d items", n)
	}
}

func TestAllFailing(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	failed := func() *Schedule { s := &Schedule{}; s.Succeeded(now, now); s.Failed(now, time.Minute); return s }
	read := func() *Schedule { s := &Schedule{}; s.Succeeded(now, now); return s }
	for name, tc := range map[string]struct {
		schedules []*Schedule
		want      bool
	}{
		"no items":                      {nil, false},
		"every latest read failed":      {[]*Schedule{failed(), failed()}, true},
		"one item still reads":          {[]*Schedule{failed(), read()}, false},
		"an item never read nor failed": {[]*Schedule{failed(), {}}, false},
		"a failed item that read again": {[]*Schedule{func() *Schedule { s := failed(); s.Succeeded(now, now); return s }()}, false},
	} {
		if got := AllFailing(tc.schedules, (*Schedule).Failing); got != tc.want {
			t.Errorf("%s: AllFailing = %v, want %v", name, got, tc.want)
		}
	}
}

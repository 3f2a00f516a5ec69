package httpapi

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// A fan-out read (one request or more per item: Cloutility consumers,
// CloverDX dashboards) keeps each item's last good read with its own
// schedule, reads the items that are due stalest first, and stops starting
// new reads when its slice of time is up, so that every refresh commits
// what it read and the next one continues where it stopped.

// Schedule is one fan-out item's read schedule.
type Schedule struct {
	// ReadAt is when the item was last read successfully; zero if never.
	ReadAt time.Time
	// Due is when the item should be read again; zero means now.
	Due time.Time
	// failures counts the reads that failed in a row since the last
	// success, to back off from an item that keeps failing.
	failures int
}

// IsDue reports whether the item should be read at now.
func (s *Schedule) IsDue(now time.Time) bool { return !now.Before(s.Due) }

// Succeeded records a good read at readAt, due again at next.
func (s *Schedule) Succeeded(readAt, next time.Time) {
	s.ReadAt, s.Due, s.failures = readAt, next, 0
}

// Failed records a failed read at now. The item is due again after a
// backoff that doubles with each failure in a row, from ttl/16 up to ttl:
// a consumer that answers 500 for ever costs a few requests an hour, not a
// retry at every refresh, and a passing fault heals within minutes.
func (s *Schedule) Failed(now time.Time, ttl time.Duration) {
	wait := ttl / 16
	for i := 0; i < s.failures && wait < ttl; i++ {
		wait *= 2
	}
	s.failures++
	s.Due = now.Add(min(wait, ttl))
}

// Failing reports whether the item's latest read failed.
func (s *Schedule) Failing() bool { return s.failures > 0 }

// AllFailing reports whether there are items and the latest read of every
// one of them failed (failing): nothing of the fan-out can be read now (a
// permission withdrawn, the paths down), although each item keeps serving
// its last good read. The part it feeds then fails, so that the failure is
// seen (backup_collector_success) instead of hidden behind aging data. An
// item not read yet, or whose latest read succeeded, keeps the part up: one
// item failing for ever fails nothing.
func AllFailing[T any](items []T, failing func(T) bool) bool {
	for _, it := range items {
		if !failing(it) {
			return false
		}
	}
	return len(items) > 0
}

// ReadEarly is how long before its TTL ends an item is read again: the
// engine refreshes at least every TTL/8 while items fall due, so an item
// read at 7/8 of its TTL is never older than its TTL when served.
func ReadEarly(readAt time.Time, ttl time.Duration) time.Time {
	return readAt.Add(ttl - ttl/8)
}

// DueFirst returns the indexes of the items due at now, stalest first (an
// item never read before any other), and when the next of the others falls
// due (zero when none waits).
func DueFirst(schedules []*Schedule, now time.Time) (due []int, nextDue time.Time) {
	for i, s := range schedules {
		if s.IsDue(now) {
			due = append(due, i)
		} else if nextDue.IsZero() || s.Due.Before(nextDue) {
			nextDue = s.Due
		}
	}
	slices.SortStableFunc(due, func(a, b int) int {
		return cmp.Or(schedules[a].ReadAt.Compare(schedules[b].ReadAt), schedules[a].Due.Compare(schedules[b].Due))
	})
	return due, nextDue
}

// The slices of a fan-out refresh: short while nothing has been read, so
// that a new exporter serves its first items within seconds, then long
// enough that committing a slice costs little beside reading it.
const (
	FirstSlice = 5 * time.Second
	Slice      = 30 * time.Second
)

// SliceEnd is when a fan-out refresh that started at start stops starting
// reads: after FirstSlice when nothing was read yet (first), else after
// Slice, and in any case a tenth of the time to ctx's deadline before it,
// so that the reads in flight end before the deadline cuts them.
func SliceEnd(ctx context.Context, start time.Time, first bool) time.Time {
	end := start.Add(Slice)
	if first {
		end = start.Add(FirstSlice)
	}
	if dl, ok := ctx.Deadline(); ok {
		if margin := dl.Add(-dl.Sub(start) / 10); margin.Before(end) {
			end = margin
		}
	}
	return end
}

// Sweep calls fn(ctx, i) for i in [0, n) in order, on at most workers
// goroutines, and starts no call once now() has reached stopAt or ctx has
// ended. It returns how many calls it started. fn records its own outcome.
func Sweep(ctx context.Context, n, workers int, stopAt time.Time, now func() time.Time, fn func(ctx context.Context, i int)) int {
	if n <= 0 {
		return 0
	}
	workers = max(1, min(workers, n))
	var (
		mu   sync.Mutex
		next int
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || ctx.Err() != nil || !now().Before(stopAt) {
			return 0, false
		}
		next++
		return next - 1, true
	}
	drain(workers, take, func(i int) bool {
		fn(ctx, i)
		return true
	})
	return next
}

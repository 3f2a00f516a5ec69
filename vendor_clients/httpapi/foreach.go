package httpapi

import (
	"context"
	"sync"
)

// ForEach calls fn(ctx, i) for i in [0, n) on at most workers goroutines and
// returns the first error; after an error the calls not yet started are
// skipped and ctx is cancelled for those in flight. A fn that records its own
// errors and returns nil makes every call run. It bounds a vendor client's
// own fan-out; the Client's semaphore bounds the requests in flight.
func ForEach(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	if n <= 0 {
		return nil
	}
	workers = max(1, min(workers, n))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		next     int
		firstErr error
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil || next >= n {
			return 0, false
		}
		next++
		return next - 1, true
	}
	drain(workers, take, func(i int) bool {
		err := fn(ctx, i)
		if err != nil {
			mu.Lock()
			if firstErr == nil {
				firstErr = err
				cancel()
			}
			mu.Unlock()
		}
		return err == nil
	})
	return firstErr
}

// drain runs work on workers goroutines, each taking indexes from take until
// take has none left or work returns false, and waits for them all: the pool
// that ForEach and Sweep share.
func drain(workers int, take func() (int, bool), work func(i int) bool) {
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := take()
				if !ok || !work(i) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

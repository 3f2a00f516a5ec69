package httpapi

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestForEach(t *testing.T) {
	t.Run("every call runs within the worker bound", func(t *testing.T) {
		var calls, inFlight, most atomic.Int32
		seen := make([]atomic.Bool, 50)
		err := ForEach(context.Background(), 50, 3, func(_ context.Context, i int) error {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(time.Millisecond)
			seen[i].Store(true)
			calls.Add(1)
			return nil
		})
		if err != nil || calls.Load() != 50 {
			t.Fatalf("err %v, %d calls; want 50", err, calls.Load())
		}
		for i := range seen {
			if !seen[i].Load() {
				t.Errorf("index %d never ran", i)
			}
		}
		if most.Load() > 3 {
			t.Errorf("%d calls ran at once, want at most 3", most.Load())
		}
	})
	t.Run("the first error stops the rest and cancels those in flight", func(t *testing.T) {
		boom := errors.New("boom")
		var calls atomic.Int32
		var cancelled atomic.Bool
		secondStarted := make(chan struct{})
		err := ForEach(context.Background(), 100, 2, func(ctx context.Context, i int) error {
			calls.Add(1)
			if i == 0 {
				<-secondStarted // fail only once another call is in flight
				return boom
			}
			if i == 1 {
				close(secondStarted)
			}
			select {
			case <-ctx.Done():
				cancelled.Store(true)
			case <-time.After(time.Second):
			}
			return nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err %v, want boom", err)
		}
		if calls.Load() != 2 || !cancelled.Load() {
			t.Errorf("%d calls (want the 2 that were in flight), in-flight call cancelled: %v", calls.Load(), cancelled.Load())
		}
	})
	t.Run("nothing to do", func(t *testing.T) {
		if err := ForEach(context.Background(), 0, 4, func(context.Context, int) error { panic("called") }); err != nil {
			t.Fatal(err)
		}
	})
}

package backtest

import (
	"sync"
	"time"
)

// Clock is the simulated time shared by the fakes and the collector: it
// moves only when the simulation advances it, so a month passes in minutes.
type Clock struct {
	mu  sync.RWMutex
	now time.Time
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

package cloutility

import (
	"context"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// sweepTally adds up the consumer reads of one refresh, across its sweeps.
type sweepTally struct {
	mu   sync.Mutex
	read int
	errs [resourceCount]failures
}

// failed is the number of failed resource reads.
func (t *sweepTally) failed() int {
	n := 0
	for _, f := range t.errs {
		n += f.n
	}
	return n
}

// sweepConsumers reads the consumers due, stalest first, until stopAt.
//
// While some consumer was never tried (a new exporter, new customers), a
// sweep reads only what serves a consumer, its node and jobs, and leaves
// the reports (a day's size and warnings, read once a day) for later: a
// report costs one to three requests, a fifth or more of a consumer's cold
// pass, so on a large estate every consumer is served that much sooner
// within the request budget. Once the last consumer was tried, or when a
// sweep of the neglected ones ends before stopAt, a second sweep reads
// the reports in the same refresh, as on a small estate.
func (c *Client) sweepConsumers(ctx context.Context, stopAt time.Time, t *sweepTally) {
	withReports := !c.someNeverTried()
	for {
		c.sweep(ctx, stopAt, withReports, t)
		if withReports || ctx.Err() != nil || !c.now().Before(stopAt) {
			return
		}
		withReports = true
	}
}

// someNeverTried reports whether a consumer was never read, well or not.
func (c *Client) someNeverTried() bool {
	for _, st := range c.order {
		if st.schedule.ReadAt.IsZero() && !st.schedule.Failing() {
			return true
		}
	}
	return false
}

// sweep reads the consumers due at its start, stalest first, on at most
// max_concurrency goroutines, starting none at or past stopAt, and adds
// their outcomes to t. A read cut by the refresh's end is left to the next
// refresh, as if not started.
func (c *Client) sweep(ctx context.Context, stopAt time.Time, withReports bool, t *sweepTally) {
	schedules := make([]*httpapi.Schedule, len(c.order))
	for i, st := range c.order {
		schedules[i] = &st.schedule
	}
	due, _ := httpapi.DueFirst(schedules, c.now())
	httpapi.Sweep(ctx, len(due), c.api.MaxConcurrency(), stopAt, c.now, func(ctx context.Context, k int) {
		st := c.order[due[k]]
		now := c.now()
		o := c.readConsumer(ctx, st, now, withReports)
		t.mu.Lock()
		defer t.mu.Unlock()
		switch {
		case o.failed() && isCut(ctx):
		case o.failed():
			st.record(o)
			st.schedule.Failed(now, c.cacheTTL)
			for r, err := range o.errs {
				t.errs[r].addFor(st.consumer.ID, err)
			}
		default:
			st.record(o)
			st.schedule.Succeeded(st.observed, st.due())
			t.read++
		}
	})
}

// pending is the number of consumers due at now that no read has taken:
// those a refresh had no time for, and those whose report it left for
// later. The engine then continues at once.
func (c *Client) pending(now time.Time) int {
	n := 0
	for _, st := range c.order {
		if st.schedule.IsDue(now) {
			n++
		}
	}
	return n
}

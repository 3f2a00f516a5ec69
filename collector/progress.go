package collector

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// The values of the `freshness` label of backup_refresh_items.
const (
	freshnessFresh  = "fresh"
	freshnessBehind = "behind"
	freshnessUnread = "unread"
)

// agePercentiles are the age_percentile values of
// backup_refresh_items_observed_timestamp_seconds: the read time of the
// oldest item (100), of the item older than 95 % of the others (time()
// minus it is the p95 data age), and of the median one. (A label named
// quantile is for summaries only.)
var agePercentiles = []int{100, 95, 50}

// progressMetrics builds a fan-out target's freshness series from the
// latest refresh's progress: its items by freshness at end, and the
// quantiles of their read times. It builds none for a target whose client
// reads everything at every refresh (no progress).
func progressMetrics(l labeler, p *backup.Progress, end time.Time, ttl time.Duration) []constSample {
	if p == nil {
		return nil
	}
	counts := map[string]int{}
	read := make([]time.Time, 0, len(p.ReadAt))
	for _, at := range p.ReadAt {
		switch {
		case at.IsZero():
			counts[freshnessUnread]++
			continue
		case end.Sub(at) > ttl:
			counts[freshnessBehind]++
		default:
			counts[freshnessFresh]++
		}
		read = append(read, at)
	}
	m := metricSet{}
	for _, f := range []string{freshnessFresh, freshnessBehind, freshnessUnread} {
		m.gauge(refreshItemsDesc, l.with("freshness", f), float64(counts[f]))
	}
	if len(read) == 0 {
		return m.samples
	}
	slices.SortFunc(read, time.Time.Compare)
	for _, p := range agePercentiles {
		at := read[(100-p)*(len(read)-1)/100]
		m.gauge(refreshItemsObservedDesc, l.with("age_percentile", strconv.Itoa(p)), unixSeconds(at))
	}
	return m.samples
}

// nextRefresh is when a view built by a refresh that started at start
// stops being fresh: after cache_ttl, or sooner when a fan-out item falls
// due, but not before an eighth of cache_ttl, so that items due one after
// another are read in batches. An item is read at 7/8 of its TTL
// (httpapi.ReadEarly), so with a refresh at least every eighth it is never
// served older than its TTL.
func nextRefresh(p *backup.Progress, start time.Time, ttl time.Duration) time.Time {
	next := start.Add(ttl)
	if p != nil && !p.NextDue.IsZero() && p.NextDue.Before(next) {
		next = p.NextDue
		if earliest := start.Add(ttl / 8); next.Before(earliest) {
			next = earliest
		}
	}
	return next
}

// continues reports whether a refresh left items due that it had no time
// to read, having read or tried some: the next refresh then starts at
// once, in the background, so that a large estate converges as fast as
// its request budget allows, with or without scrapes.
func continues(p *backup.Progress) bool {
	return p != nil && p.Pending > 0 && p.Read+p.Failed > 0
}

// checkBudget warns once, when a fan-out target's items are first listed,
// that its request budget cannot keep up with them: reading each item once
// (one request, the least an item costs) must fit in serve_stale_for, or
// the estate is never served whole, and in cache_ttl, or its items fall
// behind. The message names where the budget was set.
func (t *Target) checkBudget(p *backup.Progress) {
	rps := t.cfg.RequestsPerSecond
	if t.budgetChecked || p == nil || p.Items == 0 || rps <= 0 {
		return
	}
	t.budgetChecked = true
	pass := time.Duration(float64(p.Items) / rps * float64(time.Second))
	need := func(within time.Duration) float64 { return float64(p.Items) / within.Seconds() }
	switch ttl := t.cfg.CacheTTL - t.cfg.CacheTTL/8; {
	case t.cfg.ServeStaleFor > 0 && pass > t.cfg.ServeStaleFor:
		t.logger.Warn("the request budget cannot read every item within serve_stale_for: items will be dropped before they are read again",
			"budget", t.cfg.BudgetKey, "requests_per_second", rps, "items", p.Items, "one_pass", pass.Round(time.Second),
			"serve_stale_for", t.cfg.ServeStaleFor, "least_requests_per_second", roundUp(need(t.cfg.ServeStaleFor)),
			"recommended_requests_per_second", roundUp(need(ttl)))
	case pass > ttl:
		t.logger.Warn("the request budget cannot read every item within cache_ttl: backup_refresh_items{freshness=\"behind\"} shows those left behind",
			"budget", t.cfg.BudgetKey, "requests_per_second", rps, "items", p.Items, "one_pass", pass.Round(time.Second),
			"cache_ttl", t.cfg.CacheTTL, "recommended_requests_per_second", roundUp(need(ttl)))
	}
}

// roundUp rounds a rate up to a tenth.
func roundUp(v float64) float64 { return math.Ceil(v*10) / 10 }

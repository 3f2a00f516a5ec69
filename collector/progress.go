package collector

import (
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

// observedQuantiles are the quantiles of backup_refresh_items_observed_
// timestamp_seconds: the oldest read, the one 95 % of the items are newer
// than (time() minus it is the p95 data age), and the median.
var observedQuantiles = []float64{0, 0.05, 0.5}

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
	for _, q := range observedQuantiles {
		at := read[int(q*float64(len(read)-1))]
		m.gauge(refreshItemsObservedDesc, l.with("quantile", strconv.FormatFloat(q, 'g', -1, 64)), unixSeconds(at))
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

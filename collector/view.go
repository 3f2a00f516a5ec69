package collector

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// partData is the series of one part of a refresh (or of the vendor's own
// samples), with the time its data was fetched.
type partData struct {
	fetchedAt time.Time
	// fresh is true when the latest refresh produced this data; stale data
	// (a failed part's last good data) is served for serve_stale_for only.
	fresh bool
	// families are the part's series, sorted, built once.
	families []*dto.MetricFamily
}

// view is what the scrapes of a target serve between two refreshes. It is
// built once per refresh and never changed, so any number of scrapes may
// serve it at once without locks; only its rendition, which depends on
// which stale parts are still served, is replaced when one expires.
type view struct {
	// refreshed is false until the target's first refresh has ended.
	refreshed bool
	// startedAt is when the refresh that built the view started: the age of
	// the cache counts from there.
	startedAt time.Time
	// nextRefresh is when the view stops being fresh: cache_ttl after
	// startedAt, or sooner when a fan-out item falls due.
	nextRefresh time.Time
	// continues is set when the refresh left items due unread: the next
	// refresh starts at once.
	continues bool
	// health are backup_up, backup_collector_success,
	// backup_refresh_duration_seconds and backup_cache_ttl_seconds: always
	// served.
	health []*dto.MetricFamily
	// data are the parts' series, in the order of backup.Parts.
	data []partData
	// serveStaleFor bounds how long stale parts are served.
	serveStaleFor time.Duration
	// targetLabels are the target's target and vendor pairs.
	targetLabels []*dto.LabelPair
	// status is the landing page's summary.
	status TargetStatus
	// drills are the target's restore drills, whose series change between
	// refreshes; nil when it runs none.
	drills *drillRunner

	// rendered is the latest rendition; renderMu serialises building a new
	// one, so that the scrapes that find it outdated build it once.
	rendered atomic.Pointer[rendition]
	renderMu sync.Mutex
}

// servedAt returns the set of data parts served at now, bit i for data[i]:
// the fresh ones, and the stale ones within serve_stale_for of their fetch.
// It only loses bits as time passes, so a view has at most len(data)+1
// renditions in its life.
func (v *view) servedAt(now time.Time) uint64 {
	var served uint64
	for i := range v.data {
		p := &v.data[i]
		if p.fresh || now.Sub(p.fetchedAt) <= v.serveStaleFor {
			served |= 1 << i
		}
	}
	return served
}

// renditionAt returns what a scrape at now serves. The common case, where
// the set of served parts has not changed since the last scrape, is an
// atomic load.
func (v *view) renditionAt(now time.Time) *rendition {
	served, drills := v.servedAt(now), v.drills.current()
	if r := v.rendered.Load(); r != nil && r.served == served && r.drills == drills {
		return r
	}
	v.renderMu.Lock()
	defer v.renderMu.Unlock()
	if r := v.rendered.Load(); r != nil && r.served == served && r.drills == drills {
		return r
	}
	r := v.render(served, drills)
	v.rendered.Store(r)
	return r
}

// oldestFetch returns when the oldest of the served parts was fetched
// (backup_snapshot_timestamp_seconds), or zero when none is served.
func (v *view) oldestFetch(served uint64) time.Time {
	var oldest time.Time
	for i := range v.data {
		if p := &v.data[i]; served&(1<<i) != 0 && (oldest.IsZero() || p.fetchedAt.Before(oldest)) {
			oldest = p.fetchedAt
		}
	}
	return oldest
}

// render builds the rendition of the served parts: the health series, the
// parts' series and backup_snapshot_timestamp_seconds, the fetch time of
// the oldest part served. The timestamp is why a rendition depends on the
// set of parts served, and why it is the only series built here.
func (v *view) render(served uint64, drills *drillFamilies) *rendition {
	lists := make([][]*dto.MetricFamily, 0, len(v.data)+3)
	lists = append(lists, v.health)
	for i := range v.data {
		if served&(1<<i) != 0 {
			lists = append(lists, v.data[i].families)
		}
	}
	oldest := v.oldestFetch(served)
	var errs []error
	if drills != nil {
		lists = append(lists, drills.families)
		errs = append(errs, drills.err)
	}
	if !oldest.IsZero() {
		ts, err := families([]constSample{gaugeSample(snapshotTimestampDesc, v.targetLabels, unixSeconds(oldest))})
		errs = append(errs, err)
		lists = append(lists, ts)
	}
	mfs, err := mergeFamilies(lists...)
	return &rendition{served: served, drills: drills, families: mfs, err: errors.Join(append(errs, err)...)}
}

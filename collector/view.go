package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// partData is the series of one part of a refresh (or of the vendor's own
// samples), with the time its data was fetched.
type partData struct {
	fetchedAt time.Time
	// fresh is true when the latest refresh produced this data; stale data
	// (a failed part's last good data) is served for serve_stale_for only.
	fresh   bool
	metrics []constSample
}

// view is what the scrapes of a target serve between two refreshes. It is
// built once per refresh and never changed, so any number of scrapes may
// send it at once without locks.
type view struct {
	// refreshed is false until the target's first refresh has ended.
	refreshed bool
	// startedAt is when the refresh that built the view started: the age of
	// the cache counts from there.
	startedAt time.Time
	// health are backup_up, backup_collector_success and
	// backup_refresh_duration_seconds: always served.
	health []constSample
	// data are the parts' series in exposition order.
	data []partData
	// serveStaleFor bounds how long stale parts are served.
	serveStaleFor time.Duration
	// targetLabels are the target's target and vendor pairs.
	targetLabels []*dto.LabelPair
	// status is the landing page's summary.
	status TargetStatus
}

// collect sends the view as of now: the health series, the data that is
// fresh or within serve_stale_for of its fetch, and the fetch time of the
// oldest data sent.
func (v *view) collect(ch chan<- prometheus.Metric, now time.Time) {
	for i := range v.health {
		ch <- &v.health[i]
	}
	var oldest time.Time
	for i := range v.data {
		p := &v.data[i]
		if !p.fresh && now.Sub(p.fetchedAt) > v.serveStaleFor {
			continue
		}
		if oldest.IsZero() || p.fetchedAt.Before(oldest) {
			oldest = p.fetchedAt
		}
		for j := range p.metrics {
			ch <- &p.metrics[j]
		}
	}
	if !oldest.IsZero() {
		ts := gaugeSample(snapshotTimestampDesc, v.targetLabels, unixSeconds(oldest))
		ch <- &ts
	}
}

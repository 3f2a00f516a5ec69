package collector

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// runRefresh fetches a snapshot under the target's own timeout (not the
// scrape's) and turns it into the next view.
func (t *Target) runRefresh() *view {
	start := t.now()
	timeout := t.cfg.Timeout
	if timeout <= 0 {
		timeout = config.DefaultSettings.Timeout
	}
	ctx, cancel := context.WithTimeout(t.ctx, timeout)
	snap, err := t.fetch(ctx)
	cancel()
	if t.ctx.Err() != nil {
		// Taken out of service by a reload while fetching: the error is
		// ours, not the vendor's; nothing to log, count or serve.
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.view
	}
	return t.absorb(snap, err, start, t.now())
}

// fetch calls the vendor client, turning a panic into an error: one broken
// client must not take the exporter down.
func (t *Target) fetch(ctx context.Context) (snap *backup.Snapshot, err error) {
	defer func() {
		if r := recover(); r != nil {
			snap, err = nil, fmt.Errorf("vendor client panicked: %s", t.api.Redact(fmt.Sprint(r)))
			t.logger.Error("vendor client panicked", "err", err, "stack", string(debug.Stack()))
		}
	}()
	snap, err = t.fetcher.Fetch(ctx)
	if err == nil && snap == nil {
		err = errors.New("vendor client returned no snapshot")
	}
	return snap, err
}

// absorb merges one refresh's outcome into the target's state and builds
// the view that scrapes will serve. A part that failed keeps its last good
// data (stale); a failed fetch keeps all of it.
func (t *Target) absorb(snap *backup.Snapshot, err error, start, end time.Time) *view {
	is := issues{}
	var problems []string
	failed := map[backup.Part]bool{}
	if err != nil {
		problems = append(problems, t.api.Redact(err.Error()))
		for p, d := range t.good {
			d.fresh = false
			t.good[p] = d
		}
		for _, p := range t.known {
			failed[p] = true
		}
	} else {
		fetchedAt := snap.FetchedAt
		if fetchedAt.IsZero() {
			fetchedAt = start
		}
		t.known = nil
		for _, p := range backup.Parts {
			perr, attempted := snap.PartErrors[p]
			switch {
			case !attempted:
				delete(t.good, p)
			case perr != nil:
				t.known = append(t.known, p)
				failed[p] = true
				problems = append(problems, string(p)+": "+t.api.Redact(perr.Error()))
				if d, ok := t.good[p]; ok {
					d.fresh = false
					t.good[p] = d
				}
			default:
				t.known = append(t.known, p)
				t.good[p] = partData{fetchedAt: fetchedAt, fresh: true, families: t.families(t.build(p, snap, fetchedAt, is), is)}
			}
		}
		if len(snap.PartErrors) == 0 {
			// A client that never calls SetPart has its data ignored:
			// say so, or its target would look up and empty.
			is.add(issueNoPartAttempted, "")
		}
		for p := range snap.PartErrors {
			if !isPart(p) {
				is.add(issueUnknownPart, string(p))
			}
		}
		t.good[partSamples] = partData{fetchedAt: fetchedAt, fresh: true,
			families: t.families(sampleMetrics(t.labels, t.descs, t.cfg.Vendor, t.perAssetShown(samplesOf(snap.Samples, "")), is), is)}
		is.addVendor(snap.Issues)
		if snap.Progress != nil {
			t.self.itemErrors(snap.Progress.Failed)
			t.checkBudget(snap.Progress)
		}
		t.progress = snap.Progress
	}
	for p, d := range t.good {
		if !d.fresh && end.Sub(d.fetchedAt) > t.cfg.ServeStaleFor {
			delete(t.good, p)
		}
	}
	if _, ok := t.good[backup.PartAssets]; !ok {
		t.assets = assetCounts{}
	}
	// backup_up answers "were the assets read?", the question every
	// per-asset answer depends on: an optional part failing (a 403 on
	// restores, say) shows in its backup_collector_success only and must
	// not silence the per-asset alerts of a target whose assets are fresh.
	up := err == nil && snap.Attempted(backup.PartAssets) && !failed[backup.PartAssets]
	complete := len(problems) == 0
	lastError := strings.Join(problems, "; ")
	t.self.refreshed(complete)
	if complete {
		t.lastSuccess = end
	}
	t.logState(complete, err != nil, failed, lastError)
	v := t.newView(up, failed, start, end, lastError, is, err)
	// Last: building the view may leave series out too.
	t.issues.report(t.logger, is)
	t.self.dataIssues(is)
	return v
}

// families turns a part's samples into the sorted families it serves until
// its next refresh. Samples the registry rejects are left out and logged.
func (t *Target) families(samples []constSample, is issues) []*dto.MetricFamily {
	mfs, err := families(samples)
	if err != nil {
		is.add(issueSeriesLeftOut, err.Error())
	}
	return mfs
}

// build turns one successful part of a snapshot into its series: the
// part's own and the vendor-only samples tied to it.
func (t *Target) build(p backup.Part, snap *backup.Snapshot, fetchedAt time.Time, is issues) []constSample {
	own := t.buildPart(p, snap, fetchedAt, is)
	if tied := t.perAssetShown(samplesOf(snap.Samples, p)); len(tied) > 0 {
		own = append(own, sampleMetrics(t.labels, t.descs, t.cfg.Vendor, tied, is)...)
	}
	return own
}

// buildPart builds the series of the part's fields of the snapshot.
func (t *Target) buildPart(p backup.Part, snap *backup.Snapshot, fetchedAt time.Time, is issues) []constSample {
	switch p {
	case backup.PartAssets:
		kept, dropped := selectAssets(&t.cfg, snap.Assets, is)
		t.self.droppedAssets(dropped)
		for i, a := range kept {
			kept[i] = checkedAsset(a, fetchedAt, is)
		}
		t.assets = countAssets(&t.cfg, kept, fetchedAt)
		shown := shownAssets(&t.cfg, kept, fetchedAt)
		t.shownAssets = shownSet(&t.cfg, shown)
		series := assetMetrics(t.labels, &t.cfg, shown)
		return append(series, summaryMetrics(t.labels, &t.cfg, kept, fetchedAt)...)
	case backup.PartJobs:
		lookback := t.cfg.Lookback
		if lookback <= 0 {
			lookback = config.DefaultSettings.Lookback
		}
		t.jobs.observe(snap, fetchedAt, lookback, is)
		return t.jobs.metrics(t.labels, snap)
	case backup.PartStorage:
		return storageMetrics(t.labels, checkedStorage(snap.Storage, is), is)
	case backup.PartAlerts:
		return alertMetrics(t.labels, snap.Alerts)
	case backup.PartMonitors:
		return monitorMetrics(t.labels, snap.Monitors, is)
	}
	return nil
}

func isPart(p backup.Part) bool {
	for _, q := range backup.Parts {
		if p == q {
			return true
		}
	}
	return false
}

// newView builds what scrapes serve until the next refresh.
func (t *Target) newView(up bool, failed map[backup.Part]bool, start, end time.Time, lastError string, is issues, err error) *view {
	tl := t.targetLabels()
	health := make([]constSample, 0, len(t.known)+3)
	health = append(health, gaugeSample(upDesc, tl, boolValue(up)), t.cacheTTLSample())
	for _, p := range t.known {
		health = append(health, gaugeSample(collectorSuccessDesc, t.labels.with("collector", string(p)), boolValue(!failed[p])))
	}
	health = append(health, gaugeSample(refreshDurationDesc, tl, end.Sub(start).Seconds()))
	health = append(health, progressMetrics(t.labels, t.progress, end, t.cfg.CacheTTL)...)

	data := make([]partData, 0, len(backup.Parts)+1)
	for _, p := range append(backup.Parts[:len(backup.Parts):len(backup.Parts)], partSamples) {
		if d, ok := t.good[p]; ok {
			data = append(data, d)
		}
	}
	st := t.baseStatus()
	st.Refreshed = true
	st.Up = up
	st.LastRefresh = end
	st.LastSuccess = t.lastSuccess
	st.LastError = lastError
	for _, p := range backup.Parts {
		if failed[p] {
			st.FailedParts = append(st.FailedParts, p)
		}
	}
	st.Assets, st.AssetsFailing, st.AssetsPastRPO = t.assets.total, t.assets.failing, t.assets.pastRPO
	v := &view{
		refreshed:     true,
		startedAt:     start,
		nextRefresh:   nextRefresh(t.progress, start, t.cfg.CacheTTL),
		continues:     err == nil && continues(t.progress),
		health:        t.families(health, is),
		data:          data,
		serveStaleFor: t.cfg.ServeStaleFor,
		targetLabels:  tl,
		status:        st,
		drills:        t.drills,
	}
	// Render now, not on the first scrape: the refresh pays for it, and
	// the scrapes waiting on the refresh are served at once.
	v.renditionAt(end)
	return v
}

// logState logs a refresh's outcome when it differs from the previous one:
// a target failing for hours logs once, not at every refresh.
func (t *Target) logState(complete, fetchFailed bool, failed map[backup.Part]bool, lastError string) {
	state := "ok"
	switch {
	case fetchFailed:
		state = "error"
	case !complete:
		var parts []string
		for _, p := range backup.Parts {
			if failed[p] {
				parts = append(parts, string(p))
			}
		}
		state = "partial:" + strings.Join(parts, ",")
	}
	if state == t.state {
		return
	}
	previous := t.state
	t.state = state
	switch {
	case complete && previous != "":
		t.logger.Info("refresh succeeds again")
	case fetchFailed:
		t.logger.Warn("refresh failed", "err", lastError)
	case !complete:
		t.logger.Warn("refresh partly failed: the failed parts serve their last good data", "err", lastError)
	}
}

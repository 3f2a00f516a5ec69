package collector

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// Target is one configured vendor account in service: its client, its
// snapshot cache and the one refresh that may be in flight. Scrapes of a
// target never wait on each other, only on its refresh.
type Target struct {
	cfg       config.Target
	fetcher   Fetcher
	api       *httpapi.Client
	transport *http.Transport
	logger    *slog.Logger
	now       func() time.Time
	self      *targetMetrics
	descs     *sampleDescs
	labels    labeler
	// drills runs the target's restore drills; nil when it has none or
	// they are not enabled.
	drills *drillRunner
	// ctx bounds every refresh; it is cancelled when the target leaves
	// service, which ends a refresh left running in the background.
	ctx    context.Context
	cancel context.CancelFunc

	// The refresh state below is touched only by the one refresh in flight.
	good        map[backup.Part]partData // the latest good data of each part
	known       []backup.Part            // the parts the vendor attempts
	jobs        *jobBook
	state       string // what the latest refresh logged: "", "ok" or a failure
	issues      issueLog
	lastSuccess time.Time
	assets      assetCounts
	// progress is the latest fan-out progress; nil for a client that
	// reads everything at every refresh.
	progress *backup.Progress
	// budgetChecked is set once the request budget was checked against
	// the estate's size.
	budgetChecked bool
	// shownAssets are the ids of the assets whose per-asset series the
	// target's asset_metrics mode serves, as of the latest good assets
	// part; nil serves them all.
	shownAssets map[string]bool

	mu       sync.Mutex
	inflight chan struct{} // closed when the refresh in flight ends; nil when none
	view     *view         // what scrapes serve
}

// httpRetries turns the config's max_retries into httpapi's option, where 0
// means "the default" and a negative value "none".
func httpRetries(maxRetries int) int {
	if maxRetries == 0 {
		return -1
	}
	return maxRetries
}

// partSamples keys the vendor's own samples among the parts' data: they come
// with every snapshot, whichever parts failed.
const partSamples backup.Part = "samples"

// newTarget builds the HTTP client and the vendor client of one target.
func newTarget(tc config.Target, e *Exporter) (*Target, error) {
	v, ok := vendors[tc.Vendor]
	if !ok {
		return nil, fmt.Errorf("target %q: unknown vendor %q", tc.Name, tc.Vendor)
	}
	transport, err := httpapi.NewTransport(tc.TLS, tc.ProxyURL, tc.MaxConcurrency)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", tc.Name, err)
	}
	self := e.self.forTarget(tc.Name, tc.Vendor)
	api, err := httpapi.New(httpapi.Options{
		BaseURL:           tc.URL,
		Transport:         transport,
		MaxConcurrency:    tc.MaxConcurrency,
		RequestsPerSecond: tc.RequestsPerSecond,
		MaxBodyBytes:      tc.MaxResponseBytes,
		MaxRetries:        httpRetries(tc.MaxRetries),
		Secrets:           tc.SecretValues(),
		Observer:          self.observer,
		UserAgent:         e.userAgent,
		ErrorMessage:      v.ErrorMessage,
		Now:               e.now,
	})
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", tc.Name, err)
	}
	logger := e.logger.With("target", tc.Name, "vendor", tc.Vendor)
	fetcher, err := v.New(tc, VendorDeps{API: api, Logger: logger, Now: e.now})
	if err != nil {
		return nil, fmt.Errorf("target %q: %s", tc.Name, api.Redact(err.Error()))
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &Target{
		cfg:       tc,
		fetcher:   fetcher,
		api:       api,
		transport: transport,
		logger:    logger,
		now:       e.now,
		self:      self,
		descs:     e.samples,
		labels:    newLabeler(tc.Name, tc.Vendor),
		ctx:       ctx,
		cancel:    cancel,
		good:      map[backup.Part]partData{},
		jobs:      newJobBook(),
		issues:    issueLog{},
	}
	if len(tc.RestoreDrills) > 0 {
		driller, ok := fetcher.(Driller)
		switch {
		case !e.drills:
			logger.Info("restore_drills are configured but not run: --restore-drills.enabled is off")
		case !ok:
			logger.Warn("restore_drills are configured but this vendor's client cannot run them")
		default:
			t.drills = newDrillRunner(tc.RestoreDrills, driller, t.labels, e.now, api.Redact, logger)
		}
	}
	health, err := families([]constSample{gaugeSample(upDesc, t.targetLabels(), 0), t.cacheTTLSample()})
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", tc.Name, err)
	}
	t.view = &view{
		health:       health,
		targetLabels: t.targetLabels(),
		status:       t.baseStatus(),
		drills:       t.drills,
	}
	return t, nil
}

// startDrills starts the target's restore drills in the background, once
// the target is in service; they stop when it leaves service.
func (t *Target) startDrills() {
	if t.drills != nil {
		go t.drills.run(t.ctx)
	}
}

// cacheTTLSample exposes the target's cache_ttl, so that a staleness alert
// can follow each target's own setting instead of one fixed threshold.
func (t *Target) cacheTTLSample() constSample {
	return gaugeSample(cacheTTLDesc, t.targetLabels(), t.cfg.CacheTTL.Seconds())
}

// targetLabels are the target's own pairs, sorted: target before vendor.
func (t *Target) targetLabels() []*dto.LabelPair {
	return []*dto.LabelPair{t.labels.target, t.labels.vendor}
}

// baseStatus is the landing page's view of a target before its state.
func (t *Target) baseStatus() TargetStatus {
	return TargetStatus{Name: t.cfg.Name, Vendor: t.cfg.Vendor, URL: config.RedactURL(t.cfg.URL)}
}

// close takes the target out of service: its background refresh is
// cancelled, its counters stop and its idle connections are closed.
func (t *Target) close() {
	t.self.closed.Store(true)
	t.cancel()
	t.transport.CloseIdleConnections()
}

// serve returns what one scrape of the target serves: from cache while the
// snapshot is younger than cache_ttl, else after the refresh (starting one
// unless one is in flight) or, when ctx ends first, from the last snapshot
// while the refresh goes on in the background. The scrape gets one view, so
// it serves the old snapshot or the new one, never a mix.
func (t *Target) serve(ctx context.Context) *rendition {
	t.mu.Lock()
	v, wait := t.view, t.inflight
	switch {
	case v.freshAt(t.now(), t.cfg.CacheTTL):
		// Fresh: a refresh in flight continues a fan-out in the
		// background, and the scrape need not wait for it.
		wait = nil
	case wait == nil:
		wait = t.startRefreshLocked()
	}
	t.mu.Unlock()

	cache := cacheHit
	if wait != nil {
		cache = cacheRefresh
		select {
		case <-wait:
		case <-ctx.Done():
			select {
			case <-wait:
			default:
				cache = cacheStale
			}
		}
		t.mu.Lock()
		v = t.view
		t.mu.Unlock()
	}
	t.self.scraped(cache)
	return v.renditionAt(t.now())
}

// warm starts the target's first refresh in the background, unless a
// refresh has already run or is running.
func (t *Target) warm() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inflight == nil && !t.view.refreshed {
		t.startRefreshLocked()
	}
}

// startRefreshLocked starts a refresh in the background and returns the
// channel closed when it ends. t.mu is held and no refresh is in flight.
func (t *Target) startRefreshLocked() chan struct{} {
	done := make(chan struct{})
	t.inflight = done
	go t.refresh(done)
	return done
}

// refreshedOnce reports whether the target's first refresh has ended.
func (t *Target) refreshedOnce() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.view.refreshed
}

// freshAt reports whether the view may be served without a refresh.
func (v *view) freshAt(now time.Time, ttl time.Duration) bool {
	if !v.refreshed {
		return false
	}
	if !v.nextRefresh.IsZero() {
		return now.Before(v.nextRefresh)
	}
	return now.Sub(v.startedAt) < ttl
}

// refresh runs one refresh and puts its view in service. It runs on its own
// goroutine so that a scrape whose deadline passes can leave it running. A
// fan-out refresh that ran out of time with items still due is continued
// at once by the next one.
func (t *Target) refresh(done chan struct{}) {
	v := t.runRefresh()
	t.mu.Lock()
	t.view = v
	t.inflight = nil
	if v.continues && t.ctx.Err() == nil {
		t.startRefreshLocked()
	}
	t.mu.Unlock()
	close(done)
}

// status returns the landing page's view of the target.
func (t *Target) status() TargetStatus {
	t.mu.Lock()
	v := t.view
	t.mu.Unlock()
	st := v.status
	st.DataFetchedAt = v.oldestFetch(v.servedAt(t.now()))
	return st
}

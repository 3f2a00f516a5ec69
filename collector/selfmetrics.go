package collector

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// selfMetrics are the exporter's own metrics about its targets (DESIGN.md,
// "The exporter itself"). They live on Options.Registerer, apart from the
// scraped backup data.
type selfMetrics struct {
	apiRequests *prometheus.CounterVec
	apiDuration *prometheus.HistogramVec
	apiRetries  *prometheus.CounterVec
	refreshes   *prometheus.CounterVec
	scrapes     *prometheus.CounterVec
	dropped     *prometheus.CounterVec
	dataIssues  *prometheus.CounterVec
	itemErrors  *prometheus.CounterVec
}

// The values of the `cache` label of backup_exporter_scrapes_total.
const (
	cacheHit     = "hit"
	cacheRefresh = "refresh"
	cacheStale   = "stale"
)

// The values of the `result` label of backup_exporter_refreshes_total.
const (
	resultSuccess = "success"
	resultError   = "error"
)

func newSelfMetrics() *selfMetrics {
	return &selfMetrics{
		apiRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backup_exporter_api_requests_total",
			Help: "HTTP requests sent to vendor APIs, by route template and status code (\"error\" when no response came).",
		}, []string{"target", "vendor", "endpoint", "code"}),
		apiDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "backup_exporter_api_request_duration_seconds",
			Help:    "Duration of HTTP requests to vendor APIs, by route template.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"target", "vendor", "endpoint"}),
		apiRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backup_exporter_api_retries_total",
			Help: "Retries of HTTP requests to vendor APIs, by reason.",
		}, []string{"target", "vendor", "reason"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backup_exporter_refreshes_total",
			Help: "Refreshes of a target's snapshot, by result (error when any part failed).",
		}, []string{"target", "vendor", "result"}),
		scrapes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backup_exporter_scrapes_total",
			Help: "Scrapes of a target, by how they were served: from cache (hit), after a refresh (refresh) or from the last snapshot while a refresh was still running (stale).",
		}, []string{"target", "vendor", "cache"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backup_exporter_dropped_assets_total",
			Help: "Assets dropped because the target has more than max_assets.",
		}, []string{"target", "vendor"}),
		dataIssues: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backup_exporter_data_issues_total",
			Help: "Items or values from the vendor that were dropped because they cannot be right (a duplicate id, a NaN size, a timestamp in year 9999, an unknown time zone), by reason; each is logged once.",
		}, []string{"target", "vendor", "reason"}),
		itemErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backup_exporter_item_read_errors_total",
			Help: "Failed reads of one item of a fan-out read (a Cloutility consumer or business unit, a CloverDX dashboard): the item keeps serving its last good read and is read again after a backoff.",
		}, []string{"target", "vendor"}),
	}
}

func (m *selfMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.apiRequests, m.apiDuration, m.apiRetries, m.refreshes, m.scrapes, m.dropped, m.dataIssues, m.itemErrors}
}

// register puts the metrics on r, all or none; nil means they are kept but
// not exposed.
func (m *selfMetrics) register(r prometheus.Registerer) error {
	if r == nil {
		return nil
	}
	var done []prometheus.Collector
	for _, c := range m.collectors() {
		if err := r.Register(c); err != nil {
			for _, d := range done {
				r.Unregister(d)
			}
			return err
		}
		done = append(done, c)
	}
	return nil
}

// deleteTarget drops every series of one target, once it is gone.
func (m *selfMetrics) deleteTarget(name, vendor string) {
	l := prometheus.Labels{"target": name, "vendor": vendor}
	m.apiRequests.DeletePartialMatch(l)
	m.apiDuration.DeletePartialMatch(l)
	m.apiRetries.DeletePartialMatch(l)
	m.refreshes.DeletePartialMatch(l)
	m.scrapes.DeletePartialMatch(l)
	m.dropped.DeletePartialMatch(l)
	m.dataIssues.DeletePartialMatch(l)
	m.itemErrors.DeletePartialMatch(l)
}

// targetMetrics are the self metrics of one target, with its labels bound.
// Once the target leaves service (closed), it stops counting, so that a
// refresh still ending in the background cannot bring back the series that
// ApplyConfig deleted.
type targetMetrics struct {
	scrapes   *prometheus.CounterVec // by cache
	refreshes *prometheus.CounterVec // by result
	dropped   *prometheus.CounterVec // no labels left
	issues    *prometheus.CounterVec // by reason
	items     *prometheus.CounterVec // no labels left
	observer  apiObserver
	closed    *atomic.Bool
}

// forTarget binds the labels of one target. It creates no series, so that a
// target built by an ApplyConfig that then fails leaves none: init does,
// once the target is in service.
func (m *selfMetrics) forTarget(name, vendor string) *targetMetrics {
	l := prometheus.Labels{"target": name, "vendor": vendor}
	closed := new(atomic.Bool)
	return &targetMetrics{
		scrapes:   m.scrapes.MustCurryWith(l),
		refreshes: m.refreshes.MustCurryWith(l),
		dropped:   m.dropped.MustCurryWith(l),
		issues:    m.dataIssues.MustCurryWith(l),
		items:     m.itemErrors.MustCurryWith(l),
		observer: apiObserver{
			requests: m.apiRequests.MustCurryWith(l),
			duration: m.apiDuration.MustCurryWith(l),
			retries:  m.apiRetries.MustCurryWith(l),
			closed:   closed,
		},
		closed: closed,
	}
}

// scraped counts one scrape by how it was served (hit, refresh, stale).
func (tm *targetMetrics) scraped(cache string) {
	if !tm.closed.Load() {
		tm.scrapes.WithLabelValues(cache).Inc()
	}
}

// refreshed counts one refresh.
func (tm *targetMetrics) refreshed(ok bool) {
	if tm.closed.Load() {
		return
	}
	result := resultError
	if ok {
		result = resultSuccess
	}
	tm.refreshes.WithLabelValues(result).Inc()
}

// droppedAssets counts the assets past max_assets.
func (tm *targetMetrics) droppedAssets(n int) {
	if n > 0 && !tm.closed.Load() {
		tm.dropped.WithLabelValues().Add(float64(n))
	}
}

// itemErrors counts the failed item reads of a fan-out refresh; the
// first fan-out refresh creates the series at 0.
func (tm *targetMetrics) itemErrors(n int) {
	if !tm.closed.Load() {
		tm.items.WithLabelValues().Add(float64(n))
	}
}

// dataIssues counts the items of one refresh that were dropped, by reason.
func (tm *targetMetrics) dataIssues(is issues) {
	if tm.closed.Load() {
		return
	}
	for reason, it := range is {
		tm.issues.WithLabelValues(reason).Add(float64(it.count))
	}
}

// init creates the target's counters at 0, so that rate() and increase()
// see their first increment.
func (tm *targetMetrics) init() {
	for _, c := range []string{cacheHit, cacheRefresh, cacheStale} {
		tm.scrapes.WithLabelValues(c)
	}
	for _, r := range []string{resultSuccess, resultError} {
		tm.refreshes.WithLabelValues(r)
	}
	tm.dropped.WithLabelValues()
}

// apiObserver is the httpapi.Observer of one target.
type apiObserver struct {
	requests *prometheus.CounterVec
	duration prometheus.ObserverVec
	retries  *prometheus.CounterVec
	closed   *atomic.Bool
}

// Request implements httpapi.Observer.
func (o apiObserver) Request(route, code string, d time.Duration) {
	if o.closed.Load() {
		return
	}
	o.requests.WithLabelValues(route, code).Inc()
	o.duration.WithLabelValues(route).Observe(d.Seconds())
}

// Retry implements httpapi.Observer. The retries are counted by reason
// only, as DESIGN.md has it: the requests metric already has the route.
func (o apiObserver) Retry(_, reason string) {
	if o.closed.Load() {
		return
	}
	o.retries.WithLabelValues(reason).Inc()
}

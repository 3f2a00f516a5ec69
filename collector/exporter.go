// Package collector is the Prometheus side of backup_exporter: the Exporter
// keeps one Target per configured vendor account, refreshes each target's
// snapshot through its vendor client (at most one refresh in flight per
// target, cached for cache_ttl) and serves it as metrics.
package collector

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// Options configure an Exporter.
type Options struct {
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock, also given to vendor clients and httpapi; nil
	// means time.Now.
	Now func() time.Time
	// Registerer receives the exporter's self metrics; nil leaves them
	// unregistered.
	Registerer prometheus.Registerer
	// UserAgent is sent upstream, such as "backup_exporter/0.1.0".
	UserAgent string
	// RestoreDrills lets the targets' restore_drills run
	// (--restore-drills.enabled); off, they are ignored.
	RestoreDrills bool
	// WarmUp starts each target's first refresh in the background as soon
	// as it enters service (at start and when a reload adds or changes it),
	// instead of at its first scrape, so that the exporter is ready with
	// data before Prometheus asks. Off, a target is fetched only when
	// scraped (--web.probe-only, where a replica fetches only its share).
	WarmUp bool
}

// Exporter serves the backup metrics of every configured target.
type Exporter struct {
	logger    *slog.Logger
	now       func() time.Time
	userAgent string
	drills    bool
	warmUp    bool
	self      *selfMetrics
	samples   *sampleDescs

	// applyMu serialises ApplyConfig calls; mu guards targets.
	applyMu sync.Mutex
	mu      sync.RWMutex
	targets map[string]*Target
}

// TargetStatus is one target's state, for the landing page.
type TargetStatus struct {
	// Name and Vendor are the target's labels; URL its API (password
	// hidden).
	Name, Vendor, URL string
	// Refreshed is false until the target's first refresh has ended, well
	// or badly: until then the target is pending, neither up nor down.
	Refreshed bool
	// Up is true when the latest refresh read the target's assets
	// (backup_up); FailedParts and LastError name any part that failed.
	Up bool
	// LastRefresh is when the latest refresh ended; zero before the first.
	LastRefresh time.Time
	// LastSuccess is when the latest fully successful refresh ended.
	LastSuccess time.Time
	// LastError is the latest refresh's error, redacted; empty when up.
	LastError string
	// FailedParts are the parts the latest refresh failed to read
	// (backup_collector_success 0), in backup.Parts' order.
	FailedParts []backup.Part
	// Assets counts the assets served; AssetsFailing those protected whose
	// latest attempt failed or was missed (as BackupLastRunFailed), and
	// AssetsPastRPO those protected without a success within their RPO
	// when fetched (backup_assets_rpo_violated).
	Assets, AssetsFailing, AssetsPastRPO int
	// DataFetchedAt is when the oldest data served was fetched
	// (backup_snapshot_timestamp_seconds): the data's age counts from
	// there. Zero when no data is served.
	DataFetchedAt time.Time
}

// NewExporter registers the self metrics on opts.Registerer and builds every
// target of cfg.
func NewExporter(cfg *config.Config, opts Options) (*Exporter, error) {
	e := &Exporter{
		logger:    opts.Logger,
		now:       opts.Now,
		userAgent: opts.UserAgent,
		drills:    opts.RestoreDrills,
		warmUp:    opts.WarmUp,
		self:      newSelfMetrics(),
		samples:   newSampleDescs(),
		targets:   map[string]*Target{},
	}
	if e.logger == nil {
		e.logger = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if err := e.self.register(opts.Registerer); err != nil {
		return nil, fmt.Errorf("register self metrics: %w", err)
	}
	if err := e.ApplyConfig(cfg); err != nil {
		return nil, err
	}
	return e, nil
}

// ApplyConfig puts cfg's targets in service. A target whose settings did
// not change is kept as it is (cache, job counters, client state such as
// tokens and watermarks); a changed one is rebuilt from scratch. It is
// atomic: on any error the targets in service stay untouched.
func (e *Exporter) ApplyConfig(cfg *config.Config) error {
	if cfg == nil {
		return errors.New("no config")
	}
	e.applyMu.Lock()
	defer e.applyMu.Unlock()

	e.mu.RLock()
	old := e.targets
	e.mu.RUnlock()

	next := make(map[string]*Target, len(cfg.Targets))
	var built []*Target
	var errs []error
	for _, tc := range cfg.Targets {
		if _, dup := next[tc.Name]; dup {
			errs = append(errs, fmt.Errorf("target %q: defined twice", tc.Name))
			continue
		}
		if t, ok := old[tc.Name]; ok && reflect.DeepEqual(t.cfg, tc) {
			next[tc.Name] = t
			continue
		}
		t, err := newTarget(tc, e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		next[tc.Name] = t
		built = append(built, t)
	}
	if err := errors.Join(errs...); err != nil {
		for _, t := range built {
			t.close()
		}
		return err
	}

	e.mu.Lock()
	e.targets = next
	e.mu.Unlock()

	for _, t := range built {
		t.self.init()
		t.startDrills()
		if e.warmUp {
			t.warm()
		}
	}
	for name, t := range old {
		if next[name] == t {
			continue
		}
		t.close()
		if n, ok := next[name]; !ok || n.cfg.Vendor != t.cfg.Vendor {
			e.self.deleteTarget(name, t.cfg.Vendor)
		}
	}
	return nil
}

// HasTarget reports whether a target of that name is in service.
func (e *Exporter) HasTarget(name string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	_, ok := e.targets[name]
	return ok
}

// Targets returns the state of every target, sorted by name.
func (e *Exporter) Targets() []TargetStatus {
	e.mu.RLock()
	out := make([]TargetStatus, 0, len(e.targets))
	for _, t := range e.targets {
		out = append(out, t.status())
	}
	e.mu.RUnlock()
	slices.SortFunc(out, func(a, b TargetStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Pending returns the names of the targets in service whose first refresh
// has not ended yet, well or badly, sorted. Readiness waits on them.
func (e *Exporter) Pending() []string {
	e.mu.RLock()
	var out []string
	for name, t := range e.targets {
		if !t.refreshedOnce() {
			out = append(out, name)
		}
	}
	e.mu.RUnlock()
	slices.Sort(out)
	return out
}

// lookup returns the named targets in service (all when names is empty),
// each once.
func (e *Exporter) lookup(names []string) []*Target {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if len(names) == 0 {
		out := make([]*Target, 0, len(e.targets))
		for _, t := range e.targets {
			out = append(out, t)
		}
		return out
	}
	out := make([]*Target, 0, len(names))
	for _, n := range names {
		if t, ok := e.targets[n]; ok && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

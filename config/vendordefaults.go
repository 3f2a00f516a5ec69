package config

import (
	"fmt"
	"time"
)

// The defaults of the vendors read item by item. Cloutility and CloverDX
// are read one request or more per consumer, per dashboard: with the
// global defaults a portal of thousands of consumers would be read at
// max_concurrency's full rate for ever and still never be fresh. Their
// defaults bound the rate (requests_per_second, the request budget) and
// read at a cadence that an estate of 12,500 consumers or 2,000 dashboards
// fits in (README, "Large estates"). Each applies only where neither the
// target nor `defaults` sets the key.
var (
	// 12,500 consumers: a cold pass of about 64,000 requests (node,
	// consumer, report, first job and jobs each) in 13-14 min at 80/s,
	// 6 in flight allowing it up to 75 ms of latency; then about 28/s to
	// read each consumer's jobs every 10 min and its node every hour, and
	// its report once a day.
	cloutilityDefaults = vendorDefault{CacheTTL: 10 * time.Minute, InventoryTTL: time.Hour, RequestsPerSecond: 80, MaxConcurrency: 6}
	// 2,000 dashboards: a cold pass in about a minute and a half at 30/s;
	// then about 7/s to read each one's monitors every 5 min.
	cloverDXDefaults = vendorDefault{CacheTTL: 5 * time.Minute, InventoryTTL: time.Hour, RequestsPerSecond: 30}
)

// vendorDefault is one vendor's row of vendorDefaults; a zero field keeps
// DefaultSettings'.
type vendorDefault struct {
	CacheTTL, InventoryTTL time.Duration
	RequestsPerSecond      float64
	MaxConcurrency         int
}

// VendorDefaults returns the settings a target of vendor gets where its
// config says nothing: DefaultSettings with the vendor's own defaults.
func VendorDefaults(vendor string) Settings {
	s := DefaultSettings
	spec, _ := vendorSpecOf(vendor)
	spec.defaults.apply(&s, rawSettings{})
	return s
}

// apply sets the vendor's defaults in s for the keys that set (the target's
// and the defaults block's keys, merged) leaves unset.
func (d vendorDefault) apply(s *Settings, set rawSettings) {
	if d.CacheTTL > 0 && set.CacheTTL == nil {
		s.CacheTTL = d.CacheTTL
	}
	if d.InventoryTTL > 0 && set.InventoryTTL == nil {
		s.InventoryTTL = d.InventoryTTL
	}
	if d.RequestsPerSecond > 0 && set.RequestsPerSecond == nil {
		s.RequestsPerSecond = d.RequestsPerSecond
	}
	if d.MaxConcurrency > 0 && set.MaxConcurrency == nil {
		s.MaxConcurrency = d.MaxConcurrency
	}
}

// mergedKeys are the keys a target sets itself or inherits from `defaults`.
func mergedKeys(target, defaults rawSettings) rawSettings {
	m := defaults
	if target.CacheTTL != nil {
		m.CacheTTL = target.CacheTTL
	}
	if target.InventoryTTL != nil {
		m.InventoryTTL = target.InventoryTTL
	}
	if target.RequestsPerSecond != nil {
		m.RequestsPerSecond = target.RequestsPerSecond
	}
	if target.MaxConcurrency != nil {
		m.MaxConcurrency = target.MaxConcurrency
	}
	return m
}

// resolveVendorSettings gives a target its vendor's defaults, lets an
// unset inventory_ttl follow a longer cache_ttl (an inventory cannot be
// re-read more often than the target is refreshed; only inventory_ttl set
// shorter than cache_ttl is a contradiction, reported by
// checkInventoryTTL), and warns about a fan-out target without a request
// budget.
func (l *loader) resolveVendorSettings(path string, t *Target, target, defaults rawSettings) {
	keys := mergedKeys(target, defaults)
	spec, _ := vendorSpecOf(t.Vendor)
	d := spec.defaults
	fanOut := d != (vendorDefault{})
	d.apply(&t.Settings, keys)
	if keys.InventoryTTL == nil && t.InventoryTTL < t.CacheTTL {
		t.InventoryTTL = t.CacheTTL
	}
	if fanOut && keys.RequestsPerSecond != nil && *keys.RequestsPerSecond == 0 {
		at := join(path, "requests_per_second")
		if target.RequestsPerSecond == nil {
			at = "defaults.requests_per_second"
		}
		l.warnf(at, "0 sets no request budget: %s is read item by item, as fast as max_concurrency allows; the default for %s is %g requests a second",
			t.Name, t.Vendor, d.RequestsPerSecond)
	}
	t.BudgetKey = l.keyAt(path, target.RequestsPerSecond != nil, defaults.RequestsPerSecond != nil, "requests_per_second")
}

// keyAt names where a target's key was set, for a message at run time
// about its value: "file:line: path", or the vendor's default.
func (l *loader) keyAt(path string, inTarget, inDefaults bool, key string) string {
	p := ""
	switch {
	case inTarget:
		p = join(path, key)
	case inDefaults:
		p = join("defaults", key)
	default:
		return fmt.Sprintf("%s (the vendor's default; set it in %s at line %d)", key, path, l.line(path))
	}
	return fmt.Sprintf("%s:%d: %s", l.file, l.line(p), p)
}

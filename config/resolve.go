package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/common/model"
)

// maxNameLen bounds a target's name, which becomes a label value and a
// /probe?target= parameter.
const maxNameLen = 100

// resolve checks the decoded file and turns it into the resolved Config:
// defaults over DefaultSettings, each target's settings over the defaults, and
// secrets read. Every problem is reported; the result is only used when there
// are none.
func (l *loader) resolve(raw *rawConfig) *Config {
	cfg := &Config{File: l.file}
	l.checkSettings("defaults", raw.Defaults)
	cfg.Defaults = raw.Defaults.over(DefaultSettings)
	if raw.Defaults.InventoryTTL == nil && cfg.Defaults.InventoryTTL < cfg.Defaults.CacheTTL {
		cfg.Defaults.InventoryTTL = cfg.Defaults.CacheTTL
	}
	l.checkWindow("defaults", raw.Defaults, cfg.Defaults)
	l.checkInventoryTTL("defaults", raw.Defaults, cfg.Defaults)

	if len(raw.Targets) == 0 && !l.failed["targets"] {
		l.errorf("targets", "at least one target is required")
	}
	firstByName := map[string]int{}
	for i := range raw.Targets {
		path := fmt.Sprintf("targets[%d]", i)
		t := l.resolveTarget(path, &raw.Targets[i], cfg.Defaults, raw.Defaults)
		if t.Name != "" {
			if first, dup := firstByName[t.Name]; dup {
				l.errorf(path+".name", "duplicate name %q (first at targets[%d], line %d)",
					t.Name, first, l.line(fmt.Sprintf("targets[%d].name", first)))
			} else {
				firstByName[t.Name] = i
			}
		}
		cfg.Targets = append(cfg.Targets, t)
	}
	return cfg
}

// resolveTarget checks one target and resolves it over the defaults (as
// resolved, and as the file wrote them) and its vendor's defaults.
func (l *loader) resolveTarget(path string, r *rawTarget, defaults Settings, rawDefaults rawSettings) Target {
	t := Target{
		Name:               r.Name,
		Vendor:             r.Vendor,
		URL:                strings.TrimSuffix(r.URL, "/"), // clients append paths that start with "/"
		Settings:           r.Settings.over(defaults),
		ProxyURL:           r.ProxyURL,
		RPOOverrides:       r.RPOOverrides,
		OrganizationalUnit: r.OrganizationalUnit,
		ClientID:           r.ClientID,
		Origin:             r.Origin,
		Username:           r.Username,
		BusinessUnits:      r.BusinessUnits,
	}
	l.checkName(path+".name", r.Name)
	l.checkURL(path+".url", r.URL, true, "http", "https")
	l.checkURL(path+".proxy_url", r.ProxyURL, false, "http", "https", "socks5")
	l.checkSettings(path, r.Settings)
	l.resolveVendorSettings(path, &t, r.Settings, rawDefaults)
	l.checkWindow(path, r.Settings, t.Settings)
	l.checkInventoryTTL(path, r.Settings, t.Settings)
	if r.TLSConfig != nil {
		t.TLS = l.resolveTLS(path+".tls_config", *r.TLSConfig)
	}
	for i, o := range r.RPOOverrides {
		p := fmt.Sprintf("%s.rpo_overrides[%d].rpo", path, i)
		switch {
		case l.failed[p]:
		case !l.has(p):
			l.errorf(p, "required")
		case o.RPO <= 0:
			l.errorf(p, "must be positive, got %s", o.RPO)
		}
	}
	t.RestoreTests = l.resolveRestoreTests(path, r.RestoreTests, t.History)
	t.RestoreDrills = l.resolveRestoreDrills(path, r.RestoreDrills)
	if r.Include != nil {
		t.Include = *r.Include
		l.checkNonEmpty(path+".include.tenants", r.Include.Tenants)
		l.checkNonEmpty(path+".include.asset_types", r.Include.AssetTypes)
	}
	if r.Exclude != nil {
		t.Exclude = *r.Exclude
		l.checkNonEmpty(path+".exclude.tenants", r.Exclude.Tenants)
		l.checkNonEmpty(path+".exclude.asset_types", r.Exclude.AssetTypes)
	}
	if spec, ok := l.checkVendor(path, r.Vendor); ok {
		spec.credentials(l, path, r, &t)
	}
	return t
}

// checkVendor checks the vendor name and that no key of another vendor is
// set. It returns the vendor's row, or false when the vendor is unknown.
func (l *loader) checkVendor(path, vendor string) (vendorSpec, bool) {
	p := path + ".vendor"
	names := Vendors()
	spec, known := vendorSpecOf(vendor)
	switch {
	case l.failed[p]:
		return vendorSpec{}, false
	case vendor == "":
		l.errorf(p, "required (one of %s)", orList(names))
		return vendorSpec{}, false
	case !known:
		hint := didYouMean(vendor, names)
		if hint == "" {
			hint = " (want " + orList(names) + ")"
		}
		l.errorf(p, "unknown vendor %q%s", vendor, hint)
		return vendorSpec{}, false
	}
	for _, key := range vendorOnlyKeys() {
		if owners := vendorsWithKey(key); l.has(join(path, key)) && !slices.Contains(owners, vendor) {
			l.errorf(join(path, key), "not a %s key (%s is for %s)", vendor, key, orList(owners))
		}
	}
	return spec, true
}

// resolveTLS checks tls_config and anchors its files at the config's
// directory. Files are opened now, so that --config.check catches a wrong
// path; their contents are parsed when the target's client is built.
func (l *loader) resolveTLS(path string, c TLSConfig) TLSConfig {
	c.CAFile = l.checkFile(path+".ca_file", c.CAFile)
	c.CertFile = l.checkFile(path+".cert_file", c.CertFile)
	c.KeyFile = l.checkFile(path+".key_file", c.KeyFile)
	switch {
	case c.CertFile != "" && c.KeyFile == "" && !l.has(path+".key_file"):
		l.errorf(path+".cert_file", "set without key_file")
	case c.KeyFile != "" && c.CertFile == "" && !l.has(path+".cert_file"):
		l.errorf(path+".key_file", "set without cert_file")
	}
	switch c.MinVersion {
	case "", "TLS12", "TLS13":
	case "TLS10", "TLS11":
		// Accepted for the legacy server that needs it, never silently.
		l.warnf(path+".min_version", "%s is older than TLS 1.2; use it only for a server that cannot do better", c.MinVersion)
	default:
		l.errorf(path+".min_version", "unknown version %q (want TLS10, TLS11, TLS12 or TLS13)", c.MinVersion)
	}
	if c.InsecureSkipVerify {
		l.warnf(path+".insecure_skip_verify", "certificate verification is off; prefer ca_file")
	}
	return c
}

// checkFile checks that a file named by the config can be opened, and
// returns its path anchored at the config's directory.
func (l *loader) checkFile(path, name string) string {
	if name == "" {
		if l.has(path) && !l.failed[path] {
			l.errorf(path, "must not be empty")
		}
		return ""
	}
	p := l.resolvePath(name)
	f, err := os.Open(p)
	if err != nil {
		l.errorf(path, "cannot open %q: %s", p, pathErrReason(err))
		return p
	}
	f.Close()
	return p
}

// checkName checks that a target name is usable as a label value and in a
// /probe URL.
func (l *loader) checkName(path, name string) {
	switch {
	case l.failed[path]:
	case name == "":
		l.errorf(path, "required")
	case !utf8.ValidString(name):
		l.errorf(path, "not valid UTF-8")
	case utf8.RuneCountInString(name) > maxNameLen:
		l.errorf(path, "longer than %d characters", maxNameLen)
	}
}

// checkURL checks that s is an absolute URL with one of the schemes. A
// parse error is reported without the URL, which may hold a password.
func (l *loader) checkURL(path, s string, required bool, schemes ...string) {
	if l.failed[path] {
		return
	}
	if s == "" {
		if required {
			l.errorf(path, "required")
		}
		return
	}
	u, err := url.Parse(s)
	var urlErr *url.Error
	switch {
	case errors.As(err, &urlErr):
		l.errorf(path, "invalid URL: %v", urlErr.Err)
	case err != nil:
		l.errorf(path, "invalid URL")
	case !slices.Contains(schemes, u.Scheme):
		l.errorf(path, "scheme must be %s, got %q", orList(schemes), u.Scheme)
	case u.Host == "":
		l.errorf(path, "no host in URL")
	case u.RawQuery != "" || u.Fragment != "":
		l.errorf(path, "must not have a query or fragment")
	}
}

// required reports a missing or empty string key.
func (l *loader) required(path, s string) {
	if s == "" && !l.failed[path] {
		if l.has(path) {
			l.errorf(path, "must not be empty")
		} else {
			l.errorf(path, "required")
		}
	}
}

// checkNonEmpty reports empty entries in a list.
func (l *loader) checkNonEmpty(path string, list []string) {
	for i, s := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		if s == "" && !l.failed[p] {
			l.errorf(p, "must not be empty")
		}
	}
}

// checkSettings checks the ranges of the settings a block sets.
func (l *loader) checkSettings(path string, r rawSettings) {
	for _, d := range []struct {
		key string
		v   *model.Duration
	}{
		{"timeout", r.Timeout}, {"cache_ttl", r.CacheTTL}, {"inventory_ttl", r.InventoryTTL}, {"lookback", r.Lookback},
		{"history", r.History}, {"rpo", r.RPO},
	} {
		if d.v != nil && *d.v <= 0 {
			l.errorf(join(path, d.key), "must be positive, got %s", *d.v)
		}
	}
	for _, n := range []struct {
		key      string
		v        *int64
		positive bool
	}{
		{"max_concurrency", intPtr(r.MaxConcurrency), true},
		{"page_size", intPtr(r.PageSize), true},
		{"max_assets", intPtr(r.MaxAssets), true},
		{"max_response_bytes", r.MaxResponseBytes, true},
		{"max_retries", intPtr(r.MaxRetries), false},
	} {
		switch {
		case n.v == nil:
		case n.positive && *n.v <= 0:
			l.errorf(join(path, n.key), "must be positive, got %d", *n.v)
		case *n.v < 0:
			l.errorf(join(path, n.key), "must not be negative, got %d", *n.v)
		}
	}
	if r.RequestsPerSecond != nil && *r.RequestsPerSecond < 0 {
		l.errorf(join(path, "requests_per_second"), "must not be negative, got %g", *r.RequestsPerSecond)
	}
	if r.AssetMetrics != nil && !slices.Contains(assetMetricsModes, *r.AssetMetrics) {
		l.errorf(join(path, "asset_metrics"), "unknown mode %q (want %s)", *r.AssetMetrics, orList(assetMetricsModes))
	}
}

// checkWindow checks that lookback fits in history, for the block that set
// either; a block that set neither inherits an already checked pair.
func (l *loader) checkWindow(path string, r rawSettings, s Settings) {
	if (r.Lookback == nil && r.History == nil) || s.Lookback <= s.History {
		return
	}
	if r.Lookback != nil {
		l.errorf(join(path, "lookback"), "%s is longer than history %s", model.Duration(s.Lookback), model.Duration(s.History))
	} else {
		l.errorf(join(path, "history"), "%s is shorter than lookback %s", model.Duration(s.History), model.Duration(s.Lookback))
	}
}

// checkInventoryTTL checks that inventory_ttl is not shorter than
// cache_ttl (an inventory cannot be re-read more often than the target is
// refreshed), for the block that set either. An inventory_ttl that no block
// set has already followed a longer cache_ttl: only one set explicitly
// (here or in `defaults`) can contradict it.
func (l *loader) checkInventoryTTL(path string, r rawSettings, s Settings) {
	if (r.InventoryTTL == nil && r.CacheTTL == nil) || s.InventoryTTL >= s.CacheTTL || s.InventoryTTL <= 0 {
		return
	}
	if r.InventoryTTL != nil {
		l.errorf(join(path, "inventory_ttl"), "%s is shorter than cache_ttl %s", model.Duration(s.InventoryTTL), model.Duration(s.CacheTTL))
	} else {
		l.errorf(join(path, "cache_ttl"), "%s is longer than inventory_ttl %s; set inventory_ttl too", model.Duration(s.CacheTTL), model.Duration(s.InventoryTTL))
	}
}

// over returns base with the settings r sets replaced.
func (r rawSettings) over(base Settings) Settings {
	s := base
	setDuration(&s.Timeout, r.Timeout)
	setDuration(&s.CacheTTL, r.CacheTTL)
	setDuration(&s.InventoryTTL, r.InventoryTTL)
	setDuration(&s.ServeStaleFor, r.ServeStaleFor)
	setDuration(&s.Lookback, r.Lookback)
	setDuration(&s.History, r.History)
	setDuration(&s.RPO, r.RPO)
	set(&s.MaxConcurrency, r.MaxConcurrency)
	set(&s.RequestsPerSecond, r.RequestsPerSecond)
	set(&s.PageSize, r.PageSize)
	set(&s.MaxAssets, r.MaxAssets)
	set(&s.MaxResponseBytes, r.MaxResponseBytes)
	set(&s.MaxRetries, r.MaxRetries)
	set(&s.AssetMetrics, r.AssetMetrics)
	return s
}

// set overrides *dst with *v when the file set v.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// setDuration is set for a duration written in Prometheus syntax.
func setDuration(dst *time.Duration, v *model.Duration) {
	if v != nil {
		*dst = time.Duration(*v)
	}
}

// intPtr widens an optional int for range checks shared with int64 keys.
func intPtr(v *int) *int64 {
	if v == nil {
		return nil
	}
	i := int64(*v)
	return &i
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

package config

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// Masked returns the resolved config as YAML in exporter.yml's own schema,
// for the /config page and --config.check: every target with its effective
// settings (defaults applied), durations in Prometheus syntax, paths as
// resolved, every secret as "<secret>" and any password in proxy_url masked.
func (c *Config) Masked() ([]byte, error) {
	raw := rawConfig{Defaults: rawFromSettings(c.Defaults)}
	for _, t := range c.Targets {
		raw.Targets = append(raw.Targets, rawFromTarget(t))
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(raw); err != nil {
		return nil, fmt.Errorf("config: masking %s: %w", c.File, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("config: masking %s: %w", c.File, err)
	}
	return buf.Bytes(), nil
}

// Summary returns a table of the targets, one line each after a header: the
// name, vendor, URL and the settings that decide upstream load and
// alerting. It is what --config.check prints; it holds no secret.
func (c *Config) Summary() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TARGET\tVENDOR\tURL\tTIMEOUT\tCACHE_TTL\tCONCURRENCY\tLOOKBACK\tHISTORY\tRPO\tRPO_OVERRIDES")
	for _, t := range c.Targets {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\n",
			t.Name, t.Vendor, RedactURL(t.URL), model.Duration(t.Timeout), model.Duration(t.CacheTTL),
			t.MaxConcurrency, model.Duration(t.Lookback), model.Duration(t.History), model.Duration(t.RPO),
			len(t.RPOOverrides))
	}
	w.Flush()
	return b.String()
}

// rawFromSettings spells out every setting, so /config shows what applies.
func rawFromSettings(s Settings) rawSettings {
	return rawSettings{
		Timeout:           durationPtr(s.Timeout),
		CacheTTL:          durationPtr(s.CacheTTL),
		InventoryTTL:      durationPtr(s.InventoryTTL),
		ServeStaleFor:     durationPtr(s.ServeStaleFor),
		MaxConcurrency:    &s.MaxConcurrency,
		RequestsPerSecond: &s.RequestsPerSecond,
		Lookback:          durationPtr(s.Lookback),
		History:           durationPtr(s.History),
		RPO:               durationPtr(s.RPO),
		PageSize:          &s.PageSize,
		MaxAssets:         &s.MaxAssets,
		MaxResponseBytes:  &s.MaxResponseBytes,
		MaxRetries:        &s.MaxRetries,
		AssetMetrics:      &s.AssetMetrics,
	}
}

// rawFromTarget turns a resolved target back into the file's schema, with
// secrets masked by Secret.String.
func rawFromTarget(t Target) rawTarget {
	r := rawTarget{
		Name:               t.Name,
		Vendor:             t.Vendor,
		URL:                RedactURL(t.URL),
		Settings:           rawFromSettings(t.Settings),
		ProxyURL:           RedactURL(t.ProxyURL),
		RPOOverrides:       t.RPOOverrides,
		RestoreTests:       t.RestoreTests,
		RestoreDrills:      t.RestoreDrills,
		BearerToken:        t.BearerToken.String(),
		OrganizationalUnit: t.OrganizationalUnit,
		APIKey:             t.APIKey.String(),
		ClientID:           t.ClientID,
		Origin:             t.Origin,
		Username:           t.Username,
		Password:           t.Password.String(),
		BusinessUnits:      t.BusinessUnits,
	}
	if t.TLS != (TLSConfig{}) {
		r.TLSConfig = &t.TLS
	}
	if len(t.Include.Tenants)+len(t.Include.AssetTypes) > 0 {
		r.Include = &t.Include
	}
	if len(t.Exclude.Tenants)+len(t.Exclude.AssetTypes) > 0 {
		r.Exclude = &t.Exclude
	}
	return r
}

// RedactURL masks the password of a URL with user info (a proxy's, usually),
// for every page and log that shows a configured URL: the landing page as
// well as /config. A URL that does not parse is returned as it is; config
// has already refused it at load.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Redacted()
}

// durationPtr converts a resolved duration for printing.
func durationPtr(d time.Duration) *model.Duration {
	m := model.Duration(d)
	return &m
}

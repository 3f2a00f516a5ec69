package config

import "github.com/prometheus/common/model"

// The raw layer mirrors exporter.yml key for key. It is what the file is
// decoded into (strictly, by decode.go) and what Masked prints, so the names a
// user writes and the names /config shows cannot drift apart. Settings are
// pointers so that "not set" falls back to the defaults.

// rawConfig is the whole file.
type rawConfig struct {
	Defaults rawSettings `yaml:"defaults"`
	Targets  []rawTarget `yaml:"targets"`
}

// rawSettings are the keys that `defaults` sets and a target may override.
type rawSettings struct {
	Timeout           *model.Duration `yaml:"timeout,omitempty"`
	CacheTTL          *model.Duration `yaml:"cache_ttl,omitempty"`
	InventoryTTL      *model.Duration `yaml:"inventory_ttl,omitempty"`
	ServeStaleFor     *model.Duration `yaml:"serve_stale_for,omitempty"`
	MaxConcurrency    *int            `yaml:"max_concurrency,omitempty"`
	RequestsPerSecond *float64        `yaml:"requests_per_second,omitempty"`
	Lookback          *model.Duration `yaml:"lookback,omitempty"`
	History           *model.Duration `yaml:"history,omitempty"`
	RPO               *model.Duration `yaml:"rpo,omitempty"`
	PageSize          *int            `yaml:"page_size,omitempty"`
	MaxAssets         *int            `yaml:"max_assets,omitempty"`
	MaxResponseBytes  *int64          `yaml:"max_response_bytes,omitempty"`
	MaxRetries        *int            `yaml:"max_retries,omitempty"`
	AssetMetrics      *string         `yaml:"asset_metrics,omitempty"`
}

// rawTarget is one entry of `targets`. Credential keys of every vendor are
// here; resolve rejects those that do not belong to the target's vendor.
type rawTarget struct {
	Name     string      `yaml:"name"`
	Vendor   string      `yaml:"vendor"`
	URL      string      `yaml:"url"`
	Settings rawSettings `yaml:",inline"`

	TLSConfig     *TLSConfig     `yaml:"tls_config,omitempty"`
	ProxyURL      string         `yaml:"proxy_url,omitempty"`
	RPOOverrides  []RPOOverride  `yaml:"rpo_overrides,omitempty"`
	RestoreTests  []RestoreTest  `yaml:"restore_tests,omitempty"`
	RestoreDrills []RestoreDrill `yaml:"restore_drills,omitempty"`
	Include       *AssetFilter   `yaml:"include,omitempty"`
	Exclude       *AssetFilter   `yaml:"exclude,omitempty"`

	// Clumio.
	BearerToken        string `yaml:"bearer_token,omitempty"`
	BearerTokenFile    string `yaml:"bearer_token_file,omitempty"`
	OrganizationalUnit string `yaml:"organizational_unit,omitempty"`
	// CleverFox.
	APIKey     string `yaml:"api_key,omitempty"`
	APIKeyFile string `yaml:"api_key_file,omitempty"`
	// Cloutility (client_id, origin, business_units) and CloverDX (username,
	// password).
	ClientID      string   `yaml:"client_id,omitempty"`
	Origin        string   `yaml:"origin,omitempty"`
	Username      string   `yaml:"username,omitempty"`
	Password      string   `yaml:"password,omitempty"`
	PasswordFile  string   `yaml:"password_file,omitempty"`
	BusinessUnits []string `yaml:"business_units,omitempty"`
}

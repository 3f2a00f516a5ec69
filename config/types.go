package config

import (
	"time"

	"github.com/prometheus/common/model"
)

// Config is the whole exporter.yml after defaults, overrides and secrets have
// been resolved.
type Config struct {
	// File is the path the config was read from; it prefixes every error.
	File string `yaml:"-"`
	// Defaults are the settings every target starts from.
	Defaults Settings `yaml:"defaults"`
	// Targets are the vendor accounts to watch.
	Targets []Target `yaml:"targets"`
}

// Settings are the tunables that `defaults` sets and any target may override.
type Settings struct {
	// Timeout bounds one refresh of one target, all requests included.
	Timeout time.Duration
	// CacheTTL is how long a snapshot is served without upstream calls.
	CacheTTL time.Duration
	// InventoryTTL is how long a vendor client reuses its last read of what
	// changes slowly (asset inventories, tenants, policies) before reading
	// it again; jobs, alerts and storage are read at every refresh. It is
	// never shorter than CacheTTL.
	InventoryTTL time.Duration
	// ServeStaleFor is how long the last good snapshot is served after
	// refreshes start failing.
	ServeStaleFor time.Duration
	// MaxConcurrency bounds the requests in flight to one target.
	MaxConcurrency int
	// RequestsPerSecond is the target's request budget, a client-side rate
	// limit shared by every request, retries included; 0 means none.
	// Cloutility and CloverDX have one by default (vendorDefaults).
	RequestsPerSecond float64
	// Lookback is the window of job and log counts.
	Lookback time.Duration
	// History is how far back the first refresh looks for last successes.
	History time.Duration
	// RPO is the recovery point objective of every asset without an override.
	RPO time.Duration
	// PageSize is the page size requested from paged APIs.
	PageSize int
	// MaxAssets caps the assets kept per target; the rest are dropped and
	// counted.
	MaxAssets int
	// MaxResponseBytes caps the size of one upstream response body.
	MaxResponseBytes int64
	// MaxRetries bounds the retries of one upstream request.
	MaxRetries int
	// AssetMetrics says which per-asset series a target serves: one of the
	// AssetMetrics* values. The fleet summary is served in every mode.
	AssetMetrics string
}

// The values of `asset_metrics`.
const (
	// AssetMetricsFull serves every asset's series.
	AssetMetricsFull = "full"
	// AssetMetricsUnhealthy serves per-asset series only for assets that are
	// not fine: unprotected, never succeeded, past their RPO or with a last
	// status other than success.
	AssetMetricsUnhealthy = "unhealthy"
	// AssetMetricsSummary serves no per-asset series.
	AssetMetricsSummary = "summary"
)

// assetMetricsModes lists the valid `asset_metrics` values, in the order
// messages name them.
var assetMetricsModes = []string{AssetMetricsFull, AssetMetricsUnhealthy, AssetMetricsSummary}

// DefaultSettings are the values used where exporter.yml says nothing.
var DefaultSettings = Settings{
	Timeout:          60 * time.Second,
	CacheTTL:         60 * time.Second,
	InventoryTTL:     15 * time.Minute,
	ServeStaleFor:    time.Hour,
	MaxConcurrency:   4,
	Lookback:         24 * time.Hour,
	History:          35 * 24 * time.Hour,
	RPO:              26 * time.Hour,
	PageSize:         100,
	MaxAssets:        50000,
	MaxResponseBytes: 32 << 20,
	MaxRetries:       3,
	AssetMetrics:     AssetMetricsFull,
}

// Target is one vendor account, with its settings resolved (defaults plus its
// own overrides) and its secrets read.
type Target struct {
	// Name is unique and becomes the `target` label.
	Name string
	// Vendor is one of the Vendor* constants.
	Vendor string
	// URL is the API's base URL, without a trailing slash.
	URL string
	// Settings are the resolved tunables.
	Settings
	// TLS configures the connection to the API.
	TLS TLSConfig
	// ProxyURL, when set, is the HTTP proxy for this target.
	ProxyURL string
	// RPOOverrides are matched in order; the first match sets the RPO.
	RPOOverrides []RPOOverride
	// RestoreTests opt assets in to restore-test alerting; the first match
	// sets how often the asset must be restored.
	RestoreTests []RestoreTest
	// RestoreDrills are Clumio's automated restore tests.
	RestoreDrills []RestoreDrill
	// Include and Exclude filter assets by tenant and asset type.
	Include, Exclude AssetFilter

	// BearerToken is Clumio's API token.
	BearerToken Secret
	// OrganizationalUnit is Clumio's optional OU id.
	OrganizationalUnit string
	// APIKey is CleverFox's partner API key.
	APIKey Secret
	// ClientID and Origin identify Cloutility's registered API client.
	ClientID, Origin string
	// Username is the Cloutility or CloverDX user.
	Username string
	// Password is the Cloutility or CloverDX password.
	Password Secret
	// BusinessUnits limits Cloutility to these business-unit ids (and their
	// descendants); empty means the user's own business unit.
	BusinessUnits []string

	// BudgetKey says where requests_per_second was set ("file:line: key",
	// or the vendor's default), for a warning at run time that the budget
	// cannot keep up with the estate.
	BudgetKey string
}

// TLSConfig configures TLS to one API.
type TLSConfig struct {
	// CAFile is a PEM bundle of CAs to trust instead of the system pool.
	CAFile string `yaml:"ca_file,omitempty"`
	// CertFile and KeyFile are a client certificate and its key.
	CertFile string `yaml:"cert_file,omitempty"`
	KeyFile  string `yaml:"key_file,omitempty"`
	// ServerName overrides the name checked in the server's certificate.
	ServerName string `yaml:"server_name,omitempty"`
	// InsecureSkipVerify turns certificate verification off.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify,omitempty"`
	// MinVersion is the lowest TLS version accepted: "TLS12" (the default),
	// "TLS13", or, with a warning, "TLS10" or "TLS11" for a legacy server.
	MinVersion string `yaml:"min_version,omitempty"`
}

// RPOOverride sets the RPO of the assets it matches.
type RPOOverride struct {
	// Match holds the conditions; all must hold. Empty matches every asset.
	Match RPOMatch `yaml:"match"`
	// RPO is the objective for matching assets.
	RPO model.Duration `yaml:"rpo"`
}

// RPOMatch selects assets by exact label values; an empty field matches any
// value.
type RPOMatch struct {
	// Tenant is the asset's `tenant` label.
	Tenant string `yaml:"tenant,omitempty"`
	// AssetType is the asset's `asset_type` label.
	AssetType string `yaml:"asset_type,omitempty"`
	// Asset is the asset's `asset` label (its name).
	Asset string `yaml:"asset,omitempty"`
	// AssetID is the asset's `asset_id` label.
	AssetID string `yaml:"asset_id,omitempty"`
}

// AssetFilter lists tenants and asset types; an empty list matches all.
type AssetFilter struct {
	Tenants    []string `yaml:"tenants,omitempty"`
	AssetTypes []string `yaml:"asset_types,omitempty"`
}

// Secret is a credential. It never prints: String and MarshalYAML give
// "<secret>". Reveal returns the value for the one place that sends it.
type Secret string

// String masks the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<secret>"
}

// MarshalYAML masks the secret in /config and --config.check output.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// Reveal returns the secret's value, for building a request.
func (s Secret) Reveal() string { return string(s) }

// SecretValues returns every non-empty secret of the target, so that the
// HTTP layer can redact them from errors.
func (t Target) SecretValues() []string {
	var out []string
	for _, s := range []Secret{t.BearerToken, t.APIKey, t.Password} {
		if s != "" {
			out = append(out, string(s))
		}
	}
	return out
}

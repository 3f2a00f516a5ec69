package config

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestVendorDefaults checks the settings a target gets where its config
// says nothing: its vendor's defaults unless the target or `defaults` set
// the key, an unset inventory_ttl following a longer cache_ttl, and a
// warning for a fan-out vendor's target without a request budget.
func TestVendorDefaults(t *testing.T) {
	const cloutility = `
  - name: portal
    vendor: cloutility
    url: https://portal.example.com
    client_id: id
    origin: https://monitoring.example.com
    username: monitor
    password_file: testdata/secrets/cloverdx_password
`
	tests := []struct {
		name         string
		yaml         string
		wantCache    time.Duration
		wantInv      time.Duration
		wantRPS      float64
		wantConc     int // 0: DefaultSettings'
		wantWarnings []string
		wantErr      string
	}{
		{name: "credentials only: Cloutility's defaults",
			yaml:      "targets:" + cloutility,
			wantCache: 10 * time.Minute, wantInv: time.Hour, wantRPS: 80, wantConc: 6},
		{name: "the defaults block wins over the vendor's",
			yaml:      "defaults: {cache_ttl: 2m, requests_per_second: 5}\ntargets:" + cloutility,
			wantCache: 2 * time.Minute, wantInv: time.Hour, wantRPS: 5, wantConc: 6},
		{name: "the target wins over both",
			yaml:      "defaults: {cache_ttl: 2m}\ntargets:" + cloutility + "    cache_ttl: 3m\n    inventory_ttl: 2h\n    requests_per_second: 10\n",
			wantCache: 3 * time.Minute, wantInv: 2 * time.Hour, wantRPS: 10, wantConc: 6},
		{name: "an unset inventory_ttl follows a longer cache_ttl",
			yaml:      "targets:" + cloutility + "    cache_ttl: 2h\n",
			wantCache: 2 * time.Hour, wantInv: 2 * time.Hour, wantRPS: 80, wantConc: 6},
		{name: "the same for a vendor without defaults of its own",
			yaml:      "defaults: {cache_ttl: 30m}\ntargets:\n  - {name: c, vendor: clumio, url: https://api.clumio.com, bearer_token_file: testdata/secrets/clumio_token}\n",
			wantCache: 30 * time.Minute, wantInv: 30 * time.Minute},
		{name: "no budget: a warning naming the key",
			yaml:      "targets:" + cloutility + "    requests_per_second: 0\n",
			wantCache: 10 * time.Minute, wantInv: time.Hour, wantConc: 6,
			wantWarnings: []string{"mem.yml:9: targets[0].requests_per_second: 0 sets no request budget: portal is read item by item, as fast as max_concurrency allows; the default for cloutility is 80 requests a second"}},
		{name: "an explicit contradiction is still an error",
			yaml:    "defaults: {inventory_ttl: 30m}\ntargets:" + cloutility + "    cache_ttl: 1h\n",
			wantErr: "mem.yml:10: targets[0].cache_ttl: 1h is longer than inventory_ttl 30m; set inventory_ttl too"},
		{name: "a negative budget is an error",
			yaml:    "targets:" + cloutility + "    requests_per_second: -1\n",
			wantErr: "mem.yml:9: targets[0].requests_per_second: must not be negative, got -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, warnings, err := Parse([]byte(tt.yaml), "mem.yml")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := cfg.Targets[0].Settings
			if s.CacheTTL != tt.wantCache || s.InventoryTTL != tt.wantInv || s.RequestsPerSecond != tt.wantRPS {
				t.Errorf("cache_ttl %v, inventory_ttl %v, requests_per_second %g; want %v, %v, %g",
					s.CacheTTL, s.InventoryTTL, s.RequestsPerSecond, tt.wantCache, tt.wantInv, tt.wantRPS)
			}
			if want := cmp.Or(tt.wantConc, DefaultSettings.MaxConcurrency); s.MaxConcurrency != want {
				t.Errorf("max_concurrency %d, want %d", s.MaxConcurrency, want)
			}
			if !slices.Equal(warnings, tt.wantWarnings) {
				t.Errorf("warnings %q, want %q", warnings, tt.wantWarnings)
			}
		})
	}
}

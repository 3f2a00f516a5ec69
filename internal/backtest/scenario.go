// Package backtest scores the alert rules on what the exporter really
// serves: it drives the real collector against the vendor fakes under one
// simulated clock, writes every scrape as OpenMetrics with its simulated
// timestamp, backfills it into the pinned Prometheus, replays every alert
// as Prometheus evaluates it, counts the notifications the example
// Alertmanager configuration would send, and scores each alert against the
// scenario's incidents, the ground truth.
package backtest

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// Scenario is a scenario file: the estate, the exporters that scrape it and
// the incidents, each with the alerts that should catch it.
type Scenario struct {
	// Name titles the report.
	Name string `yaml:"name"`
	// Start is the simulated start; Duration how long the simulation runs.
	Start    time.Time `yaml:"start"`
	Duration Duration  `yaml:"duration"`
	// Seed generates the fakes' data sets and the random draws.
	Seed uint64 `yaml:"seed"`
	// Scale is the number of assets each vendor's fake generates; only the
	// healthy ones are kept, so that every alert is explained by an incident.
	Scale int `yaml:"scale"`
	// CacheTTL is the exporter's cache_ttl (default 60s: one refresh per
	// scrape). A longer one (as exporter.yml's Clumio target has) keeps a
	// long run affordable: the scrapes between refreshes serve the cache.
	CacheTTL Duration `yaml:"cache_ttl"`
	// Incidents are the ground truth.
	Incidents []Incident `yaml:"incidents"`
}

// Incident is one thing that happens to the estate or to the exporters,
// from Start to End after the scenario's start.
type Incident struct {
	// Name identifies the incident in the report.
	Name string `yaml:"name"`
	// Kind says what happens (the Kind* constants).
	Kind Kind `yaml:"kind"`
	// Target is the vendor target concerned; Tenant and Asset narrow it (an
	// asset is picked by its index among the target's assets).
	Target string `yaml:"target"`
	Tenant string `yaml:"tenant"`
	Asset  *int   `yaml:"asset"`
	// Start and End are offsets from the scenario's start.
	Start Duration `yaml:"start"`
	End   Duration `yaml:"end"`
	// Ratio is the share of refreshes that fail (refresh_failures).
	Ratio float64 `yaml:"ratio"`
	// Path is the API path prefix answered 403 (part_forbidden).
	Path string `yaml:"path"`
	// Count is how many assets are onboarded (onboard).
	Count int `yaml:"count"`
	// Alerts are the alerts that should catch the incident; none means that
	// it is noise, which must cause no notification.
	Alerts []string `yaml:"alerts"`
	// Tolerated are alerts that may fire on the incident without being
	// required to (a consequence, such as stale data during an outage):
	// their episodes count as true, and the incident is not in their recall.
	Tolerated []string `yaml:"tolerated"`
	// NoPage says that the incident deserves a ticket at most: a page for
	// it is a defect (a laptop off over a weekend).
	NoPage bool `yaml:"no_page"`
}

// Kind is what an incident does.
type Kind string

// The kinds of incident.
const (
	KindBackupsStop     Kind = "backups_stop"     // an asset's (or tenant's) backups stop running
	KindBackupsFail     Kind = "backups_fail"     // an asset's backups run and fail
	KindBackupsLate     Kind = "backups_late"     // backups run 1-2 h late, within RPO
	KindTargetDown      Kind = "target_down"      // every request to the target fails
	KindRefreshFailures Kind = "refresh_failures" // a share of the target's refreshes fail
	KindPartForbidden   Kind = "part_forbidden"   // one optional part answers 403
	KindProtectionLost  Kind = "protection_lost"  // an asset's (or tenant's) protection is removed
	KindInventoryEmpty  Kind = "inventory_empty"  // the vendor answers 200 with no assets
	KindOnboard         Kind = "onboard"          // new assets join a tenant and back up from their first schedule
	KindSizeJump        Kind = "size_jump"        // an asset's backups grow tenfold (ransomware)
	KindVendorAlert     Kind = "vendor_alert"     // the vendor raises an alert on an asset
	KindAgentOff        Kind = "agent_off"        // an asset's agent is off: no check-in, no backup (a laptop over a weekend)
	KindStorageFilling  Kind = "storage_filling"  // an asset's storage grows from half its quota to all of it
	KindRestoreFailed   Kind = "restore_failed"   // a restore of an asset fails
	KindRestart         Kind = "exporter_restart" // the exporter restarts: caches and counters lost
	KindRollout         Kind = "rollout"          // a new exporter replaces the old one under another instance
	KindHAPair          Kind = "ha_pair"          // a second exporter is scraped beside the first
	KindItemFailing     Kind = "item_failing"     // one asset's own reads answer 500 (a Cloutility consumer), the rest of its target is read
)

// Duration is a duration written as Prometheus writes them ("36h", "2d3h").
type Duration time.Duration

// UnmarshalYAML reads "90m", "36h", "3d" or "2d3h".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := model.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: duration %q: %w", n.Line, n.Value, err)
	}
	*d = Duration(v)
	return nil
}

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// LoadScenario reads and checks a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// knownKinds are the kinds the simulation can play.
var knownKinds = []Kind{KindBackupsStop, KindBackupsFail, KindBackupsLate, KindTargetDown, KindRefreshFailures,
	KindPartForbidden, KindProtectionLost, KindInventoryEmpty, KindOnboard, KindSizeJump, KindVendorAlert,
	KindAgentOff, KindStorageFilling, KindRestoreFailed, KindRestart, KindRollout, KindHAPair, KindItemFailing}

func (s *Scenario) check() error {
	if s.Start.IsZero() || s.Duration <= 0 {
		return fmt.Errorf("start and a positive duration are required")
	}
	if s.CacheTTL == 0 {
		s.CacheTTL = Duration(time.Minute)
	}
	if s.Scale <= 0 {
		return fmt.Errorf("scale must be positive")
	}
	names := map[string]bool{}
	for i, inc := range s.Incidents {
		if inc.Name == "" || names[inc.Name] {
			return fmt.Errorf("incident %d: a unique name is required", i+1)
		}
		names[inc.Name] = true
		if !slices.Contains(knownKinds, inc.Kind) {
			return fmt.Errorf("incident %s: unknown kind %q", inc.Name, inc.Kind)
		}
		if inc.End <= inc.Start || inc.End.D() > s.Duration.D() {
			return fmt.Errorf("incident %s: end must be after start and within the duration", inc.Name)
		}
	}
	return nil
}

// active reports whether the incident is under way at offset from the start.
func (inc *Incident) active(offset time.Duration) bool {
	return offset >= inc.Start.D() && offset < inc.End.D()
}

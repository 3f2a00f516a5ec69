//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/backup-exporter/backup_exporter/alerts"
)

// shardedTargets are appended to scripts/demo.yml for the sharded setup: a
// target whose token is refused (401s) and one whose login is refused
// (Cloutility's failed logins), the two ways BackupAuthFailing fires. They
// refresh at every probe, so that increase() sees their refused requests
// grow within seconds, not a default cache_ttl.
const shardedTargets = `
  - name: clumio-badtoken
    vendor: clumio
    url: http://${CLUMIO_ADDR}
    bearer_token: ${BAD_TOKEN}
    cache_ttl: 1s
  - name: cloutility-badpassword
    vendor: cloutility
    url: http://${CLOUTILITY_ADDR}
    client_id: backup-exporter-sim
    origin: https://monitoring.example.com
    username: monitor@example.com
    password: ${BAD_TOKEN}
    cache_ttl: 1s
`

// shardedFiring are, per alert that joins the exporter's self metrics with
// the /probe data, the targets it must fire for in the sharded setup; it
// must stay silent for every other target.
var shardedFiring = map[string][]string{
	"BackupAuthFailing": {"clumio-badtoken", "cloutility-badpassword"},
}

// TestShardedSetup runs the sharded scrape configuration of README.md
// ("Scaling out") as it stands, against two exporters with
// --web.probe-only and a real Prometheus: /probe under job backup_exporter,
// each replica's own metrics under backup_exporter_self. Every alert that
// joins the two must fire for the targets that cause it and for no other,
// and every rule must evaluate without error (a join that matches more than
// one series on a side errs).
func TestShardedSetup(t *testing.T) {
	demoCfg, err := os.ReadFile(filepath.Join(repoRoot, "scripts/demo.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "sharded.yml")
	writeFile(t, cfgPath, string(demoCfg)+shardedTargets)
	t.Setenv("BAD_TOKEN", "not-the-simulators-secret")
	d := startDemoWith(t, cfgPath, []string{"--live.interval=1s"}, "--web.probe-only")
	second := freeAddr(t)
	args := append([]string{"--config.file=" + cfgPath, "--web.listen-address=" + second}, "--web.probe-only")
	start(t, d.exporterEnv, binary(t, "backup_exporter"), args...)
	waitHTTP(t, "http://"+second+"/-/ready", 60*time.Second)

	targets := configTargets(t, string(demoCfg)+shardedTargets)
	// Each replica reads every target once before Prometheus probes it with
	// a timeout of 1 s, so that no first refresh outlasts a probe: the
	// healthy targets are up from Prometheus' first scrape on.
	for _, addr := range []string{d.exporterAddr, second} {
		for _, name := range targets {
			get(t, "http://"+addr+"/probe?target="+name, map[string]string{"X-Prometheus-Scrape-Timeout-Seconds": "30"})
		}
	}

	scrape := readmeShardedScrapeConfig(t, targets, d.exporterAddr, second)
	rulesPath := filepath.Join(t.TempDir(), "rules.yml")
	writeFile(t, rulesPath, string(e2eRules(t)))
	s := startStackWith(t, d, []string{rulesPath}, scrape)
	promStart := time.Now()

	rules, err := alerts.Rules()
	if err != nil {
		t.Fatal(err)
	}
	joins := selfJoins(rules)
	if len(joins) == 0 {
		t.Fatal("no rule joins the self metrics with the /probe data: the test proves nothing")
	}
	for _, name := range joins {
		if _, ok := shardedFiring[name]; !ok {
			t.Errorf("%s joins the self metrics with the /probe data: add the targets it fires for to shardedFiring", name)
		}
	}

	// Every joining alert fires for exactly its targets once the self
	// metrics have counted two refreshes of each (increase() wants two
	// samples that differ).
	for _, name := range joins {
		want := append([]string(nil), shardedFiring[name]...)
		sort.Strings(want)
		var got []string
		deadline := time.Now().Add(90 * time.Second)
		for {
			got = got[:0]
			for _, a := range s.alerts(t) {
				if a.Labels["alertname"] == name && a.State == "firing" {
					got = append(got, a.Labels["target"])
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") == strings.Join(want, ",") || time.Now().After(deadline) {
				break
			}
			time.Sleep(time.Second)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("in the sharded setup %s fires for %v, want %v", name, got, want)
		}
		// Silent for the healthy targets all along, not only now.
		res, err := s.query(t, fmt.Sprintf(`max_over_time(ALERTS{alertname=%q, target!~%q}[%ds])`,
			name, strings.Join(want, "|"), int(time.Since(promStart).Seconds())+1))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			t.Errorf("in the sharded setup %s was %s for healthy target %s", name, r.Metric["alertstate"], r.Metric["target"])
		}
	}

	t.Run("every rule evaluates without error", func(t *testing.T) {
		for _, r := range ruleHealth(t, s) {
			if r.Health == "err" {
				t.Errorf("%s: %s", r.Name, r.LastError)
			}
		}
	})
}

// selfJoins names the alerts whose expression reads both the exporter's
// self metrics (backup_exporter_*, scraped under their own job when
// sharding) and the data of /probe (every other backup_* series).
func selfJoins(rules []alerts.Rule) []string {
	metric := regexp.MustCompile(`\bbackup_[a-z_]+`)
	var out []string
	for _, r := range rules {
		var self, data bool
		for _, m := range metric.FindAllString(r.Expr, -1) {
			if strings.HasPrefix(m, "backup_exporter_") {
				self = true
			} else {
				data = true
			}
		}
		if r.Alert != "" && self && data {
			out = append(out, r.Alert)
		}
	}
	return out
}

// configTargets lists the names of an exporter configuration's targets.
func configTargets(t *testing.T, cfg string) []string {
	t.Helper()
	var c struct {
		Targets []struct {
			Name string `yaml:"name"`
		} `yaml:"targets"`
	}
	if err := yaml.Unmarshal([]byte(cfg), &c); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range c.Targets {
		names = append(names, tg.Name)
	}
	return names
}

// readmeShardedScrapeConfig returns the scrape_configs of README.md's
// sharded setup (its YAML block with metrics_path /probe), as an operator
// would adapt it: the replicas' addresses (backup-exporter-N:9860) are the
// test's exporters, the /probe job lists the test's targets, and every job
// scrapes each second.
func readmeShardedScrapeConfig(t *testing.T, targets []string, replicas ...string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var block string
	for _, b := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		if strings.Contains(b[1], "metrics_path: /probe") && strings.Contains(b[1], "scrape_configs:") {
			block = b[1]
			break
		}
	}
	if block == "" {
		t.Fatal("README.md has no YAML block with scrape_configs and metrics_path: /probe (the sharded setup)")
	}
	for i, addr := range replicas {
		block = strings.ReplaceAll(block, fmt.Sprintf("backup-exporter-%d:9860", i), addr)
	}
	var cfg struct {
		ScrapeConfigs []map[string]any `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal([]byte(block), &cfg); err != nil {
		t.Fatalf("README.md's sharded setup: %v\n%s", err, block)
	}
	probe := false
	for _, job := range cfg.ScrapeConfigs {
		job["scrape_interval"], job["scrape_timeout"] = "1s", "1s"
		if job["metrics_path"] == "/probe" {
			probe = true
			job["static_configs"] = []map[string]any{{"targets": targets}}
		}
	}
	if !probe || len(cfg.ScrapeConfigs) < 2 {
		t.Fatalf("README.md's sharded setup has no /probe job and self job:\n%s", block)
	}
	out, err := yaml.Marshal(cfg.ScrapeConfigs)
	if err != nil {
		t.Fatal(err)
	}
	// Indented under the stack's scrape_configs key.
	return "  " + strings.ReplaceAll(strings.TrimRight(string(out), "\n"), "\n", "\n  ") + "\n"
}

// ruleState is one rule of Prometheus' /api/v1/rules.
type ruleState struct {
	Name      string `json:"name"`
	Health    string `json:"health"`
	LastError string `json:"lastError"`
}

// ruleHealth returns every loaded rule's health.
func ruleHealth(t *testing.T, s *stack) []ruleState {
	t.Helper()
	var resp struct {
		Data struct {
			Groups []struct {
				Rules []ruleState `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := json.Unmarshal(get(t, "http://"+s.promAddr+"/api/v1/rules", nil), &resp); err != nil {
		t.Fatal(err)
	}
	var out []ruleState
	for _, g := range resp.Data.Groups {
		out = append(out, g.Rules...)
	}
	return out
}

//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/backup-exporter/backup_exporter/alerts"
	"github.com/backup-exporter/backup_exporter/dashboards"
)

// historyBound are the rules whose windows span hours or days (six hours
// of storage trend over a day of samples, days of backup sizes): more
// history than an end-to-end run has. The shipped expression must parse; a
// time-compressed twin (compress) must return data and fire for exactly what
// it should over the live simulator, whose Cloutility consumers keep filling
// up and two of whose Cloutility nodes finish a backup far from their usual
// size. promtool's unit tests prove the real windows. The job alerts are not
// among them: they read backup_jobs_recent, whose window is the target's
// lookback, so the test compresses it in the config instead (cleverfox-quiet).
var historyBound = map[string]bool{
	"BackupStorageFillingUp": true,
	"asset:backup_asset_last_transferred_bytes:median_over_time7d": true,
	"asset:backup_asset_size_bytes:median_over_time7d":             true,
	// The largest transfer of the day a week ago, and two weeks ago.
	"asset:backup_asset_last_transferred_bytes:max_over_time1d_offset6d12h":  true,
	"asset:backup_asset_last_transferred_bytes:max_over_time1d_offset13d12h": true,
	"BackupRestoreDrillStale": true,
	// A day of restore points before it can say they moved.
	"BackupRestoreWindowShort": true,
}

// compress shrinks the rules' day- and hour-long windows to what a run of a
// minute can fill. A 60 s window and a 30 s offset keep every expression's
// shape: a rate over a window, a trend extrapolated four days ahead, a series
// that must already have existed. The SLO's burn-rate windows all become
// 60 s, so each burn rate is the error ratio of the last minute over the
// budget. The size baseline becomes the median of 10 minutes, long enough to
// still hold the usual size when the simulator's anomalies have happened.
var compress = strings.NewReplacer("[1d]", "[60s]", "[6h]", "[60s]", "offset 1d", "offset 30s", "offset 6h", "offset 30s",
	"[5m]", "[60s]", "[30m]", "[60s]", "[1h]", "[60s]", "[3d]", "[60s]", "[30d]", "[60s]",
	"[7d]", "[10m]", "offset 3d", "offset 30s", "offset 6d12h", "offset 30s", "offset 13d12h", "offset 30s",
	"[30d:1h]", "[60s:1s]",
	// A series recorded once an hour and read over two hours (an hourly
	// size baseline); e2eRules runs its group every second.
	"[2h]", "[60s]",
	// A drill runs once an hour at most: a drill configured for any time
	// without a success stands for one configured for two intervals.
	"> 2 * max without (instance) (last_over_time(backup_restore_drill_interval_seconds[10m]))", "> 0 * max without (instance) (last_over_time(backup_restore_drill_interval_seconds[10m]))").Replace

// historyBeforeAnomalies is how much history of the sizes Prometheus must
// hold before the simulator's two Cloutility nodes start finishing backups
// ten times larger and ten times smaller than their latest before (one each
// per live tick, so that Cloutility keeps finishing jobs, as
// BackupNoJobsFinished's expectations assume). The compressed rules want 30 s
// of a series before they judge it (`offset 30s`), and the compressed
// baseline (the median over 10 minutes) keeps the usual size for as long
// again after the anomalies as it had before them: the alerts have that long
// to fire.
const historyBeforeAnomalies = 35 * time.Second

// objectiveOverrides is a user's rule file of per-tenant SLO objectives, with
// one objective that cannot be met (100 %) for a tenant of its own.
const objectiveOverrides = `groups:
  - name: e2e_slo_objectives
    rules:
      - record: tenant:backup_slo_objective_override:ratio
        expr: vector(1)
        labels: {tenant: e2e-impossible-objective}
`

// extraTargets are appended to scripts/demo.yml: a target whose token is
// refused (auth failing, target down), one whose API works for a few
// seconds and then answers 429 to everything (stale data, rate limiting),
// one whose dashboards answer 503 once they were read while its executions
// are read (its monitors and alerts parts fail on their own:
// BackupCollectorFailing),
// two that serve a summary only and unhealthy assets only (their data
// does not move: one refresh at start-up serves the whole run, and adds no
// refresh to the scrapes), and one whose lookback window is a second, so
// that no job ended within it (no jobs finished: the job alerts' window,
// time-compressed); its assets are left out, so that it adds few series to
// the scrape.
const extraTargets = `
  - name: clumio-badtoken
    vendor: clumio
    url: http://${CLUMIO_ADDR}
    bearer_token: ${BAD_TOKEN}
  - name: cloverdx-flaky
    vendor: cloverdx
    url: http://${FLAKY_ADDR}/clover
    username: monitor
    password_file: ${DEMO_DIR}/cloverdx_password
    cache_ttl: 1s
    timeout: 5s
  - name: cloverdx-parts
    vendor: cloverdx
    url: http://${PARTS_ADDR}/clover
    username: monitor
    password_file: ${DEMO_DIR}/cloverdx_password
    cache_ttl: 1s
    timeout: 5s
  - name: clumio-summary
    vendor: clumio
    url: http://${CLUMIO_ADDR}
    bearer_token_file: ${DEMO_DIR}/clumio_token
    asset_metrics: summary
    cache_ttl: 1h
    inventory_ttl: 1h
  - name: cleverfox-unhealthy
    vendor: cleverfox
    url: https://${CLEVERFOX_ADDR}/api
    api_key_file: ${DEMO_DIR}/cleverfox_api_key
    tls_config:
      ca_file: ${DEMO_DIR}/vendorsim-ca.pem
    asset_metrics: unhealthy
    cache_ttl: 1h
    inventory_ttl: 1h
  - name: cleverfox-quiet
    vendor: cleverfox
    url: https://${CLEVERFOX_ADDR}/api
    api_key_file: ${DEMO_DIR}/cleverfox_api_key
    tls_config:
      ca_file: ${DEMO_DIR}/vendorsim-ca.pem
    lookback: 1s
    include: {asset_types: [none]}
`

// TestDashboardsAndAlerts runs every dashboard query and every rule through a
// real Prometheus scraping the exporter over the simulator, with a copy of
// the rules whose `for` is 0s and whose groups all run at the global 1 s
// interval. Each alert must fire for exactly the targets and assets that
// should fire it (computed here, independently, from the exporter's
// exposition), and reach a real Alertmanager with its tenant.
//
// The simulator's incidents (the flaky target's 429s, the size anomalies)
// start when the test has seen Prometheus hold what they must be judged
// against (a successful refresh, 35 s of sizes), never after a fixed delay
// that a loaded machine may overrun; every judgement waits for a state, not
// for a time.
func TestDashboardsAndAlerts(t *testing.T) {
	demoCfg, err := os.ReadFile(filepath.Join(repoRoot, "scripts/demo.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// The Cloutility target reads its consumers every 5 s, so that the size
	// anomalies are served soon after they happen.
	cfg := strings.Replace(string(demoCfg), "    password_file: ${DEMO_DIR}/cloutility_password\n",
		"    password_file: ${DEMO_DIR}/cloutility_password\n    cache_ttl: 5s\n", 1)
	if cfg == string(demoCfg) {
		t.Fatal("scripts/demo.yml has no cloutility password_file line to follow")
	}
	cfgPath := filepath.Join(t.TempDir(), "e2e.yml")
	writeFile(t, cfgPath, cfg+extraTargets)
	flakyAddr := freeAddr(t)
	t.Setenv("FLAKY_ADDR", flakyAddr)
	t.Setenv("BAD_TOKEN", "not-the-simulators-token")
	// The simulators hold their incidents back until SIGUSR1 (an hour is
	// never, in this test).
	flakySim := startCloverDXSim(t, flakyAddr, "--fault.start-after=1h", "--fault.429-rate=1", "--fault.retry-after=1s")
	// The parts target's dashboards fail once it has read them (a
	// permission withdrawn): every dashboard's latest read fails, and with
	// them its monitors and alerts parts, while its executions are read.
	partsAddr := freeAddr(t)
	t.Setenv("PARTS_ADDR", partsAddr)
	partsSim := startCloverDXSim(t, partsAddr, "--fault.start-after=1h", "--fault.5xx-rate=1", "--fault.path=/dashboards")
	d := startDemoWith(t, cfgPath, []string{"--live.interval=1s", "--live.size-anomalies-after=1h"}, "--restore-drills.enabled")
	if body := get(t, "http://"+d.exporterAddr+"/probe?target=cloverdx-flaky", nil); !bytes.Contains(body, []byte(`backup_up{target="cloverdx-flaky",vendor="cloverdx"} 1`)) {
		t.Fatalf("the flaky target's first refresh failed:\n%s", body)
	}

	rulesPath := filepath.Join(t.TempDir(), "rules.yml")
	writeFile(t, rulesPath, compress(string(e2eRules(t))))
	overridesPath := filepath.Join(t.TempDir(), "objectives.yml")
	writeFile(t, overridesPath, objectiveOverrides)
	deadExporter := freeAddr(t) // an exporter instance that is down
	s := startStack(t, d, []string{rulesPath, overridesPath}, deadExporter)
	promStart := time.Now()

	// A reload that fails: the config gauge goes to 0, the targets keep serving.
	writeFile(t, cfgPath, cfg+extraTargets+"    bogus_key: 1\n")
	resp, err := http.Post("http://"+d.exporterAddr+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("reload of a bad config: HTTP %d, want 500", resp.StatusCode)
	}

	// The flaky target breaks once Prometheus has scraped it whole: its
	// per-asset alerts are then not held back (the rules hold back only a
	// target whose assets and jobs failed for 10 minutes).
	s.waitQuery(t, `min by (target) (backup_collector_success{target="cloverdx-flaky", collector=~"assets|jobs"}) == 1`, 30*time.Second)
	// The exposition now, and those of the polls below, give the storage
	// trends the compressed rules judge and which targets' parts ever
	// answered.
	early := scrapeExposition(t, d.exporterAddr)
	hist := []*exposition{early}
	signal(t, flakySim)
	signal(t, partsSim)
	// The size anomalies start once the sizes have their history; the
	// baseline exposition holds the sizes before them.
	s.waitQuery(t, `count(backup_asset_last_transferred_bytes{target="cloutility-demo"} offset `+historyBeforeAnomalies.String()+`)`, 2*historyBeforeAnomalies)
	baseline := scrapeExposition(t, d.exporterAddr)
	signal(t, d.sim)

	rules, err := alerts.Rules()
	if err != nil {
		t.Fatal(err)
	}
	// Poll until each alerting rule has fired for exactly what the
	// exposition of the same moment predicts. The simulator's data moves
	// (live ticks, incidents, ages crossing thresholds) and Prometheus sees
	// it a scrape and an evaluation later, so each rule is judged at the
	// first poll where the two agree; one that never does fails the test
	// with what it fired for and what it should have.
	pending := map[string]alerts.Rule{}
	for _, r := range rules {
		if r.Alert != "" && r.Alert != "BackupExporterAbsent" {
			pending[ruleKey(r.Alert, r.Labels)] = r
		}
	}
	seen := map[string][]promAlert{} // alertname → what fired at its match
	mismatch := map[string]string{}
	var lastAgreed string
	// The alerts Alertmanager has held with a tenant label at any poll: an
	// anomaly's alert resolves once the compressed baseline takes it in,
	// and Alertmanager then drops it.
	withTenant := map[string]bool{}
	deadline := time.Now().Add(judgeWithin)
	for len(pending) > 0 {
		firing := groupFiring(s.alerts(t))
		s.addTenantAlerts(t, withTenant)
		scrapeFailed := s.scrapeFailedWithin(t, d.exporterAddr, time.Minute)
		expo := scrapeExposition(t, d.exporterAddr)
		hist = append(hist, expo)
		expo.judgeHoldBack(hist)
		want, nearBoundary := expectedAlerts(early, expo, d.exporterAddr, deadExporter)
		expectedTenantAlerts(want, nearBoundary, expo)
		expectedSizeAnomalies(want, baseline, expo)
		for key, r := range pending {
			var mine []promAlert
			for _, a := range firing[r.Alert] {
				if ruleKey(r.Alert, a.Labels) == key {
					mine = append(mine, a)
				}
			}
			got := alertKeys(r.Alert, mine)
			exp := onlyRule(r, want[r.Alert])
			for k := range nearBoundary {
				delete(got, k)
				delete(exp, k)
			}
			if scrapeFailed && sloWindowed[r.Alert] {
				mismatch[key] = key + " was not judged: every poll came within a minute of a failed scrape of the exporter"
				continue
			}
			if sameKeys(got, exp) && (len(exp) > 0 || noLiveScenario[r.Alert]) {
				delete(pending, key)
				seen[r.Alert] = append(seen[r.Alert], mine...)
				lastAgreed = key
				continue
			}
			mismatch[key] = fmt.Sprintf("%s fired for\n  %v\nwant\n  %v", key, sortedKeys(got), sortedKeys(exp))
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			var msgs []string
			for key := range pending {
				msgs = append(msgs, mismatch[key])
			}
			sort.Strings(msgs)
			t.Fatalf("within %s, these rules never fired for exactly what the simulator causes:\n%s\n%s", judgeWithin, strings.Join(msgs, "\n"), s.ruleGroupLag(t))
		}
		time.Sleep(time.Second)
	}
	var counts []string
	for name, as := range seen {
		if len(as) > 0 {
			counts = append(counts, fmt.Sprintf("%s=%d", name, len(as)))
		}
	}
	sort.Strings(counts)
	t.Logf("fired as predicted (for: 0s), the last (%s) %s after Prometheus started: %s; silent as predicted: the rest of noLiveScenario; %s",
		lastAgreed, time.Since(promStart).Round(time.Second), strings.Join(counts, " "), s.ruleGroupLag(t))

	t.Run("every rule parses and returns data", func(t *testing.T) {
		for _, r := range rules {
			expr := r.Expr
			if r.Alert == "BackupExporterAbsent" {
				// absent() answers only when the job is gone: ask about one that is.
				expr = strings.ReplaceAll(expr, `job="backup_exporter"`, `job="no_such_job"`)
			}
			if _, err := s.query(t, expr); err != nil {
				t.Errorf("%s does not run: %v", r.Name(), err)
				continue
			}
			if noLiveScenario[r.Name()] {
				continue // parses; the simulator has no incident for it
			}
			if historyBound[r.Name()] {
				expr = compress(expr)
			}
			// Over the whole run, not now: an anomaly stops being one once
			// the compressed baseline has taken it in.
			if n, err := s.queryRange(t, expr, promStart); err != nil || n == 0 {
				t.Errorf("%s returns no data over the simulator's run (err %v):\n%s", r.Name(), err, expr)
			}
		}
	})

	t.Run("every dashboard query parses and returns data", func(t *testing.T) {
		queries, err := dashboards.Queries()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			if _, err := s.query(t, q.Resolved); err != nil {
				t.Errorf("%s / %s does not run: %v\n%s", q.Dashboard, q.Panel, err, q.Resolved)
			} else if n, err := s.queryRange(t, q.Resolved, promStart); err != nil || n == 0 {
				t.Errorf("%s / %s returns no data over the simulator's run (err %v):\n%s", q.Dashboard, q.Panel, err, q.Resolved)
			}
		}
	})

	t.Run("restore drills ran as configured", func(t *testing.T) { checkDrills(t, s) })

	t.Run("per-asset alerts name their asset and spare targets never read", func(t *testing.T) {
		for _, name := range perAssetAlerts {
			for _, a := range seen[name] {
				// Per-asset alerts carry the asset's tenant, name and type.
				info := early.info[a.Labels["target"]+"/"+a.Labels["asset_id"]]
				if a.Labels["tenant"] != info["tenant"] || a.Labels["asset"] != info["asset"] || a.Labels["asset_type"] != info["asset_type"] {
					t.Errorf("%s for %s/%s has labels %v, want those of backup_asset_info %v", name, a.Labels["target"], a.Labels["asset_id"], a.Labels, info)
				}
				// No page storm: nothing per-asset fires for a target whose
				// assets have never been read.
				if neverUp(hist, a.Labels["target"]) {
					t.Errorf("%s fired for %s/%s, whose target never answered", name, a.Labels["target"], a.Labels["asset_id"])
				}
			}
		}
	})

	t.Run("alerts reach Alertmanager with their tenant", func(t *testing.T) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			s.addTenantAlerts(t, withTenant)
			var missing []string
			for _, name := range perAssetAlerts {
				if len(seen[name]) > 0 && !withTenant[name] {
					missing = append(missing, name)
				}
			}
			if len(missing) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("Alertmanager has no %v alerts with a tenant label", missing)
			}
			time.Sleep(500 * time.Millisecond)
		}
	})
}

// judgeWithin bounds the wait for every rule to agree with the model. On an
// idle machine they all have within a minute of Prometheus' start; a loaded
// one fails scrapes, and the SLO alerts then wait for a minute of good ones.
const judgeWithin = 180 * time.Second

// addTenantAlerts notes in seen the names of the alerts Alertmanager holds
// now with a tenant label.
func (s *stack) addTenantAlerts(t *testing.T, seen map[string]bool) {
	t.Helper()
	for _, a := range s.amAlerts(t) {
		if a.Labels["tenant"] != "" {
			seen[a.Labels["alertname"]] = true
		}
	}
}

// sloWindowed are the alerts that a failed scrape of the exporter fires
// for a minute in this test. The scrape's stale markers make every
// (tenant, asset type) group vanish from the SLI for one evaluation, and the
// SLI counts a group that vanished as wholly bad; a window compressed to
// 60 s turns that one evaluation into 1/60 of errors, over the 1 % budget.
// (Over the real windows it takes minutes of failed scrapes.) A loaded
// machine may miss a 1 s scrape, so these are judged at polls with a minute
// of good scrapes behind them.
var sloWindowed = map[string]bool{"BackupSLOBudgetBurnFast": true, "BackupSLOBudgetBurnSlow": true}

// scrapeFailedWithin holds when Prometheus failed a scrape of addr within
// the window.
func (s *stack) scrapeFailedWithin(t *testing.T, addr string, window time.Duration) bool {
	t.Helper()
	res, err := s.query(t, fmt.Sprintf(`min_over_time(up{instance=%q}[%ds]) == 0`, addr, int(window.Seconds())))
	if err != nil {
		t.Fatal(err)
	}
	return len(res) > 0
}

// signal sends SIGUSR1 to a simulator: its delayed incidents start now.
func signal(t *testing.T, sim *exec.Cmd) {
	t.Helper()
	if err := sim.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
}

// e2eRules is the rule file with every `for` and `keep_firing_for` at 0s
// and every group's own `interval` removed, so that every group runs at
// Prometheus' global 1 s: a group evaluated once an hour (the size
// baselines, say) would not be evaluated again within the test, whatever
// its interval.
func e2eRules(t *testing.T) []byte {
	t.Helper()
	noFor, err := alerts.WithoutFor()
	if err != nil {
		t.Fatal(err)
	}
	return editRuleGroups(t, noFor, func(g *yaml.Node) {
		kept := g.Content[:0]
		for j := 0; j+1 < len(g.Content); j += 2 {
			if g.Content[j].Value != "interval" {
				kept = append(kept, g.Content[j], g.Content[j+1])
			}
		}
		g.Content = kept
	})
}

// ruleKey tells apart the rules of one alert name by their static labels:
// BackupSizeAnomaly's two rules fire `direction` grew and shrank.
func ruleKey(alert string, labels map[string]string) string {
	if d := labels["direction"]; d != "" {
		return alert + "/" + d
	}
	return alert
}

// onlyRule keeps the expected keys of one rule of an alert name with
// several (keyOf ends BackupSizeAnomaly's keys with the direction).
func onlyRule(r alerts.Rule, keys map[string]bool) map[string]bool {
	d := r.Labels["direction"]
	if d == "" {
		return keys
	}
	out := map[string]bool{}
	for k := range keys {
		if strings.HasSuffix(k, "/"+d) {
			out[k] = true
		}
	}
	return out
}

// neverUp holds when no exposition of the run read the target's assets.
func neverUp(hist []*exposition, target string) bool {
	for _, e := range hist {
		if e.up[target] == 1 {
			return false
		}
	}
	return true
}

// perAssetAlerts are the alerts that name one asset.
var perAssetAlerts = []string{"BackupRPOViolated", "BackupNeverSucceeded", "BackupLastRunFailed", "BackupAgentNotSeen", "BackupSizeAnomaly", "BackupRestoreNotTested", "BackupPolicyDeactivated",
	"BackupMaliciousObjects", "BackupPartialBackups", "BackupRestoreWindowShort", "BackupContinuousBackupLagging", "BackupRunningTooLong", "BackupQueuedTooLong", "BackupAssetDataStale"}

func groupFiring(all []promAlert) map[string][]promAlert {
	out := map[string][]promAlert{}
	for _, a := range all {
		if a.State == "firing" {
			out[a.Labels["alertname"]] = append(out[a.Labels["alertname"]], a)
		}
	}
	return out
}

// noLiveScenario are the alerts the live simulator has no incident for;
// the model predicts them silent, and alerts/tests proves each one firing.
var noLiveScenario = map[string]bool{
	// No target at all in the job: the stack always scrapes one (the
	// expression is run against a job that has none instead).
	"BackupExporterAbsent": true,
	// Every exporter of the job down: the test's exporter answers, beside
	// the dead one that fires BackupExporterReplicaDown.
	"BackupExporterDown": true,
	// A target dropped from the configuration: the test's one reload fails
	// on purpose and keeps every target.
	"BackupTargetVanished": true,
	// An inventory that halves, and assets that lose their protection: the
	// fakes' inventories and policies do not change while they run.
	"BackupInventoryCollapsed": true,
	"BackupProtectionLost":     true,
	// Invalid items and more assets than max_assets: the fakes serve no
	// invalid item, and no target's max_assets is below its inventory.
	"BackupDataIssues":    true,
	"BackupAssetsDropped": true,
	// An objective of 0.9306 or less: the test's override is 1, which is
	// BackupSLOObjectiveInvalid.
	"BackupSLOObjectiveTooLow": true,
	// An asset of a fan-out target whose reads fail for 3 x cache_ttl while
	// the target's other assets are read: the live simulator's Cloutility
	// consumers all answer.
	"BackupAssetDataStale": true,
}

// startCloverDXSim starts a simulator serving only a CloverDX fake on addr,
// with the fault flags given: a target of its own that can break while the
// demo's targets stay well.
func startCloverDXSim(t *testing.T, addr string, faults ...string) *exec.Cmd {
	t.Helper()
	args := append([]string{"--clumio.listen=", "--cleverfox.listen=", "--cloutility.listen=", "--cloverdx.listen=" + addr}, faults...)
	return start(t, nil, binary(t, "vendorsim"), args...)
}

// alertKeys names each firing alert by what it is about.
func alertKeys(name string, as []promAlert) map[string]bool {
	keys := map[string]bool{}
	for _, a := range as {
		keys[keyOf(name, a.Labels)] = true
	}
	return keys
}

func keyOf(name string, l map[string]string) string {
	switch name {
	case "BackupExporterDown", "BackupExporterReplicaDown", "BackupConfigReloadFailed":
		return l["instance"]
	case "BackupCollectorFailing":
		return l["target"] + "/" + l["collector"]
	case "BackupJobFailureRatioHigh":
		return l["target"] + "/" + l["job_type"]
	case "BackupStorageNearLimit", "BackupStorageFull", "BackupStorageFillingUp":
		return l["target"] + "/" + l["scope"] + "/" + l["scope_id"]
	case "BackupVendorCriticalAlert":
		return l["target"] + "/" + l["alert_type"]
	case "BackupMonitorFailing":
		return l["target"] + "/" + l["monitor_id"]
	case "BackupInstantAccessEndpointLongLived":
		return l["target"] + "/" + l["endpoint_id"]
	case "BackupRestoreDrillFailed", "BackupRestoreDrillStale":
		return l["target"] + "/" + l["drill"]
	case "BackupSLOBudgetBurnFast", "BackupSLOBudgetBurnSlow", "BackupSLOObjectiveInvalid":
		return "tenant/" + l["tenant"]
	case "BackupAssetsRPOViolated":
		return l["target"] + "/" + l["tenant"] + "/" + l["asset_type"]
	case "BackupSizeAnomaly":
		return l["target"] + "/" + l["asset_id"] + "/" + l["direction"]
	case "BackupQuotaNearLimit":
		return l["target"] + "/" + l["business_unit_id"] + l["subscription_id"]
	case "BackupSubscriptionLapsed", "BackupSubscriptionEndingSoon":
		return l["target"] + "/" + l["subscription_id"]
	}
	if id := l["asset_id"]; id != "" {
		return l["target"] + "/" + id
	}
	return l["target"]
}

// exposition is what the exporter served, indexed for the expectations.
type exposition struct {
	at       time.Time
	families map[string]*dto.MetricFamily
	up       map[string]float64           // target → backup_up
	success  map[string]float64           // target/collector → backup_collector_success
	info     map[string]map[string]string // target/asset_id → labels
	// heldBack are the targets whose alerts on assets and jobs the rules
	// hold back: their assets and jobs parts answered in no exposition of
	// the run (judgeHoldBack). storageHeldBack is the same for the storage
	// part, which the subscription alerts read.
	heldBack, storageHeldBack map[string]bool
}

// judgeHoldBack works out heldBack and storageHeldBack from the run's
// expositions, e's included. The rules hold back while the parts have
// failed for 10 minutes, longer than the run: so only a target whose parts
// never answered since Prometheus started, which the test's first
// exposition (taken once Prometheus has scraped the flaky target whole)
// stands for.
func (e *exposition) judgeHoldBack(hist []*exposition) {
	answered := func(target string, parts ...string) bool {
		for _, h := range hist {
			for _, p := range parts {
				if h.success[target+"/"+p] == 1 {
					return true
				}
			}
		}
		return false
	}
	e.heldBack, e.storageHeldBack = map[string]bool{}, map[string]bool{}
	for target := range e.up {
		e.heldBack[target] = !answered(target, "assets", "jobs")
		e.storageHeldBack[target] = !answered(target, "storage")
	}
}

// scrapeExposition scrapes the exporter's /metrics and parses it.
func scrapeExposition(t *testing.T, addr string) *exposition {
	t.Helper()
	at := time.Now()
	e := parseExposition(t, get(t, "http://"+addr+"/metrics", map[string]string{"X-Prometheus-Scrape-Timeout-Seconds": "10"}))
	e.at = at
	return e
}

func parseExposition(t *testing.T, body []byte) *exposition {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	e := &exposition{families: fams, up: map[string]float64{}, success: map[string]float64{}, info: map[string]map[string]string{}}
	e.each("backup_up", func(l map[string]string, v float64) { e.up[l["target"]] = v })
	e.each("backup_collector_success", func(l map[string]string, v float64) { e.success[l["target"]+"/"+l["collector"]] = v })
	e.each("backup_asset_info", func(l map[string]string, _ float64) { e.info[l["target"]+"/"+l["asset_id"]] = l })
	return e
}

// each calls fn for every sample of a gauge or counter family.
func (e *exposition) each(name string, fn func(labels map[string]string, v float64)) {
	f := e.families[name]
	if f == nil {
		return
	}
	for _, m := range f.GetMetric() {
		l := map[string]string{}
		for _, p := range m.GetLabel() {
			l[p.GetName()] = p.GetValue()
		}
		v := m.GetGauge().GetValue()
		if m.Counter != nil {
			v = m.GetCounter().GetValue()
		}
		fn(l, v)
	}
}

// byAsset returns a family's values keyed by target/asset_id.
func (e *exposition) byAsset(name string, match func(map[string]string) bool) map[string]float64 {
	out := map[string]float64{}
	e.each(name, func(l map[string]string, v float64) {
		if match == nil || match(l) {
			out[l["target"]+"/"+l["asset_id"]] = v
		}
	})
	return out
}

// expectations are the keys each alert should fire for, plus the assets too
// close to a time boundary to judge (their age crosses it during the test).
type expectations map[string]map[string]bool

func (x expectations) add(alert, key string) {
	if x[alert] == nil {
		x[alert] = map[string]bool{}
	}
	x[alert][key] = true
}

// expectedAlerts works out, from the exposition alone and without PromQL,
// what each alert should fire for.
func expectedAlerts(early, e *exposition, exporter, deadExporter string) (x expectations, nearBoundary map[string]bool) {
	x = expectations{}
	near := map[string]bool{}
	now := float64(time.Now().Unix())
	const margin = 180 // seconds either side of a time threshold

	e.each("backup_up", func(l map[string]string, v float64) {
		if v == 0 {
			x.add("BackupTargetDown", l["target"])
		}
	})
	// A part that fails with its whole target (every part of a target that
	// is down) is the target's story, told by BackupTargetDown and
	// BackupRefreshesFailing: BackupCollectorFailing holds it back.
	e.each("backup_collector_success", func(l map[string]string, v float64) {
		if v == 0 && e.up[l["target"]] != 0 {
			x.add("BackupCollectorFailing", l["target"]+"/"+l["collector"])
		}
	})
	ttl := map[string]float64{}
	e.each("backup_cache_ttl_seconds", func(l map[string]string, v float64) { ttl[l["target"]] = v })
	e.each("backup_snapshot_timestamp_seconds", func(l map[string]string, v float64) {
		if now-v > 3*ttl[l["target"]] {
			x.add("BackupDataStale", l["target"])
		}
	})
	// The API alerts judge the requests within their window, which starts
	// with Prometheus: those since the early exposition stand for them.
	requests, limited, refused := apiCounts(e)
	earlyRequests, earlyLimited, earlyRefused := apiCounts(early)
	for target, n := range requests {
		if d := n - earlyRequests[target]; d > 0 && (limited[target]-earlyLimited[target])/d > 0.05 {
			x.add("BackupAPIRateLimited", target)
		}
		// Refused credentials only (a 401, or a refused Cloutility login)
		// while the target is down.
		if refused[target] > earlyRefused[target] && e.up[target] == 0 {
			x.add("BackupAuthFailing", target)
		}
	}
	for target, v := range e.up {
		if v == 0 {
			// Every refresh since the target broke failed: more than 10 % of
			// the (compressed) last hour.
			x.add("BackupRefreshesFailing", target)
		}
	}

	// Per-asset alerts cover the assets protected within the (compressed)
	// last day, and are held back only for a target whose assets and jobs
	// never answered.
	protected := e.byAsset("backup_asset_protected", nil)
	earlyProtected := early.byAsset("backup_asset_protected", nil)
	lastSuccess := e.byAsset("backup_asset_last_success_timestamp_seconds", nil)
	rpo := e.byAsset("backup_asset_rpo_seconds", nil)
	lastSeen := e.byAsset("backup_asset_last_seen_timestamp_seconds", nil)
	status := map[string]string{}
	e.each("backup_asset_last_status", func(l map[string]string, _ float64) { status[l["target"]+"/"+l["asset_id"]] = l["status"] })
	for key, p := range protected {
		target, _, _ := strings.Cut(key, "/")
		if (p != 1 && earlyProtected[key] != 1) || e.heldBack[target] {
			continue
		}
		if ls, ok := lastSuccess[key]; ok {
			age := now - ls
			r, hasRPO := rpo[key]
			switch {
			case !hasRPO:
				// No RPO: the vendor lets the asset idle (Cloutility
				// allowNoActivity), so it cannot be violated.
			case math.Abs(age-r) < margin:
				near[key] = true
			case age > r:
				x.add("BackupRPOViolated", key)
			}
		} else if p == 1 {
			x.add("BackupNeverSucceeded", key)
		}
		switch status[key] {
		case "failed", "missed":
			x.add("BackupLastRunFailed", key)
		case "warning":
			// The (compressed) 3 days of warnings are the `for` the e2e
			// copy of the rules sets to 0s.
			x.add("BackupLastRunWarning", key)
		}
		if seen, ok := lastSeen[key]; ok {
			age := now - seen
			if math.Abs(age-2*86400) < margin {
				near[key] = true
			} else if age > 2*86400 {
				x.add("BackupAgentNotSeen", key)
			}
		}
	}

	limits := map[string]float64{}
	e.each("backup_storage_limit_bytes", func(l map[string]string, v float64) {
		limits[l["target"]+"/"+l["scope"]+"/"+l["scope_id"]] = v
	})
	e.each("backup_storage_used_bytes", func(l map[string]string, v float64) {
		k := l["target"] + "/" + l["scope"] + "/" + l["scope_id"]
		lim := limits[k]
		if lim <= 0 {
			return
		}
		// The live simulator fills some scopes: one near a threshold may
		// cross it between the exposition and Prometheus' evaluation.
		switch r := v / lim; {
		case math.Abs(r-0.9) < 0.001 || math.Abs(r-0.98) < 0.001:
			near[k] = true
		case r >= 0.98:
			x.add("BackupStorageFull", k)
			x.add("BackupStorageNearLimit", k)
		case r > 0.9:
			x.add("BackupStorageNearLimit", k)
		}
	})
	// Storage trends: the growth between the two expositions, four days on.
	earlyUsed := map[string]float64{}
	early.each("backup_storage_used_bytes", func(l map[string]string, v float64) {
		earlyUsed[l["target"]+"/"+l["scope"]+"/"+l["scope_id"]] = v
	})
	elapsed := e.at.Sub(early.at).Seconds()
	e.each("backup_storage_used_bytes", func(l map[string]string, v float64) {
		k := l["target"] + "/" + l["scope"] + "/" + l["scope_id"]
		lim := limits[k]
		if lim <= 0 {
			return
		}
		predicted := v + (v-earlyUsed[k])/elapsed*4*86400
		switch {
		case math.Abs(predicted-lim) < 0.2*lim && v < lim:
			near[k] = true // the refreshes' steps make the fitted slope approximate
		case predicted >= lim:
			x.add("BackupStorageFillingUp", k)
		}
	})
	// Job outcomes: what ended within each target's lookback window.
	total, failed := map[string]float64{}, map[string]float64{}            // target/job_type → jobs
	finished, failedRestores := map[string]float64{}, map[string]float64{} // target → jobs
	e.each("backup_jobs_recent", func(l map[string]string, v float64) {
		k := l["target"] + "/" + l["job_type"]
		total[k] += v
		if l["status"] == "failed" || l["status"] == "missed" {
			failed[k] += v
		}
		if l["job_type"] == "restore" && l["status"] == "failed" {
			failedRestores[l["target"]] += v
		}
		finished[l["target"]] += v
	})
	for k, n := range total {
		target, _, _ := strings.Cut(k, "/")
		if n >= 10 && failed[k]/n > 0.2 && !e.heldBack[target] {
			x.add("BackupJobFailureRatioHigh", k)
		}
	}
	for target, n := range finished {
		if e.heldBack[target] {
			continue
		}
		if n == 0 {
			x.add("BackupNoJobsFinished", target)
		}
		if failedRestores[target] > 0 {
			x.add("BackupRestoreFailed", target)
		}
	}

	e.each("backup_alerts_active", func(l map[string]string, v float64) {
		if (l["severity"] == "critical" || l["severity"] == "error") && v > 0 {
			x.add("BackupVendorCriticalAlert", l["target"]+"/"+l["alert_type"])
		}
	})
	e.each("backup_monitor_state", func(l map[string]string, v float64) {
		if l["state"] == "failing" && v == 1 {
			x.add("BackupMonitorFailing", l["target"]+"/"+l["monitor_id"])
		}
	})
	restoreExpectations(e, x, near, now, margin)
	signalExpectations(early, e, x, near, now, margin)
	coverageExpectations(e, x, near, now, margin)
	x.add("BackupExporterReplicaDown", deadExporter)
	e.each("backup_exporter_config_last_reload_successful", func(_ map[string]string, v float64) {
		if v == 0 {
			x.add("BackupConfigReloadFailed", exporter)
		}
	})
	return x, near
}

// apiCounts sums, per target, the vendor API requests the exporter sent,
// those answered 429, and the refused credentials: 401 answers and refused
// Cloutility logins.
func apiCounts(e *exposition) (requests, limited, refused map[string]float64) {
	requests, limited, refused = map[string]float64{}, map[string]float64{}, map[string]float64{}
	e.each("backup_exporter_api_requests_total", func(l map[string]string, v float64) {
		requests[l["target"]] += v
		switch l["code"] {
		case "429":
			limited[l["target"]] += v
		case "401":
			refused[l["target"]] += v
		}
	})
	e.each("backup_cloutility_logins_total", func(l map[string]string, v float64) {
		if l["result"] == "error" {
			refused[l["target"]] += v
		}
	})
	return requests, limited, refused
}

// sameKeys holds when a and b have the same keys.
func sameKeys(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

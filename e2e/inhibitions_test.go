//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// amAlert is one alert as Alertmanager's API v2 takes and gives it.
type amAlert struct {
	Labels map[string]string `json:"labels"`
	Status *struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status,omitempty"`
}

// TestExampleInhibitions loads alerts/alertmanager.example.yml into a real
// Alertmanager, posts each inhibition's cause next to its consequence (and
// the consequence of another target, tenant or asset, which must stay
// active) and reads back which alerts Alertmanager suppresses.
func TestExampleInhibitions(t *testing.T) {
	example, err := os.ReadFile(filepath.Join(repoRoot, "alerts", "alertmanager.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// Receivers on a closed loopback port: the test never leaves the host.
	cfg := strings.ReplaceAll(string(example), "http://alert-receiver.example.com", "http://127.0.0.1:9")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "alertmanager.yml"), cfg)
	addr := freeAddr(t)
	start(t, nil, lookTool(t, "alertmanager", "prometheus-alertmanager"),
		"--config.file="+filepath.Join(dir, "alertmanager.yml"),
		"--storage.path="+filepath.Join(dir, "am-data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=",
	)
	waitHTTP(t, "http://"+addr+"/-/ready", 20*time.Second)

	target := func(name, t string, kv ...string) map[string]string {
		l := map[string]string{"alertname": name, "target": t, "vendor": "clumio", "job": "backup_exporter"}
		for i := 0; i+1 < len(kv); i += 2 {
			l[kv[i]] = kv[i+1]
		}
		return l
	}
	tests := []struct {
		name      string
		cause     map[string]string
		inhibited map[string]string
		unrelated map[string]string
	}{
		{"refused credentials explain a target down",
			target("BackupAuthFailing", "t1", "severity", "critical"),
			target("BackupTargetDown", "t1", "severity", "critical"),
			target("BackupTargetDown", "t1-other", "severity", "critical")},
		{"a target down mutes its stale data",
			target("BackupTargetDown", "t2", "severity", "critical"),
			target("BackupDataStale", "t2"),
			target("BackupDataStale", "t2-other")},
		{"a target down mutes its failing parts",
			target("BackupTargetDown", "t3", "severity", "critical"),
			target("BackupCollectorFailing", "t3", "collector", "alerts"),
			target("BackupCollectorFailing", "t3-other", "collector", "alerts")},
		{"a target down mutes its per-asset alerts",
			target("BackupTargetDown", "t4", "severity", "critical"),
			target("BackupRPOViolated", "t4", "asset_id", "vol-1", "tenant", "acme"),
			target("BackupRPOViolated", "t4-other", "asset_id", "vol-1", "tenant", "acme")},
		{"a failing part explains stale data",
			target("BackupCollectorFailing", "t5", "collector", "restore_endpoints"),
			target("BackupDataStale", "t5"),
			target("BackupDataStale", "t5-other")},
		{"the fast burn covers the slow burn of its tenant",
			map[string]string{"alertname": "BackupSLOBudgetBurnFast", "tenant": "acme", "severity": "critical"},
			map[string]string{"alertname": "BackupSLOBudgetBurnSlow", "tenant": "acme", "severity": "warning"},
			map[string]string{"alertname": "BackupSLOBudgetBurnSlow", "tenant": "globex", "severity": "warning"}},
		{"a nearly full scope needs no forecast",
			target("BackupStorageNearLimit", "t6", "scope", "business_unit", "scope_id", "7"),
			target("BackupStorageFillingUp", "t6", "scope", "business_unit", "scope_id", "7"),
			target("BackupStorageFillingUp", "t6", "scope", "business_unit", "scope_id", "8")},
		{"a full scope covers its near-limit ticket",
			target("BackupStorageFull", "t7", "scope", "business_unit", "scope_id", "7"),
			target("BackupStorageNearLimit", "t7", "scope", "business_unit", "scope_id", "7"),
			target("BackupStorageNearLimit", "t7", "scope", "business_unit", "scope_id", "8")},
		{"an asset out of RPO covers its failed runs",
			target("BackupRPOViolated", "t8", "asset_id", "vol-1", "tenant", "acme"),
			target("BackupLastRunFailed", "t8", "asset_id", "vol-1", "tenant", "acme", "status", "failed"),
			target("BackupLastRunFailed", "t8", "asset_id", "vol-2", "tenant", "acme", "status", "failed")},
		{"many failed restores cover each one",
			target("BackupJobFailureRatioHigh", "t9", "job_type", "restore"),
			target("BackupRestoreFailed", "t9"),
			target("BackupRestoreFailed", "t9-other")},
	}
	var posted []amAlert
	for _, tc := range tests {
		for _, l := range []map[string]string{tc.cause, tc.inhibited, tc.unrelated} {
			posted = append(posted, amAlert{Labels: l})
		}
	}
	body, err := json.Marshal(posted)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+addr+"/api/v2/alerts", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v2/alerts: %s", resp.Status)
	}

	// Inhibition is computed when the alerts are read; poll until every
	// posted alert is back.
	var got []amAlert
	deadline := time.Now().Add(10 * time.Second)
	for {
		got = nil
		if err := json.Unmarshal(get(t, "http://"+addr+"/api/v2/alerts", nil), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) == len(posted) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	suppressed := func(l map[string]string) (bool, bool) {
		for _, a := range got {
			if sameLabels(a.Labels, l) {
				return a.Status != nil && len(a.Status.InhibitedBy) > 0, true
			}
		}
		return false, false
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				labels map[string]string
				want   bool
				what   string
			}{{tc.cause, false, "cause"}, {tc.inhibited, true, "consequence"}, {tc.unrelated, false, "unrelated alert"}} {
				inhibited, found := suppressed(c.labels)
				if !found {
					t.Fatalf("%s %v not in Alertmanager", c.what, c.labels)
				}
				if inhibited != c.want {
					t.Errorf("%s %v: inhibited = %v, want %v", c.what, c.labels, inhibited, c.want)
				}
			}
		})
	}
}

// sameLabels holds when a and b have the same label set.
func sameLabels(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

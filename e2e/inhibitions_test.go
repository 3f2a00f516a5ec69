//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// amAlert is one alert as Alertmanager's API v2 takes and gives it.
type amAlert struct {
	Labels map[string]string `json:"labels"`
	Status *struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status,omitempty"`
}

// inhibition is one inhibition the example configuration must have: while
// cause fires, each of consequences with the same equal labels is muted.
type inhibition struct {
	why          string
	cause        string
	causeLabels  map[string]string // the cause's matchers besides its name
	consequences []string
	equal        []string
}

// inhibitions are every inhibition of alerts/alertmanager.example.yml, each
// with the reason it exists. TestExampleInhibitions fails when the example
// has one that is not here, or lacks one that is.
var inhibitions = []inhibition{
	{why: "refused credentials explain a target down",
		cause: "BackupAuthFailing", consequences: []string{"BackupTargetDown"}, equal: []string{"target", "vendor"}},
	{why: "a target whose assets cannot be read: what is read from its stale data follows",
		cause: "BackupTargetDown", equal: []string{"target", "vendor"}, consequences: []string{
			"BackupDataStale", "BackupCollectorFailing", "BackupRefreshesFailing", "BackupInventoryCollapsed",
			"BackupRPOViolated", "BackupNeverSucceeded", "BackupLastRunFailed", "BackupLastRunWarning",
			"BackupProtectionLost", "BackupAgentNotSeen", "BackupSizeAnomaly", "BackupRestoreNotTested",
			"BackupAssetsRPOViolated", "BackupNoJobsFinished", "BackupJobFailureRatioHigh", "BackupRestoreFailed", "BackupAssetDataStale"}},
	{why: "a failing part makes the snapshot it is part of stale",
		cause: "BackupCollectorFailing", consequences: []string{"BackupDataStale"}, equal: []string{"target", "vendor"}},
	{why: "a target whose data is stale as a whole: its assets' stale state is the same news",
		cause: "BackupDataStale", consequences: []string{"BackupAssetDataStale"}, equal: []string{"target", "vendor"}},
	{why: "the fast burn's page covers the slow burn's ticket of its tenant",
		cause: "BackupSLOBudgetBurnFast", consequences: []string{"BackupSLOBudgetBurnSlow"}, equal: []string{"tenant"}},
	{why: "a full scope needs neither its near-limit ticket nor a forecast",
		cause: "BackupStorageFull", consequences: []string{"BackupStorageNearLimit", "BackupStorageFillingUp"},
		equal: []string{"target", "vendor", "scope", "scope_id"}},
	{why: "a nearly full scope needs no forecast",
		cause: "BackupStorageNearLimit", consequences: []string{"BackupStorageFillingUp"},
		equal: []string{"target", "vendor", "scope", "scope_id"}},
	{why: "an asset out of RPO: its failed or warning runs are the detail",
		cause: "BackupRPOViolated", consequences: []string{"BackupLastRunFailed", "BackupLastRunWarning"},
		equal: []string{"target", "vendor", "asset_id"}},
	{why: "many failed restores cover each one",
		cause: "BackupJobFailureRatioHigh", causeLabels: map[string]string{"job_type": "restore"},
		consequences: []string{"BackupRestoreFailed"}, equal: []string{"target", "vendor"}},
	{why: "every exporter of the job down: its targets are not served, of course",
		cause: "BackupExporterDown", consequences: []string{"BackupTargetVanished"}, equal: []string{"job"}},
}

// TestExampleInhibitions loads alerts/alertmanager.example.yml into a real
// Alertmanager and shows each of its inhibitions at work: every consequence
// is muted beside its cause, and stays active beside a cause that differs
// in any one of the equal labels (another target, tenant, vendor, scope or
// asset) or in any other matcher of the cause (a failure ratio of backups,
// not restores). The inhibitions are those of the table above, no more and
// no fewer. `amtool check-config` checks the same file in make test
// (alerts/alertmanager_test.go).
func TestExampleInhibitions(t *testing.T) {
	example, err := os.ReadFile(filepath.Join(repoRoot, "alerts", "alertmanager.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	checkInhibitionsListed(t, example)

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

	// Each pair of cause and consequence gets label values of its own, so
	// that no pair's cause mutes another's consequence.
	type check struct {
		name   string
		labels map[string]string
		muted  bool
	}
	var checks []check
	var posted []amAlert
	add := func(name string, l map[string]string, muted bool) {
		checks = append(checks, check{name, l, muted})
		posted = append(posted, amAlert{Labels: l})
	}
	n := 0
	for _, in := range inhibitions {
		for _, cons := range in.consequences {
			n++
			pair := in.cause + " mutes " + cons
			shared := map[string]string{}
			for _, k := range in.equal {
				shared[k] = fmt.Sprintf("%s-%d", k, n)
			}
			cause := withLabels(shared, in.causeLabels, map[string]string{"alertname": in.cause})
			add(pair+": the cause", cause, false)
			add(pair+": the consequence", withLabels(shared, map[string]string{"alertname": cons}), true)
			for _, k := range in.equal {
				other := withLabels(shared, map[string]string{"alertname": cons, k: shared[k] + "-other"})
				add(pair+": the consequence with another "+k, other, false)
			}
			// A cause that differs in another matcher mutes nothing: its
			// own consequence, in a namespace of its own, stays active.
			for k := range in.causeLabels {
				n++
				own := map[string]string{}
				for _, e := range in.equal {
					own[e] = fmt.Sprintf("%s-%d", e, n)
				}
				add(pair+": a cause with another "+k, withLabels(own, in.causeLabels, map[string]string{"alertname": in.cause, k: "not-" + in.causeLabels[k]}), false)
				add(pair+": the consequence of a cause with another "+k, withLabels(own, map[string]string{"alertname": cons}), false)
			}
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

	// Alertmanager's inhibitor takes in the posted alerts in the
	// background, in the order posted: poll until every alert is back and
	// every consequence is muted (or the deadline passes), then judge them
	// all on that one read, when every cause has been taken in.
	judge := func(got []amAlert) (errs []string) {
		for _, c := range checks {
			found := false
			for _, a := range got {
				if sameLabels(a.Labels, c.labels) {
					found = true
					if muted := a.Status != nil && len(a.Status.InhibitedBy) > 0; muted != c.muted {
						errs = append(errs, fmt.Sprintf("%s %v: inhibited = %v, want %v", c.name, c.labels, muted, c.muted))
					}
				}
			}
			if !found {
				errs = append(errs, fmt.Sprintf("%s %v is not in Alertmanager", c.name, c.labels))
			}
		}
		return errs
	}
	var errs []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []amAlert
		if err := json.Unmarshal(get(t, "http://"+addr+"/api/v2/alerts", nil), &got); err != nil {
			t.Fatal(err)
		}
		errs = judge(got)
		if len(errs) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, e := range errs {
		t.Error(e)
	}
}

// checkInhibitionsListed fails the test unless the example's inhibit_rules
// are exactly the table's: the same causes (and their other matchers), the
// same consequences and the same equal labels.
func checkInhibitionsListed(t *testing.T, example []byte) {
	t.Helper()
	var cfg struct {
		InhibitRules []struct {
			SourceMatchers []string `yaml:"source_matchers"`
			TargetMatchers []string `yaml:"target_matchers"`
			Equal          []string `yaml:"equal"`
		} `yaml:"inhibit_rules"`
	}
	if err := yaml.Unmarshal(example, &cfg); err != nil {
		t.Fatal(err)
	}
	matcher := regexp.MustCompile(`^\s*([a-z_]+)\s*(=~?)\s*"([^"]*)"\s*$`)
	// describe names one inhibition of a cause and a consequence.
	describe := func(cause, consequence string, causeLabels map[string]string, equal []string) string {
		var extra []string
		for k, v := range causeLabels {
			extra = append(extra, k+"="+v)
		}
		sort.Strings(extra)
		eq := append([]string(nil), equal...)
		sort.Strings(eq)
		return fmt.Sprintf("%s%v mutes %s on %v", cause, extra, consequence, eq)
	}
	inExample := map[string]bool{}
	for i, r := range cfg.InhibitRules {
		var causes, consequences []string
		causeLabels := map[string]string{}
		for _, m := range r.SourceMatchers {
			sub := matcher.FindStringSubmatch(m)
			switch {
			case sub == nil:
				t.Fatalf("inhibit_rules[%d]: source matcher %q is not name=\"value\" or name=~\"a|b\"", i, m)
			case sub[1] == "alertname":
				causes = strings.Split(sub[3], "|")
			default:
				causeLabels[sub[1]] = sub[3]
			}
		}
		for _, m := range r.TargetMatchers {
			sub := matcher.FindStringSubmatch(m)
			if sub == nil || sub[1] != "alertname" {
				t.Fatalf("inhibit_rules[%d]: target matcher %q is not on alertname", i, m)
			}
			consequences = strings.Split(sub[3], "|")
		}
		for _, c := range causes {
			for _, q := range consequences {
				inExample[describe(c, q, causeLabels, r.Equal)] = true
			}
		}
	}
	inTable := map[string]bool{}
	for _, in := range inhibitions {
		for _, q := range in.consequences {
			inTable[describe(in.cause, q, in.causeLabels, in.equal)] = true
		}
	}
	for d := range inExample {
		if !inTable[d] {
			t.Errorf("the example has an inhibition this test does not list: %s", d)
		}
	}
	for d := range inTable {
		if !inExample[d] {
			t.Errorf("the example lacks an inhibition this test lists: %s", d)
		}
	}
}

// withLabels merges label sets, later ones winning.
func withLabels(sets ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
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

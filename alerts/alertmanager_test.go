package alerts

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/backup-exporter/backup_exporter/internal/tooltest"
)

const alertmanagerExample = "alertmanager.example.yml"

func TestAlertmanagerExampleIsValid(t *testing.T) {
	tooltest.Run(t, "amtool", "check-config", alertmanagerExample)
}

// TestAlertmanagerExampleRoutes proves that the sample routes send each
// kind of alert where alerts/README.md says.
func TestAlertmanagerExampleRoutes(t *testing.T) {
	tests := []struct {
		name     string
		labels   []string
		receiver string
	}{
		{"a tenant's fast SLO burn pages its team",
			[]string{"alertname=BackupSLOBudgetBurnFast", "severity=critical", "tenant=finance"}, "finance-pager"},
		{"a tenant's late asset opens its team's ticket",
			[]string{"alertname=BackupRPOViolated", "severity=warning", "tenant=finance"}, "finance-tickets"},
		{"a tenant's warning opens its team's ticket",
			[]string{"alertname=BackupLastRunFailed", "severity=warning", "tenant=finance"}, "finance-tickets"},
		{"tenants grouped by regex",
			[]string{"alertname=BackupAgentNotSeen", "severity=warning", "tenant=globex"}, "customers-tickets"},
		{"an unrouted tenant's critical alert pages the backup team",
			[]string{"alertname=BackupSLOBudgetBurnFast", "severity=critical", "tenant=sales"}, "backup-pager"},
		{"an unrouted tenant's late asset is a ticket for the backup team",
			[]string{"alertname=BackupRPOViolated", "severity=warning", "tenant=sales"}, "backup-tickets"},
		{"a target alert has no tenant",
			[]string{"alertname=BackupTargetDown", "severity=critical", "target=clumio-us"}, "backup-pager"},
		{"warnings without a tenant open a ticket",
			[]string{"alertname=BackupStorageNearLimit", "severity=warning"}, "backup-tickets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"config", "routes", "test", "--config.file=" + alertmanagerExample,
				"--verify.receivers=" + tt.receiver}, tt.labels...)
			tooltest.Run(t, "amtool", args...)
		})
	}
}

// TestInhibitionsNameRealAlerts proves that every alert name an inhibition
// of the sample configuration matches is an alert of the rule file: a
// renamed alert must not leave an inhibition that never applies.
func TestInhibitionsNameRealAlerts(t *testing.T) {
	data, err := os.ReadFile(alertmanagerExample)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		InhibitRules []struct {
			SourceMatchers []string `yaml:"source_matchers"`
			TargetMatchers []string `yaml:"target_matchers"`
		} `yaml:"inhibit_rules"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range rules {
		known[r.Alert] = true
	}
	alertname := regexp.MustCompile(`^alertname=~?"([^"]+)"$`)
	named := 0
	for i, ir := range cfg.InhibitRules {
		for _, m := range append(ir.SourceMatchers, ir.TargetMatchers...) {
			sub := alertname.FindStringSubmatch(m)
			if sub == nil {
				continue
			}
			for _, name := range strings.Split(sub[1], "|") {
				named++
				if !known[name] {
					t.Errorf("inhibit_rules[%d] matches alert %q, which the rules do not define", i, name)
				}
			}
		}
	}
	if named == 0 {
		t.Fatal("no inhibition names an alert: the test proves nothing")
	}
}

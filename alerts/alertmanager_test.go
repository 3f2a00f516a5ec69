package alerts

import (
	"testing"

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
		{"a tenant's critical asset alert pages its team",
			[]string{"alertname=BackupRPOViolated", "severity=critical", "tenant=finance"}, "finance-pager"},
		{"a tenant's warning opens its team's ticket",
			[]string{"alertname=BackupLastRunFailed", "severity=warning", "tenant=finance"}, "finance-tickets"},
		{"tenants grouped by regex",
			[]string{"alertname=BackupAgentNotSeen", "severity=warning", "tenant=globex"}, "customers-tickets"},
		{"an unrouted tenant's critical alert pages the backup team",
			[]string{"alertname=BackupRPOViolated", "severity=critical", "tenant=sales"}, "backup-pager"},
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

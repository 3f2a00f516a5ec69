package cloutility

import (
	"github.com/backup-exporter/backup_exporter/backup"
)

// The vendor-only metrics, exported as backup_cloutility_<Name>.
var (
	nodeReportStatusSpec = backup.MetricSpec{
		Name:   "node_report_status",
		Help:   "Status of the consumer's latest node report, as a state set: ok, ok_with_warnings, warning, error, ignored, pending.",
		Type:   backup.Gauge,
		Labels: []string{"asset_id", "status"},
	}
	transferredBytesSpec = backup.MetricSpec{
		Name:   "transferred_bytes",
		Help:   "Bytes transferred on the day of the consumer's latest node report, by direction (backup, restore).",
		Type:   backup.Gauge,
		Labels: []string{"asset_id", "direction"},
	}
	clientInfoSpec = backup.MetricSpec{
		Name:   "node_client_info",
		Help:   "The Storage Protect client version of the consumer's node (node tsmClientVersion.name), value 1: join it on asset_id to list outdated clients.",
		Type:   backup.Gauge,
		Labels: []string{"asset_id", "version"},
	}
	nodeLimitSpec = backup.MetricSpec{
		Name:   "business_unit_node_limit",
		Help:   "Nodes the business unit may have (its nodeLimit), only where one is set; business_unit_id joins backup_storage_limit_bytes{scope=\"business_unit\",scope_id=…}.",
		Type:   backup.Gauge,
		Labels: []string{"business_unit_id"},
	}
	activeNodesSpec = backup.MetricSpec{
		Name:   "business_unit_nodes",
		Help:   "Active nodes (neither locked nor decommissioned) of the business unit and its descendants, the use of its nodeLimit.",
		Type:   backup.Gauge,
		Labels: []string{"business_unit_id"},
	}
	transferLimitSpec = backup.MetricSpec{
		Name:   "business_unit_transfer_limit_bytes",
		Help:   "The business unit's transferLimit in bytes (GB read as GiB), only where one is set; its period is not documented.",
		Type:   backup.Gauge,
		Labels: []string{"business_unit_id"},
	}
	dayTransferredSpec = backup.MetricSpec{
		Name:   "business_unit_transferred_bytes",
		Help:   "Bytes the business unit and its descendants transferred on the day of their consumers' latest node reports (sum of transferredMegaBytes, MB read as MiB).",
		Type:   backup.Gauge,
		Labels: []string{"business_unit_id"},
	}
	tokenRefreshesSpec = backup.MetricSpec{
		Name: "token_refreshes_total",
		Help: "Access tokens renewed with the refresh-token grant.",
		Type: backup.Counter,
	}
	loginsSpec = backup.MetricSpec{
		Name:   "logins_total",
		Help:   "Password logins to the OAuth endpoint, by result (success, error).",
		Type:   backup.Counter,
		Labels: []string{"result"},
	}
)

// reportSamples are the vendor-only samples of one consumer's report.
func reportSamples(assetID string, rep *nodeReport) []backup.Sample {
	var out []backup.Sample
	if status, ok := errorStatus(rep.Status); ok {
		for i, name := range errorStatusNames {
			v := 0.0
			if ErrorStatus(i) == status {
				v = 1
			}
			out = append(out, backup.Sample{Spec: &nodeReportStatusSpec, LabelValues: []string{assetID, name}, Value: v})
		}
	}
	for _, d := range []struct {
		direction string
		mb        *float64
	}{{"backup", rep.TransferredBackupMegaBytes}, {"restore", rep.TransferredRestoreMegaBytes}} {
		if d.mb != nil {
			out = append(out, backup.Sample{Spec: &transferredBytesSpec, LabelValues: []string{assetID, d.direction}, Value: *d.mb * MiB})
		}
	}
	return out
}

// samples are the session's cumulative counters.
func (s *session) samples() []backup.Sample {
	return []backup.Sample{
		{Spec: &tokenRefreshesSpec, Value: float64(s.refreshes.Load())},
		{Spec: &loginsSpec, LabelValues: []string{"success"}, Value: float64(s.loginsOK.Load())},
		{Spec: &loginsSpec, LabelValues: []string{"error"}, Value: float64(s.loginsError.Load())},
	}
}

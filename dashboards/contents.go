package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// perAsset joins a per-asset expression with backup_asset_info and keeps the
// per-asset table's columns (assetColumns), so that the table's merge joins
// the rows of its queries.
func perAsset(expr string) string {
	return "max by (" + assetColumns + ") (\n" + withInfo(expr, selTenant) + "\n)"
}

// backupContents adds the overview's "Backup contents and restore window"
// row: what "successful" backups left out or flagged, how far back each asset
// can be restored against its retention, and the backup clients' versions.
func backupContents(b *dashboard.DashboardBuilder) *dashboard.DashboardBuilder {
	countColumn := []dashboard.DynamicConfigValue{{Id: "unit", Value: units.Short}}
	return b.WithRow(dashboard.NewRowBuilder("Backup contents and restore window")).
		WithPanel(build(newTable(), panel{
			title: "Partial and malicious backups",
			description: "Assets whose latest backup failed, missed or flagged objects, even where it counts as a success: failed and missing objects (Clumio protection groups, Cloutility failedFiles), " +
				"malicious objects (Clumio; BackupMaliciousObjects pages), and the partial backups in a row (two or more fire BackupPartialBackups).",
			unit: units.Short, w: 24, h: 8,
			queries: []query{
				{expr: perAsset(`backup_asset_last_backup_failed_objects{` + selTarget + `} > 0`), instant: true, table: true},
				{expr: perAsset(`backup_asset_last_backup_missing_objects{` + selTarget + `} > 0`), instant: true, table: true},
				{expr: perAsset(`backup_asset_last_backup_malicious_objects{` + selTarget + `} > 0`), instant: true, table: true},
				{expr: perAsset(`backup_asset_partial_backups_in_a_row{` + selTarget + `} > 0`), instant: true, table: true},
			},
		}).
			WithTransformation(mergeQueries).
			WithTransformation(layout{rename: map[string]any{"Value #A": "Failed objects", "Value #B": "Missing objects", "Value #C": "Malicious objects", "Value #D": "Partial in a row"}}.organize())).
		WithPanel(build(newTable(), panel{
			title: "Restore window against retention",
			description: "How far back each asset can be restored (now minus its oldest restore point: Clumio protection groups) beside the retention its policy promises (Clumio slas[].retention_duration, Cloutility domain backupRetention), shortest window first. " +
				"A window shorter than the retention by more than one RPO, while backups keep expiring, fires BackupRestoreWindowShort.",
			unit: units.Seconds, w: 24, h: 8,
			queries: []query{
				{expr: perAsset(`time() - backup_asset_oldest_restore_point_timestamp_seconds{` + selTarget + `}`), instant: true, table: true},
				{expr: perAsset(`backup_asset_retention_seconds{` + selTarget + `}`), instant: true, table: true},
			},
		}).
			WithTransformation(mergeQueries).
			WithTransformation(layout{rename: map[string]any{"Value #A": "Restore window", "Value #B": "Retention"}}.organize()).
			WithTransformation(dashboard.DataTransformerConfig{Id: "sortBy", Options: map[string]any{
				"sort": []map[string]any{{"field": "Restore window"}},
			}})).
		WithPanel(build(newTable(), panel{
			title: "Backup client versions",
			description: "The Storage Protect client version of each Cloutility node (tsmClientVersion), oldest version first, so that outdated clients head the list; " +
				"and how many nodes run each version.",
			unit: units.Short, w: 24, h: 8,
			queries: []query{
				{expr: "max by (target, tenant, asset, version) (\n" + withInfo(`backup_cloutility_node_client_info{`+selTarget+`}`, selTenant) + "\n)", instant: true, table: true},
				{expr: `count by (target, version) (backup_cloutility_node_client_info{` + selTarget + `})`, instant: true, table: true},
			},
		}).
			OverrideByQuery("B", countColumn).
			WithTransformation(mergeQueries).
			WithTransformation(layout{hide: []string{"Value #A"}, rename: map[string]any{"Value #B": "Nodes on this version"}}.organize()).
			WithTransformation(dashboard.DataTransformerConfig{Id: "sortBy", Options: map[string]any{
				"sort": []map[string]any{{"field": "version"}},
			}}))
}

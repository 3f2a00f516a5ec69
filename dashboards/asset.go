package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// assetSeries is a per-asset metric of the chosen asset, with the asset's
// tenant, name and type joined in.
func assetSeries(expr string) string {
	return withInfo(expr, selAsset)
}

// assetDetail is one asset's history.
func assetDetail() *dashboard.DashboardBuilder {
	return newDashboard("backup-asset-detail", "Backup asset detail",
		"One asset's backup history from backup_exporter: last success against its RPO, status, size, duration and agent check-ins.", true).
		WithRow(dashboard.NewRowBuilder("Now")).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Last success",
			description: "Time since the end of the asset's latest successful backup. No value: it never succeeded within the exporter's history window." + hiddenAssets,
			unit:        units.Seconds, w: 6, h: 5,
			queries: []query{{expr: `asset:backup_asset_last_success_age_seconds{` + selAsset + `}`, legend: "{{target}} {{asset_id}}", instant: true}},
		}).NoValue("never")).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "RPO",
			description: "The recovery point objective that applies to the asset: the vendor's policy, or rpo / rpo_overrides of exporter.yml." + hiddenAssets,
			unit:        units.Seconds, w: 6, h: 5,
			queries: []query{{expr: assetSeries(`backup_asset_rpo_seconds{` + selTarget + `}`), legend: "{{target}} {{asset_id}}", instant: true}},
		})).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Last status",
			description: "Normalised status of the asset's latest attempt." + hiddenAssets,
			unit:        units.NoUnit, w: 6, h: 5,
			queries: []query{{expr: `asset:backup_asset_last_status:info{` + selAsset + `}`, legend: "{{status}}", instant: true}},
		}).TextMode(common.BigValueTextModeName)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Protection",
			description: "Whether a policy, schedule or active node covers the asset. Alerts ignore unprotected assets." + hiddenAssets,
			unit:        units.NoUnit, w: 6, h: 5,
			queries: []query{{expr: assetSeries(`backup_asset_protected{` + selTarget + `}`), legend: "{{asset_id}}", instant: true}},
		}).Mappings(valueText(map[string][2]string{"0": {"unprotected", "orange"}, "1": {"protected", "green"}}))).
		WithRow(dashboard.NewRowBuilder("History")).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Last success and attempt against RPO",
			description: "Age of the latest successful backup and of the latest attempt, against the RPO (dashed). BackupRPOViolated fires when the success age passes the RPO." + hiddenAssets,
			unit:        units.Seconds, w: 24, h: 8,
			queries: []query{
				{expr: `asset:backup_asset_last_success_age_seconds{` + selAsset + `}`, legend: "{{asset_id}} last success"},
				{expr: assetSeries(`time() - backup_asset_last_attempt_timestamp_seconds{` + selTarget + `}`), legend: "{{asset_id}} last attempt"},
				{expr: assetSeries(`backup_asset_rpo_seconds{` + selTarget + `}`), legend: "{{asset_id}} RPO"},
			},
		}).OverrideByQuery("C", []dashboard.DynamicConfigValue{
			{Id: "custom.lineStyle", Value: map[string]any{"fill": "dash", "dash": []int{10, 10}}},
		})).
		WithPanel(build(statetimeline.NewPanelBuilder(), panel{
			title:       "Status history",
			description: "The status of the latest attempt over time: one row per status, filled while it was the current one." + hiddenAssets,
			unit:        units.NoUnit, w: 24, h: 6,
			queries: []query{{expr: `asset:backup_asset_last_status:info{` + selAsset + `}`, legend: "{{status}}"}},
		}).Mappings(valueText(map[string][2]string{"1": {"current", "blue"}}))).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Stored size",
			description: "Data stored for the asset, where the vendor reports it." + hiddenAssets,
			unit:        units.BytesIEC, w: 8, h: 8,
			queries: []query{{expr: assetSeries(`backup_asset_size_bytes{` + selTarget + `}`), legend: "{{asset_id}}"}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Duration of the latest attempt",
			description: "How long the latest finished attempt took." + hiddenAssets,
			unit:        units.Seconds, w: 8, h: 8,
			queries: []query{{expr: assetSeries(`backup_asset_last_duration_seconds{` + selTarget + `}`), legend: "{{asset_id}}"}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Bytes moved by the latest attempt",
			description: "Bytes the latest finished attempt transferred; for Cloutility nodes also the transfer counters by direction." + hiddenAssets,
			unit:        units.BytesIEC, w: 8, h: 8,
			queries: []query{
				{expr: assetSeries(`backup_asset_last_transferred_bytes{` + selTarget + `}`), legend: "{{asset_id}} latest attempt"},
				{expr: assetSeries(`backup_cloutility_transferred_bytes{` + selTarget + `}`), legend: "{{asset_id}} {{direction}}"},
			},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Time since the agent checked in",
			description: "Time since the asset's agent or node last checked in with the vendor (CleverFox devices, Cloutility nodes). BackupAgentNotSeen fires past 2 days." + hiddenAssets,
			unit:        units.Seconds, w: 12, h: 8,
			queries: []query{{expr: assetSeries(`time() - backup_asset_last_seen_timestamp_seconds{` + selTarget + `}`), legend: "{{asset_id}}"}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Jobs of the asset's target",
			description: "Finished jobs per hour on the target(s) the asset belongs to, by type and status; jobs are not kept per asset.",
			unit:        "suffix: jobs/h", w: 12, h: 8,
			queries: []query{{expr: jobsPerHour, legend: "{{job_type}} {{status}}"}},
		}).DrawStyle(common.GraphDrawStyleBars).FillOpacity(80).
			Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)))
}

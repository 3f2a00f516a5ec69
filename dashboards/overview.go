package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// problemAssets selects the protected assets that are out of RPO (never
// succeeded included) or whose latest attempt failed or was missed.
const problemAssets = `(
  asset:backup_asset_rpo_compliant:bool{` + selTenant + `} == 0
  or on (` + assetKey + `)
  (
    asset:backup_asset_last_status:info{` + selTenant + `, status=~"failed|missed"}
    and on (` + assetKey + `)
    asset:backup_asset_rpo_compliant:bool{` + selTenant + `}
  )
)`

// assetColumns are the labels of the failing-assets table. Both of its
// queries aggregate to them, which drops the series names (and merges the
// replicas of an HA pair) so that the table's merge joins their rows.
const assetColumns = "tenant, asset, asset_type, target, vendor, asset_id"

// assetDetailLink opens the Asset detail dashboard on a row's asset, keeping
// the data source and the time range.
const assetDetailLink = "/d/backup-asset-detail/backup-asset-detail?${__url_time_range}&${datasource:queryparam}" +
	"&var-vendor=${__data.fields.vendor}&var-target=${__data.fields.target}" +
	"&var-tenant=${__data.fields.tenant}&var-asset=${__value.raw}"

// overview is the fleet view: health across vendors, targets and tenants.
func overview() *dashboard.DashboardBuilder {
	return backupContents(restoreReadiness(newDashboard("backup-overview", "Backup overview",
		"Backup health across vendors, targets and tenants, from backup_exporter. Needs the recording rules of alerts/backup_exporter.rules.yml.", false).
		WithRow(dashboard.NewRowBuilder("Fleet")).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "RPO compliance",
			description: "Share of protected assets whose last successful backup was within their RPO at the latest refresh. An asset that never succeeded counts as out of RPO. From the fleet summary: every asset_metrics mode.",
			unit:        units.PercentUnit, w: 6, h: 5,
			queries: []query{{expr: `1 - sum(backup_assets_rpo_violated{` + selTenant + `}) / sum(backup_assets_protected{` + selTenant + `, protected="true"})`, instant: true}},
		}).Thresholds(thresholds("red", step(0.95, "orange"), step(0.99, "green"))).Min(0).Max(1).ColorMode(common.BigValueColorModeBackground)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Protected assets",
			description: "Assets that a policy, schedule or active node covers. From the fleet summary: every asset_metrics mode.",
			unit:        units.Short, w: 4, h: 5,
			queries: []query{{expr: `sum(backup_assets_protected{` + selTenant + `, protected="true"}) or vector(0)`, instant: true}},
		})).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Out of RPO",
			description: "Protected assets whose last success was older than their RPO at the latest refresh, or that never succeeded (BackupRPOViolated, BackupNeverSucceeded, BackupAssetsRPOViolated). From the fleet summary: every asset_metrics mode.",
			unit:        units.Short, w: 4, h: 5,
			queries: []query{{expr: `sum(backup_assets_rpo_violated{` + selTenant + `}) or vector(0)`, instant: true}},
		}).Thresholds(thresholds("green", step(1, "red"))).ColorMode(common.BigValueColorModeBackground)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Latest run failed",
			description: "Assets, protected or not, whose latest attempt failed or was missed (BackupLastRunFailed fires for the protected ones). From the fleet summary: every asset_metrics mode.",
			unit:        units.Short, w: 4, h: 5,
			queries: []query{{expr: `sum(backup_assets{` + selTenant + `, status=~"failed|missed"}) or vector(0)`, instant: true}},
		}).Thresholds(thresholds("green", step(1, "orange"))).ColorMode(common.BigValueColorModeBackground)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Targets down",
			description: "Targets whose latest refresh could not read their assets (backup_up 0, BackupTargetDown); a failing optional part shows in backup_collector_success instead.",
			unit:        units.Short, w: 3, h: 5,
			queries: []query{{expr: `count(backup_up{` + selTarget + `} == 0) or vector(0)`, instant: true}},
		}).Thresholds(thresholds("green", step(1, "red"))).ColorMode(common.BigValueColorModeBackground)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Critical vendor alerts",
			description: "Active alerts of severity critical or error that the vendors report, each vendor's failures (BackupVendorCriticalAlert).",
			unit:        units.Short, w: 3, h: 5,
			queries: []query{{expr: `sum(backup_alerts_active{` + selTarget + `, severity=~"critical|error"}) or vector(0)`, instant: true}},
		}).Thresholds(thresholds("green", step(1, "red"))).ColorMode(common.BigValueColorModeBackground)).
		WithPanel(build(bargauge.NewPanelBuilder(), panel{
			title:       "Assets by last status",
			description: "Assets (protected or not) by the normalised status of their latest attempt; unknown: none reported. From the fleet summary: every asset_metrics mode.",
			unit:        units.Short, w: 8, h: 9,
			queries: []query{{expr: `sum by (status) (backup_assets{` + selTenant + `})`, legend: "{{status}}", instant: true}},
		}).Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeBasic)).
		WithPanel(build(newTable(), panel{
			title: "Assets out of RPO or failing",
			description: "Protected assets out of RPO or whose latest attempt failed or was missed, with their tenant and the age of their last success " +
				"(empty: never succeeded). Click an asset's name for its history in the Asset detail dashboard." + hiddenAssets,
			unit: units.Seconds, w: 16, h: 9,
			queries: []query{
				{expr: "max by (" + assetColumns + ") (\nasset:backup_asset_last_success_age_seconds{" + selTenant + "}\nand on (" + assetKey + ")\n" + problemAssets + "\n)", instant: true, table: true},
				{expr: "max by (" + assetColumns + ", status) (\nasset:backup_asset_last_status:info{" + selTenant + "}\nand on (" + assetKey + ")\n" + problemAssets + "\n)", instant: true, table: true},
			},
		}).
			WithTransformation(mergeQueries).
			WithTransformation(layout{hide: []string{"Value #B"}, rename: map[string]any{"Value #A": "Last success age", "asset_type": "Type", "status": "Last status"}, order: map[string]any{
				"tenant": 0, "asset": 1, "asset_type": 2, "status": 3, "Value #A": 4, "target": 5, "vendor": 6, "asset_id": 7,
			}}.organize()).
			OverrideByName("asset", []dashboard.DynamicConfigValue{{Id: "links", Value: []map[string]any{{
				"title": "Asset detail",
				"url":   assetDetailLink,
			}}}}).
			SortBy([]cog.Builder[common.TableSortByFieldState]{
				common.NewTableSortByFieldStateBuilder().DisplayName("Last success age").Desc(true),
			})).
		WithRow(dashboard.NewRowBuilder("Jobs and storage")).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Job outcomes",
			description: "Finished jobs per hour by type and status. Jobs have no tenant: the tenant variable does not apply.",
			unit:        "suffix: jobs/h", w: 12, h: 8,
			queries: []query{{expr: jobsPerHour, legend: "{{job_type}} {{status}}"}},
		}).DrawStyle(common.GraphDrawStyleBars).FillOpacity(80).
			Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal))).
		WithPanel(build(bargauge.NewPanelBuilder(), panel{
			title:       "Storage used of limit",
			description: "Storage used as a share of the quota, for scopes that have one (BackupStorageNearLimit fires at 90 %). Storage has no tenant: the tenant variable does not apply.",
			unit:        units.PercentUnit, w: 12, h: 8,
			queries: []query{{
				expr:    `backup_storage_used_bytes{` + selTarget + `} / (backup_storage_limit_bytes{` + selTarget + `} > 0)`,
				legend:  "{{target}} {{scope}} {{scope_name}}",
				instant: true,
			}},
		}).Min(0).Max(1).Thresholds(thresholds("green", step(0.8, "orange"), step(0.9, "red"))).
			Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeGradient)).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Storage used against limits",
			description: "Storage used (solid) and the quota (dashed) by scope: business unit, consumer, subscription, protection group.",
			unit:        units.BytesIEC, w: 24, h: 8,
			queries: []query{
				{expr: `backup_storage_used_bytes{` + selTarget + `}`, legend: "{{target}} {{scope}} {{scope_name}} used"},
				{expr: `backup_storage_limit_bytes{` + selTarget + `}`, legend: "{{target}} {{scope}} {{scope_name}} limit"},
			},
		}).OverrideByQuery("B", []dashboard.DynamicConfigValue{
			{Id: "custom.lineStyle", Value: map[string]any{"fill": "dash", "dash": []int{10, 10}}},
		})).
		WithRow(dashboard.NewRowBuilder("Vendor alerts, monitors and targets")).
		WithPanel(build(newTable(), panel{
			title:       "Active vendor alerts",
			description: "Alerts and warnings the vendors report as active, by severity and type.",
			unit:        units.Short, w: 12, h: 8,
			queries: []query{{
				expr:    `sum by (target, vendor, severity, alert_type) (backup_alerts_active{` + selTarget + `}) > 0`,
				instant: true,
				table:   true,
			}},
		}).WithTransformation(layout{rename: map[string]any{"Value": "Active"}}.organize())).
		WithPanel(build(statetimeline.NewPanelBuilder(), panel{
			title:       "Monitor states",
			description: "State of each vendor monitor (CloverDX dashboard monitors) over time: passing, warning or failing.",
			unit:        units.NoUnit, w: 12, h: 8,
			queries: []query{{
				expr: `max by (target, monitor) (
  2 * backup_monitor_state{` + selTarget + `, state="failing"}
  or backup_monitor_state{` + selTarget + `, state="warning"}
)`,
				legend: "{{target}} {{monitor}}",
			}},
		}).Mappings(valueText(map[string][2]string{"0": {"passing", "green"}, "1": {"warning", "orange"}, "2": {"failing", "red"}}))).
		WithPanel(build(statetimeline.NewPanelBuilder(), panel{
			title:       "Target health",
			description: "backup_up of each target: up when its latest refresh read its assets. While a target has been down for 10 minutes its per-asset alerts are held back.",
			unit:        units.NoUnit, w: 12, h: 8,
			queries: []query{{expr: `backup_up{` + selTarget + `}`, legend: "{{target}}"}},
		}).Mappings(valueText(map[string][2]string{"0": {"down", "red"}, "1": {"up", "green"}}))).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Age of the data served",
			description: "How old each target's snapshot was when Prometheus scraped it, against 3 x its cache_ttl (dashed), past which BackupDataStale fires.",
			unit:        units.Seconds, w: 12, h: 8,
			queries: []query{
				{expr: `timestamp(backup_snapshot_timestamp_seconds{` + selTarget + `}) - backup_snapshot_timestamp_seconds{` + selTarget + `}`, legend: "{{target}}"},
				{expr: `3 * backup_cache_ttl_seconds{` + selTarget + `}`, legend: "{{target}} stale after"},
			},
		}).OverrideByQuery("B", []dashboard.DynamicConfigValue{
			{Id: "custom.lineStyle", Value: map[string]any{"fill": "dash", "dash": []int{10, 10}}},
		})).
		WithRow(dashboard.NewRowBuilder("Jobs in the lookback window")).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title: "Jobs finished in the window",
			description: "Jobs that ended within each target's lookback window (24 h by default), as the vendors report them (backup_jobs_recent): " +
				"right from an exporter's first refresh, and across restarts. Jobs have no tenant: the tenant variable does not apply.",
			unit: units.Short, w: 8, h: 4,
			queries: []query{{expr: "sum(" + jobsRecent("") + ") or vector(0)", instant: true}},
		})).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Jobs failed or missed in the window",
			description: "Jobs that ended failed or missed within each target's lookback window (24 h by default), from backup_jobs_recent.",
			unit:        units.Short, w: 8, h: 4,
			queries: []query{{expr: "sum(" + jobsRecent(`status=~"failed|missed"`) + ") or vector(0)", instant: true}},
		}).Thresholds(thresholds("green", step(1, "orange"))).ColorMode(common.BigValueColorModeBackground)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Failure ratio in the window",
			description: "Share of the jobs that ended within the lookback window that failed or were missed. BackupJobFailureRatioHigh fires above 20 % per target and job type, from 10 jobs.",
			unit:        units.PercentUnit, w: 8, h: 4,
			queries: []query{{expr: "sum(" + jobsRecent(`status=~"failed|missed"`) + ") / sum(" + jobsRecent("") + ")", instant: true}},
		}).Thresholds(thresholds("green", step(0.2, "red"))).Min(0).Max(1).ColorMode(common.BigValueColorModeBackground))))
}

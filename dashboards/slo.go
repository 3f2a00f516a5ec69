package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// selSLOTenant narrows the per-tenant SLO series, which carry the tenant
// alone: the job, vendor and target variables do not apply to them.
const selSLOTenant = `tenant=~"$tenant"`

// tenantOverviewLink opens the Backup overview on a row's tenant, keeping
// the data source and the time range.
const tenantOverviewLink = "/d/backup-overview/backup-overview?${__url_time_range}&${datasource:queryparam}&var-tenant=${__value.raw}"

// burnUnit shows a burn rate or a size ratio as a multiple.
const burnUnit = "suffix:×"

// burnRate is a tenant's burn rate over one window of the SLO rules: its
// error ratio there over the error budget.
func burnRate(window string) string {
	return "max by (tenant) (\ntenant:backup_slo_error_ratio:avg_over_time" + window + "{" + selSLOTenant + "}\n/\n" +
		"tenant:backup_slo_error_budget:ratio{" + selSLOTenant + "}\n)"
}

// sizeAnomalies are the assets whose latest backup is outside the
// thresholds of BackupSizeAnomaly, with their tenant, name and type. The
// ratio is recorded with `instance` aggregated away (a rollout keeps its
// baseline), so the asset's info is joined without it too.
const sizeAnomalies = `max by (tenant, asset, asset_type, measure, target, vendor, asset_id) (
  (asset:backup_asset_size_anomaly:ratio{` + selTarget + `} > 3 or asset:backup_asset_size_anomaly:ratio{` + selTarget + `} < 1/3)
  * on (job, target, vendor, asset_id) group_left (tenant, asset, asset_type)
  topk by (job, target, vendor, asset_id) (1, group without (instance) (backup_asset_info{` + selTenant + `}))
)`

// slo is the per-tenant backup SLO view: SLI, error budget and burn rates
// of each tenant, and the size anomalies.
func slo() *dashboard.DashboardBuilder {
	return newDashboard("backup-slo", "Backup SLOs",
		"Per-tenant backup SLOs (the share of protected assets within their RPO) with their 30-day error budgets and burn rates, and backups "+
			"whose size left their usual range. Needs the rules of alerts/backup_exporter.rules.yml; the objective is set there (README, \"Backup SLOs\").", false).
		WithRow(dashboard.NewRowBuilder("Tenants")).
		WithPanel(build(newTable(), panel{
			title: "Tenants by error budget left",
			description: "Each tenant with protected assets, the worst error budget first: the objective, the SLI now and over 30 days, the budget left over " +
				"30 days (below 0: overspent) and the burn rates over 1 hour, 6 hours and 3 days (1: the budget lasts exactly 30 days; " +
				"BackupSLOBudgetBurnFast pages at 14.4 over 1 h, BackupSLOBudgetBurnSlow opens a ticket at 6 over 6 h or 1 over 3 d). " +
				"Click a tenant for the Backup overview filtered to it. The job, vendor and target variables do not apply.",
			unit: units.PercentUnit, w: 24, h: 10,
			queries: []query{
				{expr: "max by (tenant) (tenant:backup_slo_error_budget_remaining:ratio{" + selSLOTenant + "})", instant: true, table: true},
				{expr: "max by (tenant) (tenant:backup_slo_objective:ratio{" + selSLOTenant + "})", instant: true, table: true},
				{expr: "max by (tenant) (tenant:backup_slo_sli:ratio{" + selSLOTenant + "})", instant: true, table: true},
				{expr: "1 - max by (tenant) (tenant:backup_slo_error_ratio:avg_over_time30d{" + selSLOTenant + "})", instant: true, table: true},
				{expr: burnRate("1h"), instant: true, table: true},
				{expr: burnRate("6h"), instant: true, table: true},
				{expr: burnRate("3d"), instant: true, table: true},
			},
		}).
			WithTransformation(mergeQueries).
			WithTransformation(layout{rename: map[string]any{
				"tenant": "Tenant", "Value #A": "Budget left (30 d)", "Value #B": "Objective", "Value #C": "SLI now", "Value #D": "SLI (30 d)",
				"Value #E": "Burn rate 1 h", "Value #F": "Burn rate 6 h", "Value #G": "Burn rate 3 d",
			}, order: map[string]any{
				"tenant": 0, "Value #A": 1, "Value #B": 2, "Value #C": 3, "Value #D": 4, "Value #E": 5, "Value #F": 6, "Value #G": 7,
			}}.organize()).
			OverrideByName("Tenant", []dashboard.DynamicConfigValue{{Id: "links", Value: []map[string]any{{
				"title": "Backup overview of this tenant",
				"url":   tenantOverviewLink,
			}}}}).
			OverrideByName("Budget left (30 d)", []dashboard.DynamicConfigValue{
				{Id: "custom.cellOptions", Value: map[string]any{"type": "color-background"}},
				{Id: "thresholds", Value: map[string]any{"mode": "absolute", "steps": []map[string]any{
					{"color": "red", "value": nil}, {"color": "orange", "value": 0}, {"color": "green", "value": 0.5},
				}}},
			}).
			OverrideByRegexp("Burn rate .*", []dashboard.DynamicConfigValue{{Id: "unit", Value: burnUnit}}).
			SortBy([]cog.Builder[common.TableSortByFieldState]{
				common.NewTableSortByFieldStateBuilder().DisplayName("Budget left (30 d)"),
			})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "SLI by tenant",
			description: "Share of each tenant's protected assets within their RPO, over time. A tenant's targets that are down are left out; a tenant without protected assets has no line.",
			unit:        units.PercentUnit, w: 12, h: 8,
			queries: []query{{expr: "tenant:backup_slo_sli:ratio{" + selSLOTenant + "}", legend: "{{tenant}}"}},
		}).Min(0).Max(1)).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Error budget left by tenant",
			description: "What is left of each tenant's 30-day error budget, over time: 100 % untouched, 0 spent, below 0 overspent.",
			unit:        units.PercentUnit, w: 12, h: 8,
			queries: []query{{expr: "tenant:backup_slo_error_budget_remaining:ratio{" + selSLOTenant + "}", legend: "{{tenant}}"}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "SLI by vendor",
			description: "Share of the protected assets within their RPO, per vendor across its targets and tenants, over time.",
			unit:        units.PercentUnit, w: 24, h: 7,
			queries: []query{{expr: `vendor:backup_slo_sli:ratio{vendor=~"$vendor"}`, legend: "{{vendor}}"}},
		}).Min(0).Max(1)).
		WithRow(dashboard.NewRowBuilder("Size anomalies")).
		WithPanel(build(newTable(), panel{
			title: "Size anomalies",
			description: "Assets whose latest backup is more than 3 times, or less than a third of, the median of its last 7 days (BackupSizeAnomaly): " +
				"`transferred` compares the bytes the latest backup moved, `stored` the data stored. Assets with less than 3 days of history have no baseline." +
				hiddenAssets,
			unit: burnUnit, w: 24, h: 8,
			queries: []query{{expr: sizeAnomalies, instant: true, table: true}},
		}).
			WithTransformation(layout{rename: map[string]any{"Value": "Latest / 7-day median", "asset_type": "Type"}, order: map[string]any{
				"tenant": 0, "asset": 1, "asset_type": 2, "measure": 3, "Value": 4, "target": 5, "vendor": 6, "asset_id": 7,
			}}.organize()).
			OverrideByName("asset", []dashboard.DynamicConfigValue{{Id: "links", Value: []map[string]any{{
				"title": "Asset detail",
				"url":   assetDetailLink,
			}}}}).
			SortBy([]cog.Builder[common.TableSortByFieldState]{
				common.NewTableSortByFieldStateBuilder().DisplayName("Latest / 7-day median").Desc(true),
			}))
}

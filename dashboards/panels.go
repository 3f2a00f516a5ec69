package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Label selectors shared by the queries. Every multi-value variable has the
// All value ".*", so the regex matchers also match targets added later.
const (
	// selTarget narrows a series that has target and vendor labels.
	selTarget = `job=~"$job", vendor=~"$vendor", target=~"$target"`
	// selTenant narrows a series that also has tenant (the recorded
	// asset:… series and backup_asset_info).
	selTenant = selTarget + `, tenant=~"$tenant"`
	// selAsset narrows to the asset chosen on the Asset detail dashboard.
	selAsset = selTenant + `, asset=~"${asset:regex}"`
	// assetKey is the label set that identifies one asset of one scrape.
	assetKey = "job, instance, target, vendor, asset_id"
)

// hiddenAssets ends the description of every panel that reads per-asset
// series: the asset_metrics modes other than full leave some or all of them
// out (README, "asset_metrics").
const hiddenAssets = " Per-asset panel: a target with asset_metrics: unhealthy serves per-asset series only for assets that are not fine " +
	"(healthy ones are missing here), one with asset_metrics: summary none at all; the Fleet panels and the SLOs read the summary, which every mode serves."

// jobsPerHour is the rate of finished jobs, in jobs per hour, by type and
// status. The overview and the asset detail show it.
const jobsPerHour = `sum by (job_type, status) (rate(backup_jobs_total{` + selTarget + `}[$__rate_interval])) * 3600`

// jobsRecent is backup_jobs_recent by target, type and status, narrowed by
// more matchers (none when empty). Each target counts once: the replicas of
// an HA pair serve the same window.
func jobsRecent(matchers string) string {
	if matchers != "" {
		matchers = ", " + matchers
	}
	return `max by (target, vendor, job_type, status) (backup_jobs_recent{` + selTarget + matchers + `})`
}

// datasource is the templated Prometheus data source of every panel.
var datasource = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${datasource}")}

// withInfo joins a per-asset expression with backup_asset_info, so that it
// gains tenant, asset and asset_type and can be filtered by them. The
// parentheses keep `time() - x` whole: * binds tighter than -.
func withInfo(expr, infoSelector string) string {
	return fmt.Sprintf("(%s)\n* on (%s) group_left (tenant, asset, asset_type)\nbackup_asset_info{%s}", expr, assetKey, infoSelector)
}

// query is one panel target.
type query struct {
	expr   string
	legend string
	// instant asks for the latest value only (panels of current state).
	instant bool
	// table asks for one table frame with a column per label (table
	// panels) rather than one frame per series (stat, bar gauge, graphs).
	table bool
}

func (q query) builder(refID string) *prometheus.DataqueryBuilder {
	b := prometheus.NewDataqueryBuilder().RefId(refID).Expr(q.expr).Datasource(datasource)
	if q.legend != "" {
		b = b.LegendFormat(q.legend)
	}
	if q.instant {
		b = b.Instant()
	} else {
		b = b.Range()
	}
	if q.table {
		b = b.Format(prometheus.PromQueryFormatTable)
	}
	return b
}

// panel is what every panel of the three dashboards sets.
type panel struct {
	title       string
	description string
	unit        string
	// w and h are the width (of 24 columns) and height in grid units.
	w, h    uint32
	queries []query
}

// panelBuilder is the part of the SDK's panel builders (stat, timeseries,
// table, …) that panel fills; each method returns the builder itself.
type panelBuilder[B any] interface {
	cog.Builder[dashboard.Panel]
	Title(string) B
	Description(string) B
	Unit(string) B
	Datasource(common.DataSourceRef) B
	Span(uint32) B
	Height(uint32) B
	WithTarget(cog.Builder[variants.Dataquery]) B
}

// build applies p to the SDK builder b, which sets the visualisation.
func build[B panelBuilder[B]](b B, p panel) B {
	grafanaDefaults(b)
	b = b.Title(p.title).Description(p.description).Unit(p.unit).
		Datasource(datasource).Span(p.w).Height(p.h)
	for i, q := range p.queries {
		b = b.WithTarget(q.builder(string(rune('A' + i))))
	}
	return b
}

// grafanaDefaults sets the options Grafana gives a new panel of b's kind.
// The SDK's panel builders start from Go's zero values instead: a legend with
// showLegend false, a tooltip with mode "", a reducer with no calculation and
// an orientation "", which would hide every graph's legend. A caller's own
// settings, chained after build, still win.
func grafanaDefaults(b any) {
	switch b := b.(type) {
	case *timeseries.PanelBuilder:
		b.Legend(shownLegend()).Tooltip(singleTooltip())
	case *statetimeline.PanelBuilder:
		b.Legend(shownLegend()).Tooltip(singleTooltip())
	case *stat.PanelBuilder:
		b.ReduceOptions(lastNotNull()).Orientation(common.VizOrientationAuto)
	case *bargauge.PanelBuilder:
		b.ReduceOptions(lastNotNull()).Orientation(common.VizOrientationAuto)
	}
}

// shownLegend is Grafana's default legend: a list below the graph.
func shownLegend() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().ShowLegend(true).
		DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom).Calcs([]string{})
}

// singleTooltip is Grafana's default tooltip: the hovered series only.
func singleTooltip() *common.VizTooltipOptionsBuilder {
	return common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeSingle).Sort(common.SortOrderNone)
}

// lastNotNull reduces a series to its last non-null value, as Grafana does by
// default for stat and bar gauge panels.
func lastNotNull() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"})
}

// newTable is a table panel whose footer reducer is an empty list: left
// unset, the SDK writes null, where Grafana itself writes [].
func newTable() *table.PanelBuilder {
	return table.NewPanelBuilder().Footer(common.NewTableFooterOptionsBuilder().Reducer([]string{}))
}

// thresholds colours a value base below the first step, then by steps.
func thresholds(base string, steps ...dashboard.Threshold) *dashboard.ThresholdsConfigBuilder {
	all := append([]dashboard.Threshold{{Color: base}}, steps...)
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(all)
}

// step is a threshold step at value v.
func step(v float64, color string) dashboard.Threshold {
	return dashboard.Threshold{Value: cog.ToPtr(v), Color: color}
}

// valueText maps exact values to a text and a colour, for state panels.
func valueText(texts map[string][2]string) []dashboard.ValueMapping {
	options := make(map[string]dashboard.ValueMappingResult, len(texts))
	for value, tc := range texts {
		options[value] = dashboard.ValueMappingResult{Text: cog.ToPtr(tc[0]), Color: cog.ToPtr(tc[1])}
	}
	return []dashboard.ValueMapping{{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: options}}}
}

// variables are the data source and the label variables of a dashboard;
// withAsset adds the single-value asset variable of the Asset detail one.
func variables(withAsset bool) []cog.Builder[dashboard.VariableModel] {
	vars := []cog.Builder[dashboard.VariableModel]{
		dashboard.NewDatasourceVariableBuilder("datasource").Label("Data source").Type("prometheus").
			Description("The Prometheus that scrapes backup_exporter."),
		labelVariable("job", "Job", "backup_up", "The scrape job(s) of backup_exporter."),
		labelVariable("vendor", "Vendor", `backup_up{job=~"$job"}`, "Backup vendor: clumio, cleverfox, cloutility or cloverdx."),
		labelVariable("target", "Target", `backup_up{job=~"$job", vendor=~"$vendor"}`, "The exporter's configured targets (the `target` label)."),
		labelVariable("tenant", "Tenant", "backup_assets{"+selTarget+"}",
			"OU, company, business unit or sandbox of the assets. Job, storage, alert and exporter series have no tenant and ignore it."),
	}
	if withAsset {
		q := "label_values(backup_asset_info{" + selTenant + "}, asset)"
		vars = append(vars, dashboard.NewQueryVariableBuilder("asset").Label("Asset").
			Description("The asset (its `asset` label, the name) to show.").
			Query(dashboard.StringOrMap{String: cog.ToPtr(q)}).Definition(q).Datasource(datasource).
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged).Sort(dashboard.VariableSortAlphabeticalAsc))
	}
	return vars
}

func labelVariable(name, label, selector, description string) *dashboard.QueryVariableBuilder {
	q := fmt.Sprintf("label_values(%s, %s)", selector, name)
	return dashboard.NewQueryVariableBuilder(name).Label(label).Description(description).
		Query(dashboard.StringOrMap{String: cog.ToPtr(q)}).Definition(q).Datasource(datasource).
		Multi(true).IncludeAll(true).AllValue(".*").
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).Sort(dashboard.VariableSortAlphabeticalAsc)
}

// newDashboard starts a dashboard with the settings the three share: tags,
// time range, variables and links to the other two that keep the variables
// and the time range. The dashboards are read-only (editable false), as
// provisioned dashboards should be: a change made in Grafana's UI would be
// lost at the next provisioning, so they are changed here, in the code.
func newDashboard(uid, title, description string, withAsset bool) *dashboard.DashboardBuilder {
	return dashboard.NewDashboardBuilder(title).Uid(uid).Description(description).
		Tags([]string{"backup", "backup_exporter"}).Readonly().
		Time("now-24h", "now").Refresh("1m").Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Variables(variables(withAsset)).
		Link(dashboard.NewDashboardLinkBuilder("Backup dashboards").Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{"backup_exporter"}).AsDropdown(true).IncludeVars(true).KeepTime(true))
}

// mergeQueries joins the rows of a table's queries that share their labels
// into one row (Grafana's "merge" transformation).
var mergeQueries = dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}}

// layout is the columns of a table: which to hide besides Time, which to
// rename, and in what order they stand.
type layout struct {
	hide   []string
	rename map[string]any
	order  map[string]any
}

// organize is l as Grafana's "organize" transformation.
func (l layout) organize() dashboard.DataTransformerConfig {
	exclude := map[string]any{"Time": true}
	for _, column := range l.hide {
		exclude[column] = true
	}
	options := map[string]any{"excludeByName": exclude}
	if l.rename != nil {
		options["renameByName"] = l.rename
	}
	if l.order != nil {
		options["indexByName"] = l.order
	}
	return dashboard.DataTransformerConfig{Id: "organize", Options: options}
}

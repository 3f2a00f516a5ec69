package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// exporterInternals is the exporter's own health: its calls to the vendor
// APIs, its refreshes and cache, and its configuration.
func exporterInternals() *dashboard.DashboardBuilder {
	return newDashboard("backup-exporter-internals", "Backup exporter internals",
		"backup_exporter's own metrics: vendor API requests, errors, latency, retries and rate limiting, refreshes, cache and configuration reloads.", false).
		WithRow(dashboard.NewRowBuilder("Vendor APIs")).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "API requests by endpoint",
			description: "Requests to the vendor APIs per second, by target and endpoint (a route template, never a raw path).",
			unit:        units.RequestsPerSecond, w: 12, h: 8,
			queries: []query{{
				expr:   `sum by (target, endpoint) (rate(backup_exporter_api_requests_total{` + selTarget + `}[$__rate_interval]))`,
				legend: "{{target}} {{endpoint}}",
			}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "API errors by endpoint",
			description: "Answers other than 2xx per second, by target, endpoint and status code. 401s now and then are token renewals.",
			unit:        units.RequestsPerSecond, w: 12, h: 8,
			queries: []query{{
				expr:   `sum by (target, endpoint, code) (rate(backup_exporter_api_requests_total{` + selTarget + `, code!~"2.."}[$__rate_interval])) > 0`,
				legend: "{{target}} {{endpoint}} {{code}}",
			}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "API latency by endpoint",
			description: "95th and 50th percentile of the vendor API's answer time, by target and endpoint.",
			unit:        units.Seconds, w: 12, h: 8,
			queries: []query{
				{
					expr:   `histogram_quantile(0.95, sum by (target, endpoint, le) (rate(backup_exporter_api_request_duration_seconds_bucket{` + selTarget + `}[$__rate_interval])))`,
					legend: "{{target}} {{endpoint}} p95",
				},
				{
					expr:   `histogram_quantile(0.5, sum by (target, endpoint, le) (rate(backup_exporter_api_request_duration_seconds_bucket{` + selTarget + `}[$__rate_interval])))`,
					legend: "{{target}} {{endpoint}} p50",
				},
			},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Retries by reason",
			description: "Requests retried per second, by reason: rate_limited (429), server_error (5xx), connection_error. A request that runs out of time is not retried.",
			unit:        units.RequestsPerSecond, w: 12, h: 8,
			queries: []query{{
				expr:   `sum by (target, reason) (rate(backup_exporter_api_retries_total{` + selTarget + `}[$__rate_interval]))`,
				legend: "{{target}} {{reason}}",
			}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Rate limiting",
			description: "Share of the API's answers that were 429 (rate limited), by target. BackupAPIRateLimited fires above 5 % for 30 minutes.",
			unit:        units.PercentUnit, w: 12, h: 8,
			queries: []query{{
				expr: `sum by (target) (rate(backup_exporter_api_requests_total{` + selTarget + `, code="429"}[$__rate_interval]))
/
sum by (target) (rate(backup_exporter_api_requests_total{` + selTarget + `}[$__rate_interval]))`,
				legend: "{{target}}",
			}},
		}).Thresholds(thresholds("green", step(0.05, "red"))).
			ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeLine))).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Logins and token refreshes",
			description: "Cloutility OAuth logins by result and token refreshes per second. A failed login makes BackupAuthFailing fire.",
			unit:        units.OpsPerSecond, w: 12, h: 8,
			queries: []query{
				{expr: `sum by (target, result) (rate(backup_cloutility_logins_total{` + selTarget + `}[$__rate_interval]))`, legend: "{{target}} login {{result}}"},
				{expr: `sum by (target) (rate(backup_cloutility_token_refreshes_total{` + selTarget + `}[$__rate_interval]))`, legend: "{{target}} token refresh"},
			},
		})).
		WithRow(dashboard.NewRowBuilder("Refreshes and cache")).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Refresh duration",
			description: "How long the latest refresh of each target took, all requests included; compare with its timeout and the scrape timeout.",
			unit:        units.Seconds, w: 12, h: 8,
			queries: []query{{expr: `backup_refresh_duration_seconds{` + selTarget + `}`, legend: "{{target}}"}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Refreshes by result",
			description: "Refreshes per second by target and result (success, error).",
			unit:        units.OpsPerSecond, w: 12, h: 8,
			queries: []query{{
				expr:   `sum by (target, result) (rate(backup_exporter_refreshes_total{` + selTarget + `}[$__rate_interval]))`,
				legend: "{{target}} {{result}}",
			}},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Scrapes by cache outcome",
			description: "Scrapes per second by how they were served: hit (fresh snapshot), refresh (waited for a new one), stale (served the last good one).",
			unit:        units.OpsPerSecond, w: 12, h: 8,
			queries: []query{{
				expr:   `sum by (target, cache) (rate(backup_exporter_scrapes_total{` + selTarget + `}[$__rate_interval]))`,
				legend: "{{target}} {{cache}}",
			}},
		}).Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).FillOpacity(30)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Cache hit ratio",
			description: "Share of scrapes served from a fresh snapshot without calling the vendor API, over the dashboard's time range.",
			unit:        units.PercentUnit, w: 6, h: 8,
			queries: []query{{
				expr: `sum(increase(backup_exporter_scrapes_total{` + selTarget + `, cache="hit"}[$__range]))
/
sum(increase(backup_exporter_scrapes_total{` + selTarget + `}[$__range]))`,
				instant: true,
			}},
		})).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Dropped assets",
			description: "Assets dropped over the time range because a target has more than max_assets.",
			unit:        units.Short, w: 6, h: 8,
			queries: []query{{
				expr:    `sum(increase(backup_exporter_dropped_assets_total{` + selTarget + `}[$__range])) or vector(0)`,
				instant: true,
			}},
		}).Thresholds(thresholds("green", step(1, "orange"))).ColorMode(common.BigValueColorModeBackground)).
		WithRow(dashboard.NewRowBuilder("Process")).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title:       "Memory",
			description: "Each exporter's resident memory and the Go heap in use; memory grows with the assets served (see the README's sizing).",
			unit:        units.BytesIEC, w: 12, h: 8,
			queries: []query{
				{expr: `process_resident_memory_bytes{job=~"$job"}`, legend: "{{instance}} resident"},
				{expr: `go_memstats_heap_inuse_bytes{job=~"$job"}`, legend: "{{instance}} heap in use"},
			},
		})).
		WithPanel(build(timeseries.NewPanelBuilder(), panel{
			title: "Heap allocation rate",
			description: "Bytes allocated on the Go heap per second (go_gc_heap_allocs_bytes_total, which replaces go_memstats_alloc_bytes_total: " +
				"OpenMetrics names that counter like the gauge go_memstats_alloc_bytes). It rises with refreshes and scrapes.",
			unit: units.BytesPerSecondIEC, w: 12, h: 8,
			queries: []query{{expr: `rate(go_gc_heap_allocs_bytes_total{job=~"$job"}[$__rate_interval])`, legend: "{{instance}}"}},
		})).
		WithRow(dashboard.NewRowBuilder("Configuration")).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Last configuration reload",
			description: "Whether each exporter's latest reload of exporter.yml succeeded (BackupConfigReloadFailed fires when it did not).",
			unit:        units.NoUnit, w: 6, h: 6,
			queries: []query{{expr: `backup_exporter_config_last_reload_successful{job=~"$job"}`, legend: "{{instance}}", instant: true}},
		}).Mappings(valueText(map[string][2]string{"0": {"failed", "red"}, "1": {"ok", "green"}})).
			ColorMode(common.BigValueColorModeBackground)).
		WithPanel(build(stat.NewPanelBuilder(), panel{
			title:       "Last successful reload",
			description: "When each exporter last loaded its configuration successfully.",
			unit:        units.DateTimeFromNow, w: 6, h: 6,
			queries: []query{{
				expr: `backup_exporter_config_last_reload_success_timestamp_seconds{job=~"$job"} * 1000`, legend: "{{instance}}", instant: true,
			}},
		})).
		WithPanel(build(newTable(), panel{
			title:       "Exporter versions",
			description: "Version, revision and Go version of each exporter instance.",
			unit:        units.NoUnit, w: 12, h: 6,
			queries: []query{{expr: `backup_exporter_build_info{job=~"$job"}`, instant: true, table: true}},
		}).WithTransformation(layout{hide: []string{"Value", "__name__", "job"}}.organize()))
}

package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/units"
)

// endpointKey identifies one instant-access endpoint of one scrape, and
// endpointColumns are the columns of the endpoints table.
const (
	endpointKey     = "job, instance, target, vendor, endpoint_id"
	endpointColumns = "target, endpoint, endpoint_id, protection_group, bucket"
)

// withEndpointInfo joins a per-endpoint expression with the endpoint's info
// and aggregates it to the table's columns, so that the table's merge joins
// the rows of its queries (and the replicas of an HA pair).
func withEndpointInfo(expr string) string {
	return "max by (" + endpointColumns + ") (\n(" + expr + ")\n* on (" + endpointKey +
		") group_left (endpoint, protection_group, bucket)\nbackup_clumio_instant_access_endpoint_info{" + selTarget + "}\n)"
}

// restoreReadiness adds the overview's "Restore readiness" row: restore
// freshness by tenant, the restore drills and the open restore endpoints.
func restoreReadiness(b *dashboard.DashboardBuilder) *dashboard.DashboardBuilder {
	countColumn := []dashboard.DynamicConfigValue{{Id: "unit", Value: units.Short}}
	return b.WithRow(dashboard.NewRowBuilder("Restore readiness")).
		WithPanel(build(newTable(), panel{
			title: "Restore freshness by tenant",
			description: "Per tenant: the assets that restore_tests opts in, how many of them had a successful restore within their interval (the others fire BackupRestoreNotTested), " +
				"and the age of the oldest last restore among the tenant's restored assets. Only Clumio and Cloutility say which asset a restore was for.",
			unit: units.Seconds, w: 24, h: 8,
			queries: []query{
				{expr: "count by (tenant) (\n" + withInfo(`backup_asset_restore_test_interval_seconds{`+selTarget+`}`, selTenant) + "\n)", instant: true, table: true},
				{expr: "count by (tenant) (\n" + withInfo(`time() - backup_asset_last_restore_timestamp_seconds{`+selTarget+`} <= backup_asset_restore_test_interval_seconds{`+selTarget+`}`, selTenant) + "\n)", instant: true, table: true},
				{expr: "max by (tenant) (\n" + withInfo(`time() - backup_asset_last_restore_timestamp_seconds{`+selTarget+`}`, selTenant) + "\n)", instant: true, table: true},
			},
		}).
			OverrideByQuery("A", countColumn).
			OverrideByQuery("B", countColumn).
			WithTransformation(mergeQueries).
			WithTransformation(layout{rename: map[string]any{"Value #A": "Opted in", "Value #B": "Restored within interval", "Value #C": "Oldest last restore"}}.organize())).
		WithPanel(build(newTable(), panel{
			title: "Restore drills",
			description: "Each restore drill (run with --restore-drills.enabled): its current status, how long ago it last succeeded and how long its latest run took. " +
				"A failed run fires BackupRestoreDrillFailed, no success within twice its interval BackupRestoreDrillStale.",
			unit: units.Seconds, w: 24, h: 6,
			queries: []query{
				{expr: `max by (target, drill, status) (backup_restore_drill_last_status{` + selTarget + `})`, instant: true, table: true},
				{expr: `max by (target, drill) (time() - backup_restore_drill_last_success_timestamp_seconds{` + selTarget + `})`, instant: true, table: true},
				{expr: `max by (target, drill) (backup_restore_drill_last_duration_seconds{` + selTarget + `})`, instant: true, table: true},
			},
		}).
			WithTransformation(mergeQueries).
			WithTransformation(layout{hide: []string{"Value #A"}, rename: map[string]any{"Value #B": "Last success", "Value #C": "Last run took"}}.organize())).
		WithPanel(build(newTable(), panel{
			title: "Open instant-access endpoints",
			description: "Clumio S3 instant-access endpoints that are not expired: how long each has been open and when it expires (empty: never). " +
				"Past 7 days, or without expiry, BackupInstantAccessEndpointLongLived fires.",
			unit: units.Seconds, w: 24, h: 8,
			queries: []query{
				{expr: withEndpointInfo(`time() - backup_clumio_instant_access_endpoint_created_timestamp_seconds{` + selTarget + `}`), instant: true, table: true},
				{expr: withEndpointInfo(`backup_clumio_instant_access_endpoint_expiry_timestamp_seconds{` + selTarget + `} - time()`), instant: true, table: true},
			},
		}).
			WithTransformation(mergeQueries).
			WithTransformation(layout{rename: map[string]any{"Value #A": "Open for", "Value #B": "Expires in"}}.organize()))
}

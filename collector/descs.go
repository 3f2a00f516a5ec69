package collector

import "github.com/prometheus/client_golang/prometheus"

// The descriptors of the backup-domain metrics (DESIGN.md, "Metrics"). Every
// one carries `target` and `vendor` first; they are shared by all targets.
var (
	upDesc = newDesc("backup_up",
		"1 if the latest refresh of this target read its assets; each part's own result is in backup_collector_success.")
	collectorSuccessDesc = newDesc("backup_collector_success",
		"1 if this part of the latest refresh succeeded; a failed part's data is the last good one.", "collector")
	refreshDurationDesc = newDesc("backup_refresh_duration_seconds",
		"How long the latest refresh of this target took.")
	cacheTTLDesc = newDesc("backup_cache_ttl_seconds",
		"The target's cache_ttl: a snapshot younger than this is served without upstream calls. Alert rules compare the snapshot's age with it.")
	snapshotTimestampDesc = newDesc("backup_snapshot_timestamp_seconds",
		"When the data being served was fetched (the oldest part served).")

	assetInfoDesc = newDesc("backup_asset_info",
		"One series per asset, value 1, carrying its name, type and tenant.", "asset_id", "asset", "asset_type", "tenant")
	assetLastSuccessDesc = newDesc("backup_asset_last_success_timestamp_seconds",
		"End of the asset's latest successful backup; absent if there has never been one.", "asset_id")
	assetLastAttemptDesc = newDesc("backup_asset_last_attempt_timestamp_seconds",
		"End (or start, while running) of the asset's latest backup attempt.", "asset_id")
	assetLastStatusDesc = newDesc("backup_asset_last_status",
		"The normalised status of the asset's latest attempt, value 1.", "asset_id", "status")
	assetProtectedDesc = newDesc("backup_asset_protected",
		"1 if a policy, schedule or active node covers the asset.", "asset_id")
	assetRPODesc = newDesc("backup_asset_rpo_seconds",
		"The recovery point objective that applies to the asset.", "asset_id")
	assetSizeDesc = newDesc("backup_asset_size_bytes",
		"Data stored for the asset.", "asset_id")
	assetLastDurationDesc = newDesc("backup_asset_last_duration_seconds",
		"Duration of the asset's latest finished attempt.", "asset_id")
	assetLastTransferredDesc = newDesc("backup_asset_last_transferred_bytes",
		"Bytes moved by the asset's latest finished attempt.", "asset_id")
	assetLastSeenDesc = newDesc("backup_asset_last_seen_timestamp_seconds",
		"Last check-in of the asset's agent or node.", "asset_id")
	assetLastRestoreDesc = newDesc("backup_asset_last_restore_timestamp_seconds",
		"End of the newest successful restore of the asset, where the vendor says which asset a restore was for.", "asset_id")
	assetObservedDesc = newDesc("backup_asset_observed_timestamp_seconds",
		"When the asset's state was last read, for a vendor whose assets are read one by one (Cloutility consumers): each is served with its own age.", "asset_id")
	refreshItemsDesc = newDesc("backup_refresh_items",
		"Items of a fan-out read (Cloutility consumers, CloverDX dashboards) at the end of the latest refresh, by freshness: fresh (read within cache_ttl), behind (read longer ago), unread (listed, never read).", "freshness")
	refreshItemsObservedDesc = newDesc("backup_refresh_items_observed_timestamp_seconds",
		"When the items of a fan-out read were last read, among those read, by percentile of their data age: 100 is the oldest item's read, 95 the one that 95 % of the items are newer than (time() minus it is the p95 data age), 50 the median.", "age_percentile")
	assetLastBackupObjectsDesc = newDesc("backup_asset_last_backup_objects",
		"Objects the asset's latest finished backup looked at: backed up, failed and missing (Clumio protection-group backups: backed_up_object_count + failed_object_count + missing_object_count; Cloutility jobs: examinedFiles).", "asset_id")
	assetLastBackupFailedObjectsDesc = newDesc("backup_asset_last_backup_failed_objects",
		"Objects the asset's latest finished backup could not back up, even when it counts as a success (Clumio failed_object_count, Cloutility failedFiles).", "asset_id")
	assetLastBackupMissingObjectsDesc = newDesc("backup_asset_last_backup_missing_objects",
		"Objects gone when the asset's latest finished backup read them (Clumio missing_object_count).", "asset_id")
	assetLastBackupMaliciousObjectsDesc = newDesc("backup_asset_last_backup_malicious_objects",
		"Objects the vendor flagged as malicious in the asset's latest finished backup (Clumio malicious_object_count).", "asset_id")
	assetLastBackupFailedBytesDesc = newDesc("backup_asset_last_backup_failed_bytes",
		"Size in bytes of the objects the asset's latest finished backup could not back up (Clumio failed_size_bytes).", "asset_id")
	assetLastBackupMissingBytesDesc = newDesc("backup_asset_last_backup_missing_bytes",
		"Size in bytes of the objects gone when the asset's latest finished backup read them (Clumio missing_size_bytes).", "asset_id")
	assetPartialBackupsInARowDesc = newDesc("backup_asset_partial_backups_in_a_row",
		"The asset's latest finished backups, newest first, that had failed or missing objects, counted up to the first complete one within the vendor's read window.", "asset_id")
	assetOldestRestorePointDesc = newDesc("backup_asset_oldest_restore_point_timestamp_seconds",
		"Oldest point the asset can be restored to, in Unix seconds (Clumio protection groups: earliest_available_backup_timestamp).", "asset_id")
	assetLatestRestorePointDesc = newDesc("backup_asset_latest_restore_point_timestamp_seconds",
		"Newest point the asset can be restored to, in Unix seconds, where the vendor reports it apart from its backups (Cloutility consumer latestRestorePoint).", "asset_id")
	assetRetentionDesc = newDesc("backup_asset_retention_seconds",
		"How long the vendor's policy promises to keep the asset's backups, in seconds, months read as 28 days and years as 365 (Clumio slas[].retention_duration, the longest of the asset's operation; Cloutility node domain backupRetention, days).", "asset_id")
	assetLastContinuousBackupDesc = newDesc("backup_asset_last_continuous_backup_timestamp_seconds",
		"Newest change captured by the asset's continuous backup, in Unix seconds (Clumio protection groups: last_continuous_backup_timestamp).", "asset_id")
	assetPolicyActiveDesc = newDesc("backup_asset_policy_active",
		"1 if the policy that covers the asset is switched on, 0 if it is switched off (Clumio activation_status); absent where the vendor has no such state.", "asset_id")
	assetRestoreTestEveryDesc = newDesc("backup_asset_restore_test_interval_seconds",
		"How often the asset must be restored, for the assets a restore_tests entry opts in; absent for the others.", "asset_id")

	jobsTotalDesc = newDesc("backup_jobs_total",
		"Finished jobs, counted once by id as they finish while the exporter watches the target; those already finished at its first refresh are the baseline, not counted.", "job_type", "status")
	jobsRecentDesc = newDesc("backup_jobs_recent",
		"Jobs that ended within the target's lookback window, as the vendor reports them: right from the first refresh and across restarts.", "job_type", "status")
	jobsRunningDesc = newDesc("backup_jobs_running",
		"Jobs running now; queued ones too where the vendor does not tell them apart (backup_jobs_queued is then absent).", "job_type")
	jobsQueuedDesc = newDesc("backup_jobs_queued",
		"Jobs waiting in the vendor's queue now (Clumio queued tasks, Cloutility pending jobs, CloverDX ENQUEUED, READY and N_A executions).", "job_type")
	storageUsedDesc = newDesc("backup_storage_used_bytes",
		"Storage used in the scope.", "scope", "scope_id", "scope_name")
	storageLimitDesc = newDesc("backup_storage_limit_bytes",
		"Storage quota of the scope, only where one is set.", "scope", "scope_id", "scope_name")
	alertsActiveDesc = newDesc("backup_alerts_active",
		"Active vendor alerts and warnings.", "severity", "alert_type")
	monitorStateDesc = newDesc("backup_monitor_state",
		"State set of a vendor monitor: 1 for the current state.", "monitor_id", "monitor", "state")
	monitorFailingItemsDesc = newDesc("backup_monitor_failing_items",
		"Items the vendor monitor sees failing.", "monitor_id")
)

// targetLabels are the labels every backup-domain metric starts with.
var targetLabels = []string{"target", "vendor"}

func newDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, append(append([]string(nil), targetLabels...), labels...), nil)
}

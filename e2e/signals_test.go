//go:build e2e

package e2e

import (
	"math"
	"strings"
)

// signalExpectations works out what the alerts on backup contents, restore
// windows, quotas and the job queue should fire for, from the expositions
// alone: the latest (e) and the early one, whose oldest restore points the
// compressed `offset 30s` compares with.
func signalExpectations(early, e *exposition, x expectations, near map[string]bool, now, margin float64) {
	notHeldBack := func(key string) bool {
		target, _, _ := strings.Cut(key, "/")
		return !e.heldBack[target]
	}
	for key, v := range e.byAsset("backup_asset_last_backup_malicious_objects", nil) {
		if v > 0 && notHeldBack(key) {
			x.add("BackupMaliciousObjects", key)
		}
	}
	for key, v := range e.byAsset("backup_asset_partial_backups_in_a_row", nil) {
		if v >= 2 && notHeldBack(key) {
			x.add("BackupPartialBackups", key)
		}
	}

	rpo := e.byAsset("backup_asset_rpo_seconds", nil)
	retention := e.byAsset("backup_asset_retention_seconds", nil)
	earlyOldest := early.byAsset("backup_asset_oldest_restore_point_timestamp_seconds", nil)
	for key, oldest := range e.byAsset("backup_asset_oldest_restore_point_timestamp_seconds", nil) {
		ret, ok := retention[key]
		if !ok || !notHeldBack(key) {
			continue
		}
		// Whether the oldest restore point moved within the compressed
		// `offset 30s` can only be told when it moved between the two
		// expositions; a short window that did not may still fire.
		short := (now - oldest) + rpo[key]
		switch {
		case math.Abs(short-ret) < margin:
			near[key] = true
		case short < ret && oldest > earlyOldest[key]:
			x.add("BackupRestoreWindowShort", key)
		case short < ret:
			near[key] = true
		}
	}

	protected := e.byAsset("backup_asset_protected", nil)
	for key, at := range e.byAsset("backup_asset_last_continuous_backup_timestamp_seconds", nil) {
		switch age := now - at; {
		case protected[key] != 1 || !notHeldBack(key):
		case math.Abs(age-3600) < margin:
			near[key] = true
		case age > 3600:
			x.add("BackupContinuousBackupLagging", key)
		}
	}

	running := e.byAsset("backup_asset_last_status", func(l map[string]string) bool { return l["status"] == "running" })
	queued := e.byAsset("backup_asset_last_status", func(l map[string]string) bool { return l["status"] == "queued" })
	attempt := e.byAsset("backup_asset_last_attempt_timestamp_seconds", nil)
	duration := e.byAsset("backup_asset_last_duration_seconds", nil)
	for key := range running {
		at, ok := attempt[key]
		if !ok || !notHeldBack(key) {
			continue
		}
		limit := 24 * 3600.0
		if d, ok := duration[key]; ok {
			limit = math.Max(3*d, 6*3600)
		}
		switch age := now - at; {
		case math.Abs(age-limit) < margin:
			near[key] = true
		case age > limit:
			x.add("BackupRunningTooLong", key)
		}
	}
	for key := range queued {
		if notHeldBack(key) {
			x.add("BackupQueuedTooLong", key)
		}
	}

	quotaExpectations(e, x, "backup_cloutility_business_unit_nodes", "backup_cloutility_business_unit_node_limit", "business_unit_id")
	quotaExpectations(e, x, "backup_cleverfox_devices", "backup_cleverfox_device_limit", "subscription_id")
}

// quotaExpectations adds BackupQuotaNearLimit for the scopes whose use is at
// least 90 % of a limit above 0.
func quotaExpectations(e *exposition, x expectations, used, limit, scope string) {
	limits := map[string]float64{}
	e.each(limit, func(l map[string]string, v float64) { limits[l["target"]+"/"+l[scope]] = v })
	e.each(used, func(l map[string]string, v float64) {
		k := l["target"] + "/" + l[scope]
		if lim := limits[k]; lim > 0 && v/lim >= 0.9 {
			x.add("BackupQuotaNearLimit", k)
		}
	})
}

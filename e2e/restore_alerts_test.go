//go:build e2e

package e2e

import (
	"math"
	"strings"
)

// restoreExpectations adds what the restore-readiness alerts should fire
// for, from the exposition alone. now and margin are expectedAlerts'.
func restoreExpectations(e *exposition, x expectations, near map[string]bool, now, margin float64) {
	hasExpiry := map[string]bool{}
	e.each("backup_clumio_instant_access_endpoint_expiry_timestamp_seconds", func(l map[string]string, _ float64) {
		hasExpiry[l["target"]+"/"+l["endpoint_id"]] = true
	})
	e.each("backup_clumio_instant_access_endpoint_created_timestamp_seconds", func(l map[string]string, v float64) {
		k := l["target"] + "/" + l["endpoint_id"]
		age := now - v
		switch {
		case !hasExpiry[k] || age > 7*86400+margin:
			x.add("BackupInstantAccessEndpointLongLived", k)
		case math.Abs(age-7*86400) <= margin:
			near[k] = true
		}
	})

	// Drills: BackupRestoreDrillStale as the end-to-end test's compressed
	// rule has it (a drill without success after one run).
	drillSuccess, drillRuns := map[string]float64{}, map[string]float64{}
	e.each("backup_restore_drill_last_success_timestamp_seconds", func(l map[string]string, v float64) {
		drillSuccess[l["target"]+"/"+l["drill"]] = v
	})
	e.each("backup_restore_drills_total", func(l map[string]string, v float64) { drillRuns[l["target"]+"/"+l["drill"]] += v })
	e.each("backup_restore_drill_interval_seconds", func(l map[string]string, every float64) {
		k := l["target"] + "/" + l["drill"]
		last, ok := drillSuccess[k]
		if (ok && now-last > 2*every) || (!ok && drillRuns[k] >= 1) {
			x.add("BackupRestoreDrillStale", k)
		}
	})
	e.each("backup_restore_drill_last_status", func(l map[string]string, v float64) {
		if l["status"] == "failed" && v == 1 {
			x.add("BackupRestoreDrillFailed", l["target"]+"/"+l["drill"])
		}
	})

	lastRestore := e.byAsset("backup_asset_last_restore_timestamp_seconds", nil)
	for key, every := range e.byAsset("backup_asset_restore_test_interval_seconds", nil) {
		target, _, _ := strings.Cut(key, "/")
		if e.up[target] == 0 {
			continue
		}
		last, ok := lastRestore[key]
		switch {
		case !ok || now-last > every+margin:
			x.add("BackupRestoreNotTested", key)
		case math.Abs(now-last-every) <= margin:
			near[key] = true
		}
	}
}

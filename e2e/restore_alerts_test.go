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

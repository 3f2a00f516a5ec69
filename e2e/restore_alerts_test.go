//go:build e2e

package e2e

import "math"

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
}

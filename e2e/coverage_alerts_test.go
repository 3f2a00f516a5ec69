//go:build e2e

package e2e

import "math"

// coverageExpectations adds what the coverage alerts should fire for, from
// the exposition alone: assets under a deactivated policy, and CleverFox
// subscriptions lapsed or, not renewing by themselves, ending within 7
// days. now and margin are expectedAlerts'.
func coverageExpectations(e *exposition, x expectations, near map[string]bool, now, margin float64) {
	e.each("backup_asset_policy_active", func(l map[string]string, v float64) {
		if v == 0 && !e.heldBack[l["target"]] {
			x.add("BackupPolicyDeactivated", l["target"]+"/"+l["asset_id"])
		}
	})
	lapsed := map[string]bool{}
	e.each("backup_cleverfox_subscription_lapsed", func(l map[string]string, v float64) {
		k := l["target"] + "/" + l["subscription_id"]
		if v == 1 && !e.storageHeldBack[l["target"]] {
			lapsed[k] = true
			x.add("BackupSubscriptionLapsed", k)
		}
	})
	ending := map[string]bool{}
	e.each("backup_cleverfox_subscription_status", func(l map[string]string, v float64) {
		if s := l["status"]; v == 1 && (s == "trialing" || s == "past_due" || s == "canceled") {
			ending[l["target"]+"/"+l["subscription_id"]] = true
		}
	})
	e.each("backup_cleverfox_subscription_expiry_timestamp_seconds", func(l map[string]string, v float64) {
		k := l["target"] + "/" + l["subscription_id"]
		if !ending[k] || lapsed[k] || e.storageHeldBack[l["target"]] {
			return
		}
		switch left := v - now; {
		case math.Abs(left-7*86400) <= margin:
			near[k] = true
		case left < 7*86400:
			x.add("BackupSubscriptionEndingSoon", k)
		}
	})
}

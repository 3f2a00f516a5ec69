//go:build e2e

package e2e

import (
	"math"
	"strings"
)

// expectedTenantAlerts adds what the tenant-level alerts should fire for,
// from the fleet summary of the exposition alone.
//
// With every burn-rate window compressed to a minute, a tenant's burn rate is
// its share of bad assets, over the targets that are up, divided by the 1 %
// budget of the default objective. A bad asset is one out of RPO that has
// succeeded before: one never backed up is graced until it has been so for
// 26 hours, more history than the run has (and protection is lost by no
// asset of the simulator). BackupSLOBudgetBurnFast fires past 14.4 with more
// than one bad asset, BackupSLOBudgetBurnSlow past 1 (its 6x branch is
// covered by its 1x one). A burn rate within 15 % of a threshold is too close
// to judge.
func expectedTenantAlerts(x expectations, near map[string]bool, e *exposition) {
	graced := func(l map[string]string) string { return l["target"] + "/" + l["tenant"] + "/" + l["asset_type"] }
	never := map[string]float64{} // target/tenant/asset_type → never succeeded
	e.each("backup_assets_never_succeeded", func(l map[string]string, v float64) { never[graced(l)] = v })
	bad, protected := map[string]float64{}, map[string]float64{}
	e.each("backup_assets_rpo_violated", func(l map[string]string, v float64) {
		if e.up[l["target"]] == 1 {
			bad[l["tenant"]] += v - never[graced(l)]
		}
	})
	e.each("backup_assets_protected", func(l map[string]string, v float64) {
		if e.up[l["target"]] == 1 && l["protected"] == "true" {
			protected[l["tenant"]] += v
		}
	})
	closeTo := func(v, threshold float64) bool { return math.Abs(v-threshold) < 0.15*threshold }
	for tenant, p := range protected {
		if p == 0 {
			continue // no protected assets: no SLI, no budget
		}
		key := "tenant/" + tenant
		burn := bad[tenant] / p / 0.01
		switch {
		case closeTo(burn, 14.4) || closeTo(burn, 1):
			near[key] = true
			continue
		case burn > 14.4 && bad[tenant] > 1:
			x.add("BackupSLOBudgetBurnFast", key)
		}
		if burn > 1 {
			x.add("BackupSLOBudgetBurnSlow", key)
		}
	}
	x.add("BackupSLOObjectiveInvalid", "tenant/e2e-impossible-objective")

	// Graced assets past RPO counted where no per-asset series tell of them.
	perAsset := map[string]bool{}
	e.each("backup_asset_info", func(l map[string]string, _ float64) { perAsset[graced(l)] = true })
	e.each("backup_assets_rpo_violated", func(l map[string]string, v float64) {
		key := graced(l)
		if v-never[key] > 0 && !e.heldBack[l["target"]] && !perAsset[key] {
			x.add("BackupAssetsRPOViolated", key)
		}
	})
}

// expectedSizeAnomalies adds the assets whose transferred or stored bytes
// left the range of 3 times to a third of what they were before the
// simulator's anomalies, which the compressed baseline still holds.
func expectedSizeAnomalies(x expectations, before, after *exposition) {
	for _, name := range []string{"backup_asset_last_transferred_bytes", "backup_asset_size_bytes"} {
		old := before.byAsset(name, nil)
		for key, v := range after.byAsset(name, nil) {
			target, _, _ := strings.Cut(key, "/")
			o, ok := old[key]
			if !ok || o <= 0 || after.heldBack[target] || after.info[key] == nil {
				continue
			}
			switch r := v / o; {
			case r > 3:
				x.add("BackupSizeAnomaly", key+"/grew")
			case r < 1.0/3:
				x.add("BackupSizeAnomaly", key+"/shrank")
			}
		}
	}
}

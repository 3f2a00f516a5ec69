package collector

import (
	"cmp"
	"slices"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// The fleet summary (DESIGN.md, "Fleet summary"): per target, tenant and
// asset_type, built from every kept asset and served in every asset_metrics
// mode, so that tenant-level rules and panels work whatever per-asset series
// a target serves.
var (
	assetsDesc = newDesc("backup_assets",
		"Assets by the normalised status of their latest attempt; unknown counts those with none reported.", "tenant", "asset_type", "status")
	assetsProtectedDesc = newDesc("backup_assets_protected",
		`Assets that a policy, schedule or active node covers (protected="true") and those it does not (protected="false").`, "tenant", "asset_type", "protected")
	assetsRPOViolatedDesc = newDesc("backup_assets_rpo_violated",
		"Protected assets without a successful backup within their RPO when the data was fetched, those that never succeeded included.", "tenant", "asset_type")
	assetsNeverSucceededDesc = newDesc("backup_assets_never_succeeded",
		"Protected assets without any successful backup in the history window.", "tenant", "asset_type")
	assetsOldestLastSuccessDesc = newDesc("backup_assets_oldest_last_success_timestamp_seconds",
		"The oldest last success among the protected assets that have one.", "tenant", "asset_type")
)

// summaryStatuses are the status values every (tenant, asset_type) group
// reports, zeros included, so that its series neither appear nor vanish as
// assets change state.
var summaryStatuses = []backup.Status{
	backup.StatusSuccess, backup.StatusWarning, backup.StatusFailed, backup.StatusMissed,
	backup.StatusRunning, backup.StatusQueued, backup.StatusAborted, backup.StatusUnknown,
}

// assetGroup is the summary of one tenant and asset type.
type assetGroup struct {
	tenant, assetType string
	byStatus          map[backup.Status]int
	protected         int
	unprotected       int
	rpoViolated       int
	neverSucceeded    int
	oldestSuccess     time.Time
}

// summaryMetrics builds the fleet summary of the kept assets. at is when
// their data was fetched: "past its RPO" is judged then, not at each scrape.
func summaryMetrics(l labeler, cfg *config.Target, kept []*backup.Asset, at time.Time) []constSample {
	type key struct{ tenant, assetType string }
	groups := map[key]*assetGroup{}
	for _, a := range kept {
		k := key{a.Tenant, a.Type}
		g := groups[k]
		if g == nil {
			g = &assetGroup{tenant: a.Tenant, assetType: a.Type, byStatus: map[backup.Status]int{}}
			groups[k] = g
		}
		g.add(cfg, a, at)
	}
	sorted := make([]*assetGroup, 0, len(groups))
	for _, g := range groups {
		sorted = append(sorted, g)
	}
	slices.SortFunc(sorted, func(a, b *assetGroup) int {
		return cmp.Or(cmp.Compare(a.tenant, b.tenant), cmp.Compare(a.assetType, b.assetType))
	})
	m := metricSet{samples: make([]constSample, 0, len(sorted)*(len(summaryStatuses)+5))}
	for _, g := range sorted {
		group := func(kv ...string) []string {
			return append([]string{"tenant", g.tenant, "asset_type", g.assetType}, kv...)
		}
		for _, s := range summaryStatuses {
			m.gauge(assetsDesc, l.with(group("status", string(s))...), float64(g.byStatus[s]))
		}
		m.gauge(assetsProtectedDesc, l.with(group("protected", "true")...), float64(g.protected))
		m.gauge(assetsProtectedDesc, l.with(group("protected", "false")...), float64(g.unprotected))
		labels := l.with(group()...)
		m.gauge(assetsRPOViolatedDesc, labels, float64(g.rpoViolated))
		m.gauge(assetsNeverSucceededDesc, labels, float64(g.neverSucceeded))
		timestamp(&m, assetsOldestLastSuccessDesc, labels, g.oldestSuccess)
	}
	return m.samples
}

// add counts one asset into its group.
func (g *assetGroup) add(cfg *config.Target, a *backup.Asset, at time.Time) {
	status := a.LastStatus
	if !slices.Contains(summaryStatuses, status) {
		status = backup.StatusUnknown
	}
	g.byStatus[status]++
	if !a.Protected {
		g.unprotected++
		return
	}
	g.protected++
	if rpoViolated(cfg, a, at) {
		g.rpoViolated++
	}
	if a.LastSuccess.IsZero() {
		g.neverSucceeded++
	} else if g.oldestSuccess.IsZero() || a.LastSuccess.Before(g.oldestSuccess) {
		g.oldestSuccess = a.LastSuccess
	}
}

// assetCounts are a target's kept assets as the landing page counts them.
type assetCounts struct {
	total, failing, pastRPO int
}

// countAssets counts the kept assets, judged at time at (when their data
// was fetched): failing are the protected ones whose latest attempt failed
// or was missed, the assets BackupLastRunFailed fires for; pastRPO those
// backup_assets_rpo_violated counts.
func countAssets(cfg *config.Target, kept []*backup.Asset, at time.Time) assetCounts {
	c := assetCounts{total: len(kept)}
	for _, a := range kept {
		if a.Protected && (a.LastStatus == backup.StatusFailed || a.LastStatus == backup.StatusMissed) {
			c.failing++
		}
		if rpoViolated(cfg, a, at) {
			c.pastRPO++
		}
	}
	return c
}

// rpoViolated holds for a protected asset whose last success is older than
// its RPO at time at, or that never succeeded: the same test as the
// BackupRPOViolated and BackupNeverSucceeded alerts. An asset without an
// RPO (the vendor waived it) violates none.
func rpoViolated(cfg *config.Target, a *backup.Asset, at time.Time) bool {
	rpo := assetRPO(cfg, a)
	if !a.Protected || rpo <= 0 {
		return false
	}
	return a.LastSuccess.IsZero() || at.Sub(a.LastSuccess) > rpo
}

// assetFine holds for the assets that asset_metrics `unhealthy` leaves out:
// protected, last status success, within their RPO at time at, a latest
// backup without failed, missing or malicious objects, a restore window
// as long as the retention promised, and no restore test due.
func assetFine(cfg *config.Target, a *backup.Asset, at time.Time) bool {
	return a.Protected && a.LastStatus == backup.StatusSuccess && !rpoViolated(cfg, a, at) &&
		!a.LastBackupObjects.Partial() && !maliciousObjects(a.LastBackupObjects) &&
		!restoreWindowShort(cfg, a, at) && !behind(cfg, a, at) && !restoreTestDue(cfg, a, at)
}

// restoreTestDue holds for an asset that restore_tests opts in and that has
// no successful restore within its interval at time at: the same test as
// BackupRestoreNotTested. Without it, `unhealthy` would leave out the
// healthy asset that most needs a restore test, and the alert could never
// fire for it; with it, only the assets due serve their series.
func restoreTestDue(cfg *config.Target, a *backup.Asset, at time.Time) bool {
	every := restoreTestEvery(cfg, a)
	return every > 0 && (a.LastRestore.IsZero() || at.Sub(a.LastRestore) > every)
}

// behind reports whether an asset read on its own was last read longer
// than cache_ttl before at: its state may be out of date.
func behind(cfg *config.Target, a *backup.Asset, at time.Time) bool {
	return !a.Observed.IsZero() && at.Sub(a.Observed) > cfg.CacheTTL
}

// maliciousObjects reports whether a backup's counts flag any malicious
// object.
func maliciousObjects(c *backup.ObjectCounts) bool {
	return c != nil && c.Malicious != nil && *c.Malicious > 0
}

// restoreWindowShort holds when the asset's restore window at time at (back
// to its oldest restore point) is shorter than its retention by more than
// one RPO, the normal gap between two backups expiring: the same test as
// BackupRestoreWindowShort, before that alert's check that the window is
// shrinking, so that an asset younger than its retention is shown too.
func restoreWindowShort(cfg *config.Target, a *backup.Asset, at time.Time) bool {
	if a.Retention <= 0 || a.OldestRestorePoint.IsZero() {
		return false
	}
	return at.Sub(a.OldestRestorePoint)+assetRPO(cfg, a) < a.Retention
}

// shownAssets returns the kept assets whose per-asset series the target's
// asset_metrics mode serves, judged at time at (when their data was
// fetched): all of them in `full`, those not fine in `unhealthy`, none in
// `summary`.
func shownAssets(cfg *config.Target, kept []*backup.Asset, at time.Time) []*backup.Asset {
	switch cfg.AssetMetrics {
	case config.AssetMetricsSummary:
		return nil
	case config.AssetMetricsUnhealthy:
		var shown []*backup.Asset
		for _, a := range kept {
			if !assetFine(cfg, a, at) {
				shown = append(shown, a)
			}
		}
		return shown
	}
	return kept
}

// shownSet is the set of ids of the shown assets, or nil in `full` mode,
// where every asset is shown.
func shownSet(cfg *config.Target, shown []*backup.Asset) map[string]bool {
	if cfg.AssetMetrics != config.AssetMetricsSummary && cfg.AssetMetrics != config.AssetMetricsUnhealthy {
		return nil
	}
	set := make(map[string]bool, len(shown))
	for _, a := range shown {
		set[a.ID] = true
	}
	return set
}

// perAssetShown applies the asset_metrics mode to the vendor-only samples:
// a sample whose first label is asset_id is a per-asset series, served
// only for the assets the mode shows, like backup_asset_*.
func (t *Target) perAssetShown(in []backup.Sample) []backup.Sample {
	if t.shownAssets == nil {
		return in
	}
	out := make([]backup.Sample, 0, len(in))
	for _, s := range in {
		if s.Spec != nil && len(s.Spec.Labels) > 0 && s.Spec.Labels[0] == "asset_id" && len(s.LabelValues) > 0 && !t.shownAssets[s.LabelValues[0]] {
			continue
		}
		out = append(out, s)
	}
	return out
}

package collector

import (
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// selectAssets applies the target's asset rules to what the vendor sent:
// assets without an id are skipped, a duplicate id keeps its first asset, the
// include and exclude filters apply, and past max_assets the rest (by id
// order) are dropped. It returns the kept assets sorted by id and how many
// max_assets dropped.
func selectAssets(cfg *config.Target, in []backup.Asset, is issues) (kept []*backup.Asset, dropped int) {
	seen := make(map[string]struct{}, len(in))
	kept = make([]*backup.Asset, 0, len(in))
	for i := range in {
		a := &in[i]
		if a.ID == "" {
			is.add(issueAssetWithoutID, a.Name)
			continue
		}
		id := labelKey(a.ID)
		if _, dup := seen[id]; dup {
			is.add(issueDuplicateAsset, a.ID)
			continue
		}
		seen[id] = struct{}{}
		if !included(cfg.Include, a) || excluded(cfg.Exclude, a) {
			continue
		}
		kept = append(kept, a)
	}
	slices.SortFunc(kept, func(a, b *backup.Asset) int { return strings.Compare(a.ID, b.ID) })
	if cfg.MaxAssets > 0 && len(kept) > cfg.MaxAssets {
		dropped = len(kept) - cfg.MaxAssets
		kept = kept[:cfg.MaxAssets]
	}
	return kept, dropped
}

// included applies an include filter: an empty list admits everything.
func included(f config.AssetFilter, a *backup.Asset) bool {
	return (len(f.Tenants) == 0 || slices.Contains(f.Tenants, a.Tenant)) &&
		(len(f.AssetTypes) == 0 || slices.Contains(f.AssetTypes, a.Type))
}

// excluded applies an exclude filter: an asset goes if either list names it.
func excluded(f config.AssetFilter, a *backup.Asset) bool {
	return slices.Contains(f.Tenants, a.Tenant) || slices.Contains(f.AssetTypes, a.Type)
}

// assetRPO is the RPO that applies to a: the first matching rpo_overrides
// entry, else none when the vendor waives it (0), else the vendor's policy
// RPO, else the target's rpo.
func assetRPO(cfg *config.Target, a *backup.Asset) time.Duration {
	for _, o := range cfg.RPOOverrides {
		if rpoMatches(o.Match, a) {
			return time.Duration(o.RPO)
		}
	}
	if a.RPOWaived {
		return 0
	}
	if a.RPO > 0 {
		return a.RPO
	}
	return cfg.RPO
}

// rpoMatches holds when every non-empty field of m equals the asset's.
func rpoMatches(m config.RPOMatch, a *backup.Asset) bool {
	return (m.Tenant == "" || m.Tenant == a.Tenant) &&
		(m.AssetType == "" || m.AssetType == a.Type) &&
		(m.Asset == "" || m.Asset == a.Name) &&
		(m.AssetID == "" || m.AssetID == a.ID)
}

// restoreTestEvery is how often a must be restored: the first matching
// restore_tests entry's interval, or 0 when no entry opts it in.
func restoreTestEvery(cfg *config.Target, a *backup.Asset) time.Duration {
	for _, rt := range cfg.RestoreTests {
		if rpoMatches(rt.Match, a) {
			return time.Duration(rt.Every)
		}
	}
	return 0
}

// assetMetrics builds the backup_asset_* series of the kept assets. A value
// the vendor did not give (zero time, nil pointer, empty status) has no
// series.
func assetMetrics(l labeler, cfg *config.Target, kept []*backup.Asset) []constSample {
	m := metricSet{samples: make([]constSample, 0, len(kept)*8)}
	statusPairs := map[backup.Status]*dto.LabelPair{}
	for _, a := range kept {
		idPair := labelPair("asset_id", a.ID)
		id := sortedWith(l, idPair)
		m.gauge(assetInfoDesc, l.with("asset_id", a.ID, "asset", a.Name, "asset_type", a.Type, "tenant", a.Tenant), 1)
		timestamp(&m, assetLastSuccessDesc, id, a.LastSuccess)
		timestamp(&m, assetLastAttemptDesc, id, a.LastAttempt)
		if a.LastStatus != "" {
			sp, ok := statusPairs[a.LastStatus]
			if !ok {
				sp = labelPair("status", string(a.LastStatus))
				statusPairs[a.LastStatus] = sp
			}
			m.gauge(assetLastStatusDesc, sortedWith(l, idPair, sp), 1)
		}
		m.gauge(assetProtectedDesc, id, boolValue(a.Protected))
		if rpo := assetRPO(cfg, a); rpo > 0 {
			m.gauge(assetRPODesc, id, rpo.Seconds())
		}
		if a.SizeBytes != nil {
			m.gauge(assetSizeDesc, id, *a.SizeBytes)
		}
		if a.LastDuration != nil {
			m.gauge(assetLastDurationDesc, id, a.LastDuration.Seconds())
		}
		if a.LastTransferredBytes != nil {
			m.gauge(assetLastTransferredDesc, id, *a.LastTransferredBytes)
		}
		timestamp(&m, assetLastSeenDesc, id, a.LastSeen)
		timestamp(&m, assetLastRestoreDesc, id, a.LastRestore)
		timestamp(&m, assetObservedDesc, id, a.Observed)
		objectMetrics(&m, id, a)
		timestamp(&m, assetOldestRestorePointDesc, id, a.OldestRestorePoint)
		timestamp(&m, assetLatestRestorePointDesc, id, a.LatestRestorePoint)
		if a.Retention > 0 {
			m.gauge(assetRetentionDesc, id, a.Retention.Seconds())
		}
		timestamp(&m, assetLastContinuousBackupDesc, id, a.LastContinuousBackup)
		if a.PolicyActive != nil {
			m.gauge(assetPolicyActiveDesc, id, boolValue(*a.PolicyActive))
		}
		if every := restoreTestEvery(cfg, a); every > 0 {
			m.gauge(assetRestoreTestEveryDesc, id, every.Seconds())
		}
	}
	return m.samples
}

// sortedWith returns the target's pairs plus the given ready-made pairs,
// sorted, so that one asset_id pair serves all of an asset's series.
func sortedWith(l labeler, pairs ...*dto.LabelPair) []*dto.LabelPair {
	out := make([]*dto.LabelPair, 0, len(pairs)+2)
	out = append(out, l.target, l.vendor)
	out = append(out, pairs...)
	sortPairs(out)
	return out
}

// timestamp adds a Unix-seconds gauge unless t is zero (not reported).
func timestamp(m *metricSet, d *prometheus.Desc, labels []*dto.LabelPair, t time.Time) {
	if !t.IsZero() {
		m.gauge(d, labels, unixSeconds(t))
	}
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

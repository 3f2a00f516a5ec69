package clumio

import (
	"context"
	"slices"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// pgBackupHistory is what a protection group's backups in the read window
// say about its objects: the counts of the newest, and how many of the
// newest in a row left objects out.
type pgBackupHistory struct {
	latest       *backup.ObjectCounts
	partialInRow int
}

// fetchPGBackups lists the protection-group backups that started within
// the lookback window (at least two days, so that "in a row" sees a daily
// group's previous backup), newest first, and sums them up per group.
//
// Quirk: backup listings filter start_timestamp with $gt and $lte only.
func (c *Client) fetchPGBackups(ctx context.Context, now time.Time) (map[string]pgBackupHistory, error) {
	window := max(c.lookback, 48*time.Hour)
	q := listQuery{
		Filter: Filter{}.After("start_timestamp", now.Add(-window)),
		Sort:   Sort{Field: "start_timestamp", Desc: true},
	}
	backups, err := list[pgBackup](ctx, c, pgBackupsResource, q)
	if err != nil {
		return nil, err // list names the resource and the page
	}
	return pgBackupHistories(backups), nil
}

// pgBackupHistories sums up backups per protection group. The order of
// the answer is not trusted: each group's backups are sorted newest first
// here.
func pgBackupHistories(backups []pgBackup) map[string]pgBackupHistory {
	byGroup := map[string][]*pgBackup{}
	for i := range backups {
		b := &backups[i]
		if b.ProtectionGroupID != "" {
			byGroup[b.ProtectionGroupID] = append(byGroup[b.ProtectionGroupID], b)
		}
	}
	out := make(map[string]pgBackupHistory, len(byGroup))
	for id, bs := range byGroup {
		slices.SortStableFunc(bs, func(a, b *pgBackup) int { return b.StartTimestamp.Compare(a.StartTimestamp.Time) })
		h := pgBackupHistory{latest: bs[0].objects()}
		for _, b := range bs {
			if !b.objects().Partial() {
				break
			}
			h.partialInRow++
		}
		out[id] = h
	}
	return out
}

// objects are the backup's object counts; its total is what it looked at:
// backed up, failed and missing. The collector checks the figures.
func (b *pgBackup) objects() *backup.ObjectCounts {
	c := &backup.ObjectCounts{
		Failed:       b.FailedObjectCount,
		Missing:      b.MissingObjectCount,
		Malicious:    b.MaliciousObjectCount,
		FailedBytes:  b.FailedSizeBytes,
		MissingBytes: b.MissingSizeBytes,
	}
	if b.BackedUpObjectCount != nil {
		total := *b.BackedUpObjectCount
		for _, p := range []*float64{b.FailedObjectCount, b.MissingObjectCount} {
			if p != nil {
				total += *p
			}
		}
		c.Total = &total
	}
	return c
}

// restoreSignals adds what the inventory, the policy and the protection
// group's backups say about restoring the asset: its oldest restore point,
// its continuous backup, the retention its policy promises and the objects
// of its latest backup.
//
// Quirk: only protection groups carry earliest_available_backup_timestamp;
// the other kinds would need one backups listing per asset to find it.
func (c *Client) restoreSignals(k assetKind, it *inventoryItem, a *backup.Asset) {
	a.OldestRestorePoint = it.EarliestAvailableBackupTimestamp.Time
	a.LastContinuousBackup = it.LastContinuousBackupTimestamp.Time
	if it.ProtectionInfo != nil && it.ProtectionInfo.PolicyID != "" {
		a.Retention, _ = c.rpos.retention(it.ProtectionInfo.PolicyID, k.opPrefix)
	}
	if h, ok := c.pgBackups[it.ID]; ok {
		a.LastBackupObjects = h.latest
		a.PartialBackupsInARow = backup.Int(h.partialInRow)
	}
}

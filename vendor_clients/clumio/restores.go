package clumio

import (
	"context"
	"time"
)

// maxTaskHistory is how far back /tasks may be filtered by
// created_timestamp: at most the last 6 months (clumio.md 1.6).
const maxTaskHistory = 180 * 24 * time.Hour

// restoreCategories are the task categories that restore an asset.
var restoreCategories = []string{"restore", "snapshot_restore"}

// fetchRestoreHistory lists the completed restores created within history
// (at most the 6 months the filter allows, at least the lookback), which
// give each asset's last restore at start.
func (c *Client) fetchRestoreHistory(ctx context.Context, now time.Time) ([]task, error) {
	from := now.Add(-min(max(c.history, c.lookback), maxTaskHistory))
	q := listQuery{Filter: Filter{}.Since("created_timestamp", from).In("category", restoreCategories...).In("status", "completed")}
	return list[task](ctx, c, tasksResource, q)
}

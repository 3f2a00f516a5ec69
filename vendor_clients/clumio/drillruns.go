package clumio

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
)

// drillTaskSlack is how far apart the creations of a drill's endpoint and
// of its restore task may be: the POST creates both. clumio.md lists no
// field that links the two, so they are matched by time [I].
const drillTaskSlack = time.Minute

// drillRuns is what a drill's own endpoints say of its earlier runs, so
// that an exporter knows them after a restart as before it.
type drillRuns struct {
	// newest is the newest endpoint of the drill; nil before its first run.
	newest *instantAccessEndpoint
	// lastSuccess is the creation of the newest endpoint known to have
	// been restored.
	lastSuccess time.Time
}

// lastRun is the newest run's start (its endpoint's creation); zero
// before the first run.
func (r drillRuns) lastRun() time.Time {
	if r.newest == nil {
		return time.Time{}
	}
	return r.newest.CreatedTimestamp.Time
}

// drillRuns reads the drill's earlier runs from the endpoints it created
// (their name carries DrillPrefix) for the group. An active or expiring
// endpoint was restored. An expired one may have been restored or not:
// clumio.md says nothing of a failed restore's endpoint, so an expired one
// counts only when a completed restore task of the group was created with
// it (within drillTaskSlack), read from /tasks (created_timestamp,
// category, status and primary_entity.id, clumio.md 1.6); its restore task
// is the one the drill followed. The tasks are read only when an expired
// endpoint is newer than the newest success known otherwise.
func (c *Client) drillRuns(ctx context.Context, d config.RestoreDrill, groupID string, eps []instantAccessEndpoint, now time.Time) (drillRuns, error) {
	var (
		out     drillRuns
		expired []time.Time
	)
	for i := range eps {
		ep := &eps[i]
		created := ep.CreatedTimestamp.Time
		if !strings.HasPrefix(ep.Name, DrillPrefix(d.Name)) || ep.ProtectionGroupID != groupID || created.IsZero() {
			continue
		}
		if out.newest == nil || created.After(out.newest.CreatedTimestamp.Time) {
			out.newest = ep
		}
		switch ep.EndpointStatus {
		case "active", "expiring":
			out.lastSuccess = later(out.lastSuccess, created)
		case "expired":
			expired = append(expired, created)
		}
	}
	expired = slices.DeleteFunc(expired, func(t time.Time) bool { return !t.After(out.lastSuccess) })
	if len(expired) == 0 {
		return out, nil
	}
	from := later(slices.MinFunc(expired, time.Time.Compare).Add(-drillTaskSlack), now.Add(-maxTaskHistory))
	q := listQuery{Filter: Filter{}.Since("created_timestamp", from).In("category", restoreCategories...).
		In("status", "completed").Contains("primary_entity.id", groupID)}
	tasks, err := list[task](ctx, c, tasksResource, q)
	if err != nil {
		return out, err
	}
	for _, created := range expired {
		if slices.ContainsFunc(tasks, func(t task) bool {
			gap := t.CreatedTimestamp.Time.Sub(created)
			return t.PrimaryEntity != nil && t.PrimaryEntity.ID == groupID && gap <= drillTaskSlack && gap >= -drillTaskSlack
		}) {
			out.lastSuccess = later(out.lastSuccess, created)
		}
	}
	return out, nil
}

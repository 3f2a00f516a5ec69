package clumio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// The resources a restore drill reads besides the endpoints. The S3 assets'
// backups are not in clumio.md's media-type table; their type is named
// after the resource as every other one is [I].
var (
	pgBackupsResource = resource{
		name:   "protection group backups",
		path:   "/backups/protection-groups",
		accept: "application/api.clumio.backup-protection-groups=v1+json",
	}
	s3BackupsResource = resource{
		name:   "S3 asset backups",
		path:   "/backups/protection-groups/s3-assets",
		accept: "application/api.clumio.backup-protection-group-s3-assets=v1+json",
	}
)

// DrillPrefix is how the names of the endpoints a drill creates start:
// the exporter's mark, then the drill's name. Dedup and operators find the
// drill's endpoints by it.
func DrillPrefix(drill string) string { return "backup-exporter-drill-" + drill + "-" }

// drillPollInterval is how often a drill reads its restore task.
const drillPollInterval = 5 * time.Second

// Drill runs one restore drill: it finds the protection group (by id or
// name), reads the drill's earlier runs from its endpoints (drillRuns),
// skips when the newest is less than d.Every ago, and otherwise restores
// the newest backup of the group's S3 asset as an instant-access endpoint
// that expires after d.EndpointTTL, and follows the restore task until it
// ends or ctx does. Every result carries the earlier runs' last start and
// last success, so that a restarted exporter knows them. It sends one POST
// and GETs, nothing else, and changes nothing it did not create. It is
// safe to call while Fetch runs.
func (c *Client) Drill(ctx context.Context, d config.RestoreDrill) backup.DrillResult {
	now := c.now()
	group, err := c.findProtectionGroup(ctx, d.ProtectionGroup)
	if err != nil {
		return drillFailed("%v", err)
	}
	if group == nil {
		return drillFailed("protection group %q not found (by id or name)", d.ProtectionGroup)
	}
	eps, err := c.fetchEndpoints(ctx)
	if err != nil {
		return drillFailed("%v", err)
	}
	past, err := c.drillRuns(ctx, d, group.ID, eps, now)
	if err != nil {
		return drillFailed("%v", err)
	}
	var res backup.DrillResult
	if ep := past.newest; ep != nil && now.Sub(ep.CreatedTimestamp.Time) < time.Duration(d.Every) {
		res = backup.DrillResult{Outcome: backup.DrillSkipped,
			Message: fmt.Sprintf("endpoint %s (%s, %s) of this drill is newer than every", ep.Name, ep.ID, ep.EndpointStatus)}
	} else {
		res = c.restoreNewest(ctx, d, group.ID)
	}
	res.Restored, res.LastRun = past.lastSuccess, past.lastRun()
	return res
}

// drillFailed is a failed run with its message.
func drillFailed(format string, args ...any) backup.DrillResult {
	return backup.DrillResult{Outcome: backup.DrillFailed, Message: fmt.Sprintf(format, args...)}
}

// restoreNewest restores the group's newest backup as the drill's endpoint
// and follows its restore task.
func (c *Client) restoreNewest(ctx context.Context, d config.RestoreDrill, groupID string) backup.DrillResult {
	s3, err := c.newestS3Backup(ctx, groupID)
	if err != nil {
		return drillFailed("%v", err)
	}
	if s3 == nil {
		return drillFailed("protection group %q has no backup to restore", d.ProtectionGroup)
	}
	created, err := c.createEndpoint(ctx, d, s3)
	if err != nil {
		return drillFailed("%v", err)
	}
	return c.followTask(ctx, created.TaskID)
}

// findProtectionGroup returns the protection group (not deleted) whose id
// or name is ref; nil when there is none.
func (c *Client) findProtectionGroup(ctx context.Context, ref string) (*inventoryItem, error) {
	groups, err := list[inventoryItem](ctx, c, protectionGroupsResource, listQuery{Filter: Filter{}.EqBool("is_deleted", false)})
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if g := &groups[i]; g.ID == ref || (g.Name != nil && *g.Name == ref) {
			return g, nil
		}
	}
	return nil, nil
}

// newestS3Backup returns the S3 asset backup of the group's newest backup;
// nil when the group has none.
func (c *Client) newestS3Backup(ctx context.Context, groupID string) (*s3AssetBackup, error) {
	newestFirst := Sort{Field: "start_timestamp", Desc: true}
	pgbs, err := getPage[pgBackup](ctx, c, pgBackupsResource, listQuery{Filter: Filter{}.Eq("protection_group_id", groupID), Sort: newestFirst}, "1")
	if err != nil {
		return nil, fmt.Errorf("clumio: list %s: %w", pgBackupsResource.name, err)
	}
	if len(pgbs.Embedded.Items.List) == 0 {
		return nil, nil
	}
	parent := pgbs.Embedded.Items.List[0].ID
	s3s, err := getPage[s3AssetBackup](ctx, c, s3BackupsResource, listQuery{Filter: Filter{}.Eq("parent_protection_group_backup_id", parent), Sort: newestFirst}, "1")
	if err != nil {
		return nil, fmt.Errorf("clumio: list %s: %w", s3BackupsResource.name, err)
	}
	for i := range s3s.Embedded.Items.List {
		if b := &s3s.Embedded.Items.List[i]; b.ID != "" && b.ProtectionGroupS3AssetID != "" {
			return b, nil
		}
	}
	return nil, nil
}

// createEndpoint POSTs the drill's endpoint, once: a POST is never
// retried, so that a lost answer cannot create two endpoints. The expiry
// counts from the request, so that the endpoint lives endpoint_ttl.
func (c *Client) createEndpoint(ctx context.Context, d config.RestoreDrill, s3 *s3AssetBackup) (*createdEndpoint, error) {
	now := c.now()
	body, err := json.Marshal(createEndpointRequest{
		Name:            DrillPrefix(d.Name) + now.UTC().Format("20060102t150405z"),
		ExpiryTimestamp: now.Add(time.Duration(d.EndpointTTL)).UTC().Format(time.RFC3339),
		Source:          endpointSource{ProtectionGroupS3AssetID: s3.ProtectionGroupS3AssetID, BackupID: s3.ID},
	})
	if err != nil {
		return nil, err
	}
	h := c.headers[endpointsResource.accept].Clone()
	h.Set("Content-Type", "application/json")
	resp, err := c.api.Do(ctx, httpapi.Request{Method: http.MethodPost, Path: endpointsResource.path, Header: h, Body: body, NoRetry: true})
	if err != nil {
		return nil, fmt.Errorf("clumio: create instant access endpoint: %w", err)
	}
	var out createdEndpoint
	if err := json.Unmarshal(resp.Body, &out); err != nil || out.TaskID == "" {
		return nil, fmt.Errorf("clumio: create instant access endpoint: answer has no task_id (%v)", err)
	}
	return &out, nil
}

// followTask reads the restore task until it completes, fails or ctx ends.
func (c *Client) followTask(ctx context.Context, id string) backup.DrillResult {
	status := "unknown"
	for {
		var t task
		err := c.api.GetJSON(ctx, httpapi.Request{Path: "/tasks/" + id, Route: "/tasks/{task_id}", Header: c.headers[tasksResource.accept]}, &t)
		switch {
		case err != nil && ctx.Err() == nil:
			return backup.DrillResult{Outcome: backup.DrillFailed, Message: fmt.Sprintf("clumio: read restore task %s: %v", id, err)}
		case err == nil:
			status = t.Status
			switch taskStatus(t.Status) {
			case backup.StatusSuccess:
				return backup.DrillResult{Outcome: backup.DrillSuccess}
			case backup.StatusFailed, backup.StatusAborted:
				return backup.DrillResult{Outcome: backup.DrillFailed, Message: fmt.Sprintf("restore task %s ended %s", id, t.Status)}
			}
		}
		timer := time.NewTimer(c.drillPoll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return backup.DrillResult{Outcome: backup.DrillFailed, Message: fmt.Sprintf("restore task %s still %s when the drill's timeout passed", id, status)}
		case <-timer.C:
		}
	}
}

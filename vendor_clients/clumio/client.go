package clumio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// ouHeader scopes every request to an organizational unit.
//
// Quirk: the official SDKs always send it, with an empty value when no OU is
// configured, which the API reads as the token's default OU. The client does
// the same.
const ouHeader = "x-clumio-organizationalunit-context"

// Client reads one Clumio target. The engine runs one Fetch at a time, so the
// state kept between refreshes (the task watermark and the assets' task
// history, the last good OU names and policy RPOs) needs no lock.
type Client struct {
	api      *httpapi.Client
	logger   *slog.Logger
	now      func() time.Time
	pageSize int
	lookback time.Duration
	// history is how far back the first refresh reads completed restores.
	history time.Duration
	// drillPoll is how often a restore drill reads its task.
	drillPoll time.Duration
	// headers holds the request headers of each Accept media type, built
	// once: the token, the media type and the OU.
	headers map[string]http.Header

	// inventoryTTL is how long the reads of what changes slowly (the
	// inventories, the OU names, the policies) are reused, and how often the
	// alerts are read whole rather than incrementally.
	inventoryTTL time.Duration
	inventories  []httpapi.Reused[[]inventoryItem] // one per assetKinds entry
	ouReads      httpapi.Reused[map[string]string]
	policyReads  httpapi.Reused[policyRPOs]
	// pgBackupReads are the protection-group backups of the read window,
	// read every inventory_ttl like the inventory they refine.
	pgBackupReads httpapi.Reused[map[string]pgBackupHistory]

	tasks  taskTracker
	alerts alertTracker
	// ouNames and rpos are the last good reads, used when a refresh cannot
	// read them so that tenants and RPOs do not flip; that refresh's assets
	// part still reports the error.
	ouNames map[string]string
	rpos    policyRPOs
	// pgBackups is the last good read of the protection-group backups,
	// kept like ouNames and rpos.
	pgBackups map[string]pgBackupHistory
}

// New returns a client for target t. All its requests go through api.
// t is the resolved target (config.Load applied the defaults and checked
// the ranges), so its settings are used as they are.
func New(t config.Target, api *httpapi.Client, logger *slog.Logger, now func() time.Time) (*Client, error) {
	if t.BearerToken.Reveal() == "" {
		return nil, fmt.Errorf("clumio: target %q: a bearer token is required", t.Name)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	c := &Client{
		api:       api,
		logger:    logger,
		now:       now,
		pageSize:  t.PageSize,
		lookback:  t.Lookback,
		history:   t.History,
		drillPoll: drillPollInterval,
		headers:   map[string]http.Header{},
		tasks:     newTaskTracker(),

		inventoryTTL: t.InventoryTTL,
		inventories:  make([]httpapi.Reused[[]inventoryItem], len(assetKinds)),
	}
	resources := []resource{tasksResource, alertsResource, policiesResource, orgUnitsResource, endpointsResource, pgBackupsResource, s3BackupsResource}
	for _, k := range assetKinds {
		resources = append(resources, k.res)
	}
	for _, r := range resources {
		h := http.Header{}
		h.Set("Authorization", "Bearer "+t.BearerToken.Reveal())
		h.Set("Accept", r.accept)
		h.Set(ouHeader, t.OrganizationalUnit)
		c.headers[r.accept] = h
	}
	return c, nil
}

// Fetch reads the inventory, the protection groups' recent backups, the
// tasks, the alerts and the S3 instant-access endpoints in parallel and
// maps them to a snapshot. The inventories, OU names, policies and
// protection-group backups are read again only every
// inventory_ttl; the tasks and alerts read only what changed since the
// previous refresh; the endpoints are listed whole (there are few). Each
// part fails on its own: a failed read leaves the
// other parts' data in the snapshot. Clumio has no storage quota in its API,
// so there is no storage part.
func (c *Client) Fetch(ctx context.Context) (*backup.Snapshot, error) {
	now := c.now()
	snap := &backup.Snapshot{
		FetchedAt: now,
		JobTypes:  slices.Clone(jobTypes),
	}

	var (
		wg        sync.WaitGroup
		inv       = make([][]inventoryItem, len(assetKinds))
		invErrs   = make([]error, len(assetKinds))
		ouNames   map[string]string
		ouErr     error
		rpos      policyRPOs
		rpoErr    error
		pgBackups map[string]pgBackupHistory
		pgErr     error
		tasks     []task
		rechecked map[string]bool
		taskErr   error
		alerts    []backup.Alert
		alertErr  error
		endpoints []instantAccessEndpoint
		epErr     error
	)
	run := func(fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	for i, k := range assetKinds {
		run(func() {
			inv[i], invErrs[i] = c.inventories[i].Get(ctx, now, c.inventoryTTL, func(ctx context.Context) ([]inventoryItem, error) {
				return c.fetchInventory(ctx, k)
			})
		})
	}
	run(func() { ouNames, ouErr = c.ouReads.Get(ctx, now, c.inventoryTTL, c.fetchOUNames) })
	run(func() { rpos, rpoErr = c.policyReads.Get(ctx, now, c.inventoryTTL, c.fetchPolicies) })
	run(func() {
		pgBackups, pgErr = c.pgBackupReads.Get(ctx, now, c.inventoryTTL, func(ctx context.Context) (map[string]pgBackupHistory, error) {
			return c.fetchPGBackups(ctx, now)
		})
	})
	run(func() { tasks, rechecked, taskErr = c.fetchTasks(ctx, now) })
	run(func() { alerts, alertErr = c.fetchAlerts(ctx, now) })
	run(func() { endpoints, epErr = c.fetchEndpoints(ctx) })
	wg.Wait()

	// Tasks first: they refine the assets' last attempts.
	if taskErr == nil {
		snap.Jobs, snap.JobsRunning = c.tasks.apply(tasks, rechecked, now, c.lookback, c.logger)
		snap.JobsQueued = c.tasks.queued()
	}
	snap.SetPart(backup.PartJobs, taskErr)

	if ouErr == nil {
		c.ouNames = ouNames
	}
	if rpoErr == nil {
		c.rpos = rpos
	}
	c.rpos.addIssues(snap)
	if pgErr == nil {
		c.pgBackups = pgBackups
	}
	invErr := errors.Join(invErrs...)
	assetsErr := errors.Join(invErr, ouErr, rpoErr, pgErr)
	snap.Assets = c.assets(inv)
	if invErr == nil {
		c.tasks.prune(snap.Assets)
	}
	snap.SetPart(backup.PartAssets, assetsErr)

	snap.Alerts = alerts
	snap.SetPart(backup.PartAlerts, alertErr)

	if epErr == nil {
		snap.Samples = endpointSamples(endpoints)
	}
	snap.SetPart(backup.PartRestoreEndpoints, epErr)

	for _, u := range c.rpos.unknownActivations() {
		snap.AddIssue("unknown_activation_status", "policy activation_status the exporter does not know (its assets keep their protection_status)", u[0]+": "+u[1])
	}
	c.api.ReportDroppedItems(snap)
	if assetsErr != nil && taskErr != nil && alertErr != nil && epErr != nil {
		return nil, errors.Join(assetsErr, taskErr, alertErr, epErr)
	}
	return snap, nil
}

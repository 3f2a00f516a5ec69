package cleverfox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// Client reads one CleverFox partner account. It keeps the log history
// (watermark and each job's last success) between Fetch calls, which the
// engine never runs concurrently.
type Client struct {
	api      *httpapi.Client
	logger   *slog.Logger
	now      func() time.Time
	header   http.Header
	pageSize int
	lookback time.Duration
	history  time.Duration
	zones    *zones
	logs     *logHistory

	// inventoryTTL is how long the lists that change slowly (companies,
	// plans, devices, backup jobs) are reused; the subscriptions (storage
	// used) and the logs are read at every refresh.
	inventoryTTL time.Duration
	companies    httpapi.Reused[[]Company]
	plans        httpapi.Reused[[]Plan]
	devices      httpapi.Reused[[]Device]
	jobs         httpapi.Reused[[]Job]
}

// New returns the client of target t. It refuses a URL that is not https:
// the API key travels in every request's Basic auth header. TLS 1.2 or newer
// is the HTTP layer's minimum unless tls_config raises it.
// t is the resolved target (config.Load applied the defaults and checked
// the ranges), so its settings are used as they are.
func New(t config.Target, api *httpapi.Client, logger *slog.Logger, now func() time.Time) (*Client, error) {
	u, err := url.Parse(t.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("cleverfox: url %q: want https://host/api", t.URL)
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return nil, fmt.Errorf("cleverfox: url %q: the API key would travel in clear; use https", u.Redacted())
	}
	if t.APIKey == "" {
		return nil, errors.New("cleverfox: api_key_file or api_key is required")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	// Quirk: the user name is the partner API key and the password "does
	// not matter"; it is sent empty.
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(t.APIKey.Reveal()+":"))
	return &Client{
		api:      api,
		logger:   logger,
		now:      now,
		header:   http.Header{"Authorization": {auth}, "Accept": {"application/json"}},
		pageSize: t.PageSize,
		lookback: t.Lookback,
		history:  t.History,
		zones:    newZones(logger),
		logs:     newLogHistory(),

		inventoryTTL: t.InventoryTTL,
	}, nil
}

// ErrorMessage reads the error body of a failed call. The real API's error
// body is not documented, so this is only for the message of the error; the
// client acts on status codes alone.
func ErrorMessage(body []byte) string {
	var e errorBody
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Message
}

// inventory is everything but the logs, each list with its own outcome.
type inventory struct {
	companies     []Company
	subscriptions []Subscription
	plans         []Plan
	devices       []Device
	jobs          []Job
	errs          map[string]error
}

// err returns the first error among the named lists.
func (inv *inventory) err(resources ...string) error {
	for _, r := range resources {
		if err := inv.errs[r]; err != nil {
			return err
		}
	}
	return nil
}

// readInventory reads the five small lists in parallel; they are paged one
// after the other inside each list, so at most five requests are in flight
// here, and httpapi bounds them further to max_concurrency.
func (c *Client) readInventory(ctx context.Context, now time.Time) *inventory {
	inv := &inventory{errs: map[string]error{}}
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	run := func(resource string, read func() error) {
		wg.Go(func() {
			err := read()
			mu.Lock()
			inv.errs[resource] = err
			mu.Unlock()
		})
	}
	run("companies", func() (err error) { inv.companies, err = reuse(ctx, c, &c.companies, now, "companies"); return })
	run("subscriptions", func() (err error) { inv.subscriptions, err = listAll[Subscription](ctx, c, "subscriptions"); return })
	run("plans", func() (err error) { inv.plans, err = reuse(ctx, c, &c.plans, now, "plans"); return })
	run("devices", func() (err error) { inv.devices, err = reuse(ctx, c, &c.devices, now, "devices"); return })
	run("jobs", func() (err error) { inv.jobs, err = reuse(ctx, c, &c.jobs, now, "jobs"); return })
	wg.Wait()
	return inv
}

// reuse returns the list of resource kept in r while it is younger than
// inventory_ttl, else reads it whole.
func reuse[T any](ctx context.Context, c *Client, r *httpapi.Reused[[]T], now time.Time, resource string) ([]T, error) {
	return r.Get(ctx, now, c.inventoryTTL, func(ctx context.Context) ([]T, error) { return listAll[T](ctx, c, resource) })
}

// Fetch reads the account and maps it to a snapshot. Parts: assets
// (companies, devices, jobs, logs), jobs (logs) and storage (subscriptions,
// plans, companies); one failing list fails only the parts that need it.
func (c *Client) Fetch(ctx context.Context) (*backup.Snapshot, error) {
	now := c.now()
	inv := c.readInventory(ctx, now)
	snap := &backup.Snapshot{FetchedAt: now, JobTypes: []backup.JobType{backup.JobBackup}}
	m := newMapper(inv, c.zones)

	logErr := inv.err("devices", "jobs")
	if logErr == nil {
		logErr = c.readLogs(ctx, m, now)
	}
	snap.SetPart(backup.PartJobs, logErr)
	if logErr == nil {
		snap.Jobs = c.logs.finished(now.Add(-c.lookback))
		snap.JobsRunning = map[backup.JobType]int{backup.JobBackup: m.running(c.logs, now)}
	}

	assetErr := inv.err("companies")
	if assetErr == nil {
		assetErr = logErr
	}
	snap.SetPart(backup.PartAssets, assetErr)
	if assetErr == nil {
		snap.Assets = m.assets(c.logs, now)
	}

	storageErr := inv.err("subscriptions", "plans", "companies", "devices")
	snap.SetPart(backup.PartStorage, storageErr)
	if storageErr == nil {
		var issues []backup.Issue
		snap.Storage, snap.Samples, issues = m.subscriptions(now)
		snap.Issues = append(snap.Issues, issues...)
	}

	c.api.ReportDroppedItems(snap)
	for _, id := range c.zones.takeUnknown() {
		snap.AddIssue("unknown_time_zone", "unknown time zone: its local times are read as UTC", id)
	}

	if assetErr != nil && logErr != nil && storageErr != nil {
		if assetErr == storageErr {
			return nil, assetErr
		}
		return nil, errors.Join(assetErr, storageErr)
	}
	return snap, nil
}

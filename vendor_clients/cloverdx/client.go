package cloverdx

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// restBase is where the REST API v1 lives below the server root.
const restBase = "/api/rest/v1"

// Client reads one CloverDX Server. It keeps each job file's state between
// refreshes, so that later refreshes read only the new executions; the
// engine never runs two Fetch calls of one client at once.
type Client struct {
	api      *httpapi.Client
	logger   *slog.Logger
	now      func() time.Time
	header   http.Header
	pageSize int
	lookback time.Duration
	history  time.Duration

	// rest is the REST base relative to the API client's base URL, and
	// liveness the path of accessibilityTest.jsp.
	rest, liveness string

	// state carries the job files and the execution watermark across
	// refreshes.
	state executionState

	// dashboards are the dashboards of the latest listing, each with its
	// last good monitors; dashboardList says when to list them again.
	dashboards    []*dashboardState
	dashboardList httpapi.Schedule
	// monitorsRead is set once a dashboard's monitors were read: until
	// then a refresh commits after a short slice.
	monitorsRead bool
	// lastMonitorsErr is the latest failed dashboard read, which a part
	// whose every dashboard fails reports.
	lastMonitorsErr error
	// cacheTTL is how often a dashboard's monitors are read, and
	// inventoryTTL how often the dashboards are listed.
	cacheTTL, inventoryTTL time.Duration
}

// New returns the client of target t. The URL is the server root (such as
// https://etl.example.com/clover); t.Username and t.Password are sent with
// HTTP Basic on every request.
// t is the resolved target (config.Load applied the defaults and checked
// the ranges), so its settings are used as they are.
func New(t config.Target, api *httpapi.Client, logger *slog.Logger, now func() time.Time) (*Client, error) {
	if t.Username == "" || t.Password == "" {
		return nil, errors.New("cloverdx: username and password_file are required")
	}
	u, err := url.Parse(t.URL)
	if err != nil {
		return nil, fmt.Errorf("cloverdx: url: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	c := &Client{
		api:      api,
		logger:   logger,
		now:      now,
		pageSize: t.PageSize,
		lookback: t.Lookback,
		history:  t.History,
		rest:     restBase,

		cacheTTL:     t.CacheTTL,
		inventoryTTL: t.InventoryTTL,
		liveness:     "/accessibilityTest.jsp",
		header: http.Header{
			"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(t.Username+":"+t.Password.Reveal()))},
			// Quirk: the server's CSRF guard rejects a REST request
			// without X-Requested-By; any value passes.
			"X-Requested-By": {"backup_exporter"},
			"Accept":         {"application/json"},
		},
	}
	// A URL given as the REST base itself is taken back to the server root:
	// the REST paths are then relative to it, and the liveness page, which
	// lies outside it, is addressed absolutely.
	if p := strings.TrimRight(u.Path, "/"); strings.HasSuffix(p, restBase) {
		c.rest = ""
		u.Path = strings.TrimSuffix(p, restBase) + c.liveness
		u.RawQuery = ""
		c.liveness = u.String()
	}
	// A zero cache_ttl would make every item due at once, always.
	if c.cacheTTL <= 0 {
		c.cacheTTL = config.DefaultSettings.CacheTTL
	}
	if c.inventoryTTL < c.cacheTTL {
		c.inventoryTTL = c.cacheTTL
	}
	return c, nil
}

// Fetch checks the server's liveness, then reads the executions (assets and
// jobs) and the dashboards' monitors (monitors and alerts). A failing
// liveness check fails the whole refresh; otherwise each half fails alone.
func (c *Client) Fetch(ctx context.Context) (*backup.Snapshot, error) {
	now := c.now()
	if _, err := c.api.Do(ctx, httpapi.Request{Path: c.liveness, Route: "/accessibilityTest.jsp", Header: c.header}); err != nil {
		return nil, fmt.Errorf("cloverdx: liveness: %w", err)
	}
	snap := &backup.Snapshot{FetchedAt: now}

	err := c.fetchExecutions(ctx, now, snap)
	if err != nil {
		err = fmt.Errorf("cloverdx: executions: %w", err)
	}
	snap.SetPart(backup.PartAssets, err)
	snap.SetPart(backup.PartJobs, err)

	err = c.fetchMonitors(ctx, snap)
	if err != nil {
		err = fmt.Errorf("cloverdx: monitors: %w", err)
	}
	snap.SetPart(backup.PartMonitors, err)
	snap.SetPart(backup.PartAlerts, err)

	c.api.ReportDroppedItems(snap)
	if snap.Failed(backup.PartAssets) && snap.Failed(backup.PartMonitors) {
		return nil, errors.Join(snap.PartErrors[backup.PartAssets], snap.PartErrors[backup.PartMonitors])
	}
	return snap, nil
}

// getJSON GETs a REST resource with the auth and CSRF headers.
func (c *Client) getJSON(ctx context.Context, route, path string, query url.Values, out any) error {
	return c.api.GetJSON(ctx, httpapi.Request{
		Path:   c.rest + path,
		Route:  restBase + route,
		Query:  query,
		Header: c.header,
	}, out)
}

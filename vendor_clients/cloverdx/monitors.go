package cloverdx

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// alertLevelSpec is backup_cloverdx_monitor_alert_level.
var alertLevelSpec = backup.MetricSpec{
	Name:   "monitor_alert_level",
	Help:   "Highest alert level among a failing or warning monitor's triggers: 0 very low, 1 low, 2 medium, 3 high, 4 critical.",
	Type:   backup.Gauge,
	Labels: []string{"monitor_id"},
}

// dashboardState is what the client remembers of one dashboard between
// refreshes: its monitors as last read, and when to read them again.
type dashboardState struct {
	dashboard dashboard
	monitors  []monitor
	// readAt is when its monitors were last read; zero until then.
	readAt   time.Time
	schedule httpapi.Schedule
}

// fetchMonitors lists the dashboards (every inventory_ttl), reads the
// monitors of those that are due (every cache_ttl), stalest first, until
// the refresh's slice of time is up, and fills the monitors, the alerts
// (one per failing monitor item) and the alert level samples of snap from
// every dashboard read so far. A dashboard whose read fails keeps its last
// good monitors, is counted and read again after a backoff; the part fails
// only when the listing fails or no dashboard could ever be read, or when
// the latest read of every dashboard failed (a permission withdrawn after
// a good read), for as long as none reads again.
func (c *Client) fetchMonitors(ctx context.Context, snap *backup.Snapshot) error {
	listFailed, err := c.listDashboards(ctx)
	if err != nil {
		return err
	}
	start := c.now()
	schedules := make([]*httpapi.Schedule, len(c.dashboards))
	for i, d := range c.dashboards {
		schedules[i] = &d.schedule
	}
	due, _ := httpapi.DueFirst(schedules, start)
	stopAt := httpapi.SliceEnd(ctx, start, !c.monitorsRead)
	var (
		mu        sync.Mutex
		read, cut int
		errs      []error
	)
	started := httpapi.Sweep(ctx, len(due), c.api.MaxConcurrency(), stopAt, c.now, func(ctx context.Context, k int) {
		d := c.dashboards[due[k]]
		now := c.now()
		ms, err := c.readMonitors(ctx, d.dashboard)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil && ctx.Err() != nil:
			cut++ // left to the next refresh
		case err != nil:
			d.schedule.Failed(now, c.cacheTTL)
			errs = append(errs, err)
		default:
			d.monitors, d.readAt = ms, now
			d.schedule.Succeeded(now, httpapi.ReadEarly(now, c.cacheTTL))
			read++
		}
	})
	if read > 0 {
		c.monitorsRead = true
	}
	failed := len(errs)
	if listFailed {
		failed++
	}
	p := &backup.Progress{Items: len(c.dashboards), Read: read, Failed: failed, Pending: len(due) - started + cut,
		ReadAt: make([]time.Time, len(c.dashboards))}
	anyRead := false
	for i, d := range c.dashboards {
		p.ReadAt[i] = d.readAt
		if due := d.schedule.Due; due.After(start) && (p.NextDue.IsZero() || due.Before(p.NextDue)) {
			p.NextDue = due
		}
		if d.readAt.IsZero() {
			continue
		}
		anyRead = true
		for _, m := range d.monitors {
			c.addMonitor(snap, d.dashboard, m)
		}
	}
	snap.Progress = p
	if len(errs) > 0 {
		c.lastMonitorsErr = errs[0]
	}
	if len(errs) > 0 && !anyRead {
		return fmt.Errorf("%d of %d dashboards failed, the first: %w", len(errs), len(due), errs[0])
	}
	if httpapi.AllFailing(schedules, (*httpapi.Schedule).Failing) {
		return fmt.Errorf("the latest read of each of the %d dashboards failed; they serve their last good monitors: %w", len(schedules), c.lastMonitorsErr)
	}
	if len(errs) > 0 {
		c.logger.Debug("dashboard reads failed: they serve their last good monitors and are read again later",
			"failed", len(errs), "first", errs[0])
	}
	return nil
}

// listDashboards reads the dashboards when the listing is due (every
// inventory_ttl, or after a backoff once a listing failed), keeping the
// state of those that remain. With a listing at hand, a failed listing
// keeps it: it is logged and reported (listFailed), to be counted with the
// failed reads, and fails nothing. Without one it is the error.
func (c *Client) listDashboards(ctx context.Context) (listFailed bool, err error) {
	now := c.now()
	if c.dashboards != nil && !c.dashboardList.IsDue(now) {
		return false, nil
	}
	var listed []dashboard
	err = pageAll(ctx, c, "/dashboards", "/dashboards", func(p []dashboard) bool {
		listed = append(listed, p...)
		return true
	})
	if err != nil {
		if c.dashboards == nil {
			return false, err
		}
		c.dashboardList.Failed(now, c.inventoryTTL)
		c.logger.Warn("cannot list the dashboards: the previous listing is kept", "err", err)
		return true, nil
	}
	c.dashboardList.Succeeded(now, now.Add(c.inventoryTTL))
	known := make(map[string]*dashboardState, len(c.dashboards))
	for _, d := range c.dashboards {
		known[d.dashboard.ID.String()] = d
	}
	out := make([]*dashboardState, 0, len(listed))
	seen := map[string]bool{}
	for _, d := range listed {
		id := d.ID.String()
		if seen[id] {
			continue
		}
		seen[id] = true
		st := known[id]
		if st == nil {
			st = &dashboardState{dashboard: d}
		}
		out = append(out, st)
	}
	c.dashboards = out
	return false, nil
}

// readMonitors lists the monitors of one dashboard. Quirk: monitors have
// no collection of their own; they live under /dashboards/{id}/monitors.
func (c *Client) readMonitors(ctx context.Context, d dashboard) ([]monitor, error) {
	var out []monitor
	path := "/dashboards/" + d.ID.String() + "/monitors"
	err := pageAll(ctx, c, "/dashboards/{id}/monitors", path, func(p []monitor) bool {
		out = append(out, p...)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.ID, err)
	}
	return out, nil
}

// maxFailingItems bounds a monitor's failingItemsCount: one alert is
// reported per failing item.
const maxFailingItems = 100000

// addMonitor adds one monitor, its failing items as alerts and, while it
// fails or warns, its alert level.
func (c *Client) addMonitor(snap *backup.Snapshot, d dashboard, m monitor) {
	// Monitor ids are unique within a dashboard only as far as the docs
	// say, so the dashboard is part of the id.
	id := d.ID.String() + "/" + m.ID.String()
	failing, level := 0, enumName("")
	for _, it := range m.Items {
		if it.State != "FAILING" {
			continue
		}
		failing++
		l := it.AlertLevel
		if _, ok := alertLevels[l]; !ok {
			l = defaultAlertLevel
		}
		if level == "" || alertLevels[l] > alertLevels[level] {
			level = l
		}
		snap.Alerts = append(snap.Alerts, backup.Alert{Severity: severity(l), Type: strings.ToLower(string(it.Type))})
	}
	if n := m.FailingItemsCount; n != nil {
		// A count below 0 or past what a server holds would serve a wrong
		// figure or make as many alerts; the listed items count instead.
		if *n >= 0 && *n <= maxFailingItems {
			failing = *n
		} else {
			snap.AddIssue("invalid_failing_items_count", "monitor with an impossible failingItemsCount: its listed items are counted", strconv.Itoa(*n))
		}
	}
	if _, ok := alertLevels[m.AlertLevel]; ok {
		level = m.AlertLevel
	}
	// A monitor listed without its items still counts its failing ones.
	if len(m.Items) == 0 {
		for range failing {
			snap.Alerts = append(snap.Alerts, backup.Alert{Severity: severity(level), Type: "monitor"})
		}
	}
	state := c.monitorState(m, failing)
	snap.Monitors = append(snap.Monitors, backup.Monitor{ID: id, Name: m.Name, State: state, FailingItems: failing})
	if state != backup.MonitorPassing && level != "" {
		snap.Samples = append(snap.Samples, backup.Sample{Spec: &alertLevelSpec, LabelValues: []string{id}, Value: float64(alertLevels[level])})
	}
}

// monitorState maps a monitor's state: FAILING fails, and a PASSING monitor
// that failed and recovered warns until its issues are resolved (the warning
// flag). A state the docs do not name is judged by the failing items.
func (c *Client) monitorState(m monitor, failing int) backup.MonitorState {
	switch {
	case m.State == "FAILING":
		return backup.MonitorFailing
	case m.State == "WARNING" || (m.State == "PASSING" && m.Warning != nil && *m.Warning):
		return backup.MonitorWarning
	case m.State == "PASSING":
		return backup.MonitorPassing
	}
	c.logger.Warn("monitor with an unknown state, judged by its failing items", "monitor", m.Name, "state", string(m.State))
	if failing > 0 {
		return backup.MonitorFailing
	}
	return backup.MonitorPassing
}

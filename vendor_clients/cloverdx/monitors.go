package cloverdx

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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

// fetchMonitors reads every dashboard and the monitors of each, and fills
// the monitors, the alerts (one per failing monitor item) and the alert
// level samples of snap.
func (c *Client) fetchMonitors(ctx context.Context, snap *backup.Snapshot) error {
	var dashboards []dashboard
	err := pageAll(ctx, c, "/dashboards", "/dashboards", func(p []dashboard) bool {
		dashboards = append(dashboards, p...)
		return true
	})
	if err != nil {
		return err
	}
	monitors, err := c.dashboardMonitors(ctx, dashboards)
	if err != nil {
		return err
	}
	for i, ms := range monitors {
		for _, m := range ms {
			c.addMonitor(snap, dashboards[i], m)
		}
	}
	return nil
}

// dashboardMonitors lists the monitors of each dashboard, by the dashboards'
// index, with at most MaxConcurrency dashboards read at once. Quirk:
// monitors have no collection of their own; they live under
// /dashboards/{id}/monitors.
func (c *Client) dashboardMonitors(ctx context.Context, dashboards []dashboard) ([][]monitor, error) {
	out := make([][]monitor, len(dashboards))
	err := httpapi.ForEach(ctx, len(dashboards), c.api.MaxConcurrency(), func(ctx context.Context, i int) error {
		path := "/dashboards/" + dashboards[i].ID.String() + "/monitors"
		err := pageAll(ctx, c, "/dashboards/{id}/monitors", path, func(p []monitor) bool {
			out[i] = append(out[i], p...)
			return true
		})
		if err != nil {
			return fmt.Errorf("dashboard %s: %w", dashboards[i].ID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
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

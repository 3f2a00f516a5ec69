package clumio

import (
	"context"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

var alertsResource = resource{
	name:   "individual alerts",
	path:   "/alerts/individual",
	accept: "application/api.clumio.individual-alerts=v1+json",
}

// alertTimeFields are the alert timestamps an incremental read filters on,
// one request each (a Clumio filter ANDs its fields): raised finds new
// alerts, updated their recurrences, and cleared the alerts that stopped
// being active. Clearing sets cleared_timestamp; the API does not document
// that it moves updated_timestamp, so the clears are read on their own.
var alertTimeFields = []string{"raised_timestamp", "updated_timestamp", "cleared_timestamp"}

// alertTracker is the active alerts kept between refreshes, so that a
// refresh reads only the alerts that changed since the previous one.
type alertTracker struct {
	// active are the active alerts by id.
	active map[string]backup.Alert
	// fullAt is when the active alerts were last read whole; zero before.
	fullAt time.Time
	// watermark is the time the next incremental read starts from: the
	// newest alert timestamp seen (or the time of the last full read, if
	// later), less watermarkOverlap.
	watermark time.Time
}

// fetchAlerts returns the active alerts. Every inventory_ttl (and on the
// first refresh) it lists the active alerts whole; in between it reads only
// the alerts raised, updated or cleared since the watermark, and applies
// them to the alerts it keeps: a cleared alert leaves the count. The next
// full read corrects what an incremental read cannot see (an alert deleted,
// or a clock more than watermarkOverlap ahead of the server's).
func (c *Client) fetchAlerts(ctx context.Context, now time.Time) ([]backup.Alert, error) {
	tr := &c.alerts
	if tr.active == nil || now.Sub(tr.fullAt) >= c.inventoryTTL {
		items, err := list[alert](ctx, c, alertsResource, listQuery{
			Filter: Filter{}.In("status", "active"),
			Sort:   Sort{Field: "raised_timestamp", Desc: true},
		})
		if err != nil {
			return nil, err
		}
		active := make(map[string]backup.Alert, len(items))
		newest := now
		for _, a := range items {
			// The filter already asks for active alerts; a server that
			// ignores it must not inflate the count.
			if a.Status == "" || a.Status == "active" {
				active[a.key()] = a.neutral()
			}
			newest = later(newest, a.newest())
		}
		tr.active, tr.fullAt, tr.watermark = active, now, newest.Add(-watermarkOverlap)
		return tr.list(), nil
	}

	changed := make([][]alert, len(alertTimeFields))
	err := httpapi.ForEach(ctx, len(alertTimeFields), c.api.MaxConcurrency(), func(ctx context.Context, i int) error {
		items, err := list[alert](ctx, c, alertsResource, listQuery{Filter: Filter{}.Since(alertTimeFields[i], tr.watermark)})
		changed[i] = items
		return err
	})
	if err != nil {
		return nil, err
	}
	newest := tr.watermark
	for _, items := range changed {
		for _, a := range items {
			if a.Status == "active" {
				tr.active[a.key()] = a.neutral()
			} else {
				delete(tr.active, a.key())
			}
			newest = later(newest, a.newest())
		}
	}
	if wm := newest.Add(-watermarkOverlap); wm.After(tr.watermark) {
		tr.watermark = wm
	}
	return tr.list(), nil
}

// list returns the active alerts kept.
func (tr *alertTracker) list() []backup.Alert {
	out := make([]backup.Alert, 0, len(tr.active))
	for _, a := range tr.active {
		out = append(out, a)
	}
	return out
}

// neutral maps an alert to the neutral model.
func (a alert) neutral() backup.Alert {
	return backup.Alert{Severity: alertSeverity(a.Severity), Type: a.Type}
}

// key identifies an alert; one without an id (a broken answer) is keyed by
// what it says, so that it still counts once.
func (a alert) key() string {
	if a.ID != "" {
		return a.ID
	}
	return "\xff" + a.Type + "\xff" + a.Severity + "\xff" + a.RaisedTimestamp.String()
}

// newest is the latest of the alert's timestamps.
func (a alert) newest() time.Time {
	return later(a.RaisedTimestamp.Time, later(a.UpdatedTimestamp.Time, a.ClearedTimestamp.Time))
}

// alertSeverity normalises a severity. Clumio documents error and warning;
// an unknown value counts as a warning so that the alert is still seen.
func alertSeverity(s string) backup.Severity {
	switch s {
	case "critical":
		return backup.SeverityCritical
	case "error":
		return backup.SeverityError
	case "info":
		return backup.SeverityInfo
	}
	return backup.SeverityWarning
}

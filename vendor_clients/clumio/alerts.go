package clumio

import (
	"context"

	"github.com/backup-exporter/backup_exporter/backup"
)

var alertsResource = resource{
	name:   "individual alerts",
	path:   "/alerts/individual",
	accept: "application/api.clumio.individual-alerts=v1+json",
}

// fetchAlerts lists the active individual alerts, newest first.
func (c *Client) fetchAlerts(ctx context.Context) ([]backup.Alert, error) {
	q := listQuery{
		Filter: Filter{}.In("status", "active"),
		Sort:   Sort{Field: "raised_timestamp", Desc: true},
	}
	items, err := list[alert](ctx, c, alertsResource, q)
	if err != nil {
		return nil, err
	}
	out := make([]backup.Alert, 0, len(items))
	for _, a := range items {
		// The filter already asks for active alerts; a server that ignores
		// it must not inflate the count.
		if a.Status != "" && a.Status != "active" {
			continue
		}
		out = append(out, backup.Alert{Severity: alertSeverity(a.Severity), Type: a.Type})
	}
	return out, nil
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

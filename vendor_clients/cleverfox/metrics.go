package cleverfox

import "github.com/backup-exporter/backup_exporter/backup"

// The vendor-only metrics, exported as backup_cleverfox_<Name>. They are per
// subscription, and subscription_id joins them with the subscription's
// backup_storage_limit_bytes{scope="subscription",scope_id=…}.
var (
	deviceLimitSpec = backup.MetricSpec{
		Name:   "device_limit",
		Help:   "Devices the subscription may back up: its plan's DeviceLimit plus the additional devices bought.",
		Type:   backup.Gauge,
		Labels: []string{"subscription_id"},
	}
	devicesSpec = backup.MetricSpec{
		Name:   "devices",
		Help:   "Active (not inactive) devices in the subscription.",
		Type:   backup.Gauge,
		Labels: []string{"subscription_id"},
	}
)

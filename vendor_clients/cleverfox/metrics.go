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
	subscriptionStatusSpec = backup.MetricSpec{
		Name:   "subscription_status",
		Help:   "The subscription's Status, value 1: active, trialing, past_due or canceled (an unknown Status has no series and counts as a data issue).",
		Type:   backup.Gauge,
		Labels: []string{"subscription_id", "tenant", "status"},
	}
	expirySpec = backup.MetricSpec{
		Name:   "subscription_expiry_timestamp_seconds",
		Help:   "When the period the subscription is paid for ends (PeriodEnd, Unix seconds); it lies ahead while the subscription is current.",
		Type:   backup.Gauge,
		Labels: []string{"subscription_id", "tenant"},
	}
	lapsedSpec = backup.MetricSpec{
		Name:   "subscription_lapsed",
		Help:   "1 if the subscription no longer pays for backups (IsInactive, PeriodEnd over a day past, or Canceled without a PeriodEnd); its company's jobs then count as unprotected.",
		Type:   backup.Gauge,
		Labels: []string{"subscription_id", "tenant"},
	}
)

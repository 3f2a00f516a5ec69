package clumio

import (
	"context"
	"math"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// assetKind is one inventory endpoint and the asset type it lists.
type assetKind struct {
	// assetType is the `asset_type` label.
	assetType string
	res       resource
	// opPrefix selects the policy operations whose RPO applies to the kind.
	opPrefix string
	// nativeID is the AWS id, the asset's name when it has none.
	nativeID func(*inventoryItem) string
	// size is the data stored for the asset, where the API reports it.
	size func(*inventoryItem) *float64
}

// assetKinds are the inventories the client reads, in exposition order.
// Only the protection group's backed-up bytes are documented as data
// stored in the inventory; the other kinds report no size there.
//
// Quirk: an EBS volume's `size` (bytes) is the volume's capacity, not the
// data backed up for it (clumio.md 1.7.5), so it is not the asset's size;
// the backups' utilized_size_in_bytes would be, but they are not read.
var assetKinds = []assetKind{
	{
		assetType: "aws_ebs_volume",
		res:       resource{name: "EBS volumes", path: "/datasources/aws/ebs-volumes", accept: "application/api.clumio.aws-ebs-volumes=v1+json"},
		opPrefix:  "aws_ebs_volume",
		nativeID:  func(it *inventoryItem) string { return it.VolumeNativeID },
		size:      noSize,
	},
	{
		assetType: "aws_ec2_instance",
		res:       resource{name: "EC2 instances", path: "/datasources/aws/ec2-instances", accept: "application/api.clumio.aws-ec2-instances=v1+json"},
		opPrefix:  "aws_ec2_instance",
		nativeID:  func(it *inventoryItem) string { return it.InstanceNativeID },
		size:      noSize,
	},
	{
		assetType: "aws_rds_resource",
		res:       resource{name: "RDS resources", path: "/datasources/aws/rds-resources", accept: "application/api.clumio.aws-rds-resources=v1+json"},
		opPrefix:  "aws_rds_resource",
		nativeID:  func(it *inventoryItem) string { return it.ResourceNativeID },
		size:      noSize,
	},
	{
		assetType: "aws_dynamodb_table",
		res:       resource{name: "DynamoDB tables", path: "/datasources/aws/dynamodb-tables", accept: "application/api.clumio.aws-dynamodb-tables=v1+json"},
		opPrefix:  "aws_dynamodb_table",
		nativeID:  func(it *inventoryItem) string { return it.TableNativeID },
		size:      noSize,
	},
	{
		assetType: "aws_s3_protection_group",
		res:       protectionGroupsResource,
		opPrefix:  "protection_group",
		nativeID:  func(*inventoryItem) string { return "" },
		size:      func(it *inventoryItem) *float64 { return it.TotalBackedUpSizeBytes },
	},
}

// protectionGroupsResource is the S3 protection groups' inventory, which
// restore drills also read.
var protectionGroupsResource = resource{name: "protection groups", path: "/datasources/protection-groups", accept: "application/api.clumio.protection-groups=v1+json"}

func noSize(*inventoryItem) *float64 { return nil }

// fetchInventory lists the kind's assets that are not deleted.
func (c *Client) fetchInventory(ctx context.Context, k assetKind) ([]inventoryItem, error) {
	q := listQuery{
		Filter:       Filter{}.EqBool("is_deleted", false),
		LookbackDays: lookbackDays(c.lookback),
	}
	return list[inventoryItem](ctx, c, k.res, q)
}

// lookbackDays is the window, in whole days (at least 1), over which Clumio
// computes backup_status_info: the exporter's lookback rounded up.
func lookbackDays(d time.Duration) int {
	return max(1, int(math.Ceil(d.Hours()/24)))
}

// assets maps the inventories (one slice per assetKinds entry) to assets,
// refined by the tasks' history.
func (c *Client) assets(inv [][]inventoryItem) []backup.Asset {
	n := 0
	for _, items := range inv {
		n += len(items)
	}
	out := make([]backup.Asset, 0, n)
	for i, items := range inv {
		for j := range items {
			if a, ok := c.asset(assetKinds[i], &items[j]); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// asset maps one inventory item; deleted items are skipped.
func (c *Client) asset(k assetKind, it *inventoryItem) (backup.Asset, bool) {
	if it.ID == "" || (it.IsDeleted != nil && *it.IsDeleted) {
		return backup.Asset{}, false
	}
	a := backup.Asset{
		ID:        it.ID,
		Type:      k.assetType,
		Name:      it.ID,
		Tenant:    it.OrganizationalUnitID,
		Protected: it.ProtectionStatus != nil && *it.ProtectionStatus == "protected",
		SizeBytes: k.size(it),
	}
	if it.ProtectionInfo != nil && it.ProtectionInfo.PolicyID != "" {
		// A deactivated policy runs no backup: its assets are not
		// protected, whatever protection_status says, and it lends no RPO.
		a.PolicyActive = c.rpos.active(it.ProtectionInfo.PolicyID)
		if a.PolicyActive != nil && !*a.PolicyActive {
			a.Protected = false
		}
		a.RPO = c.rpos.rpo(it.ProtectionInfo.PolicyID, k.opPrefix)
	}
	if it.Name != nil && *it.Name != "" {
		a.Name = *it.Name
	} else if id := k.nativeID(it); id != "" {
		a.Name = id
	}
	if name, ok := c.ouNames[it.OrganizationalUnitID]; ok {
		a.Tenant = name
	}

	// The last success is the latest of what each source knows:
	// last_backup_timestamp (the newest backup, on-demand ones included),
	// the start of the newest successful policy run, and the end of the
	// newest completed backup task. Each is a real success; whichever is
	// later is the closest to "end of the latest successful backup".
	a.LastSuccess = it.LastBackupTimestamp.Time
	var lastFailed time.Time
	status := ""
	if bs := it.BackupStatusInfo; bs != nil {
		a.LastSuccess = later(a.LastSuccess, bs.LastSuccessfulPolicyStartTimestamp.Time)
		a.LastAttempt = later(bs.LastSuccessfulPolicyStartTimestamp.Time, bs.LastFailedPolicyStartTimestamp.Time)
		lastFailed, status = bs.LastFailedPolicyStartTimestamp.Time, bs.BackupStatus
	} else if st := it.BackupStatusStats; st != nil {
		status = st.summary()
	}
	a.LastStatus = inventoryStatus(status, a.Protected)
	if status == "no_backup" && a.Protected {
		a.LastStatus = beforeWindow(it.BackupStatusInfo != nil, a.LastSuccess, lastFailed)
	}

	// The newest backup task refines the inventory's summary when it is at
	// least as recent: it knows the end of the attempt, its duration, and
	// whether one is running or queued now.
	if h := c.tasks.byAsset[it.ID]; h != nil {
		a.LastSuccess = later(a.LastSuccess, h.lastSuccess)
		switch {
		case h.latestStatus == backup.StatusQueued && !h.latestCreated.Before(a.LastAttempt):
			a.LastStatus = backup.StatusQueued
		case !h.latestAt.IsZero() && !h.latestAt.Before(a.LastAttempt):
			a.LastAttempt, a.LastStatus = h.latestAt, h.latestStatus
		}
		a.LastDuration = h.lastDuration
	}
	a.LastRestore = c.tasks.lastRestore[it.ID]
	c.restoreSignals(k, it, &a)
	return a, true
}

// inventoryStatus normalises backup_status_info.backup_status, computed by
// Clumio over lookback_days. no_backup on a protected asset means its policy
// produced no backup in the window: missed. An unprotected asset has no
// schedule to miss, so it has no status.
func inventoryStatus(s string, protected bool) backup.Status {
	switch s {
	case "success":
		return backup.StatusSuccess
	case "partial_success":
		return backup.StatusWarning
	case "failure":
		return backup.StatusFailed
	case "no_backup":
		if protected {
			return backup.StatusMissed
		}
		return ""
	case "":
		return ""
	}
	return backup.StatusUnknown
}

// beforeWindow is the status of a protected asset's latest attempt when
// backup_status says no_backup: nothing ran within lookback_days, so the
// latest attempt, if the inventory knows one, ran before the window. It is
// failed when the last failed policy start is the later one, success when
// the last success is and the inventory reports failures
// (backup_status_info; failuresKnown), unknown when it does not (a
// protection group's backup_status_stats name no failure time), and missed
// when the asset never ran at all.
//
// Quirk: backup_status covers lookback_days only. Reading no_backup as
// missed made an exporter started after an asset's last run left the
// window (a weekly policy, or backups that stopped) report missed, where
// one that watched the run's task reports its status; the latest
// attempt's status is what backup_asset_last_status means.
func beforeWindow(failuresKnown bool, lastSuccess, lastFailed time.Time) backup.Status {
	switch {
	case lastSuccess.IsZero() && lastFailed.IsZero():
		return backup.StatusMissed
	case lastFailed.After(lastSuccess):
		return backup.StatusFailed
	case failuresKnown:
		return backup.StatusSuccess
	}
	return backup.StatusUnknown
}

// summary turns a protection group's per-bucket counts into one
// backup_status: failure when no bucket succeeded, partial_success when some
// failed or partly succeeded, success when all that ran succeeded, and
// no_backup when nothing ran.
//
// Quirk: protection groups report backup_status_stats (counts over their
// buckets) instead of the other assets' backup_status_info.
func (s *backupStatusStats) summary() string {
	switch {
	case s.FailureCount > 0 && s.SuccessCount == 0 && s.PartialSuccessCount == 0:
		return "failure"
	case s.FailureCount > 0 || s.PartialSuccessCount > 0:
		return "partial_success"
	case s.SuccessCount > 0:
		return "success"
	case s.NoBackupCount > 0:
		return "no_backup"
	}
	return ""
}

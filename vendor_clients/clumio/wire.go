package clumio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// The wire types mirror the JSON of clumio.md. Every field is optional: a
// missing or null value decodes to a nil pointer or a zero value.

// listPage is the HAL envelope of every list endpoint. Its items are
// decoded one by one: an item with a field of the wrong type is dropped and
// counted, not the page.
type listPage[T any] struct {
	Embedded struct {
		Items httpapi.Items[T] `json:"items"`
	} `json:"_embedded"`
	Links           pageLinks  `json:"_links"`
	CurrentCount    *int64     `json:"current_count"`
	Limit           *int64     `json:"limit"`
	Start           flexString `json:"start"`
	TotalCount      *int64     `json:"total_count"`
	TotalPagesCount *int64     `json:"total_pages_count"`
}

// ItemDrops reports the items of the page that did not decode.
func (p *listPage[T]) ItemDrops() (int, string) { return p.Embedded.Items.ItemDrops() }

// pageLinks are the HAL links of a list page; Next is absent or null on the
// last page.
type pageLinks struct {
	Self  *link `json:"_self"`
	First *link `json:"_first"`
	Last  *link `json:"_last"`
	Next  *link `json:"_next"`
	Prev  *link `json:"_prev"`
}

// link is one HAL link; Type holds the HTTP method of the link.
type link struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated"`
	Type      string `json:"type"`
}

// flexString decodes a JSON string or number into a string.
//
// Quirk: Clumio sends the page number `start` as a string ("1"); a number is
// accepted too in case a resource version changes it.
type flexString string

// UnmarshalJSON accepts a string, a number or null.
func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = ""
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("start: want a string or a number, got %s", b)
		}
		*s = flexString(n.String())
	}
	return nil
}

// timestamp is an RFC-3339 time that may be null or empty; the zero value
// means "not reported".
type timestamp struct{ time.Time }

// UnmarshalJSON accepts an RFC-3339 string, "" or null.
func (t *timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: want an RFC-3339 string, got %s", b)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", s, err)
	}
	if v.Year() < 1 {
		return fmt.Errorf("timestamp %q: before year 1", s)
	}
	t.Time = v
	return nil
}

// epoch is a Unix time in seconds, as policies send their times.
//
// Quirk: policy created_time/updated_time and operation start times are
// epoch integers, unlike every other Clumio timestamp. A numeric string is
// accepted too.
type epoch struct{ time.Time }

// UnmarshalJSON accepts a number, a numeric string or null.
func (e *epoch) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(bytes.TrimSpace(b), `"`)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		e.Time = time.Time{}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("epoch time: want a number, got %s", b)
	}
	// Past these bounds (years 1 and 9999) int64(f) would wrap or the
	// time would not print: the value is wrong, not a far date.
	if math.IsNaN(f) || f < minEpoch || f > maxEpoch {
		return fmt.Errorf("epoch time %s: out of range", b)
	}
	e.Time = time.Unix(int64(f), 0).UTC()
	return nil
}

// minEpoch and maxEpoch are the first and last second of years 1 to 9999.
const (
	minEpoch = -62135596800
	maxEpoch = 253402300799
)

// entity is a task's or alert's primary or parent entity.
type entity struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// task is one item of /tasks.
type task struct {
	ID               string    `json:"id"`
	Type             string    `json:"type"`
	Category         string    `json:"category"`
	Status           string    `json:"status"`
	CreatedTimestamp timestamp `json:"created_timestamp"`
	StartTimestamp   timestamp `json:"start_timestamp"`
	EndTimestamp     timestamp `json:"end_timestamp"`
	PrimaryEntity    *entity   `json:"primary_entity"`
}

// alert is one item of /alerts/individual.
type alert struct {
	ID               string    `json:"id"`
	Type             string    `json:"type"`
	Severity         string    `json:"severity"`
	Status           string    `json:"status"`
	PrimaryEntity    *entity   `json:"primary_entity"`
	RaisedTimestamp  timestamp `json:"raised_timestamp"`
	UpdatedTimestamp timestamp `json:"updated_timestamp"`
	ClearedTimestamp timestamp `json:"cleared_timestamp"`
}

// inventoryItem is one item of the /datasources/... inventory endpoints.
// The five asset types share the protection and backup-status fields; each
// names its AWS id differently.
type inventoryItem struct {
	ID   string  `json:"id"`
	Name *string `json:"name"`
	// The AWS ids: EBS volume, EC2 instance, RDS resource, DynamoDB table.
	// Protection groups have none.
	VolumeNativeID   string `json:"volume_native_id"`
	InstanceNativeID string `json:"instance_native_id"`
	ResourceNativeID string `json:"resource_native_id"`
	TableNativeID    string `json:"table_native_id"`

	OrganizationalUnitID string          `json:"organizational_unit_id"`
	IsDeleted            *bool           `json:"is_deleted"`
	ProtectionStatus     *string         `json:"protection_status"`
	ProtectionInfo       *protectionInfo `json:"protection_info"`
	LastBackupTimestamp  timestamp       `json:"last_backup_timestamp"`
	BackupStatusInfo     *backupStatus   `json:"backup_status_info"`
	// BackupStatusStats counts a protection group's buckets by backup
	// status; protection groups have it instead of BackupStatusInfo.
	BackupStatusStats *backupStatusStats `json:"backup_status_stats"`
	// TotalBackedUpSizeBytes is a protection group's backed-up data.
	TotalBackedUpSizeBytes *float64 `json:"total_backed_up_size_bytes"`
	// EarliestAvailableBackupTimestamp is a protection group's oldest
	// restore point; LastContinuousBackupTimestamp the newest change its
	// continuous backup captured.
	EarliestAvailableBackupTimestamp timestamp `json:"earliest_available_backup_timestamp"`
	LastContinuousBackupTimestamp    timestamp `json:"last_continuous_backup_timestamp"`
}

// protectionInfo names the policy that protects an asset.
type protectionInfo struct {
	PolicyID string `json:"policy_id"`
}

// backupStatus is an inventory item's backup_status_info, computed by Clumio
// over the request's lookback_days.
type backupStatus struct {
	BackupStatus                       string    `json:"backup_status"`
	LastSuccessfulPolicyStartTimestamp timestamp `json:"last_successful_policy_start_timestamp"`
	LastFailedPolicyStartTimestamp     timestamp `json:"last_failed_policy_start_timestamp"`
}

// backupStatusStats is a protection group's backup_status_stats.
type backupStatusStats struct {
	SuccessCount        int64 `json:"success_count"`
	PartialSuccessCount int64 `json:"partial_success_count"`
	FailureCount        int64 `json:"failure_count"`
	NoBackupCount       int64 `json:"no_backup_count"`
}

// policy is one item of /policies/definitions.
type policy struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	ActivationStatus string            `json:"activation_status"`
	UpdatedTime      epoch             `json:"updated_time"`
	Operations       []policyOperation `json:"operations"`
}

// policyOperation is one operation of a policy, such as
// "aws_ebs_volume_backup", with its service levels.
type policyOperation struct {
	Type string `json:"type"`
	SLAs []struct {
		RPOFrequency      *unitValue `json:"rpo_frequency"`
		RetentionDuration *unitValue `json:"retention_duration"`
	} `json:"slas"`
}

// unitValue is a policy duration such as {"unit": "hours", "value": 24}.
type unitValue struct {
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
}

// orgUnit is one item of /organizational-units.
type orgUnit struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// errorEnvelope is the body of every non-2xx answer.
type errorEnvelope struct {
	Errors []struct {
		ErrorCode    *uint64 `json:"error_code"`
		ErrorMessage string  `json:"error_message"`
	} `json:"errors"`
}

// instantAccessEndpoint is one item of
// /restores/protection-groups/instant-access-endpoints (clumio.md 1.7.9).
type instantAccessEndpoint struct {
	ID                       string    `json:"id"`
	Name                     string    `json:"name"`
	EndpointStatus           string    `json:"endpoint_status"`
	ProtectionGroupID        string    `json:"protection_group_id"`
	ProtectionGroupName      string    `json:"protection_group_name"`
	ProtectionGroupS3AssetID string    `json:"protection_group_s3_asset_id"`
	BucketName               string    `json:"bucket_name"`
	CreatedTimestamp         timestamp `json:"created_timestamp"`
	ExpiryTimestamp          timestamp `json:"expiry_timestamp"`
}

// pgBackup is one item of /backups/protection-groups. A backup exists only
// if it ran: its object counts say whether it left objects out.
type pgBackup struct {
	ID                   string    `json:"id"`
	ProtectionGroupID    string    `json:"protection_group_id"`
	StartTimestamp       timestamp `json:"start_timestamp"`
	BackedUpObjectCount  *float64  `json:"backed_up_object_count"`
	FailedObjectCount    *float64  `json:"failed_object_count"`
	FailedSizeBytes      *float64  `json:"failed_size_bytes"`
	MissingObjectCount   *float64  `json:"missing_object_count"`
	MissingSizeBytes     *float64  `json:"missing_size_bytes"`
	MaliciousObjectCount *float64  `json:"malicious_object_count"`
}

// s3AssetBackup is one item of /backups/protection-groups/s3-assets.
type s3AssetBackup struct {
	ID                       string    `json:"id"`
	ProtectionGroupS3AssetID string    `json:"protection_group_s3_asset_id"`
	StartTimestamp           timestamp `json:"start_timestamp"`
}

// createEndpointRequest is the body of POST
// /restores/protection-groups/instant-access-endpoints (clumio.md 1.7.9),
// restoring one backup.
type createEndpointRequest struct {
	Name            string         `json:"name"`
	ExpiryTimestamp string         `json:"expiry_timestamp"`
	Source          endpointSource `json:"source"`
}

// endpointSource names the S3 asset and the backup to restore.
type endpointSource struct {
	ProtectionGroupS3AssetID string `json:"protection_group_s3_asset_id"`
	BackupID                 string `json:"backup_id"`
}

// createdEndpoint is the 202 answer of that POST.
type createdEndpoint struct {
	ID     string `json:"id"`
	TaskID string `json:"task_id"`
}

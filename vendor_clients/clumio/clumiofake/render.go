package clumiofake

import (
	"net/http"
	"strconv"
	"time"
)

// The render functions give each item the JSON shape of clumio.md 1.7.

// linkJSON and the *JSON types below are the wire shapes of the items:
// structs rather than maps, as the fake serves thousands of them per
// refresh.
type linkJSON struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated"`
	Type      string `json:"type"`
}

type linksJSON struct {
	Self linkJSON `json:"_self"`
}

func selfLinks(href string) linksJSON {
	return linksJSON{Self: linkJSON{Href: href, Type: "get"}}
}

type entityJSON struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

func renderEntity(e Entity) *entityJSON {
	if e.ID == "" {
		return nil
	}
	return &entityJSON{ID: e.ID, Type: e.Type, Value: e.Value}
}

// tsPtr renders a timestamp in RFC 3339, or null when zero.
func tsPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func genre(category string) string {
	switch category {
	case "backup", "restore", "snapshot", "snapshot_restore":
		return "operational"
	}
	return "administrative"
}

type taskJSON struct {
	ETag               string      `json:"_etag"`
	Links              linksJSON   `json:"_links"`
	ID                 string      `json:"id"`
	Type               string      `json:"type"`
	Category           string      `json:"category"`
	Genre              string      `json:"genre"`
	Status             string      `json:"status"`
	ProgressPercentage int         `json:"progress_percentage"`
	IsAbortable        bool        `json:"is_abortable"`
	CreatedTimestamp   *string     `json:"created_timestamp"`
	StartTimestamp     *string     `json:"start_timestamp"`
	EndTimestamp       *string     `json:"end_timestamp"`
	PrimaryEntity      *entityJSON `json:"primary_entity"`
	ParentEntity       *entityJSON `json:"parent_entity"`
}

func renderTask(t *Task) any {
	progress := 0
	switch t.Status {
	case "completed":
		progress = 100
	case "in_progress", "aborting", "failed", "aborted":
		progress = 40
	}
	return &taskJSON{
		ETag:               "etag-" + t.ID,
		Links:              selfLinks("/tasks/" + t.ID),
		ID:                 t.ID,
		Type:               t.Type,
		Category:           t.Category,
		Genre:              genre(t.Category),
		Status:             t.Status,
		ProgressPercentage: progress,
		IsAbortable:        t.Status == "queued" || t.Status == "in_progress",
		CreatedTimestamp:   tsPtr(t.Created),
		StartTimestamp:     tsPtr(t.Start),
		EndTimestamp:       tsPtr(t.End),
		PrimaryEntity:      renderEntity(t.PrimaryEntity),
		ParentEntity:       renderEntity(t.Parent),
	}
}

type alertJSON struct {
	ETag                string      `json:"_etag"`
	Links               linksJSON   `json:"_links"`
	ID                  string      `json:"id"`
	Type                string      `json:"type"`
	Cause               string      `json:"cause"`
	Severity            string      `json:"severity"`
	Status              string      `json:"status"`
	RaisedTimestamp     *string     `json:"raised_timestamp"`
	UpdatedTimestamp    *string     `json:"updated_timestamp"`
	ClearedTimestamp    *string     `json:"cleared_timestamp"`
	RaisedCount         int         `json:"raised_count"`
	ConsolidatedAlertID string      `json:"consolidated_alert_id"`
	PrimaryEntity       *entityJSON `json:"primary_entity"`
	ParentEntity        *entityJSON `json:"parent_entity"`
	Details             struct {
		Cause       string `json:"cause"`
		Type        string `json:"type"`
		Description string `json:"description"`
	} `json:"details"`
	Notes string `json:"notes"`
	Tags  []any  `json:"tags"`
}

func renderAlert(a *Alert) any {
	out := &alertJSON{
		ETag:                "etag-" + a.ID,
		Links:               selfLinks("/alerts/individual/" + a.ID),
		ID:                  a.ID,
		Type:                a.Type,
		Cause:               a.Cause,
		Severity:            a.Severity,
		Status:              a.Status,
		RaisedTimestamp:     tsPtr(a.Raised),
		UpdatedTimestamp:    tsPtr(a.Updated),
		ClearedTimestamp:    tsPtr(a.Cleared),
		RaisedCount:         1,
		ConsolidatedAlertID: a.ConsolidatedID,
		PrimaryEntity:       renderEntity(a.PrimaryEntity),
		ParentEntity:        renderEntity(a.Parent),
		Tags:                []any{},
	}
	out.Details.Cause, out.Details.Type, out.Details.Description = a.Cause, a.Type, a.Type+": "+a.Cause
	return out
}

func renderFrequency(f Frequency) any {
	return map[string]any{"unit": f.Unit, "value": f.Value}
}

// renderPolicy renders a policy.
//
// Quirk: policy times are Unix epoch integers, not RFC 3339.
func renderPolicy(p *Policy) any {
	ops := make([]any, 0, len(p.Operations))
	for _, op := range p.Operations {
		ops = append(ops, map[string]any{
			"type":           op.Type,
			"action_setting": "immediate",
			"slas": []any{map[string]any{
				"rpo_frequency":      renderFrequency(op.RPO),
				"retention_duration": renderFrequency(op.Retention),
			}},
			"backup_window_tz": map[string]any{"start_time": "02:00", "end_time": "06:00"},
		})
	}
	return map[string]any{
		"_etag":                  "etag-" + p.ID,
		"_links":                 selfLinks("/policies/definitions/" + p.ID),
		"id":                     p.ID,
		"name":                   p.Name,
		"activation_status":      p.ActivationStatus,
		"lock_status":            "unlocked",
		"organizational_unit_id": p.OUID,
		"timezone":               "UTC",
		"created_time":           p.Created.Unix(),
		"updated_time":           p.Updated.Unix(),
		"operations":             ops,
	}
}

func (s *Server) renderOU(o *OU) any {
	children := 0
	for _, c := range s.data.OUs {
		if c.ParentID == o.ID {
			children++
		}
	}
	var parent any
	if o.ParentID != "" {
		parent = o.ParentID
	}
	return map[string]any{
		"_etag":          "etag-" + o.ID,
		"_links":         selfLinks("/organizational-units/" + o.ID),
		"id":             o.ID,
		"name":           o.Name,
		"description":    "",
		"parent_id":      parent,
		"children_count": children,
	}
}

// lookbackDays reads lookback_days; 0 when absent. A bad value is a 400.
func lookbackDays(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("lookback_days")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		writeError(w, http.StatusBadRequest, "lookback_days "+strconv.Quote(v)+": want a positive integer")
		return 0, false
	}
	return n, true
}

// backupStatus computes backup_status over the last days days: "unknown"
// when lookback_days was not asked for (or the asset is unsupported),
// failure (or partial_success) when the newest run in the window failed,
// success when it succeeded, no_backup when nothing ran.
func (s *Server) backupStatus(a *Asset, days int) string {
	if days <= 0 || a.ProtectionStatus == "unsupported" {
		return "unknown"
	}
	from := s.present().Add(-time.Duration(days) * 24 * time.Hour)
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(from) }
	switch {
	case in(a.LastFailedPolicyStart) && a.LastFailedPolicyStart.After(a.LastSuccessfulPolicyStart):
		if a.Partial {
			return "partial_success"
		}
		return "failure"
	case in(a.LastSuccessfulPolicyStart):
		return "success"
	}
	return "no_backup"
}

// assetJSON is an inventory item. The fields every type has are always
// written (null when unset); the others only for the types that have them.
type assetJSON struct {
	ETag                 string          `json:"_etag"`
	Links                linksJSON       `json:"_links"`
	ID                   string          `json:"id"`
	Name                 *string         `json:"name"`
	OrganizationalUnitID string          `json:"organizational_unit_id"`
	IsDeleted            bool            `json:"is_deleted"`
	DeletionTimestamp    *string         `json:"deletion_timestamp"`
	ProtectionStatus     *string         `json:"protection_status"`
	ProtectionInfo       *protectionJSON `json:"protection_info"`
	LastBackupTimestamp  *string         `json:"last_backup_timestamp"`

	// AWS assets.
	EnvironmentID    string            `json:"environment_id,omitempty"`
	AccountNativeID  string            `json:"account_native_id,omitempty"`
	AWSRegion        string            `json:"aws_region,omitempty"`
	IsSupported      *bool             `json:"is_supported,omitempty"`
	BackupStatusInfo *backupStatusJSON `json:"backup_status_info,omitempty"`
	VolumeNativeID   string            `json:"volume_native_id,omitempty"`
	InstanceNativeID string            `json:"instance_native_id,omitempty"`
	ResourceNativeID string            `json:"resource_native_id,omitempty"`
	TableNativeID    string            `json:"table_native_id,omitempty"`
	Size             *int64            `json:"size,omitempty"`
	Type             string            `json:"type,omitempty"`
	Engine           string            `json:"engine,omitempty"`

	// Protection groups.
	BackupStatusStats        *backupStatsJSON `json:"backup_status_stats,omitempty"`
	BucketCount              *int             `json:"bucket_count,omitempty"`
	TotalBackedUpSizeBytes   *int64           `json:"total_backed_up_size_bytes,omitempty"`
	TotalBackedUpObjectCount *int64           `json:"total_backed_up_object_count,omitempty"`
	Version                  *int             `json:"version,omitempty"`
	// Written (null when unset) for protection groups only.
	EarliestAvailableBackupTimestamp **string `json:"earliest_available_backup_timestamp,omitempty"`
	LastContinuousBackupTimestamp    **string `json:"last_continuous_backup_timestamp,omitempty"`
}

type protectionJSON struct {
	PolicyID             string  `json:"policy_id"`
	InheritingEntityID   *string `json:"inheriting_entity_id"`
	InheritingEntityType *string `json:"inheriting_entity_type"`
}

type backupStatusJSON struct {
	BackupStatus                       string              `json:"backup_status"`
	LastSuccessfulPolicyStartTimestamp *string             `json:"last_successful_policy_start_timestamp"`
	LastFailedPolicyStartTimestamp     *string             `json:"last_failed_policy_start_timestamp"`
	OperationInfoList                  []operationInfoJSON `json:"operation_info_list"`
}

type operationInfoJSON struct {
	Operation                          string  `json:"operation"`
	BackupStatus                       string  `json:"backup_status"`
	LastSuccessfulPolicyStartTimestamp *string `json:"last_successful_policy_start_timestamp"`
	LastFailedPolicyStartTimestamp     *string `json:"last_failed_policy_start_timestamp"`
}

type backupStatsJSON struct {
	SuccessCount        int `json:"success_count"`
	PartialSuccessCount int `json:"partial_success_count"`
	FailureCount        int `json:"failure_count"`
	NoBackupCount       int `json:"no_backup_count"`
}

// assetRenderer renders assets with backup statuses over days.
func (s *Server) assetRenderer(days int) func(*Asset) any {
	return func(a *Asset) any {
		status := s.backupStatus(a, days)
		out := &assetJSON{
			ETag:                 "etag-" + a.ID,
			Links:                selfLinks(assetPaths[a.Type] + "/" + a.ID),
			ID:                   a.ID,
			OrganizationalUnitID: a.OUID,
			IsDeleted:            a.Deleted,
			LastBackupTimestamp:  tsPtr(a.LastBackup),
		}
		if a.Name != "" {
			out.Name = &a.Name
		}
		if a.Deleted {
			out.DeletionTimestamp = tsPtr(s.present().Add(-24 * time.Hour))
		} else {
			out.ProtectionStatus = &a.ProtectionStatus
		}
		if a.PolicyID != "" {
			out.ProtectionInfo = &protectionJSON{PolicyID: a.PolicyID}
		}
		if a.Type == TypeProtectionGroup {
			// Quirk: protection groups count their buckets by backup status
			// instead of carrying backup_status_info.
			buckets, version := 3, 1
			stats := &backupStatsJSON{}
			switch status {
			case "success":
				stats.SuccessCount = buckets
			case "partial_success":
				stats.PartialSuccessCount, stats.SuccessCount = 1, buckets-1
			case "failure":
				stats.FailureCount = buckets
			case "no_backup":
				stats.NoBackupCount = buckets
			}
			objects := a.SizeBytes / (1 << 20)
			out.BackupStatusStats, out.BucketCount, out.Version = stats, &buckets, &version
			out.TotalBackedUpSizeBytes, out.TotalBackedUpObjectCount = &a.SizeBytes, &objects
			earliest, continuous := tsPtr(a.EarliestBackup), tsPtr(a.LastContinuousBackup)
			out.EarliestAvailableBackupTimestamp, out.LastContinuousBackupTimestamp = &earliest, &continuous
			return out
		}
		supported := a.ProtectionStatus != "unsupported"
		ok, failed := tsPtr(a.LastSuccessfulPolicyStart), tsPtr(a.LastFailedPolicyStart)
		out.EnvironmentID, out.AccountNativeID, out.AWSRegion, out.IsSupported = a.EnvironmentID, a.AccountNativeID, a.Region, &supported
		out.BackupStatusInfo = &backupStatusJSON{
			BackupStatus:                       status,
			LastSuccessfulPolicyStartTimestamp: ok,
			LastFailedPolicyStartTimestamp:     failed,
			OperationInfoList: []operationInfoJSON{{
				Operation: a.Type + "_backup", BackupStatus: status,
				LastSuccessfulPolicyStartTimestamp: ok, LastFailedPolicyStartTimestamp: failed,
			}},
		}
		switch a.Type {
		case TypeEBS:
			out.VolumeNativeID, out.Size, out.Type = a.NativeID, &a.SizeBytes, "gp3"
		case TypeEC2:
			out.InstanceNativeID, out.Type = a.NativeID, "m5.large"
		case TypeRDS:
			out.ResourceNativeID, out.Engine = a.NativeID, "postgres"
		case TypeDynamoDB:
			out.TableNativeID = a.NativeID
		}
		return out
	}
}

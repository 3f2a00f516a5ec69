package clumiofake

import (
	"net/http"
	"strconv"
	"time"
)

// The render functions give each item the JSON shape of clumio.md 1.7.

func selfLinks(href string) map[string]any {
	return map[string]any{"_self": map[string]any{"href": href, "templated": false, "type": "get"}}
}

func renderEntity(e Entity) any {
	if e.ID == "" {
		return nil
	}
	return map[string]any{"id": e.ID, "type": e.Type, "value": e.Value}
}

func genre(category string) string {
	switch category {
	case "backup", "restore", "snapshot", "snapshot_restore":
		return "operational"
	}
	return "administrative"
}

func renderTask(t *Task) any {
	progress := 0
	switch t.Status {
	case "completed":
		progress = 100
	case "in_progress", "aborting", "failed", "aborted":
		progress = 40
	}
	return map[string]any{
		"_etag":               "etag-" + t.ID,
		"_links":              selfLinks("/tasks/" + t.ID),
		"id":                  t.ID,
		"type":                t.Type,
		"category":            t.Category,
		"genre":               genre(t.Category),
		"status":              t.Status,
		"progress_percentage": progress,
		"is_abortable":        t.Status == "queued" || t.Status == "in_progress",
		"created_timestamp":   ts(t.Created),
		"start_timestamp":     ts(t.Start),
		"end_timestamp":       ts(t.End),
		"primary_entity":      renderEntity(t.PrimaryEntity),
		"parent_entity":       renderEntity(t.Parent),
	}
}

func renderAlert(a *Alert) any {
	return map[string]any{
		"_etag":                 "etag-" + a.ID,
		"_links":                selfLinks("/alerts/individual/" + a.ID),
		"id":                    a.ID,
		"type":                  a.Type,
		"cause":                 a.Cause,
		"severity":              a.Severity,
		"status":                a.Status,
		"raised_timestamp":      ts(a.Raised),
		"updated_timestamp":     ts(a.Updated),
		"cleared_timestamp":     ts(a.Cleared),
		"raised_count":          1,
		"consolidated_alert_id": a.ConsolidatedID,
		"primary_entity":        renderEntity(a.PrimaryEntity),
		"parent_entity":         renderEntity(a.Parent),
		"details":               map[string]any{"cause": a.Cause, "type": a.Type, "description": a.Type + ": " + a.Cause},
		"notes":                 "",
		"tags":                  []any{},
	}
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
	from := s.now.Add(-time.Duration(days) * 24 * time.Hour)
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

// assetRenderer renders assets with backup statuses over days.
func (s *Server) assetRenderer(days int) func(*Asset) any {
	return func(a *Asset) any {
		path := assetPaths[a.Type] + "/"
		status := s.backupStatus(a, days)
		var protection, protectionInfo any
		if !a.Deleted {
			protection = a.ProtectionStatus
		}
		if a.PolicyID != "" {
			protectionInfo = map[string]any{"policy_id": a.PolicyID, "inheriting_entity_id": nil, "inheriting_entity_type": nil}
		}
		var deletedAt any
		if a.Deleted {
			deletedAt = ts(s.now.Add(-24 * time.Hour))
		}
		var name any
		if a.Name != "" {
			name = a.Name
		}
		m := map[string]any{
			"_etag":                  "etag-" + a.ID,
			"_links":                 selfLinks(path + a.ID),
			"id":                     a.ID,
			"name":                   name,
			"organizational_unit_id": a.OUID,
			"is_deleted":             a.Deleted,
			"deletion_timestamp":     deletedAt,
			"protection_status":      protection,
			"protection_info":        protectionInfo,
			"last_backup_timestamp":  ts(a.LastBackup),
		}
		if a.Type == TypeProtectionGroup {
			// Quirk: protection groups count their buckets by backup status
			// instead of carrying backup_status_info.
			const buckets = 3
			stats := map[string]any{"success_count": 0, "partial_success_count": 0, "failure_count": 0, "no_backup_count": 0}
			switch status {
			case "success":
				stats["success_count"] = buckets
			case "partial_success":
				stats["partial_success_count"], stats["success_count"] = 1, buckets-1
			case "failure":
				stats["failure_count"] = buckets
			case "no_backup":
				stats["no_backup_count"] = buckets
			}
			m["backup_status_stats"] = stats
			m["bucket_count"] = buckets
			m["total_backed_up_size_bytes"] = a.SizeBytes
			m["total_backed_up_object_count"] = a.SizeBytes / (1 << 20)
			m["version"] = 1
			return m
		}
		m["environment_id"] = a.EnvironmentID
		m["account_native_id"] = a.AccountNativeID
		m["aws_region"] = a.Region
		m["is_supported"] = a.ProtectionStatus != "unsupported"
		m["backup_status_info"] = map[string]any{
			"backup_status":                          status,
			"last_successful_policy_start_timestamp": ts(a.LastSuccessfulPolicyStart),
			"last_failed_policy_start_timestamp":     ts(a.LastFailedPolicyStart),
			"operation_info_list": []any{map[string]any{
				"operation":                              a.Type + "_backup",
				"backup_status":                          status,
				"last_successful_policy_start_timestamp": ts(a.LastSuccessfulPolicyStart),
				"last_failed_policy_start_timestamp":     ts(a.LastFailedPolicyStart),
			}},
		}
		switch a.Type {
		case TypeEBS:
			m["volume_native_id"] = a.NativeID
			m["size"] = a.SizeBytes
			m["type"] = "gp3"
		case TypeEC2:
			m["instance_native_id"] = a.NativeID
			m["type"] = "m5.large"
		case TypeRDS:
			m["resource_native_id"] = a.NativeID
			m["engine"] = "postgres"
		case TypeDynamoDB:
			m["table_native_id"] = a.NativeID
		}
		return m
	}
}

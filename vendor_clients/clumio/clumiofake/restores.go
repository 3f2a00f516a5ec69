package clumiofake

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// The media types of the protection groups' backups (clumio.md 1.1). The S3
// assets' backups are not in clumio.md's table; the fake names them after
// their resource, as every other media type is named [I].
const (
	acceptPGBackups      = "application/api.clumio.backup-protection-groups=v1+json"
	acceptS3AssetBackups = "application/api.clumio.backup-protection-group-s3-assets=v1+json"
)

// How long a restore task created by a POST stays queued, then runs,
// before it ends: "a few seconds" [I].
const (
	restoreQueuedFor  = time.Second
	restoreRunningFor = 3 * time.Second
)

// PGBackup is one backup of a protection group, with the backup of its one
// S3 asset (clumio.md 1.7.4; the S3 asset backup's fields are inferred).
type PGBackup struct {
	// ID is the protection group backup's id; S3BackupID the S3 asset
	// backup's, the backup_id an instant-access endpoint restores.
	ID, S3BackupID string
	// ProtectionGroupID and ProtectionGroupName are the backed-up group;
	// S3AssetID its protection_group_s3_asset_id, BucketName the bucket.
	ProtectionGroupID, ProtectionGroupName, S3AssetID, BucketName string
	Region                                                        string
	OUID                                                          string
	Start, Expiration                                             time.Time
	// Objects counts the backup's objects; the zero value is a clean
	// backup of 1000 objects.
	Objects ObjectCounts
}

// drillReady gives the first healthy protection group three daily backups,
// so that a restore drill has something to restore. It runs after the
// assets are generated and leaves them unchanged.
func (g *generator) drillReady() {
	for i, a := range g.d.Assets {
		if a.Type != TypeProtectionGroup || a.Deleted || Cases[i%len(Cases)] != CaseHealthy {
			continue
		}
		g.d.DrillReadyGroup = a.Name
		for day := range 3 {
			start := a.LastSuccessfulPolicyStart.Add(-time.Duration(day) * 24 * time.Hour)
			if start.IsZero() {
				start = g.ago(time.Duration(day+1) * 24 * time.Hour)
			}
			g.d.PGBackups = append(g.d.PGBackups, PGBackup{
				ID: fmt.Sprintf("pgb-%s-%d", a.ID[:8], day), S3BackupID: fmt.Sprintf("s3b-%s-%d", a.ID[:8], day),
				ProtectionGroupID: a.ID, ProtectionGroupName: a.Name, S3AssetID: a.ID + "-s3", BucketName: a.Name + "-bucket",
				Region: a.Region, OUID: a.OUID, Start: start, Expiration: start.Add(30 * 24 * time.Hour),
			})
		}
		return
	}
}

var pgBackupSpec = listSpec[PGBackup]{
	fields: map[string]field[PGBackup]{
		"protection_group_id": {kindString, "$eq", func(b *PGBackup) any { return b.ProtectionGroupID }},
		"start_timestamp":     {kindTime, "$lte $gt", func(b *PGBackup) any { return b.Start }},
	},
	sorts:       map[string]func(a, b *PGBackup) int{"start_timestamp": pgBackupsByStart},
	defaultSort: "-start_timestamp",
}

var s3BackupSpec = listSpec[PGBackup]{
	fields: map[string]field[PGBackup]{
		"parent_protection_group_backup_id": {kindString, "$eq", func(b *PGBackup) any { return b.ID }},
		"bucket_region":                     {kindString, "$eq", func(b *PGBackup) any { return b.Region }},
		"start_timestamp":                   {kindTime, "$lte $gt", func(b *PGBackup) any { return b.Start }},
	},
	sorts:       map[string]func(a, b *PGBackup) int{"start_timestamp": pgBackupsByStart},
	defaultSort: "-start_timestamp",
}

func pgBackupsByStart(a, b *PGBackup) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func (s *Server) listPGBackups(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	serveList(w, r, &s.selections, s.data.PGBackups, func(b *PGBackup) bool { return visible[b.OUID] }, pgBackupSpec, func(b *PGBackup) any {
		return map[string]any{
			"_etag": "etag-" + b.ID, "_links": selfLinks("/backups/protection-groups/" + b.ID),
			"id": b.ID, "protection_group_id": b.ProtectionGroupID, "protection_group_name": b.ProtectionGroupName,
			"protection_group_version": 1, "start_timestamp": tsPtr(b.Start), "expiration_timestamp": tsPtr(b.Expiration),
			"type": "clumio_backup", "backed_up_object_count": b.Objects.backedUp(), "backed_up_size_bytes": b.Objects.backedUp() << 20,
			"failed_object_count": b.Objects.Failed, "failed_size_bytes": b.Objects.FailedBytes,
			"missing_object_count": b.Objects.Missing, "missing_size_bytes": b.Objects.MissingBytes,
			"malicious_object_count": b.Objects.Malicious, "malicious_objects_list_link": maliciousLink(b),
		}
	})
}

func (s *Server) listS3AssetBackups(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	serveList(w, r, &s.selections, s.data.PGBackups, func(b *PGBackup) bool { return visible[b.OUID] }, s3BackupSpec, func(b *PGBackup) any {
		return map[string]any{
			"_etag": "etag-" + b.S3BackupID, "_links": selfLinks("/backups/protection-groups/s3-assets/" + b.S3BackupID),
			"id": b.S3BackupID, "parent_protection_group_backup_id": b.ID, "protection_group_id": b.ProtectionGroupID,
			"protection_group_s3_asset_id": b.S3AssetID, "bucket_name": b.BucketName, "bucket_region": b.Region,
			"start_timestamp": tsPtr(b.Start), "expiration_timestamp": tsPtr(b.Expiration), "type": "clumio_backup",
		}
	})
}

// createEndpointRequest is the body of POST
// /restores/protection-groups/instant-access-endpoints (clumio.md 1.7.9).
type createEndpointRequest struct {
	Name            *string `json:"name"`
	ExpiryTimestamp *string `json:"expiry_timestamp"`
	Source          *struct {
		ProtectionGroupS3AssetID string          `json:"protection_group_s3_asset_id"`
		BackupID                 *string         `json:"backup_id"`
		PITR                     json.RawMessage `json:"pitr"`
		ObjectFilters            json.RawMessage `json:"object_filters"`
	} `json:"source"`
}

// restoreRun is the schedule of a restore task created by a POST: it is
// queued, then in progress, then completed (or failed when fail).
type restoreRun struct {
	taskID, endpointID string
	startAt, endAt     time.Time
	fail               bool
}

// FailRestores makes the restore tasks of a protection group (by id or
// name) that are requested from now on fail (tasks carry no message), or
// succeed again.
func (s *Server) FailRestores(group string, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fail {
		s.restoreFaults[group] = true
	} else {
		delete(s.restoreFaults, group)
	}
}

// Methods returns how many requests of each method the fake received.
func (s *Server) Methods() map[string]int {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	out := make(map[string]int, len(s.methods))
	for m, n := range s.methods {
		out[m] = n
	}
	return out
}

// createEndpoint serves the POST: it validates the body as the API does
// (name required; expiry_timestamp RFC 3339 and in the future; a known S3
// asset; exactly one of backup_id or pitr), then creates the endpoint
// (preparing) and its restore task (queued), and answers 202 with their ids.
// Every problem of the body is one entry of the 400's errors.
func (s *Server) createEndpoint(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	var req createEndpointRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "request body is not valid JSON: "+err.Error())
		return
	}
	now := s.clock()
	var problems []string
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		problems = append(problems, "name is required")
	}
	var expiry time.Time
	switch {
	case req.ExpiryTimestamp == nil:
		problems = append(problems, "expiry_timestamp is required")
	default:
		t, err := time.Parse(time.RFC3339, *req.ExpiryTimestamp)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("expiry_timestamp %q is not an RFC-3339 timestamp", *req.ExpiryTimestamp))
		case !t.After(now):
			problems = append(problems, "expiry_timestamp must be in the future")
		}
		expiry = t
	}
	var backup *PGBackup
	switch {
	case req.Source == nil:
		problems = append(problems, "source is required")
	case req.Source.ProtectionGroupS3AssetID == "":
		problems = append(problems, "source.protection_group_s3_asset_id is required")
	case (req.Source.BackupID != nil) == (len(req.Source.PITR) > 0 && string(req.Source.PITR) != "null"):
		problems = append(problems, "exactly one of source.backup_id and source.pitr is required")
	default:
		for i := range s.data.PGBackups {
			b := &s.data.PGBackups[i]
			if b.S3AssetID != req.Source.ProtectionGroupS3AssetID || !visible[b.OUID] {
				continue
			}
			// pitr restores the newest backup; backup_id names one.
			if req.Source.BackupID == nil && (backup == nil || b.Start.After(backup.Start)) || req.Source.BackupID != nil && *req.Source.BackupID == b.S3BackupID {
				backup = b
			}
		}
		if backup == nil {
			problems = append(problems, "no backup "+describeSource(req)+" of protection_group_s3_asset_id "+req.Source.ProtectionGroupS3AssetID)
		}
	}
	if len(problems) > 0 {
		writeErrors(w, http.StatusBadRequest, problems)
		return
	}

	s.restoreN++
	e := Endpoint{
		ID: fmt.Sprintf("iae-drill-%04d", s.restoreN), Name: *req.Name,
		ProtectionGroupID: backup.ProtectionGroupID, ProtectionGroupName: backup.ProtectionGroupName,
		S3AssetID: backup.S3AssetID, BucketName: backup.BucketName, Region: backup.Region, BackupID: backup.S3BackupID,
		OUID: backup.OUID, Created: now, Expiry: expiry, Restored: backup.Start,
		// Preparing until its task completes.
		Ready: now.Add(restoreQueuedFor + restoreRunningFor),
	}
	run := restoreRun{endpointID: e.ID, taskID: fmt.Sprintf("restore-%04d", s.restoreN),
		startAt: now.Add(restoreQueuedFor), endAt: e.Ready}
	run.fail = s.restoreFaults[backup.ProtectionGroupID] || s.restoreFaults[backup.ProtectionGroupName]
	group := Entity{ID: backup.ProtectionGroupID, Type: TypeProtectionGroup, Value: backup.ProtectionGroupName}
	s.data.Endpoints = append(s.data.Endpoints, e)
	s.data.Tasks = append(s.data.Tasks, Task{
		ID: run.taskID, Type: "protection_group_instant_access_endpoint_restore", Category: "restore", Status: "queued",
		Created: now, PrimaryEntity: group, OUID: backup.OUID,
	})
	s.runs = append(s.runs, run)
	s.pendingRuns.Store(int32(len(s.runs)))
	s.sortTasks()
	s.selections.reset()

	fakejson.Write(w, http.StatusAccepted, map[string]any{
		"id": e.ID, "task_id": run.taskID,
		"_links": map[string]any{
			"_self":     linkJSON{Href: endpointsPath + "/" + e.ID, Type: "get"},
			"read-task": linkJSON{Href: "/tasks/" + run.taskID, Type: "get"},
		},
		"_embedded": map[string]any{},
	})
}

func describeSource(req createEndpointRequest) string {
	if req.Source.BackupID != nil {
		return fmt.Sprintf("%q", *req.Source.BackupID)
	}
	return "(pitr)"
}

// advance moves the restores created by POSTs along the clock: queued, in
// progress, then completed (the endpoint becomes active) or failed (the
// endpoint goes away). It runs under the write lock.
func (s *Server) advance() {
	if len(s.runs) == 0 {
		return
	}
	now := s.clock()
	changed := false
	kept := s.runs[:0]
	for _, run := range s.runs {
		t := s.taskByID(run.taskID)
		if t == nil {
			continue
		}
		status := "queued"
		switch {
		case !now.Before(run.endAt) && run.fail:
			status = "failed"
		case !now.Before(run.endAt):
			status = "completed"
		case !now.Before(run.startAt):
			status = "in_progress"
		}
		if status != t.Status {
			changed = true
			t.Status = status
			if status != "queued" {
				t.Start = run.startAt
			}
			if status == "completed" || status == "failed" {
				t.End = run.endAt
			}
			if status == "failed" {
				s.removeEndpoint(run.endpointID)
			}
		}
		if status != "completed" && status != "failed" {
			kept = append(kept, run)
		}
	}
	s.runs = kept
	s.pendingRuns.Store(int32(len(s.runs)))
	if changed {
		s.sortTasks()
		s.selections.reset()
	}
}

func (s *Server) taskByID(id string) *Task {
	for i := len(s.data.Tasks) - 1; i >= 0; i-- {
		if s.data.Tasks[i].ID == id {
			return &s.data.Tasks[i]
		}
	}
	return nil
}

func (s *Server) removeEndpoint(id string) {
	for i, e := range s.data.Endpoints {
		if e.ID == id {
			s.data.Endpoints = append(s.data.Endpoints[:i], s.data.Endpoints[i+1:]...)
			return
		}
	}
}

// handleCreate registers a POST route with the checks of handle (token,
// Accept, OU), under the data's write lock.
func (s *Server) handleCreate(mux *http.ServeMux, pattern, accept string, h handlerFunc) {
	mux.HandleFunc(http.MethodPost+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		if !s.authorized(w, r, accept) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.advance()
		visible, ok := s.visibleOUs(r)
		if !ok {
			writeError(w, http.StatusNotFound, "organizational unit not found")
			return
		}
		h(w, r, visible)
	})
}

// writeErrors writes the errors envelope with one entry per message.
func writeErrors(w http.ResponseWriter, status int, msgs []string) {
	errs := make([]map[string]any, 0, len(msgs))
	for _, m := range msgs {
		errs = append(errs, map[string]any{"error_code": status, "error_message": m})
	}
	fakejson.Write(w, status, map[string]any{"errors": errs})
}

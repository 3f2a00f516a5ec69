package clumiofake

import (
	"fmt"
	"net/http"
	"time"
)

// acceptEndpoints is the media type of the S3 instant-access endpoints.
const acceptEndpoints = "application/api.clumio.restored-protection-group-instant-access-endpoints=v1+json"

// endpointsPath lists (GET) and creates (POST) S3 instant-access endpoints.
const endpointsPath = "/restores/protection-groups/instant-access-endpoints"

// endpointExpiringFor is how long an endpoint past its expiry is "expiring"
// (torn down) before it is "expired". clumio.md names the four statuses but
// not their timing; one minute is the fake's choice [I].
const endpointExpiringFor = time.Minute

// Endpoint is one S3 instant-access endpoint (clumio.md 1.7.9). Its
// endpoint_status follows from the server's clock: preparing until Ready,
// active until Expiry, expiring for endpointExpiringFor, then expired.
type Endpoint struct {
	ID, Name string
	// ProtectionGroupID and ProtectionGroupName are the restored group;
	// S3AssetID is its protection_group_s3_asset_id, BucketName the
	// restored bucket.
	ProtectionGroupID, ProtectionGroupName, S3AssetID, BucketName string
	AccountID, Region                                             string
	// BackupID is the restored backup.
	BackupID string
	OUID     string
	// Created is the creation; Ready when preparing ends; Expiry the
	// expiry_timestamp (zero: none, the endpoint never expires).
	Created, Ready, Expiry time.Time
	// Restored is the restore_timestamp: the backup's point in time.
	Restored time.Time
}

// Status is the endpoint's endpoint_status at now.
func (e *Endpoint) Status(now time.Time) string {
	switch {
	case now.Before(e.Ready):
		return "preparing"
	case e.Expiry.IsZero() || now.Before(e.Expiry):
		return "active"
	case now.Before(e.Expiry.Add(endpointExpiringFor)):
		return "expiring"
	}
	return "expired"
}

// endpoints generates the instant-access endpoints of the protection groups
// that are not deleted: one of each story, on the groups in turn. It runs
// after every asset is generated, so that it leaves their data unchanged.
func (g *generator) endpoints() {
	var groups []Asset
	for _, a := range g.d.Assets {
		if a.Type == TypeProtectionGroup && !a.Deleted {
			groups = append(groups, a)
		}
	}
	if len(groups) == 0 {
		return
	}
	day := 24 * time.Hour
	stories := []struct {
		name            string
		age, ready, ttl time.Duration // ttl 0: no expiry
	}{
		{"audit-restore", day, time.Minute, 3 * day},               // active, expires in 2 days
		{"legal-hold-export", 9 * day, time.Minute, 14 * day},      // active for 9 days: long-lived
		{"adhoc-browse", 3 * time.Hour, time.Minute, 0},            // active, no expiry at all
		{"last-month-check", 10 * day, time.Minute, 7 * day},       // expired 3 days ago
		{"just-requested", 2 * time.Minute, 10 * time.Minute, day}, // preparing
	}
	for i, st := range stories {
		pg := groups[i%len(groups)]
		created := g.ago(st.age)
		e := Endpoint{
			ID:                  fmt.Sprintf("iae-%04d", i+1),
			Name:                st.name,
			ProtectionGroupID:   pg.ID,
			ProtectionGroupName: pg.Name,
			S3AssetID:           pg.ID + "-s3",
			BucketName:          pg.Name + "-bucket",
			AccountID:           pg.AccountNativeID,
			Region:              pg.Region,
			BackupID:            fmt.Sprintf("pgb-%04d", i+1),
			OUID:                pg.OUID,
			Created:             created,
			Ready:               created.Add(st.ready),
			Restored:            created.Add(-6 * time.Hour),
		}
		if st.ttl > 0 {
			e.Expiry = created.Add(st.ttl)
		}
		g.d.Endpoints = append(g.d.Endpoints, e)
	}
}

type endpointJSON struct {
	ETag                     string    `json:"_etag"`
	Links                    linksJSON `json:"_links"`
	ID                       string    `json:"id"`
	Name                     string    `json:"name"`
	EndpointStatus           string    `json:"endpoint_status"`
	ProtectionGroupID        string    `json:"protection_group_id"`
	ProtectionGroupName      string    `json:"protection_group_name"`
	ProtectionGroupS3AssetID string    `json:"protection_group_s3_asset_id"`
	BucketName               string    `json:"bucket_name"`
	AWSAccountID             string    `json:"aws_account_id"`
	Region                   string    `json:"region"`
	BackupRegion             string    `json:"backup_region"`
	CreatedTimestamp         *string   `json:"created_timestamp"`
	UpdatedTimestamp         *string   `json:"updated_timestamp"`
	ExpiryTimestamp          *string   `json:"expiry_timestamp"`
	RestoreTimestamp         *string   `json:"restore_timestamp"`
	OrganizationalUnitID     string    `json:"organizational_unit_id"`
}

// renderEndpoint renders an endpoint with its status at the server's clock.
func (s *Server) renderEndpoint(e *Endpoint) any {
	now := s.clock()
	updated := e.Created
	for _, t := range []time.Time{e.Ready, e.Expiry} {
		if !t.IsZero() && !t.After(now) && t.After(updated) {
			updated = t
		}
	}
	return &endpointJSON{
		ETag:                     "etag-" + e.ID,
		Links:                    selfLinks(endpointsPath + "/" + e.ID),
		ID:                       e.ID,
		Name:                     e.Name,
		EndpointStatus:           e.Status(now),
		ProtectionGroupID:        e.ProtectionGroupID,
		ProtectionGroupName:      e.ProtectionGroupName,
		ProtectionGroupS3AssetID: e.S3AssetID,
		BucketName:               e.BucketName,
		AWSAccountID:             e.AccountID,
		Region:                   e.Region,
		BackupRegion:             e.Region,
		CreatedTimestamp:         tsPtr(e.Created),
		UpdatedTimestamp:         tsPtr(updated),
		ExpiryTimestamp:          tsPtr(e.Expiry),
		RestoreTimestamp:         tsPtr(e.Restored),
		OrganizationalUnitID:     e.OUID,
	}
}

// listEndpoints serves the endpoints oldest first. clumio.md documents no
// filter or sort fields for this list, so the fake accepts none.
func (s *Server) listEndpoints(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	serveList(w, r, &s.selections, s.data.Endpoints, func(e *Endpoint) bool { return visible[e.OUID] }, listSpec[Endpoint]{}, s.renderEndpoint)
}

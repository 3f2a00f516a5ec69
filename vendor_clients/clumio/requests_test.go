package clumio

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// seenRequest is what a recorder saw of one request.
type seenRequest struct {
	path, auth, accept string
	ou                 []string
}

// recorder records the headers of every request before passing it on.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []seenRequest
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.seen = append(r.seen, seenRequest{
		path:   req.URL.Path,
		auth:   req.Header.Get("Authorization"),
		accept: req.Header.Get("Accept"),
		ou:     req.Header.Values("X-Clumio-Organizationalunit-Context"),
	})
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

// wantAccept is clumio.md's media type of each path the client reads.
var wantAccept = map[string]string{
	"/tasks":                                               "application/api.clumio.tasks=v1+json",
	"/alerts/individual":                                   "application/api.clumio.individual-alerts=v1+json",
	"/policies/definitions":                                "application/api.clumio.policy-definitions=v1+json",
	"/organizational-units":                                "application/api.clumio.organizational-units=v2+json",
	"/datasources/aws/ebs-volumes":                         "application/api.clumio.aws-ebs-volumes=v1+json",
	"/datasources/aws/ec2-instances":                       "application/api.clumio.aws-ec2-instances=v1+json",
	"/datasources/aws/rds-resources":                       "application/api.clumio.aws-rds-resources=v1+json",
	"/datasources/aws/dynamodb-tables":                     "application/api.clumio.aws-dynamodb-tables=v1+json",
	"/datasources/protection-groups":                       "application/api.clumio.protection-groups=v1+json",
	"/backups/protection-groups":                           "application/api.clumio.backup-protection-groups=v1+json",
	"/restores/protection-groups/instant-access-endpoints": "application/api.clumio.restored-protection-group-instant-access-endpoints=v1+json",
}

// TestRequestHeaders checks the token, the per-resource Accept and the OU
// header on every request, with and without an OU, and that the OU scopes
// what the client sees.
func TestRequestHeaders(t *testing.T) {
	srv := fakeAt(85)
	var finance string
	srv.Update(func(d *clumiofake.Data) { finance = d.OUs[1].ID })

	for _, tc := range []struct {
		name, ou   string
		wantTenant string // "" = any
	}{
		{name: "no OU sends an empty header", ou: ""},
		{name: "OU scopes the assets", ou: finance, wantTenant: "finance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{next: srv}
			c := newClient(t, rec, func(tg *config.Target, _ *httpapi.Options) { tg.OrganizationalUnit = tc.ou })
			snap, err := c.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			paths := map[string]bool{}
			for _, r := range rec.seen {
				paths[r.path] = true
				if r.auth != "Bearer "+clumiofake.DefaultToken {
					t.Errorf("%s: Authorization = %q", r.path, r.auth)
				}
				if r.accept != wantAccept[r.path] {
					t.Errorf("%s: Accept = %q, want %q", r.path, r.accept, wantAccept[r.path])
				}
				if len(r.ou) != 1 || r.ou[0] != tc.ou {
					t.Errorf("%s: OU header = %q, want one value %q", r.path, r.ou, tc.ou)
				}
			}
			for p := range wantAccept {
				if !paths[p] {
					t.Errorf("%s never read", p)
				}
			}
			if len(snap.Assets) == 0 {
				t.Fatal("no assets")
			}
			for _, a := range snap.Assets {
				if tc.wantTenant != "" && a.Tenant != tc.wantTenant {
					t.Errorf("asset %s of tenant %q visible in OU %q", a.ID, a.Tenant, tc.wantTenant)
				}
			}
		})
	}
}

// TestQueriesSent checks the filters, sort and lookback_days the fake
// received: some request to the path carried each.
func TestQueriesSent(t *testing.T) {
	srv := fakeAt(20)
	c := newClient(t, srv, nil)
	if _, err := c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, param, want string
	}{
		{"/alerts/individual", "filter", `{"status":{"$in":["active"]}}`},
		{"/alerts/individual", "sort", "-raised_timestamp"},
		{"/tasks", "filter", `{"category":{"$in":["backup","restore","snapshot","snapshot_restore"]},"created_timestamp":{"$gte":"2026-05-13T12:00:00Z"}}`},
		// The first refresh reads the completed restores of history (35d).
		{"/tasks", "filter", `{"category":{"$in":["restore","snapshot_restore"]},"created_timestamp":{"$gte":"2026-04-09T12:00:00Z"},"status":{"$in":["completed"]}}`},
		{"/tasks", "limit", "50"},
		{"/datasources/aws/ebs-volumes", "filter", `{"is_deleted":{"$eq":false}}`},
		{"/datasources/aws/ebs-volumes", "lookback_days", "1"},
		{"/datasources/protection-groups", "lookback_days", "1"},
		{"/datasources/aws/ebs-volumes", "start", "1"},
		{"/policies/definitions", "limit", ""},
		{"/policies/definitions", "start", ""},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/")+"_"+tc.param+"_"+tc.want, func(t *testing.T) {
			qs := srv.Queries(tc.path)
			if len(qs) == 0 {
				t.Fatalf("no request to %s", tc.path)
			}
			var got []string
			for _, q := range qs {
				if q.Get(tc.param) == tc.want {
					return
				}
				got = append(got, q.Get(tc.param))
			}
			t.Errorf("%s = %q, want one to be %q", tc.param, got, tc.want)
		})
	}
}

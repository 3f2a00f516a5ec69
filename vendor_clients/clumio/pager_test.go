package clumio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestPagingFetchesEveryPage reads n EBS volumes with pages of 50 and checks
// that every asset arrives and that each page is read exactly once, with no
// request past the last page.
func TestPagingFetchesEveryPage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n         int
		wantPages int
	}{
		{"empty", 0, 1},
		{"one", 1, 1},
		{"one full page", 50, 1},
		{"two pages, the last of one item", 51, 2},
		{"243 items, last page partial", 243, 5},
		{"250 items, last page exactly full", 250, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeAt(1)
			srv.Update(func(d *clumiofake.Data) {
				d.Assets, d.Tasks, d.Alerts = nil, nil, nil
				for i := range tc.n {
					d.Assets = append(d.Assets, clumiofake.Asset{
						ID: fmt.Sprintf("vol-id-%04d", i), Type: clumiofake.TypeEBS, Name: fmt.Sprintf("v%d", i),
						OUID: d.OUs[0].ID, ProtectionStatus: "protected", PolicyID: clumiofake.PolicyDaily,
					})
				}
			})
			snap, err := newClient(t, srv, nil).Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, a := range snap.Assets {
				ids[a.ID] = true
			}
			if len(snap.Assets) != tc.n || len(ids) != tc.n {
				t.Errorf("%d assets (%d distinct), want %d", len(snap.Assets), len(ids), tc.n)
			}
			var starts []int
			for _, q := range srv.Queries("/datasources/aws/ebs-volumes") {
				n, _ := strconv.Atoi(q.Get("start"))
				starts = append(starts, n)
			}
			slices.Sort(starts)
			var want []int
			for i := 1; i <= tc.wantPages; i++ {
				want = append(want, i)
			}
			if !slices.Equal(starts, want) {
				t.Errorf("pages read %v, want %v", starts, want)
			}
		})
	}
}

// pagedServer serves /organizational-units pages from a script: for page
// start, the items' ids, the _next link's start ("" for none) and the
// total_pages_count (0 for none).
type pagedServer func(start string) (ids []string, next string, totalPages int)

func (p pagedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ids, next, total := p(r.URL.Query().Get("start"))
	items := []map[string]string{}
	for _, id := range ids {
		items = append(items, map[string]string{"id": id, "name": "ou-" + id})
	}
	body := map[string]any{
		"_embedded": map[string]any{"items": items},
		"_links":    map[string]any{"_self": map[string]any{"href": r.URL.RequestURI()}},
		"start":     r.URL.Query().Get("start"),
	}
	if next != "" {
		body["_links"].(map[string]any)["_next"] = map[string]any{"href": "/organizational-units?limit=50&start=" + next, "type": "get"}
	}
	if total > 0 {
		body["total_pages_count"] = total
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// TestPagingFollowsNextSafely checks the _next handling: a server that
// numbers pages differently is followed, and one that links back to a page
// already read is stopped with an error instead of looping.
func TestPagingFollowsNextSafely(t *testing.T) {
	for _, tc := range []struct {
		name    string
		server  pagedServer
		wantIDs int
		wantErr string
	}{
		{
			name: "numbering other than 1, 2, 3 is followed",
			server: func(start string) ([]string, string, int) {
				return map[string][]string{"1": {"a"}, "10": {"b"}, "20": {"c"}}[start], map[string]string{"1": "10", "10": "20"}[start], 0
			},
			wantIDs: 3,
		},
		{
			name: "count smaller than the pages: _next is followed past it",
			server: func(start string) ([]string, string, int) {
				n, _ := strconv.Atoi(start)
				next := ""
				if n < 5 {
					next = strconv.Itoa(n + 1)
				}
				return []string{"id" + start}, next, 3
			},
			wantIDs: 5,
		},
		{
			name: "next repeats the page just read",
			server: func(start string) ([]string, string, int) {
				return []string{"x" + start}, "2", 0
			},
			wantErr: "links back to page 2",
		},
		{
			name: "last page of a parallel read links back",
			server: func(start string) ([]string, string, int) {
				next := map[string]string{"1": "2", "2": "3", "3": "1"}[start]
				return []string{"y" + start}, next, 3
			},
			wantErr: "links back to page 1",
		},
		{
			name: "next link without start",
			server: func(start string) ([]string, string, int) {
				if start == "1" {
					return []string{"z"}, "&", 0
				}
				return nil, "", 0
			},
			wantErr: "no start parameter",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, tc.server, nil)
			got, err := list[orgUnit](context.Background(), c, orgUnitsResource, listQuery{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.wantIDs {
				t.Errorf("%d items, want %d", len(got), tc.wantIDs)
			}
		})
	}
}

// TestPagesReadInParallel reads one list of ten pages from a slow fake:
// after page 1 the other pages must be in flight together, up to the
// client's concurrency and never more.
func TestPagesReadInParallel(t *testing.T) {
	srv := fakeAt(1)
	srv.Update(func(d *clumiofake.Data) {
		d.Assets = nil
		for i := range 500 {
			d.Assets = append(d.Assets, clumiofake.Asset{ID: fmt.Sprintf("v%03d", i), Type: clumiofake.TypeEBS, OUID: d.OUs[0].ID})
		}
	})
	srv.Faults.SetLatency(10 * time.Millisecond)
	c := newClient(t, srv, nil)
	items, err := list[inventoryItem](context.Background(), c, assetKinds[0].res, listQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 500 || srv.Faults.Requests() != 10 {
		t.Errorf("%d items in %d requests, want 500 in 10", len(items), srv.Faults.Requests())
	}
	if got, want := srv.Faults.MaxInFlight(), int64(c.api.MaxConcurrency()); got != want {
		t.Errorf("at most %d requests in flight, want %d", got, want)
	}
}

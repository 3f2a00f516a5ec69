package httpapi

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/backup-exporter/backup_exporter/backup"
)

// sized is a list item with a typed field, as the vendors' wire types have.
type sized struct {
	ID   string `json:"id"`
	Size int64  `json:"size"`
}

func TestItemsDropsOnlyTheBadItem(t *testing.T) {
	tests := []struct {
		name        string
		json        string
		wantIDs     []string
		wantDropped int
		wantErr     bool
	}{
		{name: "all good", json: `[{"id":"a","size":1},{"id":"b","size":2}]`, wantIDs: []string{"a", "b"}},
		{name: "a size sent as a string", json: `[{"id":"a","size":1},{"id":"b","size":"123"},{"id":"c"}]`, wantIDs: []string{"a", "c"}, wantDropped: 1},
		{name: "an object where a number belongs", json: `[{"id":"a","size":{"v":1}},{"id":"b"}]`, wantIDs: []string{"b"}, wantDropped: 1},
		{name: "an item that is not an object", json: `["a",{"id":"b"},7]`, wantIDs: []string{"b"}, wantDropped: 2},
		{name: "null", json: `null`},
		{name: "empty", json: `[]`},
		{name: "not an array fails the answer", json: `{"id":"a"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var it Items[sized]
			err := json.Unmarshal([]byte(tt.json), &it)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			var ids []string
			for _, s := range it.List {
				ids = append(ids, s.ID)
			}
			if !slices.Equal(ids, tt.wantIDs) || it.Dropped != tt.wantDropped {
				t.Errorf("kept %v, dropped %d; want %v, %d", ids, it.Dropped, tt.wantIDs, tt.wantDropped)
			}
			if it.Sent() != len(tt.wantIDs)+tt.wantDropped {
				t.Errorf("Sent() = %d, want %d: paging must count the dropped items", it.Sent(), len(tt.wantIDs)+tt.wantDropped)
			}
			if (it.Problem != "") != (tt.wantDropped > 0) {
				t.Errorf("problem %q with %d dropped", it.Problem, it.Dropped)
			}
		})
	}
}

// envelope is a page envelope as the vendors write theirs.
type envelope struct {
	Data Items[sized] `json:"data"`
}

func (e *envelope) ItemDrops() (int, string) { return e.Data.ItemDrops() }

func TestDroppedItemsAreReportedAsIssues(t *testing.T) {
	srv, _ := scripted(t, step{code: 200, body: `{"data":[{"id":"a","size":"12"},{"id":"b","size":3},{"id":"c","size":"x"}]}`})
	c, _ := newTestClient(t, srv.URL, nil)
	var page envelope
	if err := c.GetJSON(context.Background(), Request{Path: "/volumes", Route: "/volumes"}, &page); err != nil {
		t.Fatalf("one bad item failed the page: %v", err)
	}
	if len(page.Data.List) != 1 || page.Data.List[0].ID != "b" {
		t.Fatalf("kept %+v, want b alone", page.Data.List)
	}
	snap := &backup.Snapshot{}
	c.ReportDroppedItems(snap)
	if len(snap.Issues) != 2 {
		t.Fatalf("issues %+v, want one per dropped item", snap.Issues)
	}
	for _, is := range snap.Issues {
		if is.Reason != IssueUndecodableItem || !strings.HasPrefix(is.Example, "/volumes: ") || !strings.Contains(is.Example, "size") {
			t.Errorf("issue %+v, want reason %s and the route and field as example", is, IssueUndecodableItem)
		}
	}
	again := &backup.Snapshot{}
	c.ReportDroppedItems(again)
	if len(again.Issues) != 0 {
		t.Errorf("issues reported twice: %+v", again.Issues)
	}
}

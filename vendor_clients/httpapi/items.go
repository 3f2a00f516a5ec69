package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/backup-exporter/backup_exporter/backup"
)

// IssueUndecodableItem is the backup_exporter_data_issues_total reason of a
// list item dropped because it did not decode.
const IssueUndecodableItem = "undecodable_item"

// Items is a JSON array decoded item by item. An item that does not decode
// (a field of the wrong JSON type, such as a size sent as "123", or an
// object where a number belongs) is dropped and counted, so that one bad
// item costs that item alone and not its whole page. An array that is not
// an array at all still fails: that is a broken answer, not a bad item.
type Items[T any] struct {
	// List holds the items that decoded, in the order sent.
	List []T
	// Dropped counts the items that did not decode.
	Dropped int
	// Problem is the first dropped item's decoding error: it names the
	// field and the types, never the value.
	Problem string
}

// UnmarshalJSON decodes each element of an array, or nothing from null.
func (it *Items[T]) UnmarshalJSON(b []byte) error {
	*it = Items[T]{}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	it.List = make([]T, 0, len(raw))
	for _, r := range raw {
		var v T
		if err := json.Unmarshal(r, &v); err != nil {
			if it.Dropped == 0 {
				it.Problem = err.Error()
			}
			it.Dropped++
			continue
		}
		it.List = append(it.List, v)
	}
	return nil
}

// Sent returns how many items the server sent, decoded or not: paging that
// stops on a short page must compare this, not len(List), with the page
// size, or one dropped item would end the listing early.
func (it Items[T]) Sent() int { return len(it.List) + it.Dropped }

// ItemDrops is what GetJSON asks of a decoded answer that holds Items: how
// many items it dropped and the first problem. A page envelope implements
// it by returning its Items' Dropped and Problem.
type ItemDrops interface {
	ItemDrops() (dropped int, problem string)
}

// ItemDrops returns the dropped count and first problem, so that an Items
// decoded directly (a bare array answer) is counted too.
func (it *Items[T]) ItemDrops() (int, string) { return it.Dropped, it.Problem }

// droppedItems tallies, per route, the items the client's answers dropped
// since the vendor client last took them.
type droppedItems struct {
	mu      sync.Mutex
	order   []string
	byRoute map[string]*routeDrops
}

type routeDrops struct {
	count   int
	problem string
}

// add records n dropped items of an answer of route.
func (d *droppedItems) add(route string, n int, problem string) {
	if n <= 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byRoute == nil {
		d.byRoute = map[string]*routeDrops{}
	}
	r, ok := d.byRoute[route]
	if !ok {
		r = &routeDrops{problem: problem}
		d.byRoute[route] = r
		d.order = append(d.order, route)
	}
	r.count += n
}

// ReportDroppedItems adds to snap one issue per item dropped since the last
// call (reason IssueUndecodableItem, the route and the decoding error as
// the example), and forgets them. A vendor client calls it once at the end
// of each Fetch.
func (c *Client) ReportDroppedItems(snap *backup.Snapshot) {
	d := &c.dropped
	d.mu.Lock()
	order, byRoute := d.order, d.byRoute
	d.order, d.byRoute = nil, nil
	d.mu.Unlock()
	for _, route := range order {
		r := byRoute[route]
		example := fmt.Sprintf("%s: %s", route, r.problem)
		for range r.count {
			snap.AddIssue(IssueUndecodableItem, "list item with a field of the wrong JSON type (item dropped, the rest of its page kept)", example)
		}
	}
}

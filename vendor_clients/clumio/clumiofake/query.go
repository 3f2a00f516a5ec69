package clumiofake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// kind is the type of a filterable field's value.
type kind int

const (
	kindString kind = iota
	kindBool
	kindTime
)

// field is a filterable field of items of type T.
type field[T any] struct {
	kind kind
	// ops lists the operators the API accepts on the field, space-separated.
	ops string
	// get returns the item's value: a string, a bool or a time.Time (zero
	// for null).
	get func(*T) any
}

// listSpec describes one list endpoint.
type listSpec[T any] struct {
	fields map[string]field[T]
	// sorts are the sortable fields; nil rejects the sort parameter.
	sorts map[string]func(a, b *T) int
	// defaultSort orders the items when the request has no sort.
	defaultSort string
}

// errBadRequest is a request error answered 400.
type errBadRequest struct{ msg string }

func (e errBadRequest) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return errBadRequest{fmt.Sprintf(format, args...)}
}

// compileFilter parses the filter parameter into a predicate. An invalid
// JSON, an unknown field, an operator the field does not take or a value of
// the wrong type is a 400, as on the real API.
func compileFilter[T any](raw string, fields map[string]field[T]) (func(*T) bool, error) {
	if raw == "" {
		return func(*T) bool { return true }, nil
	}
	var f map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return nil, badRequest("filter is not a valid JSON object of field to operator to value: %v", err)
	}
	var preds []func(*T) bool
	for name, ops := range f {
		fd, ok := fields[name]
		if !ok {
			return nil, badRequest("filter field %q is not supported", name)
		}
		for op, rawv := range ops {
			if !slices.Contains(strings.Fields(fd.ops), op) {
				return nil, badRequest("filter operator %q is not supported on %q", op, name)
			}
			p, err := fd.predicate(op, rawv)
			if err != nil {
				return nil, badRequest("filter %s.%s: %v", name, op, err)
			}
			preds = append(preds, p)
		}
	}
	return func(x *T) bool {
		for _, p := range preds {
			if !p(x) {
				return false
			}
		}
		return true
	}, nil
}

func (fd field[T]) predicate(op string, raw json.RawMessage) (func(*T) bool, error) {
	switch op {
	case "$in", "$all":
		var raws []json.RawMessage
		if err := json.Unmarshal(raw, &raws); err != nil {
			return nil, fmt.Errorf("want an array")
		}
		vals := make([]any, 0, len(raws))
		for _, r := range raws {
			v, err := fd.value(r)
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
		}
		return func(x *T) bool {
			got := fd.get(x)
			return slices.ContainsFunc(vals, func(v any) bool { return equal(got, v) })
		}, nil
	case "$eq":
		v, err := fd.value(raw)
		if err != nil {
			return nil, err
		}
		return func(x *T) bool { return equal(fd.get(x), v) }, nil
	case "$contains":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("want a string")
		}
		return func(x *T) bool { v, _ := fd.get(x).(string); return strings.Contains(v, s) }, nil
	case "$gte", "$lte", "$gt", "$lt":
		v, err := fd.value(raw)
		if err != nil {
			return nil, err
		}
		return func(x *T) bool {
			c, ok := compare(fd.get(x), v)
			if !ok {
				return false
			}
			switch op {
			case "$gte":
				return c >= 0
			case "$lte":
				return c <= 0
			case "$gt":
				return c > 0
			}
			return c < 0
		}, nil
	}
	return nil, fmt.Errorf("unknown operator")
}

// value decodes one filter value of the field's kind.
func (fd field[T]) value(raw json.RawMessage) (any, error) {
	switch fd.kind {
	case kindBool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, fmt.Errorf("want a boolean, got %s", raw)
		}
		return b, nil
	case kindTime:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("want an RFC-3339 string, got %s", raw)
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("want an RFC-3339 string, got %q", s)
		}
		return t, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("want a string, got %s", raw)
	}
	return s, nil
}

func equal(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// compare orders two values of one kind; a null time never matches.
func compare(a, b any) (int, bool) {
	switch va := a.(type) {
	case time.Time:
		vb, ok := b.(time.Time)
		if !ok || va.IsZero() {
			return 0, false
		}
		return va.Compare(vb), true
	case string:
		vb, ok := b.(string)
		return strings.Compare(va, vb), ok
	}
	return 0, false
}

// page is the HAL list envelope.
type page struct {
	Embedded        embedded         `json:"_embedded"`
	Links           map[string]*link `json:"_links"`
	CurrentCount    int              `json:"current_count"`
	Limit           int              `json:"limit"`
	Start           string           `json:"start"` // quirk: a string
	TotalCount      *int             `json:"total_count,omitempty"`
	TotalPagesCount *int             `json:"total_pages_count,omitempty"`
	FilterApplied   string           `json:"filter_applied"`
	SortApplied     string           `json:"sort_applied,omitempty"`
}

type embedded struct {
	Items []any `json:"items"`
}

type link struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated"`
	Type      string `json:"type"`
}

const (
	defaultLimit = 100
	maxLimit     = 1000
)

// selectionCache keeps the filtered and sorted items of recent list
// requests, so that a client reading page after page of one list costs one
// filtering. The server resets it whenever the data changes.
type selectionCache struct {
	mu sync.Mutex
	m  map[string]any
}

// maxCachedSelections bounds the cache; past it, it starts over.
const maxCachedSelections = 64

func (c *selectionCache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *selectionCache) put(key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedSelections {
		c.m = map[string]any{}
	}
	c.m[key] = v
}

func (c *selectionCache) reset() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// selection is the filtered, sorted items of one list request.
type selection[T any] struct {
	items       []*T
	sortApplied string
}

// serveList filters, sorts and pages items (those keep accepts) and writes
// one page. The selection is cached by path, filter, sort and OU header (what
// keep depends on).
func serveList[T any](w http.ResponseWriter, r *http.Request, cache *selectionCache, items []T, keep func(*T) bool, spec listSpec[T], render func(*T) any) {
	q := r.URL.Query()
	key := strings.Join([]string{r.URL.Path, q.Get("filter"), q.Get("sort"), r.Header.Get("x-clumio-organizationalunit-context")}, "\x00")
	cached, ok := cache.get(key)
	if !ok {
		sel, err := selectItems(q, items, keep, spec)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		cached = sel
		cache.put(key, sel)
	}
	sel, sortApplied := cached.(selection[T]).items, cached.(selection[T]).sortApplied
	limit, start, err := paging(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	total := len(sel)
	pages := (total + limit - 1) / limit
	from := min((start-1)*limit, total)
	to := min(from+limit, total)

	p := page{
		Embedded:        embedded{Items: make([]any, 0, to-from)},
		Links:           map[string]*link{},
		CurrentCount:    to - from,
		Limit:           limit,
		Start:           strconv.Itoa(start),
		TotalCount:      &total,
		TotalPagesCount: &pages,
		FilterApplied:   q.Get("filter"),
		SortApplied:     sortApplied,
	}
	for _, x := range sel[from:to] {
		p.Embedded.Items = append(p.Embedded.Items, render(x))
	}
	p.Links["_self"] = pageLink(r, start)
	p.Links["_first"] = pageLink(r, 1)
	p.Links["_last"] = pageLink(r, max(1, pages))
	// _next only while another page exists.
	if start < pages {
		p.Links["_next"] = pageLink(r, start+1)
	}
	if start > 1 {
		p.Links["_prev"] = pageLink(r, min(start-1, max(1, pages)))
	}
	fakejson.Write(w, http.StatusOK, p)
}

// selectItems filters and sorts items for the request's query.
func selectItems[T any](q url.Values, items []T, keep func(*T) bool, spec listSpec[T]) (selection[T], error) {
	pred, err := compileFilter(q.Get("filter"), spec.fields)
	if err != nil {
		return selection[T]{}, err
	}
	var sel []*T
	for i := range items {
		if keep(&items[i]) && pred(&items[i]) {
			sel = append(sel, &items[i])
		}
	}
	sortApplied, err := sortItems(sel, q, spec)
	if err != nil {
		return selection[T]{}, err
	}
	return selection[T]{items: sel, sortApplied: sortApplied}, nil
}

func sortItems[T any](sel []*T, q url.Values, spec listSpec[T]) (string, error) {
	key := q.Get("sort")
	if q.Has("sort") && spec.sorts == nil {
		return "", badRequest("sort is not supported on this resource")
	}
	if spec.sorts == nil {
		return "", nil
	}
	if key == "" {
		key = spec.defaultSort
	}
	name, desc := strings.CutPrefix(key, "-")
	cmp, ok := spec.sorts[name]
	if !ok {
		return "", badRequest("sort field %q is not supported", name)
	}
	// The comparators break ties by id: the order is total, so an unstable
	// sort gives the same pages every time.
	slices.SortFunc(sel, func(a, b *T) int {
		if desc {
			return cmp(b, a)
		}
		return cmp(a, b)
	})
	return key, nil
}

// paging reads limit and start (1-based, a string on the wire).
func paging(q url.Values) (limit, start int, err error) {
	limit, start = defaultLimit, 1
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return 0, 0, badRequest("limit %q: want a positive integer", v)
		}
		limit = min(limit, maxLimit)
	}
	if v := q.Get("start"); v != "" {
		if start, err = strconv.Atoi(v); err != nil || start < 1 {
			return 0, 0, badRequest("start %q: want a page number from 1", v)
		}
	}
	return limit, start, nil
}

func pageLink(r *http.Request, start int) *link {
	q := r.URL.Query()
	q.Set("start", strconv.Itoa(start))
	return &link{Href: r.URL.Path + "?" + q.Encode(), Type: "get"}
}

package clumio

import (
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// op is a filter operator of the Clumio query language.
type op string

// The filter operators the client uses.
const (
	opEq       op = "$eq"
	opIn       op = "$in"
	opGte      op = "$gte"
	opGt       op = "$gt"
	opLte      op = "$lte"
	opContains op = "$contains"
)

// Filter builds the `filter` query parameter: a JSON object of field →
// operator → value, such as {"status":{"$in":["active"]}}. Its methods take
// only the value types the API compares (strings, booleans, times), so that
// every Filter encodes. The zero value is an empty filter; a Filter is
// built once and not shared while it is being built.
type Filter struct {
	conds map[string]map[op]any
}

func (f Filter) with(field string, o op, value any) Filter {
	if f.conds == nil {
		f.conds = map[string]map[op]any{}
	}
	if f.conds[field] == nil {
		f.conds[field] = map[op]any{}
	}
	f.conds[field][o] = value
	return f
}

// Eq adds `field $eq value`.
func (f Filter) Eq(field, value string) Filter { return f.with(field, opEq, value) }

// EqBool adds `field $eq value` for a boolean field such as is_deleted.
func (f Filter) EqBool(field string, value bool) Filter { return f.with(field, opEq, value) }

// In adds `field $in [values]`.
func (f Filter) In(field string, values ...string) Filter {
	return f.with(field, opIn, append([]string{}, values...))
}

// Contains adds `field $contains value`.
func (f Filter) Contains(field, value string) Filter { return f.with(field, opContains, value) }

// Since adds `field $gte t`, with t in RFC 3339 (UTC) as Clumio expects.
func (f Filter) Since(field string, t time.Time) Filter {
	return f.with(field, opGte, t.UTC().Format(time.RFC3339))
}

// After adds `field $gt t`, with t in RFC 3339 (UTC): backup listings take
// $gt, not $gte, on start_timestamp (clumio.md 1.6).
func (f Filter) After(field string, t time.Time) Filter {
	return f.with(field, opGt, t.UTC().Format(time.RFC3339))
}

// Until adds `field $lte t`, with t in RFC 3339 (UTC).
func (f Filter) Until(field string, t time.Time) Filter {
	return f.with(field, opLte, t.UTC().Format(time.RFC3339))
}

// Empty reports whether f has no condition.
func (f Filter) Empty() bool { return len(f.conds) == 0 }

// String returns the filter's JSON, with fields and operators in sorted
// order so that equal filters give equal strings.
func (f Filter) String() string {
	if f.Empty() {
		return ""
	}
	// Strings, string slices and booleans always encode.
	b, _ := json.Marshal(f.conds)
	return string(b)
}

// Sort is the `sort` query parameter: one field, ascending unless Desc.
type Sort struct {
	Field string
	Desc  bool
}

// String returns the parameter value, "-field" when descending.
func (s Sort) String() string {
	if s.Desc {
		return "-" + s.Field
	}
	return s.Field
}

// listQuery is the query of one list request, without paging.
type listQuery struct {
	Filter       Filter
	Sort         Sort
	LookbackDays int
}

// values returns the query parameters of one page; start is the 1-based page
// number, a string on the wire.
func (q listQuery) values(limit int, start string) url.Values {
	v := url.Values{}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	if start != "" {
		v.Set("start", start)
	}
	if !q.Filter.Empty() {
		v.Set("filter", q.Filter.String())
	}
	if q.Sort.Field != "" {
		v.Set("sort", q.Sort.String())
	}
	if q.LookbackDays > 0 {
		v.Set("lookback_days", strconv.Itoa(q.LookbackDays))
	}
	return v
}

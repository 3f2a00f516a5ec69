package clumio

import (
	"testing"
	"time"
)

func TestFilterAndSort(t *testing.T) {
	since := time.Date(2026, 5, 13, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	for _, tc := range []struct {
		name string
		q    listQuery
		want string // the encoded query of page 2 with limit 50
	}{
		{
			name: "no filter",
			q:    listQuery{},
			want: "limit=50&start=2",
		},
		{
			name: "in",
			q:    listQuery{Filter: Filter{}.In("status", "active")},
			want: "filter=%7B%22status%22%3A%7B%22%24in%22%3A%5B%22active%22%5D%7D%7D&limit=50&start=2",
		},
		{
			name: "fields sorted, time in UTC, descending sort",
			q: listQuery{
				Filter: Filter{}.Since("created_timestamp", since).In("category", "backup", "restore"),
				Sort:   Sort{Field: "raised_timestamp", Desc: true},
			},
			want: "filter=%7B%22category%22%3A%7B%22%24in%22%3A%5B%22backup%22%2C%22restore%22%5D%7D%2C%22created_timestamp%22%3A%7B%22%24gte%22%3A%222026-05-13T12%3A00%3A00Z%22%7D%7D&limit=50&sort=-raised_timestamp&start=2",
		},
		{
			name: "boolean, lookback days, ascending sort",
			q:    listQuery{Filter: Filter{}.EqBool("is_deleted", false), Sort: Sort{Field: "updated_timestamp"}, LookbackDays: 3},
			want: "filter=%7B%22is_deleted%22%3A%7B%22%24eq%22%3Afalse%7D%7D&limit=50&lookback_days=3&sort=updated_timestamp&start=2",
		},
		{
			name: "two operators on one field",
			q:    listQuery{Filter: Filter{}.Since("raised_timestamp", since).Until("raised_timestamp", since.Add(time.Hour)).Eq("type", "x").Contains("primary_entity.value", "vol-")},
			want: "filter=%7B%22primary_entity.value%22%3A%7B%22%24contains%22%3A%22vol-%22%7D%2C%22raised_timestamp%22%3A%7B%22%24gte%22%3A%222026-05-13T12%3A00%3A00Z%22%2C%22%24lte%22%3A%222026-05-13T13%3A00%3A00Z%22%7D%2C%22type%22%3A%7B%22%24eq%22%3A%22x%22%7D%7D&limit=50&start=2",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.q.values(50, "2").Encode(); got != tc.want {
				t.Errorf("query\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestLookbackDays(t *testing.T) {
	for _, tc := range []struct {
		lookback time.Duration
		want     int
	}{
		{time.Hour, 1},
		{24 * time.Hour, 1},
		{25 * time.Hour, 2},
		{7 * 24 * time.Hour, 7},
	} {
		if got := lookbackDays(tc.lookback); got != tc.want {
			t.Errorf("lookbackDays(%s) = %d, want %d", tc.lookback, got, tc.want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"one error", `{"errors":[{"error_code":359,"error_message":"The authentication token is missing"}]}`, "359: The authentication token is missing"},
		{"several errors", `{"errors":[{"error_code":400,"error_message":"bad filter"},{"error_code":401,"error_message":"bad sort"}]}`, "400: bad filter; 401: bad sort"},
		{"message without code", `{"errors":[{"error_message":"throttled"}]}`, "throttled"},
		{"code without message", `{"errors":[{"error_code":500}]}`, "500:"},
		{"empty envelope", `{"errors":[]}`, ""},
		{"not the envelope", `{"message":"injected fault"}`, ""},
		{"not JSON", `<html>gateway timeout</html>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorMessage([]byte(tc.body)); got != tc.want {
				t.Errorf("ErrorMessage = %q, want %q", got, tc.want)
			}
		})
	}
}

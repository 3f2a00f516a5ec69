package clumiofake

import (
	"net/http"
	"testing"
	"time"
)

// TestEndpointLifecycle follows an endpoint through its statuses as the
// clock moves: preparing, active, expiring, expired; one without expiry
// stays active.
func TestEndpointLifecycle(t *testing.T) {
	created := testNow
	e := Endpoint{Created: created, Ready: created.Add(time.Minute), Expiry: created.Add(time.Hour)}
	forever := Endpoint{Created: created, Ready: created.Add(time.Minute)}
	for _, tc := range []struct {
		at         time.Duration
		want, keep string
	}{
		{0, "preparing", "preparing"},
		{time.Minute, "active", "active"},
		{59 * time.Minute, "active", "active"},
		{time.Hour, "expiring", "active"},
		{time.Hour + endpointExpiringFor, "expired", "active"},
		{1000 * time.Hour, "expired", "active"},
	} {
		if got := e.Status(created.Add(tc.at)); got != tc.want {
			t.Errorf("at +%s: %s, want %s", tc.at, got, tc.want)
		}
		if got := forever.Status(created.Add(tc.at)); got != tc.keep {
			t.Errorf("without expiry at +%s: %s, want %s", tc.at, got, tc.keep)
		}
	}
}

// TestListEndpoints lists the generated endpoints with the server's clock:
// each story has the status it is generated for, and the list follows the
// OU header.
func TestListEndpoints(t *testing.T) {
	now := testNow
	s := New(Options{Seed: 1, Scale: 20, Now: testNow, Clock: func() time.Time { return now }})
	code, body := get(t, s, endpointsPath)
	if code != 200 {
		t.Fatalf("HTTP %d: %v", code, body)
	}
	items := body["_embedded"].(map[string]any)["items"].([]any)
	got := map[string]string{}
	for _, it := range items {
		m := it.(map[string]any)
		got[m["name"].(string)] = m["endpoint_status"].(string)
		if m["expiry_timestamp"] == nil && m["name"] != "adhoc-browse" {
			t.Errorf("%s has no expiry", m["name"])
		}
	}
	want := map[string]string{"audit-restore": "active", "legal-hold-export": "active", "adhoc-browse": "active",
		"last-month-check": "expired", "just-requested": "preparing"}
	for name, status := range want {
		if got[name] != status {
			t.Errorf("%s: %q, want %q (all: %v)", name, got[name], status, got)
		}
	}
	now = now.Add(15 * time.Minute)
	_, body = get(t, s, endpointsPath)
	for _, it := range body["_embedded"].(map[string]any)["items"].([]any) {
		if m := it.(map[string]any); m["name"] == "just-requested" && m["endpoint_status"] != "active" {
			t.Errorf("just-requested 15 minutes later: %v, want active", m["endpoint_status"])
		}
	}

	var ou string
	s.Update(func(d *Data) { ou = d.OUs[1].ID })
	_, body = get(t, s, endpointsPath, func(r *http.Request) { r.Header.Set("x-clumio-organizationalunit-context", ou) })
	for _, it := range body["_embedded"].(map[string]any)["items"].([]any) {
		if m := it.(map[string]any); m["organizational_unit_id"] != ou {
			t.Errorf("endpoint %v of another OU is listed in OU %s", m["id"], ou)
		}
	}
}

package cloutilityfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var testNow = time.Date(2024, 5, 14, 12, 0, 0, 0, time.UTC)

// testClock is a settable clock for token expiry.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// call sends one request to h and returns the status and the decoded JSON.
func call(t *testing.T, h http.Handler, method, target string, header http.Header, body string) (int, any) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	data, _ := io.ReadAll(rec.Body)
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: body is not JSON: %q", method, target, data)
	}
	return rec.Code, out
}

// grant posts an OAuth form and returns the status and the answer.
func grant(t *testing.T, h http.Handler, form url.Values) (int, map[string]any) {
	t.Helper()
	code, out := call(t, h, http.MethodPost, "/v1/oauth", http.Header{
		"Origin":       {DefaultOrigin},
		"Content-Type": {"application/x-www-form-urlencoded"},
	}, form.Encode())
	m, _ := out.(map[string]any)
	return code, m
}

func passwordForm() url.Values {
	return url.Values{"client_id": {DefaultClientID}, "grant_type": {"password"}, "username": {DefaultUsername}, "password": {DefaultPassword}}
}

func TestOAuth(t *testing.T) {
	clk := &testClock{t: testNow}
	srv := New(Options{Data: Cases(testNow), Clock: clk.now})

	code, tok := grant(t, srv, passwordForm())
	if code != http.StatusOK || tok["token_type"] != "bearer" || tok["expires_in"] != 299.0 || tok["access_token"] == "" || tok["refresh_token"] == "" {
		t.Fatalf("password grant: %d %v", code, tok)
	}
	api := func(access string) http.Header {
		return http.Header{"Origin": {DefaultOrigin}, "Authorization": {"Bearer " + access}}
	}

	tests := []struct {
		name     string
		method   string
		path     string
		header   http.Header
		body     string
		wantCode int
		wantKey  string // a key of the answer, or "" for none
		wantVal  any
	}{
		{"wrong password", http.MethodPost, "/v1/oauth", http.Header{"Origin": {DefaultOrigin}, "Content-Type": {"application/x-www-form-urlencoded"}},
			url.Values{"client_id": {DefaultClientID}, "grant_type": {"password"}, "username": {DefaultUsername}, "password": {"nope"}}.Encode(),
			http.StatusBadRequest, "error", "invalid_grant"},
		{"unknown client", http.MethodPost, "/v1/oauth", http.Header{"Origin": {DefaultOrigin}, "Content-Type": {"application/x-www-form-urlencoded"}},
			url.Values{"client_id": {"other"}, "grant_type": {"password"}}.Encode(), http.StatusBadRequest, "error", "invalid_client"},
		{"JSON body refused", http.MethodPost, "/v1/oauth", http.Header{"Origin": {DefaultOrigin}, "Content-Type": {"application/json"}},
			`{"grant_type": "password"}`, http.StatusBadRequest, "error", "invalid_request"},
		{"token call without Origin", http.MethodPost, "/v1/oauth", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			passwordForm().Encode(), http.StatusForbidden, "code", "Forbidden"},
		{"API call with another Origin", http.MethodGet, "/v1/me",
			http.Header{"Origin": {"https://evil.example"}, "Authorization": {"Bearer " + tok["access_token"].(string)}}, "", http.StatusForbidden, "code", "Forbidden"},
		{"API call without token", http.MethodGet, "/v1/me", http.Header{"Origin": {DefaultOrigin}}, "", http.StatusUnauthorized, "message", "Authorization has been denied for this request."},
		{"API call with token", http.MethodGet, "/v1/me", api(tok["access_token"].(string)), "", http.StatusOK, "username", DefaultUsername},
		{"unknown path", http.MethodGet, "/v1/nothing", api(tok["access_token"].(string)), "", http.StatusNotFound, "code", "NotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := call(t, srv, tt.method, tt.path, tt.header, tt.body)
			if code != tt.wantCode {
				t.Errorf("status %d, want %d (%v)", code, tt.wantCode, out)
			}
			if m, _ := out.(map[string]any); tt.wantKey != "" && m[tt.wantKey] != tt.wantVal {
				t.Errorf("%s = %v, want %v", tt.wantKey, m[tt.wantKey], tt.wantVal)
			}
		})
	}

	t.Run("expiry and refresh", func(t *testing.T) {
		clk.advance(300 * time.Second)
		if code, _ := call(t, srv, http.MethodGet, "/v1/me", api(tok["access_token"].(string)), ""); code != http.StatusUnauthorized {
			t.Errorf("expired token: status %d, want 401", code)
		}
		rt := tok["refresh_token"].(string)
		code, fresh := grant(t, srv, url.Values{"client_id": {DefaultClientID}, "grant_type": {"refresh_token"}, "refresh_token": {rt}})
		if code != http.StatusOK || fresh["refresh_token"] != rt || fresh["access_token"] == tok["access_token"] {
			t.Fatalf("refresh: %d %v; want a new access token and the same refresh token", code, fresh)
		}
		if code, _ := call(t, srv, http.MethodGet, "/v1/me", api(fresh["access_token"].(string)), ""); code != http.StatusOK {
			t.Errorf("refreshed token: status %d", code)
		}
		srv.RevokeRefreshTokens()
		if code, _ := grant(t, srv, url.Values{"client_id": {DefaultClientID}, "grant_type": {"refresh_token"}, "refresh_token": {rt}}); code != http.StatusBadRequest {
			t.Errorf("revoked refresh token: status %d, want 400", code)
		}
		st := srv.AuthStats()
		want := AuthStats{PasswordGrants: 1, RefreshGrants: 1, FailedGrants: 2, Rejected: 2, RejectedTokens: 2}
		if st != want {
			t.Errorf("stats %+v, want %+v", st, want)
		}
	})

	t.Run("refresh not allowed for the client", func(t *testing.T) {
		s := New(Options{Data: Cases(testNow), DisableRefresh: true})
		_, tok := grant(t, s, passwordForm())
		code, _ := grant(t, s, url.Values{"client_id": {DefaultClientID}, "grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}})
		if code != http.StatusBadRequest {
			t.Errorf("status %d, want 400", code)
		}
	})
}

func TestResources(t *testing.T) {
	srv := New(Options{Data: Cases(testNow)})
	first := New(Options{Data: Cases(testNow), RangedJobsOnFirstOnly: true})
	const web = "/v1/bunits/2/consumers/10"
	tests := []struct {
		name     string
		srv      *Server
		path     string
		wantCode int
		// check inspects the answer.
		check func(t *testing.T, out map[string]any)
	}{
		{"tree", srv, "/v1/bunits", http.StatusOK, func(t *testing.T, out map[string]any) {
			kids := out["businessUnits"].([]any)
			if out["id"] != 1.0 || len(kids) != 1 || len(kids[0].(map[string]any)["businessUnits"].([]any)) != 1 {
				t.Errorf("tree %v, want Reseller > Acme > Beta", out)
			}
		}},
		{"typed consumer list", srv, "/v1/bunits/2/consumers", http.StatusOK, func(t *testing.T, out map[string]any) {
			typ, _ := out["$type"].(string)
			if !strings.Contains(typ, "Collection`1[[Cloutility.Api.Models.Consumer") || out["total"] != 2.0 || out["offset"] != 0.0 {
				t.Errorf("collection %v", out)
			}
			if _, ok := out["items"].([]any)[1].(map[string]any)["limitHighStorage"]; ok {
				t.Error("weekly-04 has no limit: limitHighStorage should be absent")
			}
		}},
		{"consumer of another unit", srv, "/v1/bunits/3/consumers/10", http.StatusNotFound, nil},
		{"node without lastAccessTime", srv, "/v1/bunits/3/consumers/11/node", http.StatusOK, func(t *testing.T, out map[string]any) {
			if _, ok := out["lastAccessTime"]; ok {
				t.Error("lastAccessTime should be absent")
			}
		}},
		{"no node", srv, "/v1/bunits/1/consumers/14/node", http.StatusNotFound, nil},
		{"latest report without switches", srv, web + "/reports/latest", http.StatusOK, func(t *testing.T, out map[string]any) {
			if _, ok := out["status"]; ok {
				t.Error("status present without status=true")
			}
			if _, ok := out["warnings"]; ok {
				t.Error("warnings present without warnings=true")
			}
		}},
		{"latest report ignores the switches, documented for the ranged list only", srv, web + "/reports/latest?status=true&warnings=true", http.StatusOK, func(t *testing.T, out map[string]any) {
			if _, ok := out["status"]; ok {
				t.Error("status present on /reports/latest")
			}
		}},
		{"ranged reports with switches: enums as integers", srv, web + "/reports?status=true&warnings=true", http.StatusOK, func(t *testing.T, out map[string]any) {
			w := out["items"].([]any)[0].(map[string]any)["warnings"].([]any)[0].(map[string]any)
			if out["items"].([]any)[0].(map[string]any)["status"] != float64(Warning) || w["status"] != float64(Warning) || w["type"] != 2.0 {
				t.Errorf("status %v, warning %v", out["items"].([]any)[0].(map[string]any)["status"], w)
			}
		}},
		{"first job: only completed is meaningful", srv, web + "/jobs/first", http.StatusOK, func(t *testing.T, out map[string]any) {
			if out["id"] != 0.0 || out["completed"] != date(testNow.Add(-50*time.Hour)) || out["createdDate"] != "0001-01-01T00:00:00" {
				t.Errorf("first job %v", out)
			}
		}},
		{"first job of a consumer without jobs", srv, "/v1/bunits/3/consumers/11/jobs/first", http.StatusNotFound, nil},
		{"jobs without a range: the last 24 h", srv, web + "/jobs", http.StatusOK, func(t *testing.T, out map[string]any) {
			if out["total"] != 3.0 {
				t.Errorf("%v jobs, want 3", out["total"])
			}
		}},
		{"jobs from the first completion", srv, web + "/jobs?startTime=" + url.QueryEscape(date(testNow.Add(-50*time.Hour))) + "&endTime=" + url.QueryEscape(date(testNow)), http.StatusOK, func(t *testing.T, out map[string]any) {
			if out["total"] != 4.0 {
				t.Errorf("%v jobs, want 4", out["total"])
			}
		}},
		{"jobs before the first completion", srv, web + "/jobs?startTime=2024-05-01T00:00:00Z&endTime=2024-05-14T00:00:00Z", http.StatusBadRequest, nil},
		{"ranged jobs on /jobs/first", srv, web + "/jobs/first?startTime=2024-05-14T00:00:00Z", http.StatusOK, func(t *testing.T, out map[string]any) {
			job := out["items"].([]any)[0].(map[string]any)
			if !reflect.DeepEqual(job["type"], map[string]any{"id": 1.0, "name": "Backup"}) || job["duration"] != "01:00:00" {
				t.Errorf("job %v", job)
			}
		}},
		{"ranged /jobs missing on this portal", first, web + "/jobs?startTime=2024-05-14T00:00:00Z", http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, tok := grant(t, tt.srv, passwordForm())
			code, out := call(t, tt.srv, http.MethodGet, tt.path, http.Header{"Origin": {DefaultOrigin}, "Authorization": {"Bearer " + tok["access_token"].(string)}}, "")
			if code != tt.wantCode {
				t.Fatalf("status %d, want %d: %v", code, tt.wantCode, out)
			}
			if tt.check != nil {
				tt.check(t, out.(map[string]any))
			}
		})
	}
}

func TestGenerate(t *testing.T) {
	a, _ := json.Marshal(Generate(3, 100, 7, testNow))
	b, _ := json.Marshal(Generate(3, 100, 7, testNow))
	if string(a) != string(b) {
		t.Error("the same seed gave different data")
	}
	d := Generate(3, 12, 0, testNow)
	if len(d.Consumers) != int(numProfiles) || len(d.BusinessUnits) != 1 {
		t.Fatalf("%d consumers in %d units, want %d in 1", len(d.Consumers), len(d.BusinessUnits), numProfiles)
	}
	overLimit := false
	big := Generate(3, 1000, 50, testNow)
	used := map[int]float64{}
	for _, c := range big.Consumers {
		if c.Report != nil && c.Report.MegaBytes != nil {
			for id := c.BusinessUnitID; id != 0; id = big.bunit(id).ParentID {
				used[id] += *c.Report.MegaBytes
			}
		}
	}
	for _, u := range big.BusinessUnits {
		overLimit = overLimit || (u.StorageLimitGB > 0 && used[u.ID]/1024 > float64(u.StorageLimitGB))
	}
	if len(big.Consumers) != 1000 || len(big.BusinessUnits) != 50 || !overLimit {
		t.Errorf("%d consumers, %d units, a unit over its limit: %v", len(big.Consumers), len(big.BusinessUnits), overLimit)
	}
}

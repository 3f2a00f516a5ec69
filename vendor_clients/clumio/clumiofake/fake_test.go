package clumiofake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 5, 14, 12, 0, 0, 0, time.UTC)

func TestGenerateIsRepeatable(t *testing.T) {
	opts := Options{Seed: 42, Scale: 200, Now: testNow}
	a, b := Generate(opts), Generate(opts)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same options gave different data")
	}
	opts.Seed = 43
	if reflect.DeepEqual(a, Generate(opts)) {
		t.Error("another seed gave the same data")
	}
	if len(a.Assets) != 200 {
		t.Errorf("%d assets, want 200", len(a.Assets))
	}
	for _, ft := range a.Tasks {
		if ft.End.After(testNow) || ft.Start.After(testNow) || ft.Created.After(testNow) {
			t.Errorf("task %s is in the future: %+v", ft.ID, ft)
		}
	}
}

// get sends a GET to the fake with the token and the media type of path
// unless the mods change them, and decodes the JSON answer.
func get(t *testing.T, s *Server, target string, mods ...func(*http.Request)) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.Header.Set("Authorization", "Bearer "+DefaultToken)
	path, _, _ := strings.Cut(target, "?")
	for prefix, accept := range map[string]string{
		"/tasks": acceptTasks, "/alerts/individual": acceptAlerts, "/policies/definitions": acceptPolicies,
		"/organizational-units": acceptOUs, "/datasources/aws/ebs-volumes": acceptEBS, "/datasources/protection-groups": acceptProtectionGroups,
		endpointsPath: acceptEndpoints,
	} {
		if strings.HasPrefix(path, prefix) {
			r.Header.Set("Accept", accept)
		}
	}
	for _, m := range mods {
		m(r)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: answer is not JSON: %q", target, w.Body.String())
	}
	return w.Code, body
}

func filterQ(f string) string { return url.QueryEscape(f) }

// TestRejections checks every refusal and its errors envelope.
func TestRejections(t *testing.T) {
	s := New(Options{Seed: 1, Scale: 20, Now: testNow})
	for _, tc := range []struct {
		name     string
		target   string
		mod      func(*http.Request)
		wantCode int
		wantMsg  string
	}{
		{"missing token", "/tasks", func(r *http.Request) { r.Header.Del("Authorization") }, 403, "token is missing"},
		{"wrong token", "/tasks", func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") }, 401, "invalid"},
		{"basic auth", "/tasks", func(r *http.Request) { r.SetBasicAuth("u", "p") }, 401, "invalid"},
		{"no Accept", "/tasks", func(r *http.Request) { r.Header.Del("Accept") }, 406, acceptTasks},
		{"Accept of another resource", "/tasks", func(r *http.Request) { r.Header.Set("Accept", acceptAlerts) }, 406, acceptTasks},
		{"endpoints with the protection groups' Accept", endpointsPath, func(r *http.Request) { r.Header.Set("Accept", acceptProtectionGroups) }, 406, acceptEndpoints},
		{"filter on endpoints", endpointsPath + "?filter=" + filterQ(`{"name":{"$eq":"x"}}`), nil, 400, `"name" is not supported`},
		{"Accept of another version", "/organizational-units", func(r *http.Request) {
			r.Header.Set("Accept", "application/api.clumio.organizational-units=v1+json")
		}, 406, acceptOUs},
		{"filter not JSON", "/tasks?filter=" + filterQ(`{"status":`), nil, 400, "not a valid JSON"},
		{"unknown filter field", "/tasks?filter=" + filterQ(`{"colour":{"$eq":"red"}}`), nil, 400, `"colour" is not supported`},
		{"operator the field does not take", "/tasks?filter=" + filterQ(`{"status":{"$eq":"failed"}}`), nil, 400, `"$eq" is not supported`},
		{"time that is not RFC 3339", "/tasks?filter=" + filterQ(`{"created_timestamp":{"$gte":"yesterday"}}`), nil, 400, "RFC-3339"},
		{"sort on tasks", "/tasks?sort=-created_timestamp", nil, 400, "sort is not supported"},
		{"unknown sort field", "/alerts/individual?sort=severity", nil, 400, `"severity" is not supported`},
		{"start not a number", "/tasks?start=first", nil, 400, "start"},
		{"limit zero", "/tasks?limit=0", nil, 400, "limit"},
		{"bad lookback_days", "/datasources/aws/ebs-volumes?lookback_days=-1", nil, 400, "lookback_days"},
		{"unknown task", "/tasks/nope", nil, 404, "not found"},
		{"unknown asset", "/datasources/aws/ebs-volumes/nope", nil, 404, "not found"},
		{"unknown OU in the header", "/tasks", func(r *http.Request) { r.Header.Set("x-clumio-organizationalunit-context", "nope") }, 404, "organizational unit"},
		{"unknown resource", "/v1/tasks", nil, 404, "no such resource"},
		{"POST", "/tasks", func(r *http.Request) { r.Method = http.MethodPost }, 405, "not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mods []func(*http.Request)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			code, body := get(t, s, tc.target, mods...)
			if code != tc.wantCode {
				t.Errorf("HTTP %d, want %d", code, tc.wantCode)
			}
			errs, _ := body["errors"].([]any)
			if len(errs) != 1 {
				t.Fatalf("body %v has no errors envelope", body)
			}
			e := errs[0].(map[string]any)
			if _, ok := e["error_code"].(float64); !ok || !strings.Contains(e["error_message"].(string), tc.wantMsg) {
				t.Errorf("error %v, want a code and a message mentioning %q", e, tc.wantMsg)
			}
		})
	}
}

// TestPaging walks the tasks with small pages and checks the envelope: start
// as a string, the counts, and _next only while another page exists.
func TestPaging(t *testing.T) {
	s := New(Options{Seed: 1, Scale: 40, Now: testNow})
	total := 0
	s.Update(func(d *Data) { total = len(d.Tasks) })
	pages := (total + 6) / 7
	seen := map[string]bool{}
	for start := 1; start <= pages; start++ {
		code, body := get(t, s, "/tasks?limit=7&start="+strconv.Itoa(start))
		if code != 200 {
			t.Fatalf("page %d: HTTP %d", start, code)
		}
		if body["start"] != strconv.Itoa(start) {
			t.Errorf("start = %#v, want the string %q", body["start"], strconv.Itoa(start))
		}
		if body["total_count"] != float64(total) || body["total_pages_count"] != float64(pages) {
			t.Errorf("page %d: total_count %v, total_pages_count %v; want %d, %d", start, body["total_count"], body["total_pages_count"], total, pages)
		}
		links := body["_links"].(map[string]any)
		next, hasNext := links["_next"]
		if hasNext != (start < pages) {
			t.Errorf("page %d of %d: _next present = %v", start, pages, hasNext)
		}
		if hasNext && !strings.Contains(next.(map[string]any)["href"].(string), "start="+strconv.Itoa(start+1)) {
			t.Errorf("page %d: _next = %v", start, next)
		}
		for _, k := range []string{"_self", "_first", "_last"} {
			if links[k] == nil {
				t.Errorf("page %d: no %s link", start, k)
			}
		}
		items := body["_embedded"].(map[string]any)["items"].([]any)
		if int(body["current_count"].(float64)) != len(items) {
			t.Errorf("current_count %v, %d items", body["current_count"], len(items))
		}
		for _, it := range items {
			seen[it.(map[string]any)["id"].(string)] = true
		}
	}
	if len(seen) != total {
		t.Errorf("%d distinct tasks over the pages, want %d", len(seen), total)
	}
}

// TestFiltersAndScoping checks the filters the client uses, the alerts'
// sort and the OU header.
func TestFiltersAndScoping(t *testing.T) {
	s := New(Options{Seed: 3, Scale: 85, Now: testNow})
	var d Data
	s.Update(func(x *Data) { d = *x })
	count := func(pred func(int) bool, n int) int {
		c := 0
		for i := range n {
			if pred(i) {
				c++
			}
		}
		return c
	}
	since := testNow.Add(-6 * time.Hour)
	finance := d.OUs[1].ID
	for _, tc := range []struct {
		name   string
		target string
		ou     string
		want   int
	}{
		{"tasks since, by category", "/tasks?limit=1000&filter=" + filterQ(`{"created_timestamp":{"$gte":"`+since.Format(time.RFC3339)+`"},"category":{"$in":["backup"]}}`), "",
			count(func(i int) bool { return !d.Tasks[i].Created.Before(since) && d.Tasks[i].Category == "backup" }, len(d.Tasks))},
		{"tasks by id", "/tasks?filter=" + filterQ(`{"id":{"$in":["`+d.Tasks[0].ID+`","`+d.Tasks[3].ID+`"]}}`), "", 2},
		{"active alerts", "/alerts/individual?limit=1000&filter=" + filterQ(`{"status":{"$in":["active"]}}`), "",
			count(func(i int) bool { return d.Alerts[i].Status == "active" }, len(d.Alerts))},
		{"EBS volumes not deleted", "/datasources/aws/ebs-volumes?filter=" + filterQ(`{"is_deleted":{"$eq":false}}`), "",
			count(func(i int) bool { return d.Assets[i].Type == TypeEBS && !d.Assets[i].Deleted }, len(d.Assets))},
		{"EBS volumes of the finance OU", "/datasources/aws/ebs-volumes", finance,
			count(func(i int) bool { return d.Assets[i].Type == TypeEBS && d.Assets[i].OUID == finance }, len(d.Assets))},
		{"OUs seen from finance", "/organizational-units", finance, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, s, tc.target, func(r *http.Request) { r.Header.Set("x-clumio-organizationalunit-context", tc.ou) })
			if code != 200 {
				t.Fatalf("HTTP %d: %v", code, body)
			}
			if got := int(body["total_count"].(float64)); got != tc.want || tc.want == 0 {
				t.Errorf("total_count %d, want %d (non-zero)", got, tc.want)
			}
		})
	}

	_, body := get(t, s, "/alerts/individual?limit=1000&sort=raised_timestamp")
	items := body["_embedded"].(map[string]any)["items"].([]any)
	for i := 1; i < len(items); i++ {
		if items[i-1].(map[string]any)["raised_timestamp"].(string) > items[i].(map[string]any)["raised_timestamp"].(string) {
			t.Fatalf("alerts not sorted by raised_timestamp at %d", i)
		}
	}
	if body["sort_applied"] != "raised_timestamp" {
		t.Errorf("sort_applied = %v", body["sort_applied"])
	}
}

// TestBackupStatusNeedsLookback checks the quirk that backup_status is
// "unknown" unless lookback_days is given.
func TestBackupStatusNeedsLookback(t *testing.T) {
	s := New(Options{Seed: 1, Scale: 5, Now: testNow})
	for q, want := range map[string]string{"": "unknown", "?lookback_days=1": "success"} {
		_, body := get(t, s, "/datasources/aws/ebs-volumes"+q)
		item := body["_embedded"].(map[string]any)["items"].([]any)[0].(map[string]any)
		if got := item["backup_status_info"].(map[string]any)["backup_status"]; got != want {
			t.Errorf("lookback %q: backup_status %v, want %s", q, got, want)
		}
	}
}

// An explicit clock is the present of backup statuses, so that a simulation
// that moves it sees an asset's last success leave the lookback window;
// without one, statuses stay computed at Now.
func TestBackupStatusFollowsAnExplicitClock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		clock func() time.Time
		want  string
	}{
		{"no clock: statuses at Now", nil, "success"},
		{"clock at Now", func() time.Time { return testNow }, "success"},
		{"clock two days on", func() time.Time { return testNow.Add(48 * time.Hour) }, "no_backup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{Seed: 1, Scale: 5, Now: testNow, Clock: tc.clock})
			_, body := get(t, s, "/datasources/aws/ebs-volumes?lookback_days=1")
			item := body["_embedded"].(map[string]any)["items"].([]any)[0].(map[string]any)
			if got := item["backup_status_info"].(map[string]any)["backup_status"]; got != tc.want {
				t.Errorf("backup_status %v, want %s", got, tc.want)
			}
		})
	}
}

func BenchmarkGenerate10k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Generate(Options{Seed: 1, Scale: 10000, Now: testNow})
	}
}

package clumiofake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// post sends a POST of body to the endpoints path with the token, the media
// type and JSON, and decodes the answer.
func post(t *testing.T, s *Server, body string, mods ...func(*http.Request)) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, endpointsPath, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+DefaultToken)
	r.Header.Set("Accept", acceptEndpoints)
	r.Header.Set("Content-Type", "application/json")
	for _, m := range mods {
		m(r)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("answer is not JSON: %q", w.Body.String())
	}
	return w.Code, out
}

func errorMessages(body map[string]any) []string {
	var out []string
	errs, _ := body["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["error_message"].(string))
	}
	return out
}

// TestCreateEndpointValidation checks the POST body as clumio.md 1.7.9
// describes it: each problem is one entry of the 400's errors.
func TestCreateEndpointValidation(t *testing.T) {
	now := testNow
	s := New(Options{Seed: 1, Scale: 20, Now: testNow, Clock: func() time.Time { return now }})
	var asset, backupID string
	s.Update(func(d *Data) { asset, backupID = d.PGBackups[0].S3AssetID, d.PGBackups[0].S3BackupID })
	future := now.Add(time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name, body string
		mod        func(*http.Request)
		wantCode   int
		want       []string
	}{
		{"not JSON", `{"name":`, nil, 400, []string{"not valid JSON"}},
		{"form body", `name=x`, func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }, 415, []string{"Content-Type"}},
		{"wrong Accept", `{}`, func(r *http.Request) { r.Header.Set("Accept", acceptTasks) }, 406, []string{acceptEndpoints}},
		{"no token", `{}`, func(r *http.Request) { r.Header.Del("Authorization") }, 403, []string{"token is missing"}},
		{"empty body", `{}`, nil, 400, []string{"name is required", "expiry_timestamp is required", "source is required"}},
		{"expiry not RFC 3339", `{"name":"x","expiry_timestamp":"tomorrow","source":{"protection_group_s3_asset_id":"` + asset + `","backup_id":"` + backupID + `"}}`, nil, 400, []string{"not an RFC-3339"}},
		{"expiry in the past", `{"name":"x","expiry_timestamp":"` + now.Add(-time.Minute).Format(time.RFC3339) + `","source":{"protection_group_s3_asset_id":"` + asset + `","backup_id":"` + backupID + `"}}`, nil, 400, []string{"in the future"}},
		{"both backup_id and pitr", `{"name":"x","expiry_timestamp":"` + future + `","source":{"protection_group_s3_asset_id":"` + asset + `","backup_id":"` + backupID + `","pitr":{"restore_end_timestamp":"` + future + `"}}}`, nil, 400, []string{"exactly one"}},
		{"neither backup_id nor pitr", `{"name":"x","expiry_timestamp":"` + future + `","source":{"protection_group_s3_asset_id":"` + asset + `"}}`, nil, 400, []string{"exactly one"}},
		{"no S3 asset", `{"name":"x","expiry_timestamp":"` + future + `","source":{"backup_id":"` + backupID + `"}}`, nil, 400, []string{"protection_group_s3_asset_id is required"}},
		{"unknown backup", `{"name":"x","expiry_timestamp":"` + future + `","source":{"protection_group_s3_asset_id":"` + asset + `","backup_id":"nope"}}`, nil, 400, []string{`no backup "nope"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mods []func(*http.Request)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			code, body := post(t, s, tc.body, mods...)
			if code != tc.wantCode {
				t.Errorf("HTTP %d, want %d: %v", code, tc.wantCode, body)
			}
			msgs := errorMessages(body)
			if len(msgs) != len(tc.want) {
				t.Errorf("errors %q, want %d", msgs, len(tc.want))
			}
			for i, w := range tc.want {
				if i < len(msgs) && !strings.Contains(msgs[i], w) {
					t.Errorf("error %d %q does not mention %q", i, msgs[i], w)
				}
			}
		})
	}
	if n := len(s.data.Endpoints); n != 5 {
		t.Errorf("%d endpoints after refused POSTs, want the 5 generated", n)
	}
}

// TestRestoreLifecycle creates an endpoint and follows its task from queued
// to in_progress to completed, and the endpoint from preparing to active
// to expired; with a fault, the task fails and the endpoint goes away.
func TestRestoreLifecycle(t *testing.T) {
	now := testNow
	s := New(Options{Seed: 1, Scale: 20, Now: testNow, Clock: func() time.Time { return now }})
	var asset, group string
	s.Update(func(d *Data) { asset, group = d.PGBackups[0].S3AssetID, d.DrillReadyGroup })
	if group == "" {
		t.Fatal("no drill-ready protection group")
	}
	create := func() (string, string) {
		body := `{"name":"drill","expiry_timestamp":"` + now.Add(time.Hour).Format(time.RFC3339) +
			`","source":{"protection_group_s3_asset_id":"` + asset + `","pitr":{"restore_end_timestamp":"` + now.Format(time.RFC3339) + `"}}}`
		code, out := post(t, s, body)
		if code != http.StatusAccepted {
			t.Fatalf("HTTP %d: %v", code, out)
		}
		return out["id"].(string), out["task_id"].(string)
	}
	state := func(endpointID, taskID string) (string, string) {
		_, task := get(t, s, "/tasks/"+taskID)
		_, list := get(t, s, endpointsPath)
		status := "absent"
		for _, it := range list["_embedded"].(map[string]any)["items"].([]any) {
			if m := it.(map[string]any); m["id"] == endpointID {
				status = m["endpoint_status"].(string)
			}
		}
		return task["status"].(string), status
	}

	ep, task := create()
	for _, step := range []struct {
		advance             time.Duration
		wantTask, wantEndpt string
	}{
		{0, "queued", "preparing"},
		{restoreQueuedFor, "in_progress", "preparing"},
		{restoreRunningFor, "completed", "active"},
		{time.Hour, "completed", "expiring"},
		{endpointExpiringFor, "completed", "expired"},
	} {
		now = now.Add(step.advance)
		if gotTask, gotEndpt := state(ep, task); gotTask != step.wantTask || gotEndpt != step.wantEndpt {
			t.Errorf("+%s: task %s, endpoint %s; want %s, %s", step.advance, gotTask, gotEndpt, step.wantTask, step.wantEndpt)
		}
	}
	_, tk := get(t, s, "/tasks/"+task)
	if pe := tk["primary_entity"].(map[string]any); pe["value"] != group || tk["category"] != "restore" {
		t.Errorf("restore task %v is not a restore of %s", tk, group)
	}

	s.FailRestores(group, true)
	ep, task = create()
	now = now.Add(restoreQueuedFor + restoreRunningFor)
	if gotTask, gotEndpt := state(ep, task); gotTask != "failed" || gotEndpt != "absent" {
		t.Errorf("with a fault: task %s, endpoint %s; want failed, absent", gotTask, gotEndpt)
	}
}

package cloverdxfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2024, 5, 14, 12, 0, 0, 0, time.UTC)

// get sends a GET to the fake, with credentials and the CSRF header unless
// the case drops them.
func get(t *testing.T, srv http.Handler, path string, noAuth, noCSRF bool, password string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if !noAuth {
		req.SetBasicAuth(DefaultUsername, password)
	}
	if !noCSRF {
		req.Header.Set("X-Requested-By", "test")
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

func TestServerProtocol(t *testing.T) {
	cases := []struct {
		name       string
		path       string
		noAuth     bool
		noCSRF     bool
		password   string
		csrfOff    bool
		wantCode   int
		wantHeader string // a header that must be set
		wantBody   string // a substring of the body
	}{
		{name: "liveness needs nothing", path: "/clover/accessibilityTest.jsp", noAuth: true, noCSRF: true, wantCode: 200, wantBody: "OK"},
		{name: "no credentials", path: "/clover/api/rest/v1/executions", noAuth: true, wantCode: 401, wantHeader: "WWW-Authenticate", wantBody: `"httpStatus":401`},
		{name: "wrong password", path: "/clover/api/rest/v1/executions", password: "nope", wantCode: 401, wantHeader: "WWW-Authenticate"},
		{name: "no X-Requested-By", path: "/clover/api/rest/v1/executions", noCSRF: true, wantCode: 400, wantBody: "X-Requested-By"},
		{name: "CSRF guard switched off", path: "/clover/api/rest/v1/executions", noCSRF: true, csrfOff: true, wantCode: 200, wantBody: `"@type":"ExecutionCollection"`},
		{name: "bad pageSize", path: "/clover/api/rest/v1/executions?pageSize=0", wantCode: 400, wantBody: "pageSize"},
		{name: "bad startIndex", path: "/clover/api/rest/v1/executions?startIndex=-1", wantCode: 400, wantBody: "startIndex"},
		{name: "one execution", path: "/clover/api/rest/v1/executions/1000", wantCode: 200, wantBody: `"runId":1000`},
		{name: "unknown execution", path: "/clover/api/rest/v1/executions/1", wantCode: 404, wantBody: `"errorMessage":"Execution 1 not found"`},
		{name: "dashboards", path: "/clover/api/rest/v1/dashboards", wantCode: 200, wantBody: `"name":"Main dashboard"`},
		{name: "monitors of a dashboard", path: "/clover/api/rest/v1/dashboards/2/monitors", wantCode: 200, wantBody: `"alertLevel":"CRITICAL"`},
		{name: "one monitor", path: "/clover/api/rest/v1/dashboards/1/monitors/8", wantCode: 200, wantBody: `"warning":true`},
		{name: "monitor of another dashboard", path: "/clover/api/rest/v1/dashboards/2/monitors/8", wantCode: 404},
		{name: "unknown dashboard", path: "/clover/api/rest/v1/dashboards/99/monitors", wantCode: 404, wantBody: "Dashboard 99"},
		{name: "unknown resource", path: "/clover/api/rest/v1/monitors", wantCode: 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(Options{Now: testNow, CSRFProtectionDisabled: tc.csrfOff})
			password := tc.password
			if password == "" {
				password = DefaultPassword
			}
			rec := get(t, srv, tc.path, tc.noAuth, tc.noCSRF, password)
			if rec.Code != tc.wantCode {
				t.Fatalf("code %d, want %d; body %s", rec.Code, tc.wantCode, rec.Body)
			}
			if tc.wantHeader != "" && rec.Header().Get(tc.wantHeader) == "" {
				t.Errorf("header %s missing", tc.wantHeader)
			}
			if !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("body %s does not contain %s", rec.Body, tc.wantBody)
			}
		})
	}
}

// page is the envelope as a client reads it.
type page struct {
	Total      int `json:"@totalItems"`
	StartIndex int `json:"@startIndex"`
	PageItems  int `json:"@pageItems"`
	Members    []struct {
		RunID  int64  `json:"runId"`
		Status string `json:"status"`
	} `json:"members"`
}

func TestExecutionPaging(t *testing.T) {
	srv := New(Options{Now: testNow})
	srv.Update(func(d *Data) {
		d.Executions = d.Executions[:25]
		d.PhantomExecutions = 5
	})
	cases := []struct {
		name      string
		query     string
		wantStart int
		wantItems int
	}{
		{name: "first page", query: "pageSize=10&startIndex=0", wantStart: 0, wantItems: 10},
		{name: "last short page", query: "pageSize=10&startIndex=20", wantStart: 20, wantItems: 5},
		{name: "phantom items come back empty", query: "pageSize=10&startIndex=25", wantStart: 25, wantItems: 0},
		{name: "default page size", query: "", wantStart: 0, wantItems: 25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, srv, "/clover/api/rest/v1/executions?"+tc.query, false, false, DefaultPassword)
			var p page
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Total != 30 || p.StartIndex != tc.wantStart || p.PageItems != tc.wantItems || len(p.Members) != tc.wantItems {
				t.Fatalf("got total %d start %d items %d/%d, want 30 %d %d", p.Total, p.StartIndex, p.PageItems, len(p.Members), tc.wantStart, tc.wantItems)
			}
			for i := 1; i < len(p.Members); i++ {
				if p.Members[i].RunID >= p.Members[i-1].RunID {
					t.Fatalf("not newest first: %d after %d", p.Members[i].RunID, p.Members[i-1].RunID)
				}
			}
		})
	}
}

func TestGeneratedData(t *testing.T) {
	a, b := New(Options{Seed: 7, Scale: 20, Now: testNow}), New(Options{Seed: 7, Scale: 20, Now: testNow})
	if !reflect.DeepEqual(a.data, b.data) {
		t.Fatal("the same options gave different data")
	}
	statuses := map[string]int{}
	jobFiles := map[string]bool{}
	runs := map[int64]Execution{}
	for _, e := range a.data.Executions {
		runs[e.RunID] = e
	}
	children := 0
	for _, e := range a.data.Executions {
		statuses[e.Status]++
		if e.ParentRunID == 0 {
			jobFiles[e.Sandbox+"/"+e.JobFile] = true
			continue
		}
		children++
		if p, ok := runs[e.ParentRunID]; !ok || p.ExecutionType != "JOBFLOW" || p.RunID >= e.RunID {
			t.Errorf("run %d names parent %d, not an earlier jobflow run", e.RunID, e.ParentRunID)
		}
	}
	if children == 0 {
		t.Error("no child execution")
	}
	for _, s := range []string{"N_A", "READY", "ENQUEUED", "RUNNING", "WAITING", "FINISHED_OK", "ERROR", "ABORTED", "UNKNOWN", "TIMEOUT"} {
		if statuses[s] == 0 {
			t.Errorf("no execution with status %s", s)
		}
	}
	if len(jobFiles) != 20 {
		t.Errorf("%d job files, want the scale, 20", len(jobFiles))
	}
	monitorCases := map[string]bool{}
	for _, d := range a.data.Dashboards {
		for _, m := range d.Monitors {
			monitorCases[m.State+"/"+m.AlertLevel] = true
			if m.Warning {
				monitorCases["warning"] = true
			}
		}
	}
	for _, c := range []string{"PASSING/MEDIUM", "FAILING/CRITICAL", "FAILING/HIGH", "FAILING/LOW", "FAILING/VERY_LOW", "warning"} {
		if !monitorCases[c] {
			t.Errorf("no monitor %s", c)
		}
	}
}

func TestEncodings(t *testing.T) {
	srv := New(Options{Now: testNow})
	srv.Update(func(d *Data) {
		d.ObjectEnums = true
		d.Executions[0].EpochMillis = true
	})
	rec := get(t, srv, "/clover/api/rest/v1/dashboards/1/monitors/7", false, false, DefaultPassword)
	if !strings.Contains(rec.Body.String(), `"state":{"name":"FAILING"}`) {
		t.Errorf("monitor state not an object: %s", rec.Body)
	}
	var p struct {
		Members []map[string]any `json:"members"`
	}
	rec = get(t, srv, "/clover/api/rest/v1/executions?pageSize=2", false, false, DefaultPassword)
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Members[0]["submitTime"].(float64); !ok {
		t.Errorf("epoch execution's submitTime is %#v, want a number", p.Members[0]["submitTime"])
	}
	if s, ok := p.Members[1]["submitTime"].(string); !ok || !strings.HasSuffix(s, "+02:00") {
		t.Errorf("ISO execution's submitTime is %#v, want a string with an offset", p.Members[1]["submitTime"])
	}
}

// TestManyDashboards checks that Options.Dashboards serves that many
// dashboards, each with its own id and the monitors of a hand-written one.
func TestManyDashboards(t *testing.T) {
	s := New(Options{Dashboards: 10})
	s.Update(func(d *Data) {
		if len(d.Dashboards) != 10 {
			t.Fatalf("%d dashboards, want 10", len(d.Dashboards))
		}
		for i, db := range d.Dashboards {
			if db.ID != i+1 || len(db.Monitors) == 0 {
				t.Errorf("dashboard %d: id %d with %d monitors", i, db.ID, len(db.Monitors))
			}
		}
	})
}

package cleverfoxfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// get sends one GET as the partner (user "" sends no auth) and returns the
// answer's code, header and body.
func get(t *testing.T, ts *httptest.Server, path, user, password string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

func startTLS(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(s)
	ts.TLS = TLSConfig()
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts
}

func TestAuth(t *testing.T) {
	ts := startTLS(t, New(Options{Seed: 1, Scale: 10, Now: testNow}))
	tests := []struct {
		name, user, password string
		want                 int
	}{
		{"no credentials", "", "", http.StatusUnauthorized},
		{"wrong key", "not-the-key", "", http.StatusUnauthorized},
		{"the key, no password", DefaultAPIKey, "", http.StatusOK},
		{"the key, any password", DefaultAPIKey, "whatever", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := get(t, ts, "/api/companies", tc.user, tc.password)
			if code != tc.want {
				t.Fatalf("code = %d, want %d: %s", code, tc.want, body)
			}
			if code == http.StatusUnauthorized {
				var e struct{ Message string }
				if h.Get("WWW-Authenticate") == "" || json.Unmarshal(body, &e) != nil || e.Message == "" {
					t.Errorf("401 with WWW-Authenticate %q and body %s, want a Basic challenge and a message", h.Get("WWW-Authenticate"), body)
				}
			}
		})
	}
}

func TestPlainHTTPRefused(t *testing.T) {
	ts := httptest.NewServer(New(Options{Seed: 1, Scale: 10, Now: testNow}))
	defer ts.Close()
	if code, _, _ := get(t, ts, "/api/companies", DefaultAPIKey, ""); code != http.StatusForbidden {
		t.Errorf("plain HTTP answered %d, want 403", code)
	}
}

func TestListPaging(t *testing.T) {
	d := &Data{}
	for i := 1; i <= 60; i++ {
		d.Plans = append(d.Plans, Plan{ID: i, Name: "plan"})
	}
	ts := startTLS(t, NewWithData(Options{}, d))
	tests := []struct {
		query            string
		code             int
		pageNo, pageSize int
		ids              []int // first and last id of the page
		n                int
	}{
		{"", 200, 1, DefaultPageSize, []int{60, 36}, 25},
		{"?PageNo=3", 200, 3, DefaultPageSize, []int{10, 1}, 10},
		{"?PageNo=2&PageSize=30", 200, 2, 30, []int{30, 1}, 30},
		{"?PageNo=3&PageSize=30", 200, 3, 30, nil, 0},
		{"?PageSize=5000", 200, 1, MaxPageSize, []int{60, 1}, 60},
		{"?PageNo=0", 400, 0, 0, nil, 0},
		{"?PageSize=ten", 400, 0, 0, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			code, _, body := get(t, ts, "/api/plans"+tc.query, DefaultAPIKey, "")
			if code != tc.code {
				t.Fatalf("code = %d, want %d: %s", code, tc.code, body)
			}
			if code != 200 {
				return
			}
			var p struct {
				Data []struct {
					PlanID int `json:"PlanId"`
				} `json:"data"`
				PageNo   int `json:"page_no"`
				PageSize int `json:"page_size"`
			}
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if p.PageNo != tc.pageNo || p.PageSize != tc.pageSize || len(p.Data) != tc.n {
				t.Errorf("page_no %d, page_size %d, %d items; want %d, %d, %d", p.PageNo, p.PageSize, len(p.Data), tc.pageNo, tc.pageSize, tc.n)
			}
			if tc.ids != nil && (p.Data[0].PlanID != tc.ids[0] || p.Data[len(p.Data)-1].PlanID != tc.ids[1]) {
				t.Errorf("ids %d…%d, want %d…%d (newest first)", p.Data[0].PlanID, p.Data[len(p.Data)-1].PlanID, tc.ids[0], tc.ids[1])
			}
		})
	}
}

func TestItem(t *testing.T) {
	ts := startTLS(t, New(Options{Seed: 1, Scale: 10, Now: testNow}))
	tests := []struct {
		path string
		code int
	}{
		{"/api/jobs/3", 200},
		{"/api/devices/1", 200},
		{"/api/logs/1", 200},
		{"/api/jobs/99999", 404},
		{"/api/jobs/abc", 404},
		{"/api/widgets", 404},
		{"/api/widgets/1", 404},
		{"/elsewhere", 404},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			code, _, body := get(t, ts, tc.path, DefaultAPIKey, "")
			if code != tc.code {
				t.Fatalf("code = %d, want %d: %s", code, tc.code, body)
			}
			var env struct {
				Data    map[string]any `json:"data"`
				Message string         `json:"message"`
			}
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatalf("body is not JSON: %s", body)
			}
			if (code == 200) != (env.Data != nil) || (code == 404) != (env.Message != "") {
				t.Errorf("body %s: want {data} on 200 and {message} on 404", body)
			}
		})
	}
}

// TestWireQuirks shows the quirks of the format: null booleans, and
// timestamps without a zone, local ones in the device's zone.
func TestWireQuirks(t *testing.T) {
	d := &Data{Devices: []Device{
		{ID: 1, Name: "NY", TimeZoneID: "Eastern Standard Time", LastAPICheckAt: testNow},
		{ID: 3, Name: "Tokyo", TimeZoneID: "Tokyo Standard Time", LastAPICheckAt: testNow},
	}}
	ts := startTLS(t, NewWithData(Options{}, d))
	_, _, body := get(t, ts, "/api/devices", DefaultAPIKey, "")
	var p struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	want := map[float64]struct {
		checkIn  string
		inactive any
	}{
		1: {"2026-11-23T07:00:00.000", false},
		3: {"2026-11-23T21:00:00.000", nil}, // false sent as null
	}
	for _, dev := range p.Data {
		w := want[dev["DeviceId"].(float64)]
		if dev["LastApiCheckAt"] != w.checkIn || dev["IsInactive"] != w.inactive {
			t.Errorf("device %v: LastApiCheckAt %v, IsInactive %v; want %v, %v", dev["DeviceId"], dev["LastApiCheckAt"], dev["IsInactive"], w.checkIn, w.inactive)
		}
	}
}

// TestGeneratedData shows that the generated account has every case the
// dashboards and alerts need, in every zone of Zones, and that the same
// options give the same data.
func TestGeneratedData(t *testing.T) {
	d := generate(Options{Seed: 7, Scale: 120, Now: testNow})
	statuses := map[string]int{}
	logsOf := map[int]int{}
	nullItems := 0
	for _, l := range d.Logs {
		statuses[l.Status]++
		logsOf[l.JobID]++
		if l.Items == nil && l.Status == "Completed" {
			nullItems++
		}
	}
	neverRun, inactiveJobs, monthy, monthly := 0, 0, 0, 0
	for _, j := range d.Jobs {
		if logsOf[j.ID] == 0 {
			neverRun++
		}
		if j.Inactive {
			inactiveJobs++
		}
		switch j.Frequency {
		case "Monthy":
			monthy++
		case "Monthly":
			monthly++
		}
	}
	inactiveDevices, offline := 0, 0
	zones := map[string]bool{}
	for _, dev := range d.Devices {
		zones[dev.TimeZoneID] = true
		if dev.Inactive {
			inactiveDevices++
		} else if testNow.Sub(dev.LastAPICheckAt) > 48*time.Hour {
			offline++
		}
	}
	plans := map[int]bool{}
	for _, s := range d.Subscriptions {
		if !s.Inactive {
			plans[s.PlanID] = true
		}
	}
	counts := map[string]int{
		"Completed logs": statuses["Completed"], "Failed logs": statuses["Failed"],
		"Missed logs": statuses["Missed"], "Running logs": statuses["Running"],
		"never-run jobs": neverRun, "inactive jobs": inactiveJobs,
		"Monthy jobs": monthy, "Monthly jobs": monthly,
		"inactive devices": inactiveDevices, "devices offline for days": offline,
		"completed logs with null items": nullItems,
	}
	for what, n := range counts {
		if n == 0 {
			t.Errorf("no %s", what)
		}
	}
	if len(plans) < 3 {
		t.Errorf("companies on %d plans, want several", len(plans))
	}
	if len(zones) != len(Zones) {
		t.Errorf("devices in %d zones, want all %d", len(zones), len(Zones))
	}
	for i := 1; i < len(d.Logs); i++ {
		if d.Logs[i].ID <= d.Logs[i-1].ID || d.Logs[i].AddedOn.Before(d.Logs[i-1].AddedOn) {
			t.Fatalf("log ids do not follow the order the logs were written in at %d", i)
		}
	}

	again, err1 := json.Marshal(generate(Options{Seed: 7, Scale: 120, Now: testNow}))
	first, err2 := json.Marshal(d)
	if err1 != nil || err2 != nil || string(again) != string(first) {
		t.Error("the same options gave different data")
	}
}

// TestFaults shows the shared fault injection in front of the fake.
func TestFaults(t *testing.T) {
	s := New(Options{Seed: 1, Scale: 10, Now: testNow})
	ts := startTLS(t, s)
	s.Faults.Queue(fakefault.RateLimited)
	if code, h, _ := get(t, ts, "/api/jobs", DefaultAPIKey, ""); code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("queued rate limit answered %d with Retry-After %q", code, h.Get("Retry-After"))
	}
	if code, _, _ := get(t, ts, "/api/jobs", DefaultAPIKey, ""); code != http.StatusOK {
		t.Errorf("the next request answered %d, want 200", code)
	}
	if n := s.Faults.RequestsTo("/api/jobs"); n != 2 {
		t.Errorf("%d requests counted, want 2", n)
	}
}

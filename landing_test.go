package main

import (
	"encoding/json"
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/collector"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// landingRow is one target's row of the landing page, cell by cell (class
// to text, unescaped), with the row's state and its links.
type landingRow struct {
	state string
	cells map[string]string
	links []string
}

var (
	rowPattern  = regexp.MustCompile(`(?s)<tr class="target (\w+)">(.*?)</tr>`)
	cellPattern = regexp.MustCompile(`(?s)<td class="([\w-]+)"[^>]*>(.*?)</td>`)
	hrefPattern = regexp.MustCompile(`href="([^"]*)"`)
	tagPattern  = regexp.MustCompile(`<[^>]*>`)
	anyRow      = regexp.MustCompile(`(?s)<tr[ >].*?</tr>`)
	anyCell     = regexp.MustCompile(`<td[^>]*>`)
	colspan     = regexp.MustCompile(`colspan="(\d+)"`)
)

// landingRows reads the target rows of a landing page, by target name.
func landingRows(t *testing.T, page string) map[string]landingRow {
	t.Helper()
	rows := map[string]landingRow{}
	for _, m := range rowPattern.FindAllStringSubmatch(page, -1) {
		row := landingRow{state: m[1], cells: map[string]string{}}
		for _, c := range cellPattern.FindAllStringSubmatch(m[2], -1) {
			row.cells[c[1]] = html.UnescapeString(tagPattern.ReplaceAllString(c[2], ""))
		}
		for _, h := range hrefPattern.FindAllStringSubmatch(m[2], -1) {
			row.links = append(row.links, html.UnescapeString(h[1]))
		}
		rows[row.cells["name"]] = row
	}
	return rows
}

// assertColumns checks that every row of the targets table spans as many
// columns as its header, so no cell sits under another's heading.
func assertColumns(t *testing.T, page string) {
	t.Helper()
	header := strings.Count(page, "<th>")
	for _, row := range anyRow.FindAllString(page, -1) {
		if strings.Contains(row, "<th>") {
			continue
		}
		span := 0
		for _, td := range anyCell.FindAllString(row, -1) {
			n := 1
			if m := colspan.FindStringSubmatch(td); m != nil {
				n, _ = strconv.Atoi(m[1])
			}
			span += n
		}
		if span != header {
			t.Errorf("a row spans %d columns under %d headings:\n%s", span, header, row)
		}
	}
}

// TestLandingPage shows a target whose first refresh has not ended as
// pending, one that refreshed as up with its counts as the engine has them,
// and one refused as down with its error, with their links to /probe and
// to the dashboards of --web.grafana-url.
func TestLandingPage(t *testing.T) {
	good := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 20}))
	defer good.Close()
	slow, openSlow := gatedFake(t)
	cfg := "targets:\n" + clumioTarget("good", good.URL, clumiofake.DefaultToken) +
		clumioTarget("refused", good.URL, "wrong-token") + "    max_retries: 0\n" +
		clumioTarget("slow", slow.URL, clumiofake.DefaultToken)
	ts := newTestServerWith(t, cfg, collector.Options{WarmUp: true}, func(s *server) { s.grafanaURL = "https://grafana.example.com/" })
	waitFor(t, "the first refresh of good and refused", func() bool {
		pending := ts.reloader.Exporter().Pending()
		return len(pending) == 1 && pending[0] == "slow"
	})

	resp, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for header, want := range map[string]string{
		"Content-Type":            "text/html; charset=UTF-8",
		"Content-Security-Policy": landingPolicy,
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	_, page := ts.get(t, "/")
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("the landing page holds a script; it must work without JavaScript")
	}
	if !strings.Contains(page, "3 target(s): <span class=\"up\">1 up</span>, <span class=\"down\">1 down</span>, <span class=\"pending\">1 pending</span>") {
		t.Errorf("the page does not count 1 up, 1 down and 1 pending:\n%.2000s", page)
	}
	assertColumns(t, page)
	rows := landingRows(t, page)
	if len(rows) != 3 {
		t.Fatalf("%d target rows, want 3:\n%.3000s", len(rows), page)
	}

	if r := rows["slow"]; r.state != statePending || r.cells["state"] != "pending" || r.cells["last-refresh"] != "first refresh in progress" {
		t.Errorf("slow, before its first refresh ends: %+v, want pending", r)
	}

	statuses := map[string]collector.TargetStatus{}
	for _, st := range ts.reloader.Exporter().Targets() {
		statuses[st.Name] = st
	}
	up, st := rows["good"], statuses["good"]
	if up.state != stateUp || st.Assets == 0 || st.AssetsPastRPO == 0 {
		t.Fatalf("good: %+v (engine %+v), want up with assets, some past their RPO: the test would prove little", up, st)
	}
	for cell, want := range map[string]int{"assets": st.Assets, "assets-failing": st.AssetsFailing, "assets-past-rpo": st.AssetsPastRPO} {
		if got := up.cells[cell]; got != strconv.Itoa(want) {
			t.Errorf("good's %s: %q, want %d", cell, got, want)
		}
	}
	if !strings.HasSuffix(up.cells["last-refresh"], "s ago") || !strings.HasSuffix(up.cells["data-age"], "s") || up.cells["failed-parts"] != "none" {
		t.Errorf("good's refresh %q, data age %q, failed parts %q: want seconds ago and none", up.cells["last-refresh"], up.cells["data-age"], up.cells["failed-parts"])
	}
	wantLinks := []string{
		"probe?target=good",
		"https://grafana.example.com/d/backup-overview?var-target=good",
		"https://grafana.example.com/d/backup-slo?var-target=good",
		"https://grafana.example.com/d/backup-asset-detail?var-target=good",
		"https://grafana.example.com/d/backup-exporter-internals?var-target=good",
	}
	if !slices.Equal(up.links, wantLinks) {
		t.Errorf("good's links %q, want %q", up.links, wantLinks)
	}

	down := rows["refused"]
	if !strings.HasSuffix(up.cells["last-success"], "s ago") || down.cells["last-success"] != "never" {
		t.Errorf("last success: good %q, refused %q; want seconds ago and never", up.cells["last-success"], down.cells["last-success"])
	}
	if down.state != stateDown || down.cells["failed-parts"] != wholeRefreshFailed || !strings.Contains(down.cells["last-error"], "401") || down.cells["data-age"] != "no data" {
		t.Errorf("refused: %+v, want down, its whole refresh failing with a 401, and no data", down)
	}
	if !strings.Contains(page, `<form action="/probe">`) || !strings.Contains(page, `name="target"`) {
		t.Error("the page has no form to probe a target by name")
	}
	if !strings.Contains(page, `<a href="https://grafana.example.com/d/backup-overview">Backup overview</a>`) {
		t.Error("the page does not link the dashboards")
	}

	openSlow()
	waitFor(t, "slow's first refresh", func() bool { return len(ts.reloader.Exporter().Pending()) == 0 })
	_, page = ts.get(t, "/")
	if r := landingRows(t, page)["slow"]; r.state != stateUp || r.cells["assets"] == "" {
		t.Errorf("slow, after its first refresh: %+v, want up with its assets", r)
	}
}

// TestLandingPageProbeOnly: with --web.probe-only a target is refreshed
// only once probed, so the page says it waits for that, not for a refresh
// in progress.
func TestLandingPageProbeOnly(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5}))
	defer fake.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken), func(s *server) { s.probeOnly = true })
	_, page := ts.get(t, "/")
	if r := landingRows(t, page)["a"]; r.state != statePending || r.cells["last-refresh"] != "not probed yet (--web.probe-only)" {
		t.Errorf("a, never probed: %+v, want pending, not probed yet", r)
	}
	ts.get(t, "/probe?target=a")
	_, page = ts.get(t, "/")
	if r := landingRows(t, page)["a"]; r.state != stateUp {
		t.Errorf("a, once probed: %+v, want up", r)
	}
}

// TestLandingPageWithoutGrafana links no dashboard.
func TestLandingPageWithoutGrafana(t *testing.T) {
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", "http://127.0.0.1:9", clumiofake.DefaultToken), nil)
	_, page := ts.get(t, "/")
	assertColumns(t, page)
	if strings.Contains(page, "/d/backup-") || strings.Contains(page, "Dashboards") {
		t.Errorf("dashboards linked without --web.grafana-url:\n%.2000s", page)
	}
	if r := landingRows(t, page)["a"]; !slices.Equal(r.links, []string{"probe?target=a"}) {
		t.Errorf("a's links %q, want /probe only", r.links)
	}
}

// TestLandingPageHostileNames renders targets whose names and errors hold
// markup, quotes, URL syntax and a javascript: URL: every one is text in
// its cell, percent-encoded in its links, and no link leaves /probe or
// Grafana.
func TestLandingPageHostileNames(t *testing.T) {
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":[{"error_code":1,"error_message":"<script>alert(1)</script><a href=\"javascript:alert(2)\">x</a>"}]}`))
	}))
	defer vendor.Close()
	names := []string{
		`'x"><img src=x onerror=alert(1)>`,
		`javascript:alert(3)`,
		`a&target=b#frag`,
		`</td></tr></table><form action="//evil.example">`,
	}
	cfg := "targets:\n"
	for _, n := range names {
		cfg += clumioTarget(strconv.Quote(n), vendor.URL, clumiofake.DefaultToken) + "    max_retries: 0\n"
	}
	ts := newTestServerWith(t, cfg, collector.Options{WarmUp: true}, func(s *server) { s.grafanaURL = "https://grafana.example.com" })
	waitFor(t, "every first refresh", func() bool { return len(ts.reloader.Exporter().Pending()) == 0 })
	_, page := ts.get(t, "/")

	for _, raw := range []string{"<script", "<img", "<form action=\"//evil", `href="javascript:`} {
		if strings.Contains(page, raw) {
			t.Errorf("the landing page holds %q unescaped", raw)
		}
	}
	rows := landingRows(t, page)
	for _, n := range names {
		r, ok := rows[n]
		if !ok {
			t.Errorf("no row shows the name %q as text; rows %q", n, slices.Sorted(maps.Keys(rows)))
			continue
		}
		if r.state != stateDown || !strings.Contains(r.cells["last-error"], "<script>alert(1)</script>") {
			t.Errorf("%q: %+v, want down with the vendor's error as text", n, r)
		}
		for _, l := range r.links {
			if !strings.HasPrefix(l, "probe?target=") && !strings.HasPrefix(l, "https://grafana.example.com/d/") {
				t.Errorf("%q links to %q", n, l)
			}
		}
		// The name comes back whole from the link's query, and adds no
		// parameter of its own.
		u, err := url.Parse(r.links[0])
		if err != nil || u.Path != "probe" || len(u.Query()) != 1 || u.Query().Get("target") != n || u.Fragment != "" {
			t.Errorf("%q's probe link %q does not carry the name alone (%v)", n, r.links[0], err)
		}
	}
}

func TestParseGrafanaURL(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"https://grafana.example.com", "https://grafana.example.com", true},
		{"http://grafana:3000/sub/", "http://grafana:3000/sub/", true},
		{"grafana.example.com", "", false},
		{"javascript:alert(1)", "", false},
		{"ftp://grafana.example.com", "", false},
		{"https://", "", false},
		{"http://[::1", "", false},
	} {
		got, err := parseGrafanaURL(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("parseGrafanaURL(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestLinkedDashboardsExist keeps the landing page's links true: each
// dashboard it links is one of dashboards/*.json, with its title and a
// target variable for the per-target links.
func TestLinkedDashboardsExist(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("dashboards", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards: %v", err)
	}
	type variable struct {
		Name string `json:"name"`
	}
	byUID := map[string]struct {
		Title      string `json:"title"`
		Templating struct {
			List []variable `json:"list"`
		} `json:"templating"`
	}{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			UID string `json:"uid"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		entry := byUID[d.UID]
		if err := json.Unmarshal(b, &entry); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		byUID[d.UID] = entry
	}
	for _, db := range dashboards {
		got, ok := byUID[db.uid]
		if !ok {
			t.Errorf("the landing page links dashboard %q, which dashboards/ does not have", db.uid)
			continue
		}
		if got.Title != db.title {
			t.Errorf("dashboard %s is titled %q, the landing page says %q", db.uid, got.Title, db.title)
		}
		if !slices.ContainsFunc(got.Templating.List, func(v variable) bool { return v.Name == "target" }) {
			t.Errorf("dashboard %s has no target variable for the per-target links", db.uid)
		}
	}
	if len(byUID) != len(dashboards) {
		t.Errorf("dashboards/ has %d dashboards, the landing page links %d", len(byUID), len(dashboards))
	}
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"},
		{0, "0s"},
		{42400 * time.Millisecond, "42s"},
		{3*time.Minute + 20*time.Second, "3m"},
		{3*time.Hour + 5*time.Minute + 10*time.Second, "3h5m"},
		{2*time.Hour + 29*time.Second, "2h0m"},
		{52*time.Hour + 10*time.Minute, "2d4h"},
	} {
		if got := age(tc.d); got != tc.want {
			t.Errorf("age(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

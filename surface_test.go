package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestHostileTextRendersInert shows a target name and a vendor error that
// hold HTML on the landing page and /config: the page escapes them, and
// /config is plain text the browser must not sniff as HTML.
func TestHostileTextRendersInert(t *testing.T) {
	const script = "<script>alert(1)</script>"
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":[{"error_code":1,"error_message":"` + script + `"}]}`))
	}))
	defer vendor.Close()
	name := `'x"><img src=x onerror=alert(1)>` + script + `'`
	ts := newTestServer(t, "targets:\n"+clumioTarget(name, vendor.URL, clumiofake.DefaultToken)+"    max_retries: 0\n", nil)
	ts.get(t, "/metrics") // the refresh fails with the vendor's message

	code, page := ts.get(t, "/")
	if code != http.StatusOK {
		t.Fatalf("GET /: %d", code)
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the vendor's error is not on the landing page, escaped:\n%.3000s", page)
	}
	for _, raw := range []string{script, "<img src=x", `"><img`} {
		if strings.Contains(page, raw) {
			t.Errorf("the landing page holds %q unescaped", raw)
		}
	}

	resp, err := http.Get(ts.URL + "/config")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct, sniff := resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"); !strings.HasPrefix(ct, "text/plain") || sniff != "nosniff" {
		t.Errorf("/config is served as %q with X-Content-Type-Options %q, want text/plain and nosniff", ct, sniff)
	}
}

// TestProbeTakesConfiguredNamesOnly asks /probe for what is not a
// configured name: full URLs, unknown names, paths, percent-encoded tricks
// and a 100 KiB value. None is served and none reaches the vendor; and of a
// good probe's query, only the target's name is used: nothing else reaches
// the vendor.
func TestProbeTakesConfiguredNamesOnly(t *testing.T) {
	var mu sync.Mutex
	var upstream []string
	fake := clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5})
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		upstream = append(upstream, r.URL.String()+" "+strings.Join(r.Header.Values("X-Forwarded-For"), ","))
		mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	defer vendor.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", vendor.URL, clumiofake.DefaultToken), nil)

	for _, v := range []string{
		vendor.URL, "http://a", "a/", "/a", "../a", "a/../a", "..", "a%00", "a\x00", "A", " a", "a ",
		"%61", "%2561", "a%2F..%2F", "a?target=a", "a&target=a", "a#", strings.Repeat("a", 100<<10),
	} {
		resp, err := http.Get(ts.URL + "/probe?target=" + url.QueryEscape(v))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("/probe?target=%.60q: %d, want 404", v, resp.StatusCode)
		}
	}
	mu.Lock()
	if len(upstream) != 0 {
		t.Errorf("refused probes reached the vendor: %.300q", upstream)
	}
	mu.Unlock()

	const marker = "zz-probe-marker"
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/probe?target=a&module="+marker+"&url=http://"+marker+"&path=/"+marker+"&target="+marker, nil)
	req.Header.Set("X-Forwarded-For", marker)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/probe?target=a with extra parameters: %d", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(upstream) == 0 {
		t.Fatal("the probe did not reach the vendor")
	}
	for _, u := range upstream {
		if strings.Contains(u, marker) {
			t.Errorf("the probe's query reached the vendor: %q", u)
		}
	}
}

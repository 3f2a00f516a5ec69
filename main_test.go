package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/backup-exporter/backup_exporter/collector"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// syncBuffer is a log sink that tests can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is the exporter's HTTP side over a config file in a temp dir.
type testServer struct {
	*httptest.Server
	cfgPath  string
	reloader *reloader
	selfReg  *prometheus.Registry
	logs     *syncBuffer
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func newTestServer(t *testing.T, cfgYAML string, mod func(*server)) *testServer {
	t.Helper()
	return newTestServerWith(t, cfgYAML, collector.Options{}, mod)
}

// newTestServerWith is newTestServer with collector options (its logger and
// registerer are the test server's own).
func newTestServerWith(t *testing.T, cfgYAML string, opts collector.Options, mod func(*server)) *testServer {
	t.Helper()
	dir := t.TempDir()
	ts := &testServer{cfgPath: filepath.Join(dir, "exporter.yml"), selfReg: prometheus.NewRegistry(), logs: &syncBuffer{}}
	writeFile(t, ts.cfgPath, cfgYAML)
	logger := slog.New(slog.NewTextHandler(ts.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.Logger, opts.Registerer = logger, ts.selfReg
	r, err := newReloader(ts.cfgPath, logger, ts.selfReg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts.reloader = r
	s := &server{reloader: r, selfGatherer: ts.selfReg, logger: logger, timeoutOffset: 100 * time.Millisecond, telemetryPath: "/metrics"}
	if mod != nil {
		mod(s)
	}
	mux, err := s.routes()
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (ts *testServer) post(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Post(ts.URL+path, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func clumioTarget(name, url, token string) string {
	return fmt.Sprintf("  - name: %s\n    vendor: clumio\n    url: %s\n    bearer_token: %s\n", name, url, token)
}

func TestReloadKeepsTheLastGoodConfig(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5}))
	defer fake.Close()
	good := "targets:\n" + clumioTarget("first", fake.URL, "'${CLUMIO_TOKEN}'")
	t.Setenv("CLUMIO_TOKEN", clumiofake.DefaultToken)
	ts := newTestServer(t, good, nil)
	reloadOK := func() float64 { return testutil.ToFloat64(ts.reloader.lastSuccessful) }

	if code, _ := ts.get(t, "/-/reload"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /-/reload: %d, want 405", code)
	}

	// A broken file: the reload fails with file, line and key, and the old
	// target keeps serving.
	writeFile(t, ts.cfgPath, good+"    cache_tll: 5m\n")
	code, body := ts.post(t, "/-/reload")
	if code != http.StatusInternalServerError || !strings.Contains(body, "exporter.yml:6: targets[0].cache_tll: unknown key") {
		t.Fatalf("POST /-/reload of a bad file: %d %q", code, body)
	}
	if reloadOK() != 0 {
		t.Error("backup_exporter_config_last_reload_successful is not 0 after a failed reload")
	}
	if !ts.reloader.Exporter().HasTarget("first") {
		t.Fatal("the failed reload dropped the running target")
	}
	if _, body := ts.get(t, "/config"); !strings.Contains(body, "name: first") {
		t.Errorf("/config no longer shows the running config: %s", body)
	}
	if _, body := ts.get(t, "/probe?target=first"); !strings.Contains(body, `backup_up{target="first",vendor="clumio"} 1`) {
		t.Errorf("the running target stopped serving after a failed reload:\n%s", body)
	}

	// A file that loads but cannot be applied (a TLS file that is not PEM)
	// fails too, and changes nothing.
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, notPEM, "not a certificate")
	writeFile(t, ts.cfgPath, "targets:\n"+clumioTarget("second", fake.URL, "'${CLUMIO_TOKEN}'")+"    tls_config: {ca_file: "+notPEM+"}\n")
	if code, body := ts.post(t, "/-/reload"); code != http.StatusInternalServerError || !strings.Contains(body, "no PEM certificate") {
		t.Fatalf("reload with a bad CA: %d %q", code, body)
	}
	if ts.reloader.Exporter().HasTarget("second") || !ts.reloader.Exporter().HasTarget("first") {
		t.Fatal("a reload that failed to apply changed the targets")
	}

	// A good file applies, and the gauges say so.
	writeFile(t, ts.cfgPath, "targets:\n"+clumioTarget("second", fake.URL, "'${CLUMIO_TOKEN}'"))
	if code, body := ts.post(t, "/-/reload"); code != http.StatusOK {
		t.Fatalf("reload of a good file: %d %q", code, body)
	}
	if reloadOK() != 1 || ts.reloader.Exporter().HasTarget("first") || !ts.reloader.Exporter().HasTarget("second") {
		t.Error("a good reload did not apply")
	}
	if ts := testutil.ToFloat64(ts.reloader.lastSuccessAt); ts <= 0 {
		t.Errorf("last success timestamp %v", ts)
	}
}

// TestSecretsNeverShown puts a recognisable token in the config, makes the
// upstream echo it back in an error, and searches every surface for it.
func TestSecretsNeverShown(t *testing.T) {
	const secret = "tok-9f8e7d6c5b4a-SECRET"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"errors":[{"error_code":1,"error_message":"token %s is invalid"}]}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer echo.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("leaky", echo.URL, secret), nil)

	surfaces := map[string]string{}
	_, surfaces["/metrics"] = ts.get(t, "/metrics")
	_, surfaces["/probe"] = ts.get(t, "/probe?target=leaky")
	_, surfaces["/"] = ts.get(t, "/")
	_, surfaces["/config"] = ts.get(t, "/config")
	// A failing reload's error, with the secret in a bad value.
	t.Setenv("CLUMIO_TOKEN", secret)
	writeFile(t, ts.cfgPath, "targets:\n"+clumioTarget("leaky", echo.URL, secret)+"    timeout: ${CLUMIO_TOKEN}\n")
	if code, body := ts.post(t, "/-/reload"); code != http.StatusInternalServerError || !strings.Contains(body, "targets[0].timeout") {
		t.Fatalf("the bad reload did not fail as it should: %d %q", code, body)
	} else {
		surfaces["reload error"] = body
	}
	surfaces["logs"] = ts.logs.String()
	for _, st := range ts.reloader.Exporter().Targets() {
		surfaces["target status"] += st.LastError
	}

	if !strings.Contains(surfaces["/"], "HTTP 401") {
		t.Fatalf("the landing page does not show the target's error; the test would prove nothing:\n%s", surfaces["/"])
	}
	if !strings.Contains(surfaces["/config"], "<secret>") {
		t.Errorf("/config does not mask the token:\n%s", surfaces["/config"])
	}
	for where, text := range surfaces {
		if strings.Contains(text, secret) {
			t.Errorf("the secret appears in %s:\n%s", where, text)
		}
	}
}

func TestProbe(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5}))
	defer fake.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken)+clumioTarget("b", fake.URL, "wrong-token"), nil)

	for _, tc := range []struct {
		path, want, notWant string
		code                int
	}{
		{"/probe", "target parameter is missing", "", 400},
		{"/probe?target=nope", `unknown target "nope"`, "", 404},
		{"/probe?target=a", `backup_up{target="a",vendor="clumio"} 1`, `target="b"`, 200},
		{"/probe?target=b", `backup_up{target="b",vendor="clumio"} 0`, "backup_exporter_build_info", 200},
		{"/metrics", `backup_up{target="b",vendor="clumio"} 0`, "", 200},
		{"/-/healthy", "Healthy", "", 200},
		{"/-/ready", "Ready", "", 200}, // both targets were scraped: one up, one down, both ready
	} {
		code, body := ts.get(t, tc.path)
		if code != tc.code || !strings.Contains(body, tc.want) || (tc.notWant != "" && strings.Contains(body, tc.notWant)) {
			t.Errorf("GET %s: %d, want %d with %q and without %q:\n%.600s", tc.path, code, tc.code, tc.want, tc.notWant, body)
		}
	}
}

func TestProbeOnlyServesOnlySelfMetrics(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5}))
	defer fake.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken), func(s *server) { s.probeOnly = true })
	_, body := ts.get(t, "/metrics")
	if strings.Contains(body, "backup_up") || !strings.Contains(body, "backup_exporter_config_last_reload_successful 1") {
		t.Errorf("--web.probe-only /metrics:\n%.800s", body)
	}
	if n := fakeRequests(fake); n != 0 {
		t.Errorf("a target never probed was fetched (%d requests)", n)
	}
}

// fakeRequests counts requests a httptest server got, through its handler.
func fakeRequests(srv *httptest.Server) int64 {
	return srv.Config.Handler.(*clumiofake.Server).Faults.Requests()
}

func TestMaxRequestsAnswers503(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5}))
	defer fake.Close()
	var srv *server
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken), func(s *server) {
		s.slots = newSlots(1)
		srv = s
	})
	// One scrape in flight holds the only slot: the next one is refused.
	srv.slots <- struct{}{}
	if code, _ := ts.get(t, "/metrics"); code != http.StatusServiceUnavailable {
		t.Errorf("a scrape past --web.max-requests=1: %d, want 503", code)
	}
	if code, _ := ts.get(t, "/probe?target=a"); code != http.StatusServiceUnavailable {
		t.Errorf("a probe past --web.max-requests=1: %d, want 503", code)
	}
	<-srv.slots
	if code, _ := ts.get(t, "/metrics"); code != http.StatusOK {
		t.Errorf("a scrape with a free slot: %d, want 200", code)
	}
}

func TestScrapeContext(t *testing.T) {
	s := &server{timeoutOffset: 500 * time.Millisecond, logger: slog.New(slog.DiscardHandler)}
	for _, tc := range []struct {
		header string
		want   time.Duration // 0: no deadline
	}{
		{"", 0},
		{"10", 9500 * time.Millisecond},
		{"0.3", 100 * time.Millisecond}, // floor
		{"garbage", 0},
		{"-1", 0},
	} {
		r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tc.header)
		}
		ctx, cancel := s.scrapeContext(r)
		dl, ok := ctx.Deadline()
		cancel()
		if tc.want == 0 {
			if ok {
				t.Errorf("header %q: a deadline was set", tc.header)
			}
			continue
		}
		if got := time.Until(dl); !ok || got > tc.want || got < tc.want-time.Second {
			t.Errorf("header %q: deadline in %s, want about %s", tc.header, got, tc.want)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yml")
	writeFile(t, good, "targets:\n"+clumioTarget("a", "https://api.example.com", "inline-token"))
	bad := filepath.Join(dir, "bad.yml")
	writeFile(t, bad, "targets:\n  - name: a\n    vendor: clumo\n")

	var out, errOut bytes.Buffer
	if code := checkConfig(good, &out, &errOut); code != 0 || !strings.Contains(out.String(), "OK, 1 target(s)") || !strings.Contains(errOut.String(), "secret written inline") {
		t.Errorf("good file: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	if strings.Contains(out.String()+errOut.String(), "inline-token") {
		t.Error("--config.check printed the secret")
	}
	out.Reset()
	errOut.Reset()
	if code := checkConfig(bad, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "bad.yml:3: targets[0].vendor: unknown vendor") {
		t.Errorf("bad file: exit %d, stderr %q", code, errOut.String())
	}
}

// TestShippedExampleConfigLoads keeps exporter.yml honest: it must load once
// its /run/secrets files exist.
func TestShippedExampleConfigLoads(t *testing.T) {
	data, err := os.ReadFile("exporter.yml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"clumio_token", "cleverfox_key", "cloutility_password", "cloverdx_password"} {
		writeFile(t, filepath.Join(dir, name), "x-"+name+"\n")
	}
	path := filepath.Join(dir, "exporter.yml")
	writeFile(t, path, strings.ReplaceAll(string(data), "/run/secrets/", dir+"/"))
	cfg, warnings, err := config.Load(path)
	if err != nil {
		t.Fatalf("exporter.yml does not load: %v", err)
	}
	if len(warnings) != 0 {
		t.Errorf("exporter.yml gives warnings: %q", warnings)
	}
	if len(cfg.Targets) != 4 {
		t.Errorf("exporter.yml has %d targets, want one per vendor", len(cfg.Targets))
	}
	if _, err := collector.NewExporter(cfg, collector.Options{}); err != nil {
		t.Errorf("exporter.yml's targets cannot be built: %v", err)
	}
}

// gatedFake is a Clumio fake whose every request waits until open is closed.
func gatedFake(t *testing.T) (srv *httptest.Server, open func()) {
	t.Helper()
	fake := clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5})
	gate := make(chan struct{})
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-gate:
			fake.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	}))
	var once sync.Once
	open = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(srv.Close)
	t.Cleanup(open)
	return srv, open
}

// waitFor polls cond every 10 ms until it holds, failing the test after 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestReadyWaitsForEveryTargetsFirstRefresh(t *testing.T) {
	quick := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5}))
	defer quick.Close()
	slow, openSlow := gatedFake(t)
	cfg := "targets:\n" + clumioTarget("quick", quick.URL, clumiofake.DefaultToken) +
		clumioTarget("slow", slow.URL, clumiofake.DefaultToken) +
		clumioTarget("refused", quick.URL, "wrong-token")
	ts := newTestServerWith(t, cfg, collector.Options{WarmUp: true}, nil)

	// No scrape has come, yet the warm-up fetches every target: the quick
	// and the refused one end their first refresh, the slow one is waited on.
	waitFor(t, "the warm-up of quick and refused", func() bool {
		_, body := ts.get(t, "/-/ready")
		return strings.Contains(body, "waiting for the first refresh of slow") && !strings.Contains(body, "quick")
	})
	if code, body := ts.get(t, "/-/ready"); code != http.StatusServiceUnavailable || strings.Contains(body, "refused") {
		t.Errorf("/-/ready while slow refreshes: %d %q, want 503 naming only slow", code, body)
	}
	if code, _ := ts.get(t, "/-/healthy"); code != http.StatusOK {
		t.Errorf("/-/healthy while not ready: %d, want 200", code)
	}

	openSlow()
	waitFor(t, "ready after slow's first refresh", func() bool {
		code, _ := ts.get(t, "/-/ready")
		return code == http.StatusOK
	})
	if code, body := ts.get(t, "/-/ready"); code != http.StatusOK || body != "Ready\n" {
		t.Errorf("/-/ready after every first refresh: %d %q", code, body)
	}
	if n := fakeRequests(quick); n == 0 {
		t.Error("the warm-up sent no request to the quick target")
	}

	// Once ready, a target added by a reload warms up in the background
	// without taking the replica out of service.
	late, openLate := gatedFake(t)
	writeFile(t, ts.cfgPath, cfg+clumioTarget("late", late.URL, clumiofake.DefaultToken))
	if code, body := ts.post(t, "/-/reload"); code != http.StatusOK {
		t.Fatalf("reload: %d %s", code, body)
	}
	if pending := ts.reloader.Exporter().Pending(); len(pending) != 1 || pending[0] != "late" {
		t.Errorf("pending after the reload: %v, want [late]", pending)
	}
	if code, body := ts.get(t, "/-/ready"); code != http.StatusOK {
		t.Errorf("/-/ready while a reloaded target warms up: %d %q, want 200", code, body)
	}
	openLate()
	waitFor(t, "late's first refresh", func() bool { return len(ts.reloader.Exporter().Pending()) == 0 })
}

func TestReadyWithProbeOnlyWaitsForNothing(t *testing.T) {
	slow, _ := gatedFake(t)
	ts := newTestServer(t, "targets:\n"+clumioTarget("slow", slow.URL, clumiofake.DefaultToken), func(s *server) { s.probeOnly = true })
	if code, body := ts.get(t, "/-/ready"); code != http.StatusOK {
		t.Errorf("/-/ready with --web.probe-only: %d %q, want 200", code, body)
	}
}

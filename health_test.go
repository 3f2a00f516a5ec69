package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
	"golang.org/x/crypto/bcrypt"

	"github.com/backup-exporter/backup_exporter/collector"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// writeTimeoutForTests bounds an answer of the listeners under test.
const writeTimeoutForTests = time.Minute

// loopbackAddr returns a loopback address that was free a moment ago.
func loopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// fetch sends method to url, with basic auth when user is set, and returns
// the status and body.
func fetch(t *testing.T, method, url, user, pass string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestHealthListener serves the exporter as main does, with basic auth on
// its listener and --web.health-listen-address beside it: every path of the
// main listener asks for the password, the health listener answers
// /-/healthy and /-/ready without one and serves nothing else, and a
// cancelled context shuts both down.
func TestHealthListener(t *testing.T) {
	fake, open := gatedFake(t)
	var srv *server
	newTestServerWith(t, "targets:\n"+clumioTarget("customer-acme", fake.URL, clumiofake.DefaultToken),
		collector.Options{WarmUp: true}, func(s *server) { srv = s })

	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte("scrape-secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webConfig := filepath.Join(dir, "web.yml")
	writeFile(t, webConfig, "basic_auth_users:\n  prometheus: "+string(hash)+"\n")
	mainAddr, healthAddr := loopbackAddr(t), loopbackAddr(t)
	noSystemdSocket := false
	mux, err := srv.routes()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- serveAll(ctx, slog.New(slog.DiscardHandler),
			listener{server: newHTTPServer(mux, writeTimeoutForTests), flags: &web.FlagConfig{
				WebListenAddresses: &[]string{mainAddr}, WebSystemdSocket: &noSystemdSocket, WebConfigFile: &webConfig,
			}},
			plainListener(newHTTPServer(srv.healthRoutes(), writeTimeoutForTests), healthAddr))
	}()
	mainURL, healthURL := "http://"+mainAddr, "http://"+healthAddr
	waitFor(t, "both listeners", func() bool {
		for _, url := range []string{mainURL, healthURL} {
			resp, err := http.Get(url + "/-/healthy")
			if err != nil {
				return false
			}
			resp.Body.Close()
		}
		return true
	})

	// Before the first refresh ends: not ready, and only the main
	// listener, behind its password, names the target waited on.
	if code, body := fetch(t, "GET", healthURL+"/-/ready", "", ""); code != http.StatusServiceUnavailable || strings.Contains(body, "customer-acme") || !strings.Contains(body, "1 target(s)") {
		t.Errorf("health listener's /-/ready before the first refresh: %d %q, want 503 counting the target without naming it", code, body)
	}
	if code, body := fetch(t, "GET", mainURL+"/-/ready", "prometheus", "scrape-secret"); code != http.StatusServiceUnavailable || !strings.Contains(body, "customer-acme") {
		t.Errorf("main listener's /-/ready before the first refresh: %d %q, want 503 naming the target", code, body)
	}
	open()
	waitFor(t, "the first refresh", func() bool {
		code, _ := fetch(t, "GET", healthURL+"/-/ready", "", "")
		return code == http.StatusOK
	})

	for _, tc := range []struct {
		method, url, user, pass string
		want                    int
	}{
		{"GET", mainURL + "/-/healthy", "", "", http.StatusUnauthorized},
		{"GET", mainURL + "/-/ready", "", "", http.StatusUnauthorized},
		{"GET", mainURL + "/metrics", "", "", http.StatusUnauthorized},
		{"GET", mainURL + "/metrics", "prometheus", "wrong", http.StatusUnauthorized},
		{"GET", mainURL + "/metrics", "prometheus", "scrape-secret", http.StatusOK},
		{"GET", mainURL + "/-/healthy", "prometheus", "scrape-secret", http.StatusOK},
		{"GET", mainURL + "/-/ready", "prometheus", "scrape-secret", http.StatusOK},
		{"GET", healthURL + "/-/healthy", "", "", http.StatusOK},
		{"GET", healthURL + "/-/ready", "", "", http.StatusOK},
		{"HEAD", healthURL + "/-/healthy", "", "", http.StatusOK},
		// The health listener serves nothing else, credentials or not.
		{"GET", healthURL + "/", "", "", http.StatusNotFound},
		{"GET", healthURL + "/metrics", "", "", http.StatusNotFound},
		{"GET", healthURL + "/metrics", "prometheus", "scrape-secret", http.StatusNotFound},
		{"GET", healthURL + "/probe?target=customer-acme", "", "", http.StatusNotFound},
		{"GET", healthURL + "/config", "", "", http.StatusNotFound},
		{"POST", healthURL + "/-/reload", "", "", http.StatusNotFound},
	} {
		if code, body := fetch(t, tc.method, tc.url, tc.user, tc.pass); code != tc.want {
			t.Errorf("%s %s as %q: %d, want %d\n%.300s", tc.method, tc.url, tc.user, code, tc.want, body)
		}
	}

	cancel()
	if err := <-served; err != nil {
		t.Errorf("serveAll after its context ended: %v, want nil", err)
	}
	if _, err := http.Get(healthURL + "/-/healthy"); err == nil {
		t.Error("the health listener still answers after the shutdown")
	}
}

// TestServeAllStopsWhenAListenerCannotBind: an address already taken fails
// the start, with the reason, rather than leaving the probes without their
// listener.
func TestServeAllStopsWhenAListenerCannotBind(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	ok := newHTTPServer(http.NotFoundHandler(), writeTimeoutForTests)
	err = serveAll(context.Background(), slog.New(slog.DiscardHandler),
		plainListener(ok, loopbackAddr(t)),
		plainListener(newHTTPServer(http.NotFoundHandler(), writeTimeoutForTests), taken.Addr().String()))
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("serveAll with a taken address: %v, want the bind error", err)
	}
}

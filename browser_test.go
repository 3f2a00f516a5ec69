//go:build unix

package main

import (
	"bytes"
	"context"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/collector"
	"github.com/backup-exporter/backup_exporter/internal/tooltest"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// browserArgs run Chromium headless, with nothing of its own to fetch: no
// sandbox (the tests may run as root), no GPU, no QUIC, no first-run,
// background, component-update or sync traffic.
var browserArgs = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// dumpDOM loads url in a fresh headless Chromium and returns the DOM the
// browser built of it, serialised. The browser and every process it
// started are killed when it ends or after a minute at most.
func dumpDOM(t *testing.T, browser, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append(append([]string{}, browserArgs...), "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	cmd := exec.CommandContext(ctx, browser, args...)
	// Its own process group, so that its helpers (zygote, renderer) go
	// with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", url, err, lastLines(stderr.String(), 10))
	}
	t.Logf("chromium loaded %s in %v", url, time.Since(start).Round(time.Millisecond))
	return stdout.String()
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestLandingPageInBrowser loads the landing page in headless Chromium
// (Debian's chromium; .ci/run installs it): before a target's first refresh
// ends the browser shows it pending, after it the counts the engine has. A
// target named with markup stays one row of text in the DOM the browser
// built, with no element of its own.
func TestLandingPageInBrowser(t *testing.T) {
	browser := tooltest.Path(t, "chromium")
	slow, openSlow := gatedFake(t)
	const hostile = `<img src=x onerror=alert(1)><script>alert(2)</script>`
	cfg := "targets:\n" + clumioTarget("acme", slow.URL, clumiofake.DefaultToken) +
		clumioTarget(strconv.Quote(hostile), "http://127.0.0.1:9", clumiofake.DefaultToken) + "    max_retries: 0\n"
	ts := newTestServerWith(t, cfg, collector.Options{WarmUp: true}, nil)
	waitFor(t, "the hostile target's first refresh", func() bool {
		pending := ts.reloader.Exporter().Pending()
		return len(pending) == 1 && pending[0] == "acme"
	})

	dom := dumpDOM(t, browser, ts.URL+"/")
	rows := landingRows(t, dom)
	if r := rows["acme"]; r.state != statePending || r.cells["state"] != "pending" || r.cells["last-refresh"] != "first refresh in progress" {
		t.Errorf("before acme's first refresh the browser shows %+v, want pending", r)
	}
	if !strings.Contains(dom, `<span class="pending">1 pending</span>`) {
		t.Errorf("the browser does not count acme pending:\n%.2000s", dom)
	}
	if r := rows[hostile]; r.state != stateDown || len(rows) != 2 {
		t.Errorf("the hostile name is not one row of text in the browser's DOM: %d rows, %+v", len(rows), r)
	}
	for _, element := range []string{"<script", "<img"} {
		if strings.Contains(dom, element) {
			t.Errorf("the browser built an element %s from a target's name:\n%.3000s", element, dom)
		}
	}

	openSlow()
	waitFor(t, "acme's first refresh", func() bool { return len(ts.reloader.Exporter().Pending()) == 0 })
	var acme collector.TargetStatus
	for _, st := range ts.reloader.Exporter().Targets() {
		if st.Name == "acme" {
			acme = st
		}
	}
	if acme.Assets == 0 {
		t.Fatalf("acme refreshed with no assets (%+v): the counts would prove nothing", acme)
	}
	dom = dumpDOM(t, browser, ts.URL+"/")
	r := landingRows(t, dom)["acme"]
	if r.state != stateUp {
		t.Errorf("after acme's first refresh the browser shows %+v, want up", r)
	}
	for cell, want := range map[string]int{"assets": acme.Assets, "assets-failing": acme.AssetsFailing, "assets-past-rpo": acme.AssetsPastRPO} {
		if got := r.cells[cell]; got != strconv.Itoa(want) {
			t.Errorf("after acme's first refresh the browser shows %s %q, want %d", cell, got, want)
		}
	}
	if !strings.Contains(dom, `<span class="up">1 up</span>`) || !strings.Contains(dom, `<span class="pending">0 pending</span>`) {
		t.Errorf("the browser's counts after the refresh:\n%.2000s", dom)
	}
}

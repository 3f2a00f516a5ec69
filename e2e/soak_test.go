//go:build soak

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// soakScrapers is the number of scrapers at once, half on /metrics and half
// on /probe.
const soakScrapers = 16

// soakFaults are the simulator's random faults: every vendor API answers a
// few requests with 5xx, 429, bad JSON, truncated bodies and dropped
// connections, with some latency on every answer. Oversized bodies are left
// out: each costs a transient 32 MiB buffer (max_response_bytes), noise that
// would hide a leak in the footprint figures; httpapi's tests cover them.
var soakFaults = []string{
	"--fault.latency=20ms", "--fault.5xx-rate=0.03", "--fault.429-rate=0.02", "--fault.malformed-rate=0.01",
	"--fault.truncated-rate=0.01", "--fault.drop-rate=0.01", "--fault.retry-after=1s",
}

// TestSoak runs the demo setup for SOAK_DURATION (default 3m) with random
// faults behind every vendor, soakScrapers scrapers on /metrics and /probe
// and a reload every few seconds that in turn adds, changes and removes a
// target. It reports the scrapes, their failures and latency, and the
// exporter's RSS, heap, goroutines and open files at start, after warm-up
// and at the end. It fails on any failed scrape, on a removed target's
// series still served, and on growth after warm-up. Run it with `make soak
// DURATION=10m`; CI runs `make soak-ci` (60 s).
func TestSoak(t *testing.T) {
	duration := 3 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SOAK_DURATION: %v", err)
		}
		duration = d
	}
	warmUp := min(30*time.Second, duration/3)
	demoCfg, err := os.ReadFile(filepath.Join(repoRoot, "scripts/demo.yml"))
	if err != nil {
		t.Fatal(err)
	}
	base := strings.Replace(string(demoCfg), "cache_ttl: 15s", "cache_ttl: 1s", 1)
	cfg := filepath.Join(t.TempDir(), "soak.yml")
	writeFile(t, cfg, base)
	d := startDemoWith(t, cfg, soakFaults)
	pid := d.exporter.Process.Pid
	exporter := "http://" + d.exporterAddr
	start := sampleProcess(t, exporter, pid)

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
	)
	scrape := func(path string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, exporter+path, nil)
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
		began := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("HTTP %d", resp.StatusCode)
			}
		}
		took := time.Since(began)
		mu.Lock()
		defer mu.Unlock()
		latencies = append(latencies, took)
		if err != nil {
			failures = append(failures, path+": "+err.Error())
		}
	}
	stable := []string{"clumio-demo", "cleverfox-demo", "cloutility-demo", "cloverdx-demo"}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var wg sync.WaitGroup
	for i := range soakScrapers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for ctx.Err() == nil {
				if i%2 == 0 {
					scrape("/metrics")
				} else {
					scrape("/probe?target=" + stable[rng.IntN(len(stable))])
				}
				time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
			}
		})
	}

	// The reloads: add a target, change it, remove it, every few seconds.
	// After each removal, no series of it may be served.
	extra := func(ttl string) string {
		return base + "  - name: soak-extra\n    vendor: clumio\n    url: http://${CLUMIO_ADDR}\n    bearer_token_file: ${DEMO_DIR}/clumio_token\n    cache_ttl: " + ttl + "\n"
	}
	reloads, removals := 0, 0
	var warm processSample
	warmAt := time.Now().Add(warmUp)
	for step := 0; ctx.Err() == nil; step++ {
		switch step % 3 {
		case 0:
			writeFile(t, cfg, extra("1s"))
		case 1:
			writeFile(t, cfg, extra("2s"))
		case 2:
			writeFile(t, cfg, base)
		}
		resp, err := http.Post(exporter+"/-/reload", "text/plain", nil)
		if err != nil {
			t.Fatalf("reload: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("reload %d: HTTP %d: %s", reloads, resp.StatusCode, body)
		}
		reloads++
		if step%3 == 2 {
			removals++
			if m := get(t, exporter+"/metrics", nil); bytes.Contains(m, []byte(`target="soak-extra"`)) {
				t.Errorf("after removal %d the removed target still has series: %s", removals, lineWith(string(m), `target="soak-extra"`))
			}
			// Warm-up ends at a removal, so that it and the end compare
			// the same configuration.
			if warm.at.IsZero() && time.Now().After(warmAt) {
				warm = sampleProcess(t, exporter, pid)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(3 * time.Second):
		}
	}
	wg.Wait()
	// End on the base configuration, as warm-up was sampled.
	writeFile(t, cfg, base)
	if resp, err := http.Post(exporter+"/-/reload", "text/plain", nil); err == nil {
		resp.Body.Close()
	}
	time.Sleep(time.Second)
	end := sampleProcess(t, exporter, pid)
	if warm.at.IsZero() {
		t.Fatalf("the soak (%s) ended before warm-up (%s) and a removal", duration, warmUp)
	}

	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	t.Logf("soak %s: %d scrapers, %d reloads (%d removals), %d scrapes, %d failed, latency p50 %s p99 %s max %s",
		duration, soakScrapers, reloads, removals, len(latencies), len(failures), pct(0.50), pct(0.99), latencies[len(latencies)-1])
	t.Logf("%-8s %10s %10s %10s %6s", "", "RSS MiB", "heap MiB", "goroutines", "fds")
	for _, s := range []struct {
		name string
		processSample
	}{{"start", start}, {"warm-up", warm}, {"end", end}} {
		t.Logf("%-8s %10.1f %10.1f %10.0f %6d", s.name, s.rss/(1<<20), s.heap/(1<<20), s.goroutines, s.fds)
	}

	if len(failures) > 0 {
		t.Errorf("%d of %d scrapes failed; the first: %s", len(failures), len(latencies), failures[0])
	}
	// Growth after warm-up: a leak grows with the reloads (one every three
	// seconds) and the refreshes (one a second per target); noise does not.
	if end.goroutines > warm.goroutines*1.2+10 {
		t.Errorf("goroutines grew after warm-up: %.0f → %.0f", warm.goroutines, end.goroutines)
	}
	if end.heap > warm.heap*1.5+16<<20 {
		t.Errorf("heap grew after warm-up: %.1f → %.1f MiB", warm.heap/(1<<20), end.heap/(1<<20))
	}
	if end.rss > warm.rss*1.5+16<<20 {
		t.Errorf("resident memory grew after warm-up: %.1f → %.1f MiB", warm.rss/(1<<20), end.rss/(1<<20))
	}
	if end.fds > warm.fds+20 {
		t.Errorf("open file descriptors grew after warm-up: %d → %d", warm.fds, end.fds)
	}
}

// processSample is the exporter's footprint at one moment.
type processSample struct {
	at                    time.Time
	rss, heap, goroutines float64
	fds                   int
}

// sampleProcess reads the exporter's RSS and open files from /proc and its
// heap and goroutines from its own metrics, five times half a second apart,
// and keeps the least of each: a refresh in flight is noise, a leak is
// there every time.
func sampleProcess(t *testing.T, exporter string, pid int) processSample {
	t.Helper()
	least := sampleOnce(t, exporter, pid)
	for range 4 {
		time.Sleep(500 * time.Millisecond)
		s := sampleOnce(t, exporter, pid)
		least.rss, least.heap = min(least.rss, s.rss), min(least.heap, s.heap)
		least.goroutines, least.fds = min(least.goroutines, s.goroutines), min(least.fds, s.fds)
	}
	return least
}

func sampleOnce(t *testing.T, exporter string, pid int) processSample {
	t.Helper()
	s := processSample{at: time.Now(), rss: float64(rssBytes(t, pid)), fds: openFDs(t, pid)}
	sc := bufio.NewScanner(bytes.NewReader(get(t, exporter+"/metrics", nil)))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "go_memstats_heap_alloc_bytes":
			s.heap = v
		case "go_goroutines":
			s.goroutines = v
		}
	}
	return s
}

func openFDs(t *testing.T, pid int) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func rssBytes(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// lineWith returns the first line of text that contains s.
func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

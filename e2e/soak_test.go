//go:build soak

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSoak scrapes the demo setup with a 1 s cache for SOAK_DURATION (default
// 3m), four scrapers at once, and checks that the exporter's open file
// descriptors and resident memory stay flat: no leaked connections, no
// unbounded caches. Run it with `make soak`.
func TestSoak(t *testing.T) {
	duration := 3 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SOAK_DURATION: %v", err)
		}
		duration = d
	}
	demoCfg, err := os.ReadFile(filepath.Join(repoRoot, "scripts/demo.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "soak.yml")
	writeFile(t, cfg, strings.Replace(string(demoCfg), "cache_ttl: 15s", "cache_ttl: 1s", 1))
	d := startDemoWith(t, cfg, nil)
	pid := d.exporter.Process.Pid
	url := "http://" + d.exporterAddr + "/metrics"

	scrapeFor := func(ctx context.Context) int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		n := 0
		for range 4 {
			wg.Go(func() {
				for ctx.Err() == nil {
					get(t, url, map[string]string{"X-Prometheus-Scrape-Timeout-Seconds": "10"})
					mu.Lock()
					n++
					mu.Unlock()
					time.Sleep(50 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		return n
	}

	warm, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	scrapeFor(warm)
	cancel()
	fds0, rss0 := openFDs(t, pid), rssBytes(t, pid)

	soak, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	n := scrapeFor(soak)
	fds1, rss1 := openFDs(t, pid), rssBytes(t, pid)
	t.Logf("%d scrapes in %s: open fds %d → %d, RSS %.1f MiB → %.1f MiB", n, duration, fds0, fds1, float64(rss0)/(1<<20), float64(rss1)/(1<<20))

	// Keep-alive connections to the fakes come and go with max_concurrency;
	// a leak grows with the number of refreshes (hundreds here).
	if fds1 > fds0+20 {
		t.Errorf("open file descriptors grew from %d to %d over %d scrapes", fds0, fds1, n)
	}
	if rss1 > rss0*3/2+16<<20 {
		t.Errorf("resident memory grew from %d to %d bytes over %d scrapes", rss0, rss1, n)
	}
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

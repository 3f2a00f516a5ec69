//go:build scale

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The scale runs (build tag scale, `make bench-scale`) measure the exporter
// over cmd/vendorsim at MSP sizes and print what BENCHMARKS.md reports. They
// time things, so they are never part of `make test`.

// scaleSetup is vendorsim serving Clumio alone at some scale, and an
// exporter with one target over it.
type scaleSetup struct {
	exporterAddr string
	pid          int
}

// startClumioScale starts vendorsim with only its Clumio fake, at scale
// assets and with data that never moves, and an exporter whose one target,
// "clumio", keeps its cache for an hour.
func startClumioScale(t *testing.T, scale int, exporterArgs ...string) *scaleSetup {
	t.Helper()
	dir := t.TempDir()
	clumioAddr := freeAddr(t)
	start(t, nil, binary(t, "vendorsim"), fmt.Sprintf("--scale=%d", scale), "--live.interval=0",
		"--clumio.listen="+clumioAddr, "--cleverfox.listen=", "--cloutility.listen=", "--cloverdx.listen=",
		"--write-credentials="+dir)
	deadline := time.Now().Add(10 * time.Minute) // 200,000 assets take minutes to generate
	for {
		if _, err := os.Stat(filepath.Join(dir, "vendorsim-ca.pem")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("vendorsim wrote no credentials within 10m")
		}
		time.Sleep(100 * time.Millisecond)
	}
	cfg := filepath.Join(dir, "exporter.yml")
	writeFile(t, cfg, fmt.Sprintf(`defaults:
  cache_ttl: 1h
  inventory_ttl: 1h
  timeout: 15m
  max_assets: %d
targets:
  - name: clumio
    vendor: clumio
    url: http://%s
    bearer_token_file: %s/clumio_token
`, scale+1, clumioAddr, dir))
	s := &scaleSetup{exporterAddr: freeAddr(t)}
	cmd := start(t, nil, binary(t, "backup_exporter"), append([]string{"--config.file=" + cfg,
		"--web.listen-address=" + s.exporterAddr, "--web.max-requests=0"}, exporterArgs...)...)
	s.pid = cmd.Process.Pid
	waitHTTP(t, "http://"+s.exporterAddr+"/-/healthy", 30*time.Second)
	return s
}

// fetch GETs url with headers and returns the raw body (never inflated)
// and how long the answer took to arrive whole.
func fetch(t *testing.T, url string, header map[string]string) ([]byte, time.Duration) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	began := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(began)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d, %v", url, resp.StatusCode, err)
	}
	return body, took
}

// median returns the median of ds (sorting them).
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// percentile returns the p-th percentile of ds (sorting them).
func percentile(ds []time.Duration, p float64) time.Duration {
	slices.Sort(ds)
	i := int(float64(len(ds)-1) * p)
	return ds[i]
}

// procStatus returns a field of /proc/<pid>/status in bytes (VmRSS, …).
func procStatus(t *testing.T, pid int, field string) float64 {
	t.Helper()
	return procStatusFile(t, fmt.Sprintf("/proc/%d/status", pid), field)
}

// procStatusFile returns a "Field: N kB" line of a /proc file in bytes.
func procStatusFile(t *testing.T, path, field string) float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			f := strings.Fields(rest)
			kb, _ := strconv.ParseFloat(f[0], 64)
			return kb * 1024
		}
	}
	t.Fatalf("no %s in %s", field, path)
	return 0
}

// cpuSeconds returns the user plus system CPU time of a process so far.
func cpuSeconds(t *testing.T, pid int) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// The command name may hold spaces: the fields start after its ")".
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100 // USER_HZ is 100 on Linux
}

// selfMetric returns the value of an unlabelled self metric from /metrics.
func selfMetric(t *testing.T, addr, name string) float64 {
	t.Helper()
	body, _ := fetch(t, "http://"+addr+"/metrics", nil)
	for _, line := range strings.Split(string(body), "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return v
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

// countSeries counts the sample lines of a text exposition.
func countSeries(body []byte) int {
	n := 0
	for _, line := range bytes.Split(body, []byte("\n")) {
		if len(line) > 0 && line[0] != '#' {
			n++
		}
	}
	return n
}

// scaleAssets is SCALE_ASSETS when set, else def.
func scaleAssets(t *testing.T, def int) int {
	return envInt(t, "SCALE_ASSETS", def)
}

// scaleRounds is SCALE_ROUNDS when set, else def.
func scaleRounds(t *testing.T, def int) int {
	return envInt(t, "SCALE_ROUNDS", def)
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

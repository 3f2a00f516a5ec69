//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
)

// restartSlack is the jobs that a window's edges may add or take away when
// finished jobs ended in it: the live simulator finishes 3 CloverDX
// executions a second, the exporter counts them at its refreshes (cache_ttl
// 1 s, so a second or two late on a busy machine) and increase()
// extrapolates to the window's edges by up to a scrape interval each.
func restartSlack(finished int) int { return 6 + finished/10 }

// TestJobCountsAcrossRestart restarts the exporter in the middle of a run
// against the live simulator, scraped every second by a real Prometheus,
// and shows that increase(backup_jobs_total) over a window spanning the
// restart counts the jobs that really finished in it (less those that
// finished while the exporter was down), never the lookback window a second
// time, and that backup_jobs_recent carries on across the restart.
func TestJobCountsAcrossRestart(t *testing.T) {
	demoCfg, err := os.ReadFile(filepath.Join(repoRoot, "scripts/demo.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// The CloverDX target refreshes at every scrape, so that its counter
	// follows the jobs second by second.
	cfg := strings.Replace(string(demoCfg), "    password_file: ${DEMO_DIR}/cloverdx_password\n",
		"    password_file: ${DEMO_DIR}/cloverdx_password\n    cache_ttl: 1s\n", 1)
	if cfg == string(demoCfg) {
		t.Fatal("scripts/demo.yml has no cloverdx password_file line to follow")
	}
	cfgPath := filepath.Join(t.TempDir(), "restart.yml")
	writeFile(t, cfgPath, cfg)
	d := startDemoWith(t, cfgPath, []string{"--live.interval=1s"})
	s := startStack(t, d, nil)
	const target = `target="cloverdx-demo"`
	s.waitQuery(t, `backup_jobs_total{`+target+`}`, 30*time.Second)
	time.Sleep(3 * time.Second)

	from := time.Now()
	time.Sleep(15 * time.Second)
	stopped := time.Now()
	stopProcess(t, d.exporter)
	d.exporter = start(t, d.exporterEnv, binary(t, "backup_exporter"), d.exporterArgs...)
	waitHTTP(t, "http://"+d.exporterAddr+"/-/ready", 20*time.Second)
	ready := time.Now()
	time.Sleep(15 * time.Second)
	to := time.Now()

	// What really finished, as the vendor's API lists it.
	ends := cloverdxEnds(t, d)
	finished, whileDown := 0, 0
	for _, e := range ends {
		if e.After(from) && !e.After(to) {
			finished++
		}
		// The old process's last refresh was at most a cache_ttl and a
		// scrape interval (plus the refresh) before it stopped; the new
		// one's first refresh, its baseline, before it was ready.
		if e.After(stopped.Add(-3*time.Second)) && !e.After(ready) {
			whileDown++
		}
	}

	window := int(math.Round(to.Sub(from).Seconds()))
	at := strconv.FormatFloat(float64(to.UnixMilli())/1000, 'f', 3, 64)
	increase := s.scalarAt(t, fmt.Sprintf(`sum(increase(backup_jobs_total{%s}[%ds]))`, target, window), at)
	recent := s.scalarAt(t, `sum(backup_jobs_recent{`+target+`})`, at)
	t.Logf("increase(backup_jobs_total[%ds]) across the restart = %.1f; jobs that finished in the window = %d, %d of them while the exporter was down (%s); a doubled count would be about %.0f",
		window, increase, finished, whileDown, ready.Sub(stopped).Round(10*time.Millisecond), float64(finished)+recent)
	slack := restartSlack(finished)
	if increase > float64(finished+slack) {
		t.Errorf("increase() = %.1f counts more than the %d jobs that finished (slack %d): the restart counted jobs twice", increase, finished, slack)
	}
	if increase < float64(finished-whileDown-slack) {
		t.Errorf("increase() = %.1f misses jobs: %d finished, %d of them while down (slack %d)", increase, finished, whileDown, slack)
	}

	// backup_jobs_recent and the counters just before the restart and at
	// the first scrape after it.
	before, after := s.aroundRestart(t, `sum by (target) (backup_jobs_recent)`, from, to, stopped, ready)
	if len(before) == 0 {
		t.Fatal("no backup_jobs_recent before the restart")
	}
	for tg, b := range before {
		a, ok := after[tg]
		t.Logf("backup_jobs_recent{target=%q}: %.0f before the restart, %.0f after", tg, b, a)
		allowed := 2.0 // a job of the static data leaving the window
		if tg == "cloverdx-demo" {
			allowed = float64(whileDown + slack)
		}
		if !ok || math.Abs(a-b) > allowed {
			t.Errorf("backup_jobs_recent{target=%q} jumped from %.0f to %.0f (present %v) across the restart, more than %.0f", tg, b, a, ok, allowed)
		}
	}
	cBefore, cAfter := s.aroundRestart(t, `sum(backup_jobs_total{`+target+`})`, from, to, stopped, ready)
	t.Logf("sum(backup_jobs_total{%s}): %.0f before the restart, %.0f after (a reset to the baseline, 0)", target, cBefore[""], cAfter[""])
	if cAfter[""] > float64(slack) {
		t.Errorf("the restarted exporter's counters start at %.0f, want about 0: the window was counted again", cAfter[""])
	}
}

// stopProcess ends a process started by start (SIGTERM to its group) and
// waits until it is gone, so that its address is free again.
func stopProcess(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	pid := cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	deadline := time.Now().Add(10 * time.Second)
	for !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not stop within 10s", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cloverdxEnds lists the end of every finished execution the simulator's
// CloverDX serves, newest first, through its REST API.
func cloverdxEnds(t *testing.T, d *demo) []time.Time {
	t.Helper()
	addr := ""
	for _, kv := range d.exporterEnv {
		if v, ok := strings.CutPrefix(kv, "CLOVERDX_ADDR="); ok {
			addr = v
		}
	}
	var ends []time.Time
	const pageSize = 500
	for start := 0; ; start += pageSize {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s%s/api/rest/v1/executions?pageSize=%d&startIndex=%d",
			addr, cloverdxfake.Root, pageSize, start), nil)
		req.SetBasicAuth(cloverdxfake.DefaultUsername, cloverdxfake.DefaultPassword)
		req.Header.Set("X-Requested-By", "e2e")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Members []struct {
				Status  string          `json:"status"`
				EndTime json.RawMessage `json:"endTime"`
			} `json:"members"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("list executions: HTTP %d, %v", resp.StatusCode, err)
		}
		for _, m := range page.Members {
			var iso string
			if json.Unmarshal(m.EndTime, &iso) != nil || iso == "" {
				continue // unfinished (null), or an epoch time: the generated history
			}
			end, err := time.Parse(time.RFC3339Nano, iso)
			if err != nil {
				t.Fatalf("execution endTime %q: %v", iso, err)
			}
			ends = append(ends, end)
		}
		if len(page.Members) < pageSize {
			return ends
		}
	}
}

// scalarAt runs an instant query at a Unix time and returns its one value.
func (s *stack) scalarAt(t *testing.T, expr, at string) float64 {
	t.Helper()
	body := get(t, "http://"+s.promAddr+"/api/v1/query?query="+url.QueryEscape(expr)+"&time="+at, nil)
	var resp struct {
		Data struct {
			Result []promResult `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.Data.Result) != 1 {
		t.Fatalf("%s at %s: want one value, got %s (%v)", expr, at, body, err)
	}
	return sampleValue(t, resp.Data.Result[0].Value)
}

// aroundRestart runs a range query over [from, to] at 1 s steps and returns,
// by target (empty without one), the last value before the process stopped
// and the first after the new one was ready.
func (s *stack) aroundRestart(t *testing.T, expr string, from, to, stopped, ready time.Time) (before, after map[string]float64) {
	t.Helper()
	q := url.Values{
		"query": {expr},
		"start": {strconv.FormatInt(from.Unix(), 10)},
		"end":   {strconv.FormatInt(to.Unix(), 10)},
		"step":  {"1"},
	}
	body := get(t, "http://"+s.promAddr+"/api/v1/query_range?"+q.Encode(), nil)
	var resp struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Values [][2]any          `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	before, after = map[string]float64{}, map[string]float64{}
	for _, r := range resp.Data.Result {
		tg := r.Metric["target"]
		for _, v := range r.Values {
			ts, _ := v[0].(float64)
			at := time.UnixMilli(int64(ts * 1000))
			switch {
			case at.Before(stopped):
				before[tg] = sampleValue(t, v)
			case at.After(ready.Add(time.Second)):
				if _, seen := after[tg]; !seen {
					after[tg] = sampleValue(t, v)
				}
			}
		}
	}
	return before, after
}

// sampleValue reads the value of a [time, "value"] pair.
func sampleValue(t *testing.T, v [2]any) float64 {
	t.Helper()
	str, _ := v[1].(string)
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		t.Fatalf("sample value %v: %v", v[1], err)
	}
	return f
}

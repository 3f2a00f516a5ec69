//go:build e2e

package e2e

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestExpositionPassesPromtool scrapes the exporter over the simulator's data
// and runs the exposition through `promtool check metrics`.
func TestExpositionPassesPromtool(t *testing.T) {
	promtool := lookTool(t, "promtool")
	d := startDemoWith(t, "scripts/demo.yml", nil)
	// The first scrape refreshes every target; the exporter's own request
	// counters, gathered first, show those requests from the second on.
	url := "http://" + d.exporterAddr + "/metrics"
	get(t, url, map[string]string{"X-Prometheus-Scrape-Timeout-Seconds": "30"})
	body := get(t, url, nil)

	for _, target := range []string{"clumio-demo", "cleverfox-demo", "cloutility-demo", "cloverdx-demo"} {
		want := `backup_up{target="` + target + `",vendor="`
		line := lineWith(string(body), want)
		if !strings.HasSuffix(line, " 1") {
			t.Errorf("target %s is not up over the simulator: %q", target, line)
		}
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	for _, name := range []string{"backup_exporter_build_info", "backup_asset_info", "backup_jobs_total", "backup_exporter_api_requests_total"} {
		if !strings.Contains(string(body), "\n"+name) {
			t.Errorf("the exposition has no %s", name)
		}
	}
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

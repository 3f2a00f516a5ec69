//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// stack is the demo plus a real Prometheus (rules loaded, 1 s scrapes) and a
// real Alertmanager, all on loopback.
type stack struct {
	*demo
	promAddr, amAddr string
}

// startStack starts Alertmanager, then Prometheus scraping the exporter with
// the given rule files. otherInstances are scraped in the same job (an
// address where nothing listens is an exporter that is down).
func startStack(t *testing.T, d *demo, ruleFiles []string, otherInstances ...string) *stack {
	t.Helper()
	return startStackWith(t, d, ruleFiles, fmt.Sprintf(`  - job_name: backup_exporter
    static_configs:
      - targets: ['%s']
`, strings.Join(append([]string{d.exporterAddr}, otherInstances...), "', '")))
}

// startStackWith is startStack with the scrape_configs entries given, as
// YAML indented under scrape_configs.
func startStackWith(t *testing.T, d *demo, ruleFiles []string, scrapeConfigs string) *stack {
	t.Helper()
	s := &stack{demo: d, promAddr: freeAddr(t), amAddr: freeAddr(t)}
	dir := t.TempDir()

	amConfig := filepath.Join(dir, "alertmanager.yml")
	writeFile(t, amConfig, `route:
  receiver: default
  group_by: [alertname, tenant]
  group_wait: 1s
  group_interval: 1s
  routes:
    - matchers: ['tenant=~".+"']
      receiver: per-tenant
receivers:
  - name: default
  - name: per-tenant
`)
	start(t, nil, lookTool(t, "alertmanager", "prometheus-alertmanager"),
		"--config.file="+amConfig,
		"--storage.path="+filepath.Join(dir, "am-data"),
		"--web.listen-address="+s.amAddr,
		"--cluster.listen-address=",
	)
	waitHTTP(t, "http://"+s.amAddr+"/-/ready", 20*time.Second)

	promConfig := filepath.Join(dir, "prometheus.yml")
	var rules strings.Builder
	for _, f := range ruleFiles {
		fmt.Fprintf(&rules, "  - %s\n", f)
	}
	writeFile(t, promConfig, fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
%s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['%s']
scrape_configs:
%s`, rules.String(), s.amAddr, scrapeConfigs))
	start(t, nil, lookTool(t, "prometheus"),
		"--config.file="+promConfig,
		"--storage.tsdb.path="+filepath.Join(dir, "prom-data"),
		"--web.listen-address="+s.promAddr,
		"--storage.tsdb.retention.time=1h",
	)
	waitHTTP(t, "http://"+s.promAddr+"/-/ready", 30*time.Second)
	return s
}

// ruleGroupLag says whether Prometheus evaluated its rule groups on time:
// the iterations each group missed (an evaluation that overran its
// interval skips the next) and the slowest group's latest evaluation. A
// rule that never agreed with the model because its group ran late shows
// here, rather than being taken for a wrong rule or a wrong model.
func (s *stack) ruleGroupLag(t *testing.T) string {
	t.Helper()
	e := parseExposition(t, get(t, "http://"+s.promAddr+"/metrics", nil))
	var missed []string
	e.each("prometheus_rule_group_iterations_missed_total", func(l map[string]string, v float64) {
		if v > 0 {
			missed = append(missed, fmt.Sprintf("%s: %.0f", groupName(l["rule_group"]), v))
		}
	})
	sort.Strings(missed)
	slowest, took := "", 0.0
	e.each("prometheus_rule_group_last_duration_seconds", func(l map[string]string, v float64) {
		if v > took {
			slowest, took = groupName(l["rule_group"]), v
		}
	})
	return fmt.Sprintf("rule groups: iterations missed %v; slowest latest evaluation %s, %.3fs", missed, slowest, took)
}

// groupName is a rule_group label ("file;group") without its file.
func groupName(ruleGroup string) string {
	_, g, _ := strings.Cut(ruleGroup, ";")
	return g
}

// promResult is one series of an instant query's answer.
type promResult struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query runs an instant query and returns its vector (a scalar becomes one
// result without labels). An error answer is returned as an error.
func (s *stack) query(t *testing.T, expr string) ([]promResult, error) {
	t.Helper()
	body := get(t, "http://"+s.promAddr+"/api/v1/query?query="+url.QueryEscape(expr), nil)
	var resp struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, err
	}
	if resp.Status != "success" {
		return nil, fmt.Errorf("%s", resp.Error)
	}
	switch resp.Data.ResultType {
	case "vector":
		var out []promResult
		err := json.Unmarshal(resp.Data.Result, &out)
		return out, err
	case "scalar":
		var v [2]any
		err := json.Unmarshal(resp.Data.Result, &v)
		return []promResult{{Value: v}}, err
	}
	return nil, fmt.Errorf("unexpected result type %s", resp.Data.ResultType)
}

// queryRange runs a range query from start to now at a step of a second and
// returns how many series have at least one sample in it. An error answer
// is returned as an error.
func (s *stack) queryRange(t *testing.T, expr string, start time.Time) (int, error) {
	t.Helper()
	q := url.Values{
		"query": {expr},
		"start": {fmt.Sprint(start.Unix())},
		"end":   {fmt.Sprint(time.Now().Unix())},
		"step":  {"1"},
	}
	body := get(t, "http://"+s.promAddr+"/api/v1/query_range?"+q.Encode(), nil)
	var resp struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Values [][2]any `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return 0, err
	}
	if resp.Status != "success" {
		return 0, fmt.Errorf("%s", resp.Error)
	}
	n := 0
	for _, r := range resp.Data.Result {
		if len(r.Values) > 0 {
			n++
		}
	}
	return n, nil
}

// waitQuery polls expr until it returns data, or fails the test.
func (s *stack) waitQuery(t *testing.T, expr string, timeout time.Duration) []promResult {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		res, err := s.query(t, expr)
		if err == nil && len(res) > 0 {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s returned no data within %s (err %v)", expr, timeout, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// promAlert is one alert of Prometheus' /api/v1/alerts.
type promAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
}

func (s *stack) alerts(t *testing.T) []promAlert {
	t.Helper()
	var resp struct {
		Data struct {
			Alerts []promAlert `json:"alerts"`
		} `json:"data"`
	}
	if err := json.Unmarshal(get(t, "http://"+s.promAddr+"/api/v1/alerts", nil), &resp); err != nil {
		t.Fatal(err)
	}
	return resp.Data.Alerts
}

// amAlerts returns the alerts Alertmanager holds.
func (s *stack) amAlerts(t *testing.T) []promAlert {
	t.Helper()
	var out []struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
		Status      struct {
			State string `json:"state"`
		} `json:"status"`
	}
	if err := json.Unmarshal(get(t, "http://"+s.amAddr+"/api/v2/alerts", nil), &out); err != nil {
		t.Fatal(err)
	}
	alerts := make([]promAlert, len(out))
	for i, a := range out {
		alerts[i] = promAlert{Labels: a.Labels, Annotations: a.Annotations, State: a.Status.State}
	}
	return alerts
}

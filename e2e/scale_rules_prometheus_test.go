//go:build scale

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// replica is a Prometheus of the rule-cost run: it scrapes the estate as
// README's "Scaling out" shows for one exporter (/metrics every minute) into
// a TSDB that the backfill filled, and evaluates a rule file.
type replica struct {
	addr string
	cmd  *exec.Cmd
}

// benchInstance is the instance label of every scraped and backfilled
// series, so that the backfilled past and the live scrape are one series
// whatever port the exporter got.
const benchInstance = "backup-exporter:9860"

// startReplica starts Prometheus on dataDir with ruleFile (none if empty),
// scraping exporterAddr every minute, and waits until it is ready.
func startReplica(t *testing.T, dataDir, ruleFile, exporterAddr string) *replica {
	t.Helper()
	r := &replica{addr: freeAddr(t)}
	rules := ""
	if ruleFile != "" {
		rules = "rule_files:\n  - " + ruleFile + "\n"
	}
	cfg := filepath.Join(t.TempDir(), "prometheus.yml")
	writeFile(t, cfg, fmt.Sprintf(`global:
  scrape_interval: 1m
  scrape_timeout: 50s
  evaluation_interval: 1m
%sscrape_configs:
  - job_name: backup_exporter
    static_configs:
      - targets: ['%s']
    relabel_configs:
      - target_label: instance
        replacement: %s
`, rules, exporterAddr, benchInstance))
	r.cmd = start(t, nil, lookTool(t, "prometheus"),
		"--config.file="+cfg,
		"--storage.tsdb.path="+dataDir,
		"--storage.tsdb.retention.time=90d",
		"--web.listen-address="+r.addr,
	)
	waitHTTP(t, "http://"+r.addr+"/-/ready", 10*time.Minute)
	return r
}

// stop ends the replica and waits for it, so that the next one can open
// the same TSDB.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGTERM)
	deadline := time.Now().Add(2 * time.Minute)
	for syscall.Kill(r.cmd.Process.Pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
}

// queryAnswer is an instant query's answer with its statistics.
type queryAnswer struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
		Stats struct {
			Timings struct {
				EvalTotalTime float64 `json:"evalTotalTime"`
			} `json:"timings"`
			Samples struct {
				TotalQueryableSamples int64 `json:"totalQueryableSamples"`
				PeakSamples           int64 `json:"peakSamples"`
			} `json:"samples"`
		} `json:"stats"`
	} `json:"data"`
}

// query runs an instant query at ts (now if zero) with statistics; an
// error answer fails the test.
func (r *replica) query(t *testing.T, expr string, ts time.Time) queryAnswer {
	t.Helper()
	a, err := r.tryQuery(expr, ts, 0)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// tryQuery is query that returns an error answer (a query past its
// timeout, say) instead of failing the test. A timeout of 0 is Prometheus'
// own (2 minutes); a shorter one is passed with the query.
func (r *replica) tryQuery(expr string, ts time.Time, timeout time.Duration) (queryAnswer, error) {
	form := url.Values{"query": {expr}, "stats": {"all"}}
	if !ts.IsZero() {
		form.Set("time", fmt.Sprint(ts.Unix()))
	}
	if timeout > 0 {
		form.Set("timeout", model.Duration(timeout).String())
	}
	client := http.Client{Timeout: 10 * time.Minute}
	resp, err := client.PostForm("http://"+r.addr+"/api/v1/query", form)
	if err != nil {
		return queryAnswer{}, fmt.Errorf("query %s: %w", expr, err)
	}
	defer resp.Body.Close()
	var a queryAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return queryAnswer{}, fmt.Errorf("query %s: %w", expr, err)
	}
	if a.Status != "success" {
		return queryAnswer{}, fmt.Errorf("query %s: %s", expr, a.Error)
	}
	return a, nil
}

// value returns the single value of an instant query, or -1 if it is empty.
func (a queryAnswer) value(t *testing.T) float64 {
	t.Helper()
	if len(a.Data.Result) == 0 {
		return -1
	}
	var v float64
	if _, err := fmt.Sscan(fmt.Sprint(a.Data.Result[0].Value[1]), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// metrics returns the replica's own metrics by family name.
func (r *replica) metrics(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	body := get(t, "http://"+r.addr+"/metrics", nil)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// byGroup maps the rule_group label of a family's series (file;group) to
// the group name and its gauge or counter value.
func byGroup(f *dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	if f == nil {
		return out
	}
	for _, m := range f.Metric {
		for _, l := range m.Label {
			if l.GetName() == "rule_group" {
				name := l.GetValue()
				name = name[strings.LastIndexByte(name, ';')+1:]
				switch {
				case m.Gauge != nil:
					out[name] = m.Gauge.GetValue()
				case m.Counter != nil:
					out[name] = m.Counter.GetValue()
				}
			}
		}
	}
	return out
}

// scalar returns the value of an unlabelled gauge or counter family.
func scalar(f *dto.MetricFamily) float64 {
	if f == nil || len(f.Metric) == 0 {
		return 0
	}
	m := f.Metric[0]
	if m.Gauge != nil {
		return m.Gauge.GetValue()
	}
	return m.Counter.GetValue()
}

package backtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// tsdb is the pinned Prometheus's storage that the backtest fills: scrapes
// imported with promtool, recording rules backfilled over them, alerts
// queried from a server over them.
type tsdb struct {
	promtool, prometheus string
	dir                  string
	srv                  *exec.Cmd
	url                  string
}

// importOpenMetrics turns one file of scrapes into blocks, and deletes it.
func (db *tsdb) importOpenMetrics(ctx context.Context, path string) error {
	out, err := exec.CommandContext(ctx, db.promtool, "tsdb", "create-blocks-from", "openmetrics",
		"--max-block-duration=24h", path, filepath.Join(db.dir, "data")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("promtool create-blocks-from openmetrics %s: %w\n%s", filepath.Base(path), err, out)
	}
	return os.Remove(path)
}

// start runs a Prometheus server over the data, with no scrape job of its
// own, and waits until it answers.
func (db *tsdb) start() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	cfg := filepath.Join(db.dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global: {}\n"), 0o644); err != nil {
		return err
	}
	log, err := os.Create(filepath.Join(db.dir, "prometheus.log"))
	if err != nil {
		return err
	}
	db.srv = exec.Command(db.prometheus, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(db.dir, "data"),
		"--storage.tsdb.retention.time=10y", "--web.listen-address="+addr, "--query.max-samples=200000000",
		"--query.timeout=10m", "--log.level=warn")
	db.srv.Stdout, db.srv.Stderr = log, log
	if err := db.srv.Start(); err != nil {
		log.Close()
		return err
	}
	log.Close()
	db.url = "http://" + addr
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		resp, err := http.Get(db.url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	db.stop()
	return fmt.Errorf("prometheus did not become ready (see %s)", filepath.Join(db.dir, "prometheus.log"))
}

// stop ends the server, if one runs.
func (db *tsdb) stop() {
	if db.srv == nil || db.srv.Process == nil {
		return
	}
	_ = db.srv.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = db.srv.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = db.srv.Process.Kill()
		<-done
	}
	db.srv = nil
}

// backfillRules evaluates the rule file over [start, end) every minute (a
// group with an interval of its own at that interval) against the running server and adds the results to the data, then
// restarts the server so that the next level reads them.
func (db *tsdb) backfillRules(ctx context.Context, ruleFile string, start, end time.Time) error {
	out := filepath.Join(db.dir, "rules-out")
	_ = os.RemoveAll(out)
	cmd := exec.CommandContext(ctx, db.promtool, "tsdb", "create-blocks-from", "rules", "--url="+db.url,
		"--start="+strconv.FormatInt(start.Unix(), 10), "--end="+strconv.FormatInt(end.Unix(), 10),
		"--eval-interval=1m", "--output-dir="+out, ruleFile)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("promtool create-blocks-from rules: %w\n%s", err, b)
	}
	db.stop()
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := os.Rename(filepath.Join(out, e.Name()), filepath.Join(db.dir, "data", e.Name())); err != nil {
				return err
			}
		}
	}
	return db.start()
}

// series is one series of a range query: its labels and the minutes at
// which it had a value.
type series struct {
	labels map[string]string
	times  []time.Time
}

// queryRange runs expr every minute over [start, end) in chunks of a day
// (a query returns at most 11,000 points per series).
func (db *tsdb) queryRange(ctx context.Context, expr string, start, end time.Time) ([]series, error) {
	byKey := map[string]*series{}
	var order []string
	for from := start; from.Before(end); from = from.Add(24 * time.Hour) {
		to := from.Add(24*time.Hour - step)
		if !to.Before(end) {
			to = end.Add(-step)
		}
		q := url.Values{"query": {expr}, "start": {strconv.FormatInt(from.Unix(), 10)}, "end": {strconv.FormatInt(to.Unix(), 10)}, "step": {"60"}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, db.url+"/api/v1/query_range", nil)
		if err != nil {
			return nil, err
		}
		req.URL.RawQuery = q.Encode()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		var body struct {
			Status string `json:"status"`
			Error  string `json:"error"`
			Data   struct {
				Result []struct {
					Metric map[string]string `json:"metric"`
					Values [][2]any          `json:"values"`
				} `json:"result"`
			} `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("query_range: %w", err)
		}
		if body.Status != "success" {
			return nil, fmt.Errorf("query_range %q: %s", expr, body.Error)
		}
		for _, r := range body.Data.Result {
			delete(r.Metric, "__name__")
			key := fmt.Sprint(r.Metric)
			s, ok := byKey[key]
			if !ok {
				s = &series{labels: r.Metric}
				byKey[key] = s
				order = append(order, key)
			}
			for _, v := range r.Values {
				ts, _ := v[0].(float64)
				s.times = append(s.times, time.Unix(int64(ts), 0).UTC())
			}
		}
	}
	out := make([]series, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out, nil
}

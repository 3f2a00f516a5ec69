package collector

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/internal/tooltest"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// hostileNames are names a vendor's users may write: every character the
// exposition formats must escape, bytes that are not UTF-8, a 64 KiB name
// and an empty one.
var hostileNames = []string{
	`quo"te`, `back\slash`, "new\nline", "{}=", `a="b",c="d"`, "not utf-8 \xff\xfe",
	strings.Repeat("n", 64<<10), "", "<script>alert(1)</script>",
}

// hostileName returns the i-th hostile name, cycling.
func hostileName(i int) string { return hostileNames[i%len(hostileNames)] }

// hostileCase is one vendor's fake filled with hostile names and a repeated
// id, and the reason its duplicate must be reported under.
type hostileCase struct {
	vendor    string
	target    func(t *testing.T) config.Target
	duplicate string
}

func hostileCases() []hostileCase {
	return []hostileCase{
		{"clumio", func(t *testing.T) config.Target {
			srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: clumioGoldenScale, Now: t0})
			srv.Update(func(d *clumiofake.Data) {
				for i := range d.OUs {
					d.OUs[i].Name = hostileName(i)
				}
				for i := range d.Assets {
					d.Assets[i].Name = hostileName(i)
				}
				// The same id again at the end: another page, with page_size 5.
				dup := d.Assets[1]
				dup.Name = "the same id on a later page"
				d.Assets = append(d.Assets, dup)
			})
			return startClumio(t, srv, "clumio", func(t *config.Target) { t.PageSize = 5 })
		}, "duplicate_asset_id"},
		{"cleverfox", func(t *testing.T) config.Target {
			d := cleverfoxGoldenData()
			for i := range d.Companies {
				d.Companies[i].Name = hostileName(i)
			}
			for i := range d.Devices {
				d.Devices[i].Name = hostileName(i + 1)
				d.Devices[i].TimeZoneID = hostileName(i + 2)
			}
			for i := range d.Jobs {
				d.Jobs[i].Name = hostileName(i + 3)
			}
			for i := range d.Plans {
				d.Plans[i].Name = hostileName(i + 4)
			}
			dup := d.Jobs[0]
			dup.Name = "the same id on a later page"
			d.Jobs = append(d.Jobs, dup)
			srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, d)
			return startCleverFox(t, srv, func(t *config.Target) { t.PageSize = 3 })
		}, "duplicate_asset_id"},
		{"cloutility", func(t *testing.T) config.Target {
			d := cloutilityfake.Cases(t0)
			for i, b := range d.BusinessUnits {
				b.Name = hostileName(i + 6)
			}
			for i, c := range d.Consumers {
				c.Name = hostileName(i)
				if c.Node != nil {
					c.Node.Name = hostileName(i + 5)
				}
			}
			for i := range d.WarningTypes {
				d.WarningTypes[i].Name = hostileName(i + 3)
			}
			dup := *d.Consumers[0]
			dup.Name = "the same id again"
			d.Consumers = append(d.Consumers, &dup)
			srv := cloutilityfake.New(cloutilityfake.Options{Data: d, Now: t0, Clock: func() time.Time { return t0 }})
			return startCloutility(t, srv, "safespring")
		}, "duplicate_asset_id"},
		{"cloverdx", func(t *testing.T) config.Target {
			srv := newCloverDXGolden(0)
			srv.Update(func(d *cloverdxfake.Data) {
				for i := range d.Executions {
					d.Executions[i].Sandbox = hostileName(i)
				}
				for i := range d.Dashboards {
					d.Dashboards[i].Name = hostileName(i)
					for j := range d.Dashboards[i].Monitors {
						d.Dashboards[i].Monitors[j].Name = hostileName(i + j)
					}
				}
				// Two job files whose paths differ only in bytes that are
				// not UTF-8: one series, so one asset.
				a, b := d.Executions[0], d.Executions[1]
				a.JobFile, b.JobFile = "graph/\xff.grf", "graph/\xfe.grf"
				a.RunID, b.RunID = 9001, 9002
				d.Executions = append(d.Executions, a, b)
			})
			return startCloverDX(t, srv, func(t *config.Target) { t.PageSize = cloverdxGoldenPageSize })
		}, "duplicate_asset_id"},
	}
}

// TestHostileNames drives every vendor's fake with hostile names and a
// repeated id: the exposition stays valid in every format, no two series
// collide, and the repeated id is served once and counted.
func TestHostileNames(t *testing.T) {
	for _, hc := range hostileCases() {
		t.Run(hc.vendor, func(t *testing.T) {
			e, self := newTestExporter(t, newClock(), hc.target(t))
			data := prometheus.NewPedanticRegistry()
			data.MustRegister(e.ScrapeCollector(context.Background()))
			mfs := checkExposition(t, data, t0)
			if up := sampleValue(mfs, "backup_up", nil); up != 1 {
				t.Fatalf("backup_up = %v, want 1", up)
			}
			for _, mf := range mfs {
				if mf.GetName() == "backup_collector_success" {
					for _, m := range mf.Metric {
						if m.GetGauge().GetValue() != 1 {
							t.Errorf("part failed over hostile names: %v", m)
						}
					}
				}
			}
			served := map[string]bool{}
			for _, mf := range mfs {
				for _, m := range mf.Metric {
					for _, p := range m.Label {
						served[p.GetValue()] = true
					}
				}
			}
			for _, name := range hostileNames {
				if name == "" {
					continue // an empty value is no label at all
				}
				if !servedWithin(served, labelKey(name)) {
					t.Errorf("no label value holds the hostile name %.40q: the test does not reach the exposition", name)
				}
			}
			selfMFs, err := self.Gather()
			if err != nil {
				t.Fatal(err)
			}
			if n := sampleValue(selfMFs, "backup_exporter_data_issues_total", map[string]string{"reason": hc.duplicate}); n < 1 {
				t.Errorf("the repeated id is not counted in backup_exporter_data_issues_total{reason=%q}", hc.duplicate)
			}
		})
	}
}

// servedWithin reports whether some served label value holds name (a
// device's name is part of its job's asset name, for one).
func servedWithin(served map[string]bool, name string) bool {
	if served[name] {
		return true
	}
	for v := range served {
		if name != "" && strings.Contains(v, name) {
			return true
		}
	}
	return false
}

// sampleValue is the value of the first series of name whose labels include
// want, or NaN.
func sampleValue(mfs []*dto.MetricFamily, name string, want map[string]string) float64 {
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.Metric {
			for k, v := range want {
				if labelValue(m, k) != v {
					continue next
				}
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return math.NaN()
}

func labelValue(m *dto.Metric, name string) string {
	for _, p := range m.Label {
		if p.GetName() == name {
			return p.GetValue()
		}
	}
	return ""
}

// checkExposition gathers g and checks what a scrape of it would serve: the
// text format passes `promtool check metrics` and parses back to the same
// series, the OpenMetrics and protobuf encodings parse to the same series,
// no two series share their labels, and no value is impossible (a
// timestamp before 1970 or past now plus a day, a negative or non-finite
// size or duration).
func checkExposition(t *testing.T, g prometheus.Gatherer, now time.Time) []*dto.MetricFamily {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather (a collision or an invalid label fails the scrape): %v", err)
	}
	want := seriesOf(t, mfs)
	checkValues(t, mfs, now)

	text := encode(t, mfs, expfmt.NewFormat(expfmt.TypeTextPlain))
	parser := expfmt.NewTextParser(model.LegacyValidation)
	parsed, err := parser.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("the text exposition does not parse: %v", err)
	}
	compareParsed(t, "text", want, seriesOf(t, valuesOf(parsed)))
	t.Run("promtool check metrics", func(t *testing.T) {
		cmd := exec.Command(tooltest.Path(t, "promtool"), "check", "metrics")
		cmd.Stdin = bytes.NewReader(text)
		if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("promtool check metrics: %v\n%.2000s", err, out)
		}
	})

	proto := encode(t, mfs, expfmt.NewFormat(expfmt.TypeProtoDelim))
	dec := expfmt.NewDecoder(bytes.NewReader(proto), expfmt.NewFormat(expfmt.TypeProtoDelim))
	var decoded []*dto.MetricFamily
	for {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("the protobuf exposition does not parse: %v", err)
		}
		decoded = append(decoded, mf)
	}
	compareParsed(t, "protobuf", want, seriesOf(t, decoded))

	om := encode(t, mfs, expfmt.NewFormat(expfmt.TypeOpenMetrics))
	compareParsed(t, "OpenMetrics", want, parseOpenMetrics(t, om))
	return mfs
}

func valuesOf(m map[string]*dto.MetricFamily) []*dto.MetricFamily {
	out := make([]*dto.MetricFamily, 0, len(m))
	for _, mf := range m {
		out = append(out, mf)
	}
	return out
}

func encode(t *testing.T, mfs []*dto.MetricFamily, f expfmt.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, f)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatalf("encode %s as %s: %v", mf.GetName(), f, err)
		}
	}
	if c, ok := enc.(expfmt.Closer); ok {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// seriesKey names one series: its metric name and sorted label pairs, with
// the values quoted by Go so that every byte shows.
func seriesKey(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		fmt.Fprintf(&b, ",%s=%q", k, labels[k])
	}
	return b.String()
}

// seriesOf maps every gauge and counter series to its value, failing on two
// series with the same key.
func seriesOf(t *testing.T, mfs []*dto.MetricFamily) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			labels := map[string]string{}
			for _, p := range m.Label {
				labels[p.GetName()] = p.GetValue()
			}
			v := m.GetGauge().GetValue()
			if m.Counter != nil {
				v = m.Counter.GetValue()
			}
			k := seriesKey(mf.GetName(), labels)
			if _, dup := out[k]; dup {
				t.Errorf("two series %s", k)
			}
			out[k] = v
		}
	}
	return out
}

func compareParsed(t *testing.T, format string, want, got map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d series parsed back, %d gathered", format, len(got), len(want))
	}
	for k, v := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: series %.300s lost", format, k)
		} else if g != v && !(math.IsNaN(g) && math.IsNaN(v)) {
			t.Errorf("%s: series %.300s = %v, gathered %v", format, k, g, v)
		}
	}
}

// checkValues fails on a value no vendor data can make right.
func checkValues(t *testing.T, mfs []*dto.MetricFamily, now time.Time) {
	t.Helper()
	for _, mf := range mfs {
		name := mf.GetName()
		for _, m := range mf.Metric {
			v := m.GetGauge().GetValue()
			if m.Counter != nil {
				v = m.Counter.GetValue()
			}
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				t.Errorf("%s %v = %v", name, m.Label, v)
			case strings.HasSuffix(name, "_expiry_timestamp_seconds") && v < 0:
				// An expiry lies ahead by nature (a restore endpoint's, days).
				t.Errorf("%s %v = %v: not a time after 1970", name, m.Label, v)
			case strings.HasSuffix(name, "_timestamp_seconds") && !strings.HasSuffix(name, "_expiry_timestamp_seconds") &&
				(v < 0 || v > float64(now.Add(maxAhead).Unix())):
				t.Errorf("%s %v = %v: not a time between 1970 and a day from now", name, m.Label, v)
			case (strings.HasSuffix(name, "_bytes") || strings.HasSuffix(name, "_seconds") || strings.HasSuffix(name, "_total") || strings.HasSuffix(name, "_items")) && v < 0:
				t.Errorf("%s %v = %v: negative", name, m.Label, v)
			}
		}
	}
}

// parseOpenMetrics reads an OpenMetrics text exposition strictly enough to
// prove it valid for these metrics: every line is a descriptor or a sample,
// label values use only the escapes \\, \" and \n, and it ends with # EOF.
// Counter samples carry their family's name plus _total.
func parseOpenMetrics(t *testing.T, b []byte) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	eof := false
	for sc.Scan() {
		line := sc.Text()
		if eof {
			t.Fatalf("OpenMetrics: a line after # EOF: %.200q", line)
		}
		switch {
		case line == "# EOF":
			eof = true
			continue
		case strings.HasPrefix(line, "# HELP "), strings.HasPrefix(line, "# TYPE "), strings.HasPrefix(line, "# UNIT "):
			continue
		}
		name, labels, rest, err := parseOMSample(line)
		if err != nil {
			t.Fatalf("OpenMetrics: %v in %.300q", err, line)
		}
		v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
		if err != nil {
			t.Fatalf("OpenMetrics: value of %.300q: %v", line, err)
		}
		if strings.HasSuffix(name, "_created") {
			continue
		}
		k := seriesKey(name, labels)
		if _, dup := out[k]; dup {
			t.Errorf("OpenMetrics: two series %.300s", k)
		}
		out[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !eof {
		t.Fatal("OpenMetrics: no # EOF")
	}
	return out
}

// parseOMSample splits `name{a="x",b="y"} value` into its parts.
func parseOMSample(line string) (name string, labels map[string]string, rest string, err error) {
	i := strings.IndexAny(line, "{ ")
	if i <= 0 {
		return "", nil, "", fmt.Errorf("no metric name")
	}
	name, line = line[:i], line[i:]
	labels = map[string]string{}
	if line[0] == '{' {
		line = line[1:]
		for line != "" && line[0] != '}' {
			eq := strings.Index(line, `="`)
			if eq <= 0 {
				return "", nil, "", fmt.Errorf("bad label")
			}
			key := line[:eq]
			line = line[eq+2:]
			var v strings.Builder
			for {
				if line == "" {
					return "", nil, "", fmt.Errorf("unterminated label value")
				}
				c := line[0]
				line = line[1:]
				if c == '"' {
					break
				}
				if c == '\n' {
					return "", nil, "", fmt.Errorf("raw newline in a label value")
				}
				if c == '\\' {
					if line == "" {
						return "", nil, "", fmt.Errorf("dangling escape")
					}
					switch line[0] {
					case '\\':
						v.WriteByte('\\')
					case '"':
						v.WriteByte('"')
					case 'n':
						v.WriteByte('\n')
					default:
						return "", nil, "", fmt.Errorf("escape \\%c is not OpenMetrics", line[0])
					}
					line = line[1:]
					continue
				}
				v.WriteByte(c)
			}
			if _, dup := labels[key]; dup {
				return "", nil, "", fmt.Errorf("label %s twice", key)
			}
			labels[key] = v.String()
			line = strings.TrimPrefix(line, ",")
		}
		if line == "" {
			return "", nil, "", fmt.Errorf("no closing brace")
		}
		line = line[1:]
	}
	if !strings.HasPrefix(line, " ") {
		return "", nil, "", fmt.Errorf("no space before the value")
	}
	return name, labels, line[1:], nil
}

// rewriteJSON serves h with every value of the JSON key replaced by raw,
// which may be text that is not JSON at all (NaN), as a broken vendor
// would send it.
func rewriteJSON(h http.Handler, key, raw string) http.Handler {
	const sentinel = "\x00hostile-value\x00"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if rec.Code == http.StatusOK && dec.Decode(&v) == nil {
			if b, err := json.Marshal(replaceKey(v, key, sentinel)); err == nil {
				q, _ := json.Marshal(sentinel)
				body = bytes.ReplaceAll(b, q, []byte(raw))
			}
		}
		for k, vs := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = vs
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

func replaceKey(v any, key, with string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == key {
				x[k] = with
			} else {
				x[k] = replaceKey(e, key, with)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = replaceKey(e, key, with)
		}
	}
	return v
}

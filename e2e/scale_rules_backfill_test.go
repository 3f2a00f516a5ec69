//go:build scale

package e2e

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

// backfillSeries is one series whose past the backfill writes: its labels
// (the metric name under __name__), its value now, and how its past moves.
type backfillSeries struct {
	labels map[string]string
	now    float64
	// noise is the relative day-to-day spread of its past values: 0.3 makes
	// each day's value up to 30 % off the value now, as backups vary; 0 keeps
	// it constant.
	noise float64
	// from is how far back it reaches, step its resolution.
	from, step time.Duration
	// fine says the series is scraped: its last fineFrom are written at
	// fineStep, the scrape interval.
	fine bool
}

// backfillWindow is the time one chunk file covers, and the block size
// promtool is told to write (--max-block-duration): promtool reads its
// input once per block window, so one window per file reads each file once,
// and a day per block leaves the replica a few dozen blocks to open, not
// hundreds. A day of 100,000 series every 15 minutes is about 1 GB of text.
const backfillWindow = 24 * time.Hour

// backfill writes the series' past up to end into Prometheus blocks under
// dataDir: one OpenMetrics file per 2-hour window, written while promtool
// turns the previous one into a block, and deleted once it has. Raw series
// are written at step older than fineFrom before end and at fineStep after,
// so that short ranges read what a Prometheus scraping every fineStep has.
func backfill(t *testing.T, promtool, dataDir, scratch string, series []backfillSeries, end time.Time, fineFrom, fineStep time.Duration) (samples int) {
	t.Helper()
	var oldest time.Time = end
	for _, s := range series {
		if from := end.Add(-s.from); from.Before(oldest) {
			oldest = from
		}
	}
	type chunk struct {
		path    string
		samples int
	}
	chunks := make(chan chunk, 1)
	genErr := make(chan error, 1)
	go func() {
		defer close(chunks)
		for w := oldest.Truncate(backfillWindow); w.Before(end.Add(time.Second)); w = w.Add(backfillWindow) {
			path := filepath.Join(scratch, fmt.Sprintf("chunk-%d.om", w.Unix()))
			n, err := writeChunk(path, series, w, w.Add(backfillWindow), end, fineFrom, fineStep)
			if err != nil {
				genErr <- err
				return
			}
			if n > 0 {
				chunks <- chunk{path, n}
			} else {
				_ = os.Remove(path)
			}
		}
		genErr <- nil
	}()
	for c := range chunks {
		out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--quiet",
			"--max-block-duration="+model.Duration(backfillWindow).String(), c.path, dataDir).CombinedOutput()
		_ = os.Remove(c.path)
		if err != nil {
			t.Fatalf("promtool create-blocks-from %s: %v\n%s", c.path, err, out)
		}
		samples += c.samples
	}
	if err := <-genErr; err != nil {
		t.Fatal(err)
	}
	return samples
}

// writeChunk writes the samples of every series with a timestamp in
// [from, to) and not after end, series after series (each in time order,
// as a TSDB appender needs them).
func writeChunk(path string, series []backfillSeries, from, to, end time.Time, fineFrom, fineStep time.Duration) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fine := end.Add(-fineFrom)
	n := 0
	var line []byte
	for i := range series {
		s := &series[i]
		prefix := openMetricsPrefix(s.labels)
		stepAt := func(ts time.Time) time.Duration {
			if s.fine && !ts.Before(fine) {
				return fineStep
			}
			return s.step
		}
		// Every series' samples lie on a grid of its step, as scrapes and rule
		// evaluations do.
		ts := from
		if first := end.Add(-s.from); ts.Before(first) {
			ts = first
		}
		if aligned := ts.Truncate(stepAt(ts)); aligned.Before(ts) {
			ts = aligned.Add(stepAt(ts))
		}
		for ; ts.Before(to) && !ts.After(end); ts = ts.Add(stepAt(ts)) {
			line = append(line[:0], prefix...)
			line = strconv.AppendFloat(line, s.valueAt(ts, end), 'g', -1, 64)
			line = append(line, ' ')
			line = strconv.AppendInt(line, ts.Unix(), 10)
			line = append(line, '\n')
			if _, err := w.Write(line); err != nil {
				f.Close()
				return 0, err
			}
			n++
		}
	}
	if _, err := w.WriteString("# EOF\n"); err != nil {
		f.Close()
		return 0, err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return n, f.Close()
}

// valueAt is the series' value at ts: the value now during the last day,
// before it a value that changes once a day within ±noise of it, the same
// for every run.
func (s *backfillSeries) valueAt(ts, end time.Time) float64 {
	days := int(end.Sub(ts) / (24 * time.Hour))
	if days == 0 || s.noise == 0 {
		return s.now
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%v/%d", s.labels, days)
	u := float64(h.Sum64()%2001)/1000 - 1 // in [-1, 1]
	return s.now * (1 + s.noise*u)
}

// openMetricsPrefix is `name{label="value",…} ` with the labels sorted and
// escaped as OpenMetrics wants them.
func openMetricsPrefix(labels map[string]string) []byte {
	names := make([]string, 0, len(labels))
	for k := range labels {
		if k != "__name__" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(labels["__name__"])
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(escapeLabelValue(labels[k]))
		b.WriteByte('"')
	}
	b.WriteString("} ")
	return []byte(b.String())
}

// escapeLabelValue escapes a backslash, a double quote and a newline.
func escapeLabelValue(v string) string {
	if !strings.ContainsAny(v, "\\\"\n") {
		return v
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

// sortedNames returns a map's keys in order, for stable logs.
func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/backup-exporter/backup_exporter/internal/openmetrics"
	"github.com/backup-exporter/backup_exporter/internal/promnames"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestStrictParsersAcceptEveryAnswer scrapes /metrics, with the Go runtime
// and process metrics that main registers, and /probe in every format a
// scraper may ask for: OpenMetrics and text answers pass the reference
// parser (Python's prometheus_client, which refuses a whole answer at its
// first fault), protobuf answers decode with every family once, and no two
// families claim one name under OpenMetrics' rules.
func TestStrictParsersAcceptEveryAnswer(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 20}))
	defer fake.Close()
	var selfGatherer prometheus.Gatherer
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken)+clumioTarget("b", fake.URL, "wrong-token"),
		func(s *server) {
			selfGatherer = withRuntimeMetrics(s.selfGatherer.(*prometheus.Registry))
			s.selfGatherer = selfGatherer
		})
	ts.get(t, "/metrics") // the first refresh of both targets

	self, err := selfGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	targets, err := ts.reloader.Exporter().Scrape(context.Background()).Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range self {
		names[mf.GetName()] = true
	}
	for name, want := range map[string]bool{
		"go_memstats_alloc_bytes":       true,  // the gauge of issue 829's pair stays
		"go_memstats_heap_inuse_bytes":  true,  // as do the other MemStats metrics
		"go_memstats_alloc_bytes_total": false, // its counter goes,
		"go_gc_heap_allocs_bytes_total": true,  // served under its runtime/metrics name
		"process_resident_memory_bytes": true,
		"backup_exporter_build_info":    true,
	} {
		if names[name] != want {
			t.Errorf("self metric %s served: %v, want %v", name, names[name], want)
		}
	}
	// What the dashboards may read of the self metrics beside the golden
	// files (Prometheus' own up aside) is served.
	for name := range promnames.NotInGoldenFiles {
		if name != "up" && !names[name] {
			t.Errorf("promnames.NotInGoldenFiles lists %s, which the exporter does not serve", name)
		}
	}
	if clashes := openmetrics.Clashes(slices.Concat(self, targets)); len(clashes) > 0 {
		t.Errorf("/metrics has families whose OpenMetrics names clash:\n%q", clashes)
	}

	// One run of the reference parsers reads every text answer; the
	// protobuf ones are decoded here.
	var docs []openmetrics.Doc
	seen := map[string]bool{} // path and Content-Type already fetched
	for name, accept := range scrapeAccepts {
		for _, path := range []string{"/metrics", "/probe?target=a"} {
			resp, body := fetchRaw(t, ts.URL+path, accept, "gzip")
			contentType := resp.Header.Get("Content-Type")
			if seen[path+" "+contentType] {
				continue
			}
			seen[path+" "+contentType] = true
			answer := path + " as " + contentType + " (Accept " + name + ")"
			format := expfmt.Format(contentType)
			switch format.FormatType() {
			case expfmt.TypeOpenMetrics:
				docs = append(docs, openmetrics.Doc{Syntax: openmetrics.OpenMetrics, Body: string(body), Name: answer})
			case expfmt.TypeTextPlain:
				docs = append(docs, openmetrics.Doc{Syntax: openmetrics.Text, Body: string(body), Name: answer})
			case expfmt.TypeProtoDelim:
				mfs := decodeAll(t, body, format)
				if clashes := openmetrics.Clashes(mfs); len(clashes) > 0 {
					t.Errorf("%s: names clash:\n%q", answer, clashes)
				}
				t.Logf("%s: %d families", answer, len(mfs))
			default:
				t.Errorf("%s: no strict parser here reads it", answer)
			}
		}
	}
	for i, r := range openmetrics.Parse(t, docs...) {
		t.Logf("%s: %d families, %d samples", docs[i].Name, r.Families, r.Samples)
	}
}

// decodeAll decodes every family of a protobuf answer, failing the test on
// a family seen twice.
func decodeAll(t *testing.T, body []byte, format expfmt.Format) []*dto.MetricFamily {
	t.Helper()
	dec := expfmt.NewDecoder(bytes.NewReader(body), format)
	var mfs []*dto.MetricFamily
	seen := map[string]bool{}
	for {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("decode: %v", err)
			}
			return mfs
		}
		if seen[mf.GetName()] {
			t.Errorf("family %s appears twice", mf.GetName())
		}
		seen[mf.GetName()] = true
		mfs = append(mfs, mf)
	}
}

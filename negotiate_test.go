package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// scrapeAccepts are Accept headers of the formats a scraper may ask for.
var scrapeAccepts = map[string]string{
	"none":                 "",
	"text 0.0.4":           "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
	"OpenMetrics 1.0.0":    "application/openmetrics-text;version=1.0.0",
	"OpenMetrics 0.0.1":    "application/openmetrics-text;version=0.0.1",
	"protobuf":             "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
	"Prometheus 3 default": "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
}

// fetchRaw GETs path with the given Accept and Accept-Encoding headers and
// returns the response with its body read and, when gzipped, inflated.
func fetchRaw(t *testing.T, url, accept, encoding string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("Accept-Encoding", encoding) // set, so the client leaves the body as sent
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestContentNegotiation asks /probe and /metrics for every format, plain
// and gzipped: each answers in the format and encoding promhttp would pick,
// /probe with exactly the bytes promhttp would write for the target's
// families, and /metrics with every family once.
func TestContentNegotiation(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 20}))
	defer fake.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken)+clumioTarget("b", fake.URL, clumiofake.DefaultToken), nil)
	ts.get(t, "/metrics") // fills both caches

	targetFamilies, err := ts.reloader.Exporter().Scrape(context.Background(), "a").Gather()
	if err != nil {
		t.Fatal(err)
	}
	reference := promhttp.HandlerFor(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return targetFamilies, nil }),
		promhttp.HandlerOpts{EnableOpenMetrics: true})
	referenceServer := httptest.NewServer(reference)
	defer referenceServer.Close()

	for name, accept := range scrapeAccepts {
		for _, encoding := range []string{"identity", "gzip"} {
			t.Run(name+"/"+encoding, func(t *testing.T) {
				want, wantBody := fetchRaw(t, referenceServer.URL, accept, encoding)
				got, body := fetchRaw(t, ts.URL+"/probe?target=a", accept, encoding)
				for _, h := range []string{"Content-Type", "Content-Encoding"} {
					if got.Header.Get(h) != want.Header.Get(h) {
						t.Errorf("/probe %s %q, want %q as promhttp answers", h, got.Header.Get(h), want.Header.Get(h))
					}
				}
				if !bytes.Equal(body, wantBody) {
					t.Errorf("/probe: %d bytes, not the %d promhttp writes for the same families", len(body), len(wantBody))
				}

				got, body = fetchRaw(t, ts.URL+"/metrics", accept, encoding)
				if got.Header.Get("Content-Type") != want.Header.Get("Content-Type") || got.Header.Get("Content-Encoding") != want.Header.Get("Content-Encoding") {
					t.Errorf("/metrics answers %q %q, want %q %q", got.Header.Get("Content-Type"), got.Header.Get("Content-Encoding"),
						want.Header.Get("Content-Type"), want.Header.Get("Content-Encoding"))
				}
				assertEachFamilyOnce(t, body, expfmt.Format(got.Header.Get("Content-Type")))
			})
		}
	}
}

// TestProbeOnlyMetricsNegotiatesAsPromhttp: with --web.probe-only, /metrics
// serves the self metrics alone through the same write path as every other
// scrape, and answers each Accept and Accept-Encoding as promhttp would.
func TestProbeOnlyMetricsNegotiatesAsPromhttp(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 5}))
	defer fake.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken), func(s *server) { s.probeOnly = true })
	reference := httptest.NewServer(promhttp.HandlerFor(ts.selfReg, promhttp.HandlerOpts{EnableOpenMetrics: true}))
	defer reference.Close()
	for name, accept := range scrapeAccepts {
		for _, encoding := range []string{"identity", "gzip"} {
			want, _ := fetchRaw(t, reference.URL, accept, encoding)
			got, body := fetchRaw(t, ts.URL+"/metrics", accept, encoding)
			for _, h := range []string{"Content-Type", "Content-Encoding"} {
				if got.Header.Get(h) != want.Header.Get(h) {
					t.Errorf("%s/%s: %s %q, want %q as promhttp answers", name, encoding, h, got.Header.Get(h), want.Header.Get(h))
				}
			}
			if !bytes.Contains(body, []byte("backup_exporter_config_last_reload_successful")) || bytes.Contains(body, []byte("backup_up")) {
				t.Errorf("%s/%s: the answer is not the self metrics alone:\n%.300s", name, encoding, body)
			}
		}
	}
}

// assertEachFamilyOnce decodes a /metrics answer (text or protobuf; an
// OpenMetrics answer is checked for its closing line) and checks that it has
// both targets and the self metrics, and every family once.
func assertEachFamilyOnce(t *testing.T, body []byte, format expfmt.Format) {
	t.Helper()
	if format.FormatType() == expfmt.TypeOpenMetrics {
		if !bytes.HasSuffix(body, []byte("# EOF\n")) || !bytes.Contains(body, []byte(`backup_up{target="b",vendor="clumio"} 1`)) {
			t.Errorf("OpenMetrics answer without both targets or its # EOF line:\n%.400s", body)
		}
		return
	}
	dec := expfmt.NewDecoder(bytes.NewReader(body), format)
	seen := map[string]bool{}
	for {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("decode: %v", err)
			}
			break
		}
		if seen[mf.GetName()] {
			t.Errorf("family %s appears twice", mf.GetName())
		}
		seen[mf.GetName()] = true
		if mf.GetName() == "backup_up" && len(mf.Metric) != 2 {
			t.Errorf("backup_up has %d series, want one per target", len(mf.Metric))
		}
	}
	if !seen["backup_up"] || !seen["backup_exporter_config_last_reload_successful"] {
		t.Errorf("the answer lacks the targets' or the self metrics: %v", seen)
	}
}

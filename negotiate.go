package main

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/common/expfmt"
)

// scrapeFormats are the exposition formats a scrape may be answered in, most
// preferred first: the same offers promhttp makes with EnableOpenMetrics, so
// /metrics and /probe answer every Accept header as promhttp would.
var scrapeFormats = expfmt.DefaultOpenMetricsAcceptedFormats()

// negotiateFormat picks the exposition format for a scrape's Accept header.
func negotiateFormat(h http.Header) expfmt.Format {
	return expfmt.NegotiateAccept(h, scrapeFormats...)
}

// gzipWriters are reused across scrapes: a gzip.Writer holds about a
// megabyte of compression state.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// getGzipWriter returns a pooled gzip writer onto w, at the default level,
// as promhttp compresses.
func getGzipWriter(w io.Writer) *gzip.Writer {
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(w)
	return zw
}

// putGzipWriter ends the stream and returns zw to the pool.
func putGzipWriter(zw *gzip.Writer) {
	_ = zw.Close()
	gzipWriters.Put(zw)
}

// acceptsGzip reports whether a scrape is answered gzipped, deciding as
// promhttp does between its two offers, identity then gzip: the offer that
// the Accept-Encoding header weighs highest wins, the first on a tie (so
// "*" alone means identity), and nothing acceptable means identity too.
func acceptsGzip(h http.Header) bool {
	best, bestQ := "identity", -1.0
	specs := acceptEncodings(h)
	for _, offer := range []string{"identity", "gzip"} {
		for _, s := range specs {
			if s.q > bestQ && (s.value == "*" || s.value == offer) {
				best, bestQ = offer, s.q
			}
		}
	}
	return best == "gzip" && bestQ > 0
}

// acceptSpec is one entry of an Accept-Encoding header.
type acceptSpec struct {
	value string
	q     float64
}

// acceptEncodings parses every Accept-Encoding header: comma-separated
// codings, each with an optional ";q=" weight (1 when absent). An entry
// whose weight does not parse is skipped.
func acceptEncodings(h http.Header) []acceptSpec {
	var out []acceptSpec
	for _, line := range h.Values("Accept-Encoding") {
		for _, entry := range strings.Split(line, ",") {
			value, params, _ := strings.Cut(entry, ";")
			value = strings.ToLower(strings.TrimSpace(value))
			if value == "" {
				continue
			}
			q := 1.0
			if params = strings.TrimSpace(params); params != "" {
				name, weight, ok := strings.Cut(params, "=")
				if !ok || strings.TrimSpace(name) != "q" {
					continue
				}
				var err error
				if q, err = strconv.ParseFloat(strings.TrimSpace(weight), 64); err != nil {
					continue
				}
			}
			out = append(out, acceptSpec{value, q})
		}
	}
	return out
}

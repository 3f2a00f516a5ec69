package collector

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Encoding is the form of a scrape's answer: the exposition format (with
// its version and escaping scheme) and whether the body is gzipped.
type Encoding struct {
	Format expfmt.Format
	Gzip   bool
}

// scrapeFormats are the formats a scrape may be answered in, most preferred
// first: the offers promhttp makes with EnableOpenMetrics.
var scrapeFormats = expfmt.DefaultOpenMetricsAcceptedFormats()

// NegotiateEncoding picks the encoding of the answer to a scrape's Accept
// and Accept-Encoding headers as promhttp picks it, so that /metrics and
// /probe answer every scraper as a promhttp handler would.
func NegotiateEncoding(h http.Header) Encoding {
	return Encoding{Format: expfmt.NegotiateAccept(h, scrapeFormats...), Gzip: acceptsGzip(h)}
}

// setHeaders describes the encoding in an answer's headers.
func (e Encoding) setHeaders(h http.Header) {
	h.Set("Content-Type", string(e.Format))
	if e.Gzip {
		h.Set("Content-Encoding", "gzip")
	}
}

// Serve answers a scrape with the exposition in enc, merged with extra
// (sorted families such as the exporter's self metrics; nil for none),
// every family once. One target without extra is answered with the bytes
// encoded once per refresh and encoding, and a Content-Length; otherwise
// the targets' series are written as bytes encoded once per refresh and
// format, only extra is encoded per call, and the whole is gzipped as it is
// written when enc says so. The error reports series left out; what could
// be written has been.
func (x *Exposition) Serve(w http.ResponseWriter, enc Encoding, extra []*dto.MetricFamily) error {
	enc.setHeaders(w.Header())
	if len(x.parts) == 1 && extra == nil {
		body, err := x.Encode(enc)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
		return err
	}
	if !enc.Gzip {
		return x.Write(w, enc.Format, extra)
	}
	return gzipTo(w, func(zw io.Writer) error { return x.Write(zw, enc.Format, extra) })
}

// gzipWriters are reused across scrapes and encodings: a gzip.Writer holds
// about a megabyte of compression state.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// gzipTo gzips what write writes onto w, at the default level as promhttp
// compresses, through a pooled writer. The error joins write's and the
// stream's end.
func gzipTo(w io.Writer, write func(io.Writer) error) error {
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(w)
	err := write(zw)
	return errors.Join(err, zw.Close())
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

package collector

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"sync"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// rendition is what a target serves while a given set of its parts is
// served: its sorted families and, built on the first scrape that asks for
// each, their encodings. It never changes once built, so a cached scrape of
// one target (/probe) is a copy of bytes, and a scrape of several merges
// ready-made families.
type rendition struct {
	// served is the set of the view's data parts it holds (view.servedAt).
	served uint64
	// drills are the restore drills' series it holds (nil: none).
	drills *drillFamilies
	// families are the series, sorted by name and labels.
	families []*dto.MetricFamily
	// err is what building the families reported (series left out).
	err error

	mu        sync.Mutex
	encodings map[encodingKey]*encoding
	segments  map[expfmt.Format]*segmentSet
}

// segmentSet is the families encoded in one format as segments, built once.
type segmentSet struct {
	once     sync.Once
	segments []segment
	err      error
}

// segmentsIn returns the families encoded in format as segments, for
// /metrics to merge with other targets' and the self metrics. The first
// call for a format encodes them; every later one returns the same.
func (r *rendition) segmentsIn(format expfmt.Format) ([]segment, error) {
	r.mu.Lock()
	if r.segments == nil {
		r.segments = map[expfmt.Format]*segmentSet{}
	}
	set, ok := r.segments[format]
	if !ok {
		set = &segmentSet{}
		r.segments[format] = set
	}
	r.mu.Unlock()
	set.once.Do(func() { set.segments, set.err = encodeSegments(r.families, format) })
	return set.segments, set.err
}

// encodingKey names one encoding: the negotiated format (which includes its
// version and escaping scheme) and whether it is gzipped.
type encodingKey struct {
	format expfmt.Format
	gzip   bool
}

// encoding is the body of one encoding, built once.
type encoding struct {
	once sync.Once
	body []byte
	err  error
}

// encoded returns the families encoded in format, gzipped or not. The first
// call for a key encodes them; every later one returns the same bytes.
// There are few keys: expfmt's negotiation yields a handful of formats.
func (r *rendition) encoded(format expfmt.Format, gz bool) ([]byte, error) {
	k := encodingKey{format, gz}
	r.mu.Lock()
	if r.encodings == nil {
		r.encodings = map[encodingKey]*encoding{}
	}
	e, ok := r.encodings[k]
	if !ok {
		e = &encoding{}
		r.encodings[k] = e
	}
	r.mu.Unlock()
	e.once.Do(func() { e.body, e.err = encodeFamilies(r.families, format, gz) })
	return e.body, e.err
}

// encodeFamilies encodes families in format, gzipped or not, as promhttp
// would: the same encoder, OpenMetrics' closing line included, and a family
// that fails to encode left out and reported while the others are kept.
func encodeFamilies(mfs []*dto.MetricFamily, format expfmt.Format, gz bool) ([]byte, error) {
	var buf bytes.Buffer
	var w io.Writer = &buf
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		w = zw
	}
	enc := expfmt.NewEncoder(w, format)
	var errs []error
	for _, mf := range mfs {
		errs = append(errs, enc.Encode(mf))
	}
	if c, ok := enc.(expfmt.Closer); ok {
		errs = append(errs, c.Close())
	}
	if zw != nil {
		errs = append(errs, zw.Close())
	}
	return buf.Bytes(), errors.Join(errs...)
}

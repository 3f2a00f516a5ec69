package collector

import (
	"bytes"
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
	encodings map[Encoding]*encoding
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

// encoding is the body of one encoding, built once.
type encoding struct {
	once sync.Once
	body []byte
	err  error
}

// encoded returns the families in enc. The first call for an encoding
// encodes them; every later one returns the same bytes. There are few
// encodings: expfmt's negotiation yields a handful of formats.
func (r *rendition) encoded(enc Encoding) ([]byte, error) {
	r.mu.Lock()
	if r.encodings == nil {
		r.encodings = map[Encoding]*encoding{}
	}
	e, ok := r.encodings[enc]
	if !ok {
		e = &encoding{}
		r.encodings[enc] = e
	}
	r.mu.Unlock()
	e.once.Do(func() { e.body, e.err = encodeFamilies(r.families, enc) })
	return e.body, e.err
}

// encodeFamilies encodes families in enc as promhttp would: the same
// encoder, OpenMetrics' closing line included, the same compression, and a
// family that fails to encode left out and reported while the others are
// kept.
func encodeFamilies(mfs []*dto.MetricFamily, enc Encoding) ([]byte, error) {
	var buf bytes.Buffer
	write := func(w io.Writer) error {
		e := expfmt.NewEncoder(w, enc.Format)
		var errs []error
		for _, mf := range mfs {
			errs = append(errs, e.Encode(mf))
		}
		if c, ok := e.(expfmt.Closer); ok {
			errs = append(errs, c.Close())
		}
		return errors.Join(errs...)
	}
	if !enc.Gzip {
		err := write(&buf)
		return buf.Bytes(), err
	}
	err := gzipTo(&buf, write)
	return buf.Bytes(), err
}

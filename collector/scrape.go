package collector

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Exposition is what one scrape of some targets serves: each target's
// rendition, built at its refresh and shared with every other scrape of it.
// It needs no registry: Gather merges the targets' ready-made families, and
// Encode of a single target returns bytes encoded once per refresh.
type Exposition struct {
	parts []*rendition
}

// Scrape serves one scrape of the named targets (every target when names is
// empty), in parallel so that a slow target delays no other. Each target is
// served from cache while its snapshot is younger than cache_ttl, else after
// its refresh or, when ctx ends first (the scrape's deadline), from its last
// snapshot while the refresh goes on in the background. Unknown names are
// skipped; check them with HasTarget.
func (e *Exporter) Scrape(ctx context.Context, names ...string) *Exposition {
	if ctx == nil {
		ctx = context.Background()
	}
	targets := e.lookup(names)
	slices.SortFunc(targets, func(a, b *Target) int { return strings.Compare(a.cfg.Name, b.cfg.Name) })
	x := &Exposition{parts: make([]*rendition, len(targets))}
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x.parts[i] = t.serve(ctx)
		}()
	}
	wg.Wait()
	return x
}

// Gather returns the targets' families merged, each family once, sorted as
// a registry sorts them. They are shared with other scrapes: read them,
// never change them. The error reports series left out.
func (x *Exposition) Gather() ([]*dto.MetricFamily, error) {
	lists := make([][]*dto.MetricFamily, len(x.parts))
	errs := make([]error, 0, len(x.parts)+1)
	for i, r := range x.parts {
		lists[i] = r.families
		errs = append(errs, r.err)
	}
	mfs, err := mergeFamilies(lists...)
	return mfs, errors.Join(append(errs, err)...)
}

// Encode returns the exposition in enc (as NegotiateEncoding picks it). For
// one target the bytes are encoded once per refresh and shared by every
// scrape that asks for the same encoding: read them, never change them.
func (x *Exposition) Encode(enc Encoding) ([]byte, error) {
	if len(x.parts) == 1 {
		r := x.parts[0]
		body, err := r.encoded(enc)
		return body, errors.Join(r.err, err)
	}
	mfs, err := x.Gather()
	body, encErr := encodeFamilies(mfs, enc)
	return body, errors.Join(err, encErr)
}

// Write writes the exposition in format (as negotiated by expfmt) to w,
// merged with extra, sorted families such as the exporter's self metrics,
// every family once. The targets' series are written as bytes encoded once
// per refresh and format; only extra is encoded per call. Within a family
// found in several sources, the series come source by source, extra first
// then the targets by name, which the exposition formats allow.
func (x *Exposition) Write(w io.Writer, format expfmt.Format, extra []*dto.MetricFamily) error {
	sources := make([][]segment, 0, len(x.parts)+1)
	extraSegments, err := encodeSegments(extra, format)
	errs := []error{err}
	sources = append(sources, extraSegments)
	for _, r := range x.parts {
		segs, err := r.segmentsIn(format)
		errs = append(errs, r.err, err)
		sources = append(sources, segs)
	}
	errs = append(errs, writeSegments(w, format, sources...))
	return errors.Join(errs...)
}

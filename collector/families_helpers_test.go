package collector

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"
)

// referenceEncoding encodes mfs in format as promhttp encodes a registry's
// families: one Encode per family, then Close.
func referenceEncoding(mfs []*dto.MetricFamily, f expfmt.Format) ([]byte, error) {
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, f)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return nil, err
		}
	}
	if c, ok := enc.(expfmt.Closer); ok {
		if err := c.Close(); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// encodingDiff describes how body (gzipped when gz) differs from want
// encoded in format, or returns "".
func encodingDiff(body []byte, f expfmt.Format, gz bool, want []*dto.MetricFamily) string {
	if gz {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return "not gzip: " + err.Error()
		}
		if body, err = io.ReadAll(zr); err != nil {
			return "bad gzip: " + err.Error()
		}
	}
	ref, err := referenceEncoding(want, f)
	if err != nil {
		return "reference encoding: " + err.Error()
	}
	if !bytes.Equal(body, ref) {
		return fmt.Sprintf("%d bytes differ from the %d of the registry's families encoded", len(body), len(ref))
	}
	return ""
}

// familiesDiff describes the first difference between two family lists, or
// returns "" when they are equal, in order.
func familiesDiff(got, want []*dto.MetricFamily) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d families, want %d", len(got), len(want))
	}
	for i := range got {
		if !proto.Equal(got[i], want[i]) {
			return fmt.Sprintf("family %d: got %v\nwant %v", i, got[i], want[i])
		}
	}
	return ""
}

// decodeAll decodes a text or protobuf exposition.
func decodeAll(body []byte, f expfmt.Format) ([]*dto.MetricFamily, error) {
	dec := expfmt.NewDecoder(bytes.NewReader(body), f)
	var out []*dto.MetricFamily
	for {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		out = append(out, mf)
	}
}

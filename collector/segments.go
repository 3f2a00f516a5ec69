package collector

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"
)

// segment is one family encoded in one format, split into its header (HELP,
// TYPE, … lines; for protobuf the message without its series) and its
// series. The series of one family from several targets follow one header,
// so /metrics merges families as bytes, with no encoding of the targets'
// series per scrape.
type segment struct {
	name    string
	header  []byte
	samples []byte
}

// encodeSegments encodes each family in format, as the expfmt encoder
// would, split into segments. A family that fails to encode is left out and
// reported.
func encodeSegments(mfs []*dto.MetricFamily, format expfmt.Format) ([]segment, error) {
	out := make([]segment, 0, len(mfs))
	var errs []error
	proto := format.FormatType() == expfmt.TypeProtoDelim
	scheme := format.ToEscapingScheme()
	for _, mf := range mfs {
		var s segment
		var err error
		if proto {
			s, err = protoSegment(model.EscapeMetricFamily(mf, scheme))
		} else {
			s, err = textSegment(mf, format)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("encode %s: %w", mf.GetName(), err))
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

// textSegment encodes one family in a text format (the text exposition or
// OpenMetrics, without its closing line) and splits off the comment lines
// that lead it.
func textSegment(mf *dto.MetricFamily, format expfmt.Format) (segment, error) {
	var buf bytes.Buffer
	if err := expfmt.NewEncoder(&buf, format).Encode(mf); err != nil {
		return segment{}, err
	}
	b := buf.Bytes()
	cut := 0
	for cut < len(b) && b[cut] == '#' {
		nl := bytes.IndexByte(b[cut:], '\n')
		if nl < 0 {
			break
		}
		cut += nl + 1
	}
	return segment{name: mf.GetName(), header: b[:cut:cut], samples: b[cut:]}, nil
}

// protoSegment marshals one family's name, help, type and unit apart from
// its series: a protobuf message's fields may come in any order and its
// repeated fields concatenate, so the header followed by the series of
// several targets is one valid MetricFamily message.
func protoSegment(mf *dto.MetricFamily) (segment, error) {
	header, err := proto.Marshal(&dto.MetricFamily{Name: mf.Name, Help: mf.Help, Type: mf.Type, Unit: mf.Unit})
	if err != nil {
		return segment{}, err
	}
	samples, err := proto.Marshal(&dto.MetricFamily{Metric: mf.Metric})
	if err != nil {
		return segment{}, err
	}
	return segment{name: mf.GetName(), header: header, samples: samples}, nil
}

// writeSegments writes sources of sorted segments as one exposition in
// format: families in name order, each once, its header from the first
// source that has it and its series from all of them in turn. A source
// whose header for a family differs from the first's (another help or type)
// has its series left out and reported.
func writeSegments(w io.Writer, format expfmt.Format, sources ...[]segment) error {
	isProto := format.FormatType() == expfmt.TypeProtoDelim
	next := make([]int, len(sources))
	var errs []error
	var lenBuf [binary.MaxVarintLen64]byte
	same := make([]*segment, 0, len(sources))
	for {
		name, found := "", false
		for i, src := range sources {
			if next[i] < len(src) && (!found || src[next[i]].name < name) {
				name, found = src[next[i]].name, true
			}
		}
		if !found {
			break
		}
		same = same[:0]
		for i, src := range sources {
			if next[i] < len(src) && src[next[i]].name == name {
				s := &src[next[i]]
				next[i]++
				if len(same) > 0 && !bytes.Equal(s.header, same[0].header) {
					errs = append(errs, fmt.Errorf("metric %s is described differently by two targets: the second's series are left out", name))
					continue
				}
				same = append(same, s)
			}
		}
		if isProto {
			size := len(same[0].header)
			for _, s := range same {
				size += len(s.samples)
			}
			if _, err := w.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(size))]); err != nil {
				return err
			}
		}
		if _, err := w.Write(same[0].header); err != nil {
			return err
		}
		for _, s := range same {
			if _, err := w.Write(s.samples); err != nil {
				return err
			}
		}
	}
	if format.FormatType() == expfmt.TypeOpenMetrics {
		if _, err := io.WriteString(w, "# EOF\n"); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

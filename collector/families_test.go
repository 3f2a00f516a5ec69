package collector

import (
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/proto"
)

// gaugeFamily is a gauge family whose series have one label, "l", with the
// given values (in the given order).
func gaugeFamily(name string, values ...string) *dto.MetricFamily {
	mf := &dto.MetricFamily{Name: proto.String(name), Help: proto.String("h"), Type: dto.MetricType_GAUGE.Enum()}
	for _, v := range values {
		mf.Metric = append(mf.Metric, &dto.Metric{Label: []*dto.LabelPair{{Name: proto.String("l"), Value: proto.String(v)}}, Gauge: &dto.Gauge{Value: proto.Float64(1)}})
	}
	return mf
}

// describe renders families as "name{l,…} …" for comparison.
func describe(mfs []*dto.MetricFamily) string {
	var b strings.Builder
	for _, mf := range mfs {
		b.WriteString(mf.GetName() + "{")
		for i, m := range mf.Metric {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(m.Label[0].GetValue())
		}
		b.WriteString("} ")
	}
	return strings.TrimSpace(b.String())
}

func TestMergeFamilies(t *testing.T) {
	counter := gaugeFamily("b", "z")
	counter.Type = dto.MetricType_COUNTER.Enum()
	for _, tc := range []struct {
		name    string
		lists   [][]*dto.MetricFamily
		want    string
		wantErr string
	}{
		{"nothing", nil, "", ""},
		{"one list is served as it is", [][]*dto.MetricFamily{{gaugeFamily("a", "1"), gaugeFamily("b", "1")}}, "a{1} b{1}", ""},
		{"distinct families are sorted by name",
			[][]*dto.MetricFamily{{gaugeFamily("b", "1"), gaugeFamily("d", "1")}, {gaugeFamily("a", "1"), gaugeFamily("c", "1")}},
			"a{1} b{1} c{1} d{1}", ""},
		{"a family in several lists appears once, its series merged in order",
			[][]*dto.MetricFamily{{gaugeFamily("a", "1", "3")}, {gaugeFamily("a", "2", "4")}, {gaugeFamily("a", "0")}},
			"a{0,1,2,3,4}", ""},
		{"a series twice keeps the first",
			[][]*dto.MetricFamily{{gaugeFamily("a", "1", "2")}, {gaugeFamily("a", "2", "3")}},
			"a{1,2,3}", "1 series collected twice"},
		{"a family of two types keeps the first list's",
			[][]*dto.MetricFamily{{gaugeFamily("b", "1")}, {counter}},
			"b{1}", "has type GAUGE and COUNTER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mergeFamilies(tc.lists...)
			if describe(got) != tc.want {
				t.Errorf("merged %q, want %q", describe(got), tc.want)
			}
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want one with %q", err, tc.wantErr)
			}
		})
	}
}

package openmetrics

import (
	"slices"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/proto"
)

func family(name string, typ dto.MetricType) *dto.MetricFamily {
	return &dto.MetricFamily{Name: proto.String(name), Type: typ.Enum()}
}

func TestClashes(t *testing.T) {
	for _, tc := range []struct {
		name string
		mfs  []*dto.MetricFamily
		want []string
	}{
		{"distinct", []*dto.MetricFamily{
			family("go_goroutines", dto.MetricType_GAUGE),
			family("backup_jobs_total", dto.MetricType_COUNTER),
			family("go_gc_duration_seconds", dto.MetricType_SUMMARY),
			family("backup_jobs_recent", dto.MetricType_GAUGE),
		}, nil},
		{"client_golang issue 829: gauge x and counter x_total", []*dto.MetricFamily{
			family("go_memstats_alloc_bytes", dto.MetricType_GAUGE),
			family("go_memstats_alloc_bytes_total", dto.MetricType_COUNTER),
		}, []string{"go_memstats_alloc_bytes is claimed by go_memstats_alloc_bytes (gauge go_memstats_alloc_bytes) and go_memstats_alloc_bytes_total (counter go_memstats_alloc_bytes)"}},
		{"a gauge named like a summary's count", []*dto.MetricFamily{
			family("req_duration_seconds", dto.MetricType_SUMMARY),
			family("req_duration_seconds_count", dto.MetricType_GAUGE),
		}, []string{"req_duration_seconds_count is claimed by req_duration_seconds (summary req_duration_seconds) and req_duration_seconds_count (gauge req_duration_seconds_count)"}},
		{"a gauge named like a counter's created", []*dto.MetricFamily{
			family("x_total", dto.MetricType_COUNTER),
			family("x_created", dto.MetricType_GAUGE),
		}, []string{"x_created is claimed by x_created (gauge x_created) and x_total (counter x)"}},
		{"a histogram's bucket", []*dto.MetricFamily{
			family("lat", dto.MetricType_HISTOGRAM),
			family("lat_bucket", dto.MetricType_UNTYPED),
		}, []string{"lat_bucket is claimed by lat (histogram lat) and lat_bucket (unknown lat_bucket)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Clashes(tc.mfs); !slices.Equal(got, tc.want) {
				t.Errorf("Clashes:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

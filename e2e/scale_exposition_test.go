//go:build scale

package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestScaleExpositionFloor compares cached scrapes of a 50,000-asset Clumio
// target (vendorsim --scale 50000) with the exposition floor, side by side
// in one run: the same series parsed once into dto.MetricFamily values and
// served by a bare promhttp.HandlerFor over a GathererFunc, in this test's
// process. Rounds alternate the floor, /probe and /metrics, identity and
// gzip (the body read whole, never inflated); it prints each median and its
// ratio to the floor's.
func TestScaleExpositionFloor(t *testing.T) {
	s := startClumioScale(t, scaleAssets(t, 50000))
	probe := "http://" + s.exporterAddr + "/probe?target=clumio"
	body, cold := fetch(t, probe, nil)
	t.Logf("cold refresh and first scrape: %s, %d series, %d bytes", cold.Round(time.Millisecond), countSeries(body), len(body))

	// The floor runs in a process of its own, as the exporter does: on a
	// loaded machine a server in the client's process would be favoured.
	exposition := filepath.Join(t.TempDir(), "exposition.prom")
	writeFile(t, exposition, string(body))
	floorAddr := freeAddr(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	start(t, []string{"SCALE_FLOOR_FILE=" + exposition, "SCALE_FLOOR_ADDR=" + floorAddr}, self, "-test.run=^TestScaleFloorServer$")
	waitHTTP(t, "http://"+floorAddr+"/-/ready", 2*time.Minute)
	floor := struct{ URL string }{"http://" + floorAddr + "/metrics"}

	endpoints := []struct{ name, url string }{
		{"floor", floor.URL},
		{"/probe", probe},
		{"/metrics", "http://" + s.exporterAddr + "/metrics"},
	}
	encodings := []string{"identity", "gzip"}
	rounds := scaleRounds(t, 11)
	took := map[string][]time.Duration{}
	// One warm-up round: the first /probe of each encoding encodes it.
	for round := -1; round < rounds; round++ {
		for _, enc := range encodings {
			for i := range endpoints {
				// Rotate the order every round, so that no endpoint
				// always runs after the same one.
				ep := endpoints[(i+round+len(endpoints))%len(endpoints)]
				_, d := fetch(t, ep.url, map[string]string{"Accept-Encoding": enc})
				if round >= 0 {
					took[ep.name+" "+enc] = append(took[ep.name+" "+enc], d)
				}
			}
		}
	}
	t.Logf("%d rounds, medians:", rounds)
	t.Logf("%-10s %-9s %10s %8s", "endpoint", "encoding", "median", "ratio")
	for _, enc := range encodings {
		floorMedian := median(took["floor "+enc])
		for _, ep := range endpoints {
			m := median(took[ep.name+" "+enc])
			t.Logf("%-10s %-9s %10s %7.2fx", ep.name, enc, m.Round(100*time.Microsecond), float64(m)/float64(floorMedian))
		}
	}
}

// TestScaleFloorServer is the floor's process, started by
// TestScaleExpositionFloor: it parses SCALE_FLOOR_FILE once into metric
// families and serves them with a bare promhttp.HandlerFor over a
// GathererFunc on SCALE_FLOOR_ADDR until it is stopped. Without the
// variables it does nothing.
func TestScaleFloorServer(t *testing.T) {
	file, addr := os.Getenv("SCALE_FLOOR_FILE"), os.Getenv("SCALE_FLOOR_ADDR")
	if file == "" || addr == "" {
		t.Skip("runs only as TestScaleExpositionFloor's floor process")
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	byName, err := parser.TextToMetricFamilies(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	mfs := make([]*dto.MetricFamily, 0, len(byName))
	for _, mf := range byName {
		mfs = append(mfs, mf)
	}
	slices.SortFunc(mfs, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return mfs, nil }),
		promhttp.HandlerOpts{EnableOpenMetrics: true}))
	mux.HandleFunc("/-/ready", func(http.ResponseWriter, *http.Request) {})
	t.Fatal(http.ListenAndServe(addr, mux))
}

package promnames

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// ExposedNames reads every *.prom file in dir (Prometheus text format) and
// returns the names of the series they hold. A histogram family x yields
// x_bucket, x_sum and x_count, a summary x_sum, x_count and x, since those
// are the names a query can select.
func ExposedNames(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.prom"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.prom golden files in %s", dir)
	}
	names := map[string]bool{}
	for _, f := range files {
		if err := addFile(names, f); err != nil {
			return nil, err
		}
	}
	return names, nil
}

func addFile(names map[string]bool, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for name, mf := range families {
		// The type's name, not the client_model constant, keeps client_model
		// an indirect dependency.
		switch mf.GetType().String() {
		case "HISTOGRAM", "GAUGE_HISTOGRAM":
			names[name+"_bucket"] = true
			names[name+"_sum"] = true
			names[name+"_count"] = true
		case "SUMMARY":
			names[name] = true
			names[name+"_sum"] = true
			names[name+"_count"] = true
		default:
			names[name] = true
		}
	}
	return nil
}

// Unknown returns, sorted, the names in used that are in none of known.
func Unknown(used []string, known ...map[string]bool) []string {
	var out []string
	for _, n := range used {
		found := false
		for _, k := range known {
			if k[n] {
				found = true
				break
			}
		}
		if !found {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// NotInGoldenFiles are the series a query may read that no collector golden
// file holds: Prometheus's own `up`, and the metrics that main.go registers
// itself (the process and Go runtime metrics the internals dashboard reads,
// the build info and the config reload gauges). The root package's
// TestStrictParsersAcceptEveryAnswer checks that the exporter serves them.
var NotInGoldenFiles = setOf(
	"up",
	"process_resident_memory_bytes",
	"go_memstats_heap_inuse_bytes",
	"go_gc_heap_allocs_bytes_total",
	"backup_exporter_build_info",
	"backup_exporter_config_last_reload_successful",
	"backup_exporter_config_last_reload_success_timestamp_seconds",
)

// Check fails when an expression in exprs reads a metric that is in neither
// the golden files of goldenDir, NotInGoldenFiles nor also (say, the names
// that recording rules produce). The error lists each such expression with
// its unknown names.
func Check(exprs []string, goldenDir string, also map[string]bool) error {
	exposed, err := ExposedNames(goldenDir)
	if err != nil {
		return err
	}
	var problems []string
	for _, expr := range exprs {
		used, err := MetricNames(expr)
		if err != nil {
			return err
		}
		if unknown := Unknown(used, exposed, NotInGoldenFiles, also); len(unknown) > 0 {
			problems = append(problems, fmt.Sprintf("%v not exposed, read by: %s", unknown, expr))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d expressions read metrics the exporter does not expose:\n%s",
			len(problems), strings.Join(problems, "\n"))
	}
	return nil
}

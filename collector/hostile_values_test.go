package collector

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// hostileValue is one vendor field sent with a hostile value. readAs, when
// set, says why the value has a right reading that the exporter serves;
// otherwise the value must be reported.
type hostileValue struct {
	vendor, key, raw string
	readAs           string
}

// hostileValues are numbers as strings, negatives, NaN and infinities,
// sizes beyond 2^53, timestamps in the years 1 and 9999 and zones that do
// not exist, in the fields each vendor sends them in.
var hostileValues = []hostileValue{
	// An EBS volume's `size` is its capacity and is not read; the size the
	// exporter serves is a protection group's backed-up bytes.
	{"clumio", "total_backed_up_size_bytes", `"123"`, ""},
	{"clumio", "total_backed_up_size_bytes", `-5`, ""},
	{"clumio", "total_backed_up_size_bytes", `NaN`, ""},
	{"clumio", "total_backed_up_size_bytes", `1e400`, ""},
	{"clumio", "total_backed_up_size_bytes", `9007199254740993`, "a size, to float64 precision"},
	{"clumio", "last_backup_timestamp", `"9999-12-31T23:59:59Z"`, ""},
	{"clumio", "last_backup_timestamp", `"0001-01-01T00:00:00Z"`, "never: the zero time"},
	{"clumio", "end_timestamp", `"9999-12-31T23:59:59Z"`, ""},
	{"clumio", "updated_time", `1e300`, ""},
	{"clumio", "value", `-24`, ""},
	{"clumio", "failed_object_count", `-3`, ""},
	{"clumio", "backed_up_object_count", `-5000`, ""},
	{"clumio", "malicious_object_count", `0.5`, ""},
	{"clumio", "earliest_available_backup_timestamp", `"9999-12-31T23:59:59Z"`, ""},
	{"clumio", "unit", `"fortnights"`, ""},
	{"cleverfox", "BackupFileSize", `-5`, ""},
	{"cleverfox", "BackupFileSize", `"5"`, ""},
	{"cleverfox", "BackupFileSize", `18446744073709551616`, ""},
	{"cleverfox", "TimeZoneId", `"Nowhere/Never"`, ""},
	{"cleverfox", "TimeZoneId", `"Europe/../../etc/passwd"`, ""},
	{"cleverfox", "JobCompletedOn", `"9999-12-31T23:59:59"`, ""},
	{"cleverfox", "JobCompletedOn", `"2026-03-08T02:30:00"`, "a wall time New York skips (DST): time.Date reads it in one of the two offsets, an hour apart at most"},
	{"cleverfox", "NextRunOn", `"2026-11-01T01:30:00"`, "a wall time New York has twice (DST): one of the two, an hour apart"},
	{"cleverfox", "AddedOn", `"0001-01-01T00:00:00"`, ""},
	{"cleverfox", "LastApiCheckAt", `"9999-12-31T23:59:59"`, ""},
	{"cleverfox", "StorageLimit", `-1`, ""},
	{"cleverfox", "Every", `-7`, ""},
	{"cloutility", "megaBytes", `-1`, ""},
	{"cloutility", "megaBytes", `"1024"`, ""},
	{"cloutility", "transferredMegaBytes", `1e308`, ""},
	{"cloutility", "transferredBackupMegaBytes", `-3`, ""},
	{"cloutility", "completed", `"9999-12-31T00:00:00"`, ""},
	{"cloutility", "lastAccessTime", `"9999-12-31T00:00:00"`, ""},
	{"cloutility", "duration", `"-1.00:00:00"`, "no TimeSpan: the duration is completed minus actualStart"},
	{"cloutility", "storageLimit", `-5`, "no limit, as 0"},
	{"cloutility", "failedFiles", `-4`, ""},
	{"cloutility", "examinedFiles", `1`, ""},
	{"cloutility", "backupRetention", `"NOLIMIT"`, ""},
	{"cloutility", "nodeLimit", `-2`, "no limit, as 0"},
	{"cloverdx", "duration", `-5`, ""},
	{"cloverdx", "duration", `"NaN"`, ""},
	{"cloverdx", "endTime", `253402300799999`, ""},
	{"cloverdx", "startTime", `"0001-01-01T00:00:00Z"`, "not started: the zero time"},
	{"cloverdx", "failingItemsCount", `-3`, ""},
	{"cloverdx", "failingItemsCount", `2000000000`, ""},
}

// TestHostileValues sends each hostile value in place of every occurrence
// of its field: the exporter keeps serving a valid exposition with no
// impossible value in it (checkExposition), and a value without a right
// reading is reported, as a counted data issue, a failed item read or a failed part, never
// dropped silently.
func TestHostileValues(t *testing.T) {
	for _, hv := range hostileValues {
		t.Run(hv.vendor+"/"+hv.key+"="+hv.raw, func(t *testing.T) {
			target := goldenVendorTarget(t, hv.vendor, func(h http.Handler) http.Handler { return rewriteJSON(h, hv.key, hv.raw) })
			e, self := newTestExporter(t, newClock(), target)
			data := prometheus.NewPedanticRegistry()
			data.MustRegister(e.ScrapeCollector(context.Background()))
			mfs := checkExposition(t, data, t0)
			selfMFs, err := self.Gather()
			if err != nil {
				t.Fatal(err)
			}
			reported := sampleValue(mfs, "backup_up", nil) != 1 || failedPart(mfs) || issuesCounted(selfMFs) > 0
			if !reported && hv.readAs == "" {
				t.Errorf("%s=%s was neither served nor reported", hv.key, hv.raw)
			}
		})
	}
}

// failedPart reports whether some part of the refresh failed.
func failedPart(mfs []*dto.MetricFamily) bool {
	for _, mf := range mfs {
		if mf.GetName() == "backup_collector_success" {
			for _, m := range mf.Metric {
				if m.GetGauge().GetValue() == 0 {
					return true
				}
			}
		}
	}
	return false
}

// issuesCounted sums backup_exporter_data_issues_total.
func issuesCounted(mfs []*dto.MetricFamily) float64 {
	var n float64
	for _, mf := range mfs {
		// A fan-out item whose read fails is counted as such, and
		// served stale on its own rather than failing its part.
		if mf.GetName() == "backup_exporter_data_issues_total" || mf.GetName() == "backup_exporter_item_read_errors_total" {
			for _, m := range mf.Metric {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

// goldenVendorTarget serves the vendor's golden fake through wrap and
// returns a target of it.
func goldenVendorTarget(t *testing.T, vendor string, wrap func(http.Handler) http.Handler) config.Target {
	t.Helper()
	switch vendor {
	case "clumio":
		srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: clumioGoldenScale, Now: t0})
		return startClumio(t, wrap(srv), "clumio", func(t *config.Target) { t.PageSize = 5 })
	case "cleverfox":
		srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, cleverfoxGoldenData())
		return startCleverFox(t, wrap(srv), func(t *config.Target) { t.PageSize = cleverfoxGoldenJobs })
	case "cloutility":
		srv := cloutilityfake.New(cloutilityfake.Options{Data: cloutilityfake.Cases(t0), Now: t0, Clock: func() time.Time { return t0 }})
		return startCloutility(t, wrap(srv), "safespring")
	default:
		return startCloverDX(t, wrap(newCloverDXGolden(0)), func(t *config.Target) { t.PageSize = cloverdxGoldenPageSize })
	}
}

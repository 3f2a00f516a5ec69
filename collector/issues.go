package collector

import (
	"log/slog"
	"sort"

	"github.com/backup-exporter/backup_exporter/backup"
)

// issueKind is one kind of item the engine skips. Its reason is the `reason`
// label of backup_exporter_data_issues_total (a fixed set, so the label stays
// bounded); its text is the log's.
type issueKind struct{ reason, text string }

// The kinds of issue the engine itself finds.
var (
	issueAssetWithoutID     = issueKind{"asset_without_id", "asset without id"}
	issueDuplicateAsset     = issueKind{"duplicate_asset_id", "duplicate asset id (first kept)"}
	issueJobWithoutID       = issueKind{"job_without_id", "job without id"}
	issueJobNotFinished     = issueKind{"job_not_finished", "job with a status that is not a finished one"}
	issueDuplicateStorage   = issueKind{"duplicate_storage_scope", "duplicate storage scope (first kept)"}
	issueDuplicateMonitor   = issueKind{"duplicate_monitor_id", "duplicate monitor id (first kept)"}
	issueMonitorState       = issueKind{"unknown_monitor_state", "monitor with an unknown state"}
	issueSampleWithoutSpec  = issueKind{"sample_without_spec", "vendor sample without spec"}
	issueInvalidMetric      = issueKind{"invalid_vendor_metric", "invalid vendor metric"}
	issueSampleLabelCount   = issueKind{"sample_label_count", "vendor sample with the wrong number of label values"}
	issueDuplicateSample    = issueKind{"duplicate_sample", "duplicate vendor sample (first kept)"}
	issueNoPartAttempted    = issueKind{"no_part_attempted", "snapshot with no part attempted (the client never called SetPart)"}
	issueUnknownPart        = issueKind{"unknown_part", "unknown part"}
	issueSeriesLeftOut      = issueKind{"series_left_out", "series left out"}
	issueTimeOutOfRange     = issueKind{"time_out_of_range", "timestamp before 1970 or more than a day ahead of the refresh (value dropped)"}
	issueInvalidNumber      = issueKind{"invalid_number", "size, duration or count that is NaN, infinite or negative (value dropped)"}
	issueObjectsAbsurd      = issueKind{"objects_absurd", "backup object counts where a part exceeds the whole, such as more failed objects than objects (counts dropped)"}
	issueInvalidSampleValue = issueKind{"invalid_sample_value", "vendor sample that is NaN, infinite, or negative where it cannot be (sample dropped)"}
)

// issues collects the items of one refresh that the engine had to skip (a
// duplicate asset id, a sample that does not fit its spec, a value that
// cannot be right), by reason, so that each is counted and each kind logged
// once rather than once per item or per refresh.
type issues map[string]*issue

type issue struct {
	text    string
	count   int
	example string
}

// add records one skipped item of the given kind.
func (is issues) add(k issueKind, example string) {
	is.addReason(k.reason, k.text, example)
}

// addVendor records the issues a vendor client reported.
func (is issues) addVendor(in []backup.Issue) {
	for _, v := range in {
		is.addReason(v.Reason, v.Text, v.Example)
	}
}

func (is issues) addReason(reason, text, example string) {
	if it, ok := is[reason]; ok {
		it.count++
		return
	}
	is[reason] = &issue{text: text, count: 1, example: example}
}

// issueLog remembers which kinds of issue have been logged for a target: a
// kind is logged when it appears and again only after a refresh without it.
type issueLog map[string]bool

// report logs the kinds new in is and forgets the kinds that went away.
func (l issueLog) report(logger *slog.Logger, is issues) {
	reasons := make([]string, 0, len(is))
	for r := range is {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		if l[r] {
			continue
		}
		l[r] = true
		logger.Warn("skipped invalid items from the vendor", "reason", r, "issue", is[r].text, "count", is[r].count, "example", truncateExample(is[r].example))
	}
	for r := range l {
		if _, ok := is[r]; !ok {
			delete(l, r)
		}
	}
}

// maxExample bounds the example value in a log line: a vendor's name may be
// 64 KiB long.
const maxExample = 200

func truncateExample(s string) string {
	if len(s) <= maxExample {
		return s
	}
	return s[:maxExample] + "…"
}

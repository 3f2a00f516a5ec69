package backup

// MetricType is the Prometheus type of a vendor-only metric.
type MetricType int

// The metric types a vendor-only metric can have.
const (
	Gauge MetricType = iota
	Counter
)

// MetricSpec declares one vendor-only metric. The collector names it
// backup_<vendor>_<Name> and adds the `target` and `vendor` labels before
// Labels. Vendor packages declare their specs once, as package variables.
type MetricSpec struct {
	// Name is the metric name without the backup_<vendor>_ prefix.
	Name string
	// Help is the metric's help text.
	Help string
	// Type is Gauge or Counter; a counter's Name ends in _total.
	Type MetricType
	// Labels are the names of the metric's own labels.
	Labels []string
}

// Sample is one value of a vendor-only metric.
type Sample struct {
	// Spec is the metric this sample belongs to.
	Spec *MetricSpec
	// LabelValues are the values of Spec.Labels, in order.
	LabelValues []string
	// Value is the sample value.
	Value float64
	// Part, when set, ties the sample to one part of the refresh: it is
	// served with that part's data and, when the part fails, kept as its
	// last good data for serve_stale_for. An empty Part serves the sample
	// with every snapshot.
	Part Part
}

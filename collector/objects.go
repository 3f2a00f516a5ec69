package collector

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/backup"
)

// objectMetrics adds the object counts of the asset's latest finished backup
// (backup_asset_last_backup_*) and its partial backups in a row.
func objectMetrics(m *metricSet, id []*dto.LabelPair, a *backup.Asset) {
	if c := a.LastBackupObjects; c != nil {
		optionalGauge(m, assetLastBackupObjectsDesc, id, c.Total)
		optionalGauge(m, assetLastBackupFailedObjectsDesc, id, c.Failed)
		optionalGauge(m, assetLastBackupMissingObjectsDesc, id, c.Missing)
		optionalGauge(m, assetLastBackupMaliciousObjectsDesc, id, c.Malicious)
		optionalGauge(m, assetLastBackupFailedBytesDesc, id, c.FailedBytes)
		optionalGauge(m, assetLastBackupMissingBytesDesc, id, c.MissingBytes)
	}
	if n := a.PartialBackupsInARow; n != nil {
		m.gauge(assetPartialBackupsInARowDesc, id, float64(*n))
	}
}

// optionalGauge adds a gauge unless the vendor did not report the value.
func optionalGauge(m *metricSet, d *prometheus.Desc, labels []*dto.LabelPair, v *float64) {
	if v != nil {
		m.gauge(d, labels, *v)
	}
}

// checkedObjects returns the object counts with the impossible ones
// dropped: a count that is NaN, infinite, negative or not whole goes alone;
// when a part exceeds the whole (more failed objects than objects) nothing
// says which figure is wrong, so every count goes. nil when none is left.
func checkedObjects(in *backup.ObjectCounts, is issues) *backup.ObjectCounts {
	if in == nil {
		return nil
	}
	c := backup.ObjectCounts{
		Total:        checkedCount(in.Total, is),
		Failed:       checkedCount(in.Failed, is),
		Missing:      checkedCount(in.Missing, is),
		Malicious:    checkedCount(in.Malicious, is),
		FailedBytes:  checkedAmount(in.FailedBytes, is),
		MissingBytes: checkedAmount(in.MissingBytes, is),
	}
	if c.Total != nil {
		for _, part := range []*float64{c.Failed, c.Missing, c.Malicious} {
			if part != nil && *part > *c.Total {
				is.add(issueObjectsAbsurd, formatFloat(*part)+" of "+formatFloat(*c.Total))
				return nil
			}
		}
		if c.Failed != nil && c.Missing != nil && *c.Failed+*c.Missing > *c.Total {
			is.add(issueObjectsAbsurd, formatFloat(*c.Failed+*c.Missing)+" of "+formatFloat(*c.Total))
			return nil
		}
	}
	if c == (backup.ObjectCounts{}) {
		return nil
	}
	return &c
}

// checkedCount is checkedAmount for a count of things: a fraction is as
// wrong as a negative number.
func checkedCount(p *float64, is issues) *float64 {
	p = checkedAmount(p, is)
	if p != nil && *p != float64(int64(*p)) {
		is.add(issueInvalidNumber, formatFloat(*p))
		return nil
	}
	return p
}

// checkedInARow returns n, or nil when it is negative.
func checkedInARow(n *int, is issues) *int {
	if n == nil || *n >= 0 {
		return n
	}
	is.add(issueInvalidNumber, strconv.Itoa(*n))
	return nil
}

package collector

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// A vendor's value that cannot be right is dropped rather than served: a
// wrong last-success time would keep an RPO alert silent for ever, a NaN
// size would break every sum over it. Each drop is an issue (counted in
// backup_exporter_data_issues_total and logged); the rest of the item stays.

// maxAhead is how far past the refresh a vendor's timestamp may lie (clock
// skew, a zone applied twice) before it is taken as wrong.
const maxAhead = 24 * time.Hour

// earliest is the earliest timestamp served: Unix time 0. A vendor's
// "never" such as .NET's year 1 must not become a series.
var earliest = time.Unix(0, 0)

// checkedTime returns t, or the zero time (no series) when t lies outside
// [1970, now+maxAhead].
func checkedTime(t, now time.Time, is issues) time.Time {
	if t.IsZero() || (!t.Before(earliest) && !t.After(now.Add(maxAhead))) {
		return t
	}
	is.add(issueTimeOutOfRange, t.UTC().Format(time.RFC3339))
	return time.Time{}
}

// checkedAmount returns p, or nil when it points at NaN, an infinity or a
// negative number: sizes and byte counts are never below 0.
func checkedAmount(p *float64, is issues) *float64 {
	if p == nil || (*p >= 0 && !math.IsInf(*p, 1)) {
		return p
	}
	is.add(issueInvalidNumber, formatFloat(*p))
	return nil
}

// checkedDuration returns p, or nil when the duration is negative.
func checkedDuration(p *time.Duration, is issues) *time.Duration {
	if p == nil || *p >= 0 {
		return p
	}
	is.add(issueInvalidNumber, p.String())
	return nil
}

// checkedAsset returns a with its impossible values dropped; a itself is
// left alone when every value holds.
func checkedAsset(a *backup.Asset, now time.Time, is issues) *backup.Asset {
	c := *a
	c.LastSuccess = checkedTime(a.LastSuccess, now, is)
	c.LastAttempt = checkedTime(a.LastAttempt, now, is)
	c.LastSeen = checkedTime(a.LastSeen, now, is)
	c.LastRestore = checkedTime(a.LastRestore, now, is)
	c.SizeBytes = checkedAmount(a.SizeBytes, is)
	c.LastTransferredBytes = checkedAmount(a.LastTransferredBytes, is)
	c.LastDuration = checkedDuration(a.LastDuration, is)
	c.LastBackupObjects = checkedObjects(a.LastBackupObjects, is)
	c.PartialBackupsInARow = checkedInARow(a.PartialBackupsInARow, is)
	c.OldestRestorePoint = checkedTime(a.OldestRestorePoint, now, is)
	c.LatestRestorePoint = checkedTime(a.LatestRestorePoint, now, is)
	c.LastContinuousBackup = checkedTime(a.LastContinuousBackup, now, is)
	if c.Retention < 0 {
		is.add(issueInvalidNumber, c.Retention.String())
		c.Retention = 0
	}
	if c.RPO < 0 {
		is.add(issueInvalidNumber, c.RPO.String())
		c.RPO = 0
	}
	return &c
}

// checkedStorage returns the storage scopes with their impossible figures
// dropped.
func checkedStorage(in []backup.Storage, is issues) []backup.Storage {
	out := make([]backup.Storage, len(in))
	for i, s := range in {
		s.UsedBytes = checkedAmount(s.UsedBytes, is)
		s.LimitBytes = checkedAmount(s.LimitBytes, is)
		out[i] = s
	}
	return out
}

// neverNegative reports whether a vendor metric counts or measures
// something that cannot be below 0: a counter, bytes or seconds.
func neverNegative(spec *backup.MetricSpec) bool {
	return spec.Type == backup.Counter || strings.HasSuffix(spec.Name, "_bytes") || strings.HasSuffix(spec.Name, "_seconds")
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// labelKey is the label value s becomes (see fillPair): two ids that differ
// only in bytes that are not UTF-8 are one series, so they are one id.
func labelKey(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

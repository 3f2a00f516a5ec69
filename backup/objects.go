package backup

// ObjectCounts are the object (file) counts of one finished backup. Each
// count is nil when the vendor does not report it. The collector drops a
// count that is negative or NaN, and all of them when a part is larger
// than the whole (more failed objects than objects).
type ObjectCounts struct {
	// Total is every object the backup looked at: backed up, failed and
	// missing.
	Total *float64
	// Failed are the objects the backup could not back up.
	Failed *float64
	// Missing are the objects that were gone when the backup read them.
	Missing *float64
	// Malicious are the objects the vendor flagged as malicious: a
	// security incident, whatever the backup's status.
	Malicious *float64
	// FailedBytes and MissingBytes are the sizes of the failed and missing
	// objects.
	FailedBytes  *float64
	MissingBytes *float64
}

// Partial reports whether the backup left objects out (failed or missing).
func (c *ObjectCounts) Partial() bool {
	return c != nil && ((c.Failed != nil && *c.Failed > 0) || (c.Missing != nil && *c.Missing > 0))
}

// Int returns a pointer to v, for Asset.PartialBackupsInARow.
func Int(v int) *int { return &v }

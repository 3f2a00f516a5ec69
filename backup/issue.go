package backup

// Issue is an item a vendor client had to drop or could not read in full,
// such as a time zone it does not know. The collector counts it in
// backup_exporter_data_issues_total{reason} and logs it once, as it does the
// items it drops itself.
type Issue struct {
	// Reason is a short snake_case word, a constant of the client: it is a
	// label value, so it must come from a small fixed set.
	Reason string
	// Text says what was wrong, for the log.
	Text string
	// Example is one offending value, for the log.
	Example string
}

// AddIssue records one issue of the refresh.
func (s *Snapshot) AddIssue(reason, text, example string) {
	s.Issues = append(s.Issues, Issue{Reason: reason, Text: text, Example: example})
}

package openmetrics

import (
	"strings"
	"testing"
)

// TestParseRefusesWhatStrictConsumersRefuse proves the reference parser is
// the strict one: issue 829's pair is refused in both syntaxes, and an
// OpenMetrics answer without its # EOF line is refused.
func TestParseRefusesWhatStrictConsumersRefuse(t *testing.T) {
	const good = "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 3\n"
	if r := Parse(t, Text, []byte(good)); r.Families != 1 || r.Samples != 1 {
		t.Errorf("text: %+v, want 1 family and 1 sample", r)
	}
	const goodOM = "# HELP jobs Jobs.\n# TYPE jobs counter\njobs_total 3\n# EOF\n"
	if r := Parse(t, OpenMetrics, []byte(goodOM)); r.Families != 1 || r.Samples != 1 {
		t.Errorf("OpenMetrics: %+v, want 1 family and 1 sample", r)
	}
	for _, tc := range []struct {
		syntax    Syntax
		body      string
		complaint string
	}{
		{Text, "# TYPE a gauge\na 1\n# TYPE a_total counter\na_total 2\n", "two families are named a"},
		{OpenMetrics, "# TYPE a gauge\na 1\n# TYPE a counter\na_total 2\n# EOF\n", "a"},
		{OpenMetrics, strings.TrimSuffix(goodOM, "# EOF\n"), "EOF"},
	} {
		_, err := parse(findPython(), tc.syntax, []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.complaint) {
			t.Errorf("%s parser on %q: %v, want a refusal naming %q", tc.syntax, tc.body, err, tc.complaint)
		}
	}
}

package openmetrics

import (
	"strings"
	"testing"
)

// TestParseRefusesWhatStrictConsumersRefuse proves the reference parsers
// are the strict ones: issue 829's pair is refused in both syntaxes, and an
// OpenMetrics answer without its # EOF line is refused; good answers are
// read whole.
func TestParseRefusesWhatStrictConsumersRefuse(t *testing.T) {
	const goodOM = "# HELP jobs Jobs.\n# TYPE jobs counter\njobs_total 3\n# EOF\n"
	good := Parse(t,
		Doc{Syntax: Text, Body: "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 3\n", Name: "text"},
		Doc{Syntax: OpenMetrics, Body: goodOM, Name: "OpenMetrics"})
	for _, r := range good {
		if r.Families != 1 || r.Samples != 1 {
			t.Errorf("a good answer read as %+v, want 1 family and 1 sample", r)
		}
	}

	bad := []struct {
		doc       Doc
		complaint string
	}{
		{Doc{Syntax: Text, Body: "# TYPE a gauge\na 1\n# TYPE a_total counter\na_total 2\n"}, "two families are named a"},
		{Doc{Syntax: OpenMetrics, Body: "# TYPE a gauge\na 1\n# TYPE a counter\na_total 2\n# EOF\n"}, "ValueError"},
		{Doc{Syntax: OpenMetrics, Body: strings.TrimSuffix(goodOM, "# EOF\n")}, "EOF"},
	}
	docs := make([]Doc, len(bad))
	for i, b := range bad {
		docs[i] = b.doc
	}
	results, err := parse(findPython(), docs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if !strings.Contains(r.Error, bad[i].complaint) {
			t.Errorf("%s parser on %q: %+v, want a refusal naming %q", bad[i].doc.Syntax, bad[i].doc.Body, r, bad[i].complaint)
		}
	}
}

package openmetrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Syntax names the parser Parse runs.
type Syntax string

const (
	// OpenMetrics is OpenMetrics 1.0's strict parser, which refuses the
	// whole answer at its first fault: a clash of names, metadata after
	// samples, a missing # EOF.
	OpenMetrics Syntax = "openmetrics"
	// Text is the Prometheus text format 0.0.4's parser.
	Text Syntax = "text"
)

// Doc is one exposition for the reference parser of its syntax.
type Doc struct {
	Syntax Syntax `json:"syntax"`
	// Body is the exposition; Name names it in a failure.
	Body string `json:"body"`
	Name string `json:"-"`
}

// Result is what the reference parser read of one Doc: its families and
// samples, or why it refused it.
type Result struct {
	Families int    `json:"families"`
	Samples  int    `json:"samples"`
	Error    string `json:"error"`
}

// parseScript reads a JSON list of documents on stdin, each with
// prometheus_client's parser of its syntax, and prints a JSON list of what
// it read of each, or the parser's complaint. A family name read twice is
// refused in either syntax: the text parser names a counter without its
// _total as OpenMetrics does, but lets the second family through.
const parseScript = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
from prometheus_client.parser import text_string_to_metric_families as text
def read(doc):
    parser = openmetrics if doc["syntax"] == "openmetrics" else text
    names, samples = set(), 0
    for family in parser(doc["body"]):
        if family.name in names:
            raise ValueError("two families are named " + family.name)
        names.add(family.name)
        samples += len(family.samples)
    return {"families": len(names), "samples": samples, "error": ""}
out = []
for doc in json.load(sys.stdin):
    try:
        out.append(read(doc))
    except Exception as e:
        out.append({"families": 0, "samples": 0, "error": "%s: %s" % (type(e).__name__, e)})
print(json.dumps(out))
`

// pythonCandidates are the interpreters tried, Debian's first: its
// python3-prometheus-client is the package .ci/run installs, and another
// python3 on PATH (pyenv's, say) does not see it.
var pythonCandidates = []string{"/usr/bin/python3", "python3"}

var findPython = sync.OnceValue(func() string {
	for _, candidate := range pythonCandidates {
		path, err := exec.LookPath(candidate)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import prometheus_client.openmetrics.parser").Run() == nil {
			return path
		}
	}
	return ""
})

// Parse reads each doc with the reference parser of its syntax, Python's
// prometheus_client (Debian's python3-prometheus-client), in one run of
// Python, and fails the test for each doc it refuses, with the parser's
// complaint. Without the parser the test is skipped, or failed under
// CI=true, where .ci/run installs it.
func Parse(t testing.TB, docs ...Doc) []Result {
	t.Helper()
	python := findPython()
	if python == "" {
		const msg = "the reference parser is missing: apt-get install python3-prometheus-client"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	results, err := parse(python, docs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Error != "" {
			t.Errorf("prometheus_client's %s parser refuses %s: %s", docs[i].Syntax, docs[i].Name, r.Error)
		}
	}
	return results
}

// parse runs the reference parsers over docs with python.
func parse(python string, docs []Doc) ([]Result, error) {
	in, err := json.Marshal(docs)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(python, "-c", parseScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("the reference parsers did not run: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var results []Result
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(docs) {
		return nil, fmt.Errorf("the parsers' summary %q: %v, want %d results", out, err, len(docs))
	}
	return results, nil
}

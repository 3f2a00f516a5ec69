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

// Result is what the reference parser read.
type Result struct {
	Families int `json:"families"`
	Samples  int `json:"samples"`
}

// parseScript reads an exposition on stdin with prometheus_client's parser
// for the syntax in argv[1] and prints the families and samples it read.
// A family name read twice is refused in either syntax: the text parser
// names a counter without its _total as OpenMetrics does, but lets the
// second family through.
const parseScript = `
import json, sys
if sys.argv[1] == "openmetrics":
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families
names, samples = set(), 0
for family in text_string_to_metric_families(sys.stdin.read()):
    if family.name in names:
        raise ValueError("two families are named " + family.name)
    names.add(family.name)
    samples += len(family.samples)
print(json.dumps({"families": len(names), "samples": samples}))
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

// Parse reads body with the reference parser of syntax, Python's
// prometheus_client (Debian's python3-prometheus-client), and fails the
// test with the parser's message when it refuses it. Without the parser
// the test is skipped, or failed under CI=true, where .ci/run installs it.
func Parse(t testing.TB, syntax Syntax, body []byte) Result {
	t.Helper()
	python := findPython()
	if python == "" {
		const msg = "the reference parser is missing: apt-get install python3-prometheus-client"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	r, err := parse(python, syntax, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// parse runs the reference parser of syntax over body with python.
func parse(python string, syntax Syntax, body []byte) (Result, error) {
	cmd := exec.Command(python, "-c", parseScript, string(syntax))
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Result{}, fmt.Errorf("prometheus_client's %s parser refuses the answer: %v: %s", syntax, err, lastLine(stderr.Bytes()))
	}
	var r Result
	if err := json.Unmarshal(out, &r); err != nil {
		return Result{}, fmt.Errorf("the parser's summary %q: %w", out, err)
	}
	return r, nil
}

// lastLine is the last line of a Python traceback: the exception.
func lastLine(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

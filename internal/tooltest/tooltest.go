// Package tooltest finds and runs the command-line tools that the tests drive
// (promtool, prometheus, alertmanager, amtool, helm), so that the rule files,
// the dashboards' PromQL, the sample Alertmanager configuration and the Helm
// chart are checked by those projects' own code.
package tooltest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Find returns the path of the tool name: the environment variable named
// after it in upper case (PROMTOOL, PROMETHEUS, ALERTMANAGER, AMTOOL, HELM)
// when set, which `make` points at the pinned builds of tools.mk; else name
// looked up on PATH. It returns "" when neither gives an executable.
func Find(name string) string {
	candidate := name
	if env := os.Getenv(strings.ToUpper(name)); env != "" {
		candidate = env
	}
	path, err := exec.LookPath(candidate)
	if err != nil {
		return ""
	}
	return path
}

// Path returns the path of the tool name (see Find). Outside CI a missing
// tool skips the test; in CI (CI=true) it fails it, so that nothing ships
// unchecked. `make test` builds every tool at its pinned version first.
func Path(t testing.TB, name string) string {
	t.Helper()
	path := Find(name)
	if path == "" {
		msg := name + " was not found (set " + strings.ToUpper(name) + "= or run the tests through make, which builds it)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// Run runs the tool name with args and returns its output. It fails the
// test, showing the output, when the tool exits non-zero.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(Path(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

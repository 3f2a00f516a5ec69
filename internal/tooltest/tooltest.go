// Package tooltest runs Prometheus' command-line tools (promtool, amtool)
// from Go tests, so that the rule files, the dashboards' PromQL and the
// sample Alertmanager configuration are checked by Prometheus' own code.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns the path of the tool name. Outside CI a missing tool skips
// the test; in CI (CI=true) it fails it, so that nothing ships unchecked.
// Debian's packages prometheus and prometheus-alertmanager install them.
func Path(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH; CI must install it", name)
		}
		t.Skipf("%s is not on PATH", name)
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

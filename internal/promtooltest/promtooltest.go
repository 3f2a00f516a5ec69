// Package promtooltest runs Prometheus' promtool from Go tests, so that the
// rule files and the dashboards' PromQL are checked by Prometheus' own parser
// and rule engine.
package promtooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns promtool's path. Outside CI a missing promtool skips the
// test; in CI (CI=true) it fails it, so that nothing ships unchecked.
func Path(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool is not on PATH; CI must install it (Debian package prometheus)")
		}
		t.Skip("promtool is not on PATH")
	}
	return path
}

// Run runs promtool with args and fails the test, showing promtool's
// output, when it exits non-zero.
func Run(t testing.TB, args ...string) {
	t.Helper()
	out, err := exec.Command(Path(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %v: %v\n%s", args, err, out)
	}
}

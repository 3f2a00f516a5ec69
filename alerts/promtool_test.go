package alerts

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// promtool finds promtool on PATH. Outside CI a missing promtool skips the
// test; in CI (CI=true) it fails it, so that the rules are never shipped
// unchecked.
func promtool(t *testing.T) string {
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

func runPromtool(t *testing.T, bin string, args ...string) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %v: %v\n%s", args, err, out)
	}
}

func TestPromtoolCheckRules(t *testing.T) {
	runPromtool(t, promtool(t), "check", "rules", "backup_exporter.rules.yml")
}

func TestPromtoolTestRules(t *testing.T) {
	bin := promtool(t)
	files, err := filepath.Glob(filepath.Join("tests", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule tests in tests/: %v", err)
	}
	runPromtool(t, bin, append([]string{"test", "rules"}, files...)...)
}

func TestPromtoolCheckRulesWithoutFor(t *testing.T) {
	bin := promtool(t)
	data, err := WithoutFor()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nofor.rules.yml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	runPromtool(t, bin, "check", "rules", path)
}

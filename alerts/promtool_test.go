package alerts

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/backup-exporter/backup_exporter/internal/tooltest"
)

func TestPromtoolCheckRules(t *testing.T) {
	tooltest.Run(t, "promtool", "check", "rules", "backup_exporter.rules.yml")
}

func TestPromtoolTestRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("tests", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule tests in tests/: %v", err)
	}
	tooltest.Run(t, "promtool", append([]string{"test", "rules"}, files...)...)
}

func TestPromtoolCheckRulesWithoutFor(t *testing.T) {
	data, err := WithoutFor()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nofor.rules.yml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	tooltest.Run(t, "promtool", "check", "rules", path)
}

package dashboards

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/backup-exporter/backup_exporter/internal/tooltest"
	"gopkg.in/yaml.v3"
)

// TestQueriesParse has Prometheus' own parser read every panel query (with
// its variables resolved), by wrapping each in a recording rule for
// `promtool check rules`.
func TestQueriesParse(t *testing.T) {
	queries, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	for i, q := range queries {
		rules = append(rules, rule{Record: fmt.Sprintf("dashboard_query_%d", i), Expr: q.Resolved})
	}
	data, err := yaml.Marshal(map[string]any{
		"groups": []any{map[string]any{"name": "dashboards", "rules": rules}},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "queries.rules.yml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	tooltest.Run(t, "promtool", "check", "rules", path)
}

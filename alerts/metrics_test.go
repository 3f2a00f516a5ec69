package alerts

import (
	"path/filepath"
	"testing"

	"github.com/backup-exporter/backup_exporter/internal/promnames"
)

// TestRulesReadExposedMetrics proves that every metric a rule reads is one
// that the exporter exposes, as its golden exposition files show: a renamed
// metric must not leave a rule that can never fire.
func TestRulesReadExposedMetrics(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	// The per-tenant SLO objectives are recorded by the user's own rules
	// (README, "Backup SLOs"), not by this file.
	recorded := map[string]bool{"tenant:backup_slo_objective_override:ratio": true}
	var exprs []string
	for _, r := range rules {
		if r.Record != "" {
			recorded[r.Record] = true
		}
		exprs = append(exprs, r.Expr)
	}
	if err := promnames.Check(exprs, filepath.Join("..", "collector", "testdata"), recorded); err != nil {
		t.Error(err)
	}
}

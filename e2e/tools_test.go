//go:build e2e || scale

package e2e

import (
	"strings"
	"testing"

	"github.com/backup-exporter/backup_exporter/internal/tooltest"
)

// lookTool finds a tool as tooltest.Find does (the environment variable that
// make sets to the pinned build, else PATH), trying each name in turn, or
// fails the test: the end-to-end suite is never skipped.
func lookTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p := tooltest.Find(n); p != "" {
			return p
		}
	}
	t.Fatalf("none of %s was found: run the suite through `make e2e`, which builds them, or set %s",
		strings.Join(names, ", "), strings.ToUpper(names[0]))
	return ""
}

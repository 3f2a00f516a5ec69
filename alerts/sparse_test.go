package alerts

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/internal/tooltest"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// TestPromtoolSparseRecordings proves that the rules evaluated every minute
// or every 5 minutes read right what the slow groups (interval: 1h) record
// once an interval:
// between two evaluations, after a late one, across a Prometheus restart,
// and before the first. promtool evaluates every group at every step of a
// test, whatever its interval, so tests/ cannot show it. Here promtool gets
// the rule file without its slow groups, and the tests in testdata/sparse
// give those groups' series as input, sampled as Prometheus records them.
func TestPromtoolSparseRecordings(t *testing.T) {
	dir := t.TempDir()
	rules, dropped := withoutSlowGroups(t)
	if len(dropped) == 0 {
		t.Fatal("the rule file has no group slower than a minute: nothing to test here")
	}
	t.Logf("groups recorded sparsely: %v", dropped)
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), rules, 0o600); err != nil {
		t.Fatal(err)
	}
	tests, err := filepath.Glob(filepath.Join("testdata", "sparse", "*.yml"))
	if err != nil || len(tests) == 0 {
		t.Fatalf("no tests in testdata/sparse: %v", err)
	}
	var args []string
	for _, src := range tests {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, dst)
	}
	tooltest.Run(t, "promtool", append([]string{"test", "rules"}, args...)...)
}

// withoutSlowGroups returns File without the groups whose interval is
// longer than the 5-minute lookback (the hourly ones, whose records the
// rules read with last_over_time and the tests give as input), and their
// names. The 5-minute groups stay: no other group reads what they record,
// and promtool evaluates them at every step, as it does every group.
func withoutSlowGroups(t *testing.T) ([]byte, []string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(File, &doc); err != nil {
		t.Fatal(err)
	}
	var dropped []string
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "groups" {
			continue
		}
		var kept []*yaml.Node
		for _, g := range root.Content[i+1].Content {
			var group struct {
				Name     string         `yaml:"name"`
				Interval model.Duration `yaml:"interval"`
			}
			if err := g.Decode(&group); err != nil {
				t.Fatal(err)
			}
			if time.Duration(group.Interval) > 5*time.Minute {
				dropped = append(dropped, group.Name)
				continue
			}
			kept = append(kept, g)
		}
		root.Content[i+1].Content = kept
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out, dropped
}

package backtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestRulesSortIntoLevelsAndSkip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		skip    *regexp.Regexp
		levels  [][]string
		alerts  []string
		skipped []string
	}{
		{"levels by what each rule reads", nil,
			[][]string{{"a:raw:sum", "a:from_raw:avg7d"}, {"b:from_a:ratio"}, {"c:from_b:ratio"}}, []string{"ReadsRaw", "Reads_c"}, nil},
		{"a skipped rule takes what reads it along", regexp.MustCompile(`avg7d`),
			[][]string{{"a:raw:sum"}, {"b:from_a:ratio"}, {}}, []string{"ReadsRaw"}, []string{"a:from_raw:avg7d", "c:from_b:ratio", "Reads_c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := loadRules("testdata/levels.rules.yml")
			if err != nil {
				t.Fatal(err)
			}
			skipped := rs.skip(tc.skip)
			var levels [][]string
			for _, l := range rs.levels {
				names := []string{}
				for _, rl := range l {
					names = append(names, rl.Record)
				}
				levels = append(levels, names)
			}
			if !slices.EqualFunc(levels, tc.levels, slices.Equal) {
				t.Errorf("levels %q, want %q", levels, tc.levels)
			}
			if got := rs.alertNames(); !slices.Equal(got, tc.alerts) {
				t.Errorf("alerts %q, want %q", got, tc.alerts)
			}
			if !slices.Equal(skipped, tc.skipped) {
				t.Errorf("skipped %q, want %q", skipped, tc.skipped)
			}
			if !rs.reads("backup_up") || rs.reads("backup_jobs") {
				t.Error("reads: backup_up is read, backup_jobs is not")
			}
		})
	}
}

// An hourly group's rules are backfilled hourly: the level files keep each
// rule's group interval, and the minute groups' rules stay without one.
func TestWriteLevelKeepsGroupIntervals(t *testing.T) {
	rs, err := loadRules("testdata/intervals.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"level0 0s", "m:raw:sum", "level0_every_1h 1h0m0s", "h:raw:last1h"},
		{"level1_every_1h 1h0m0s", "h:from_m:avg1h"},
		{"level2 0s", "m:from_hourly:ratio"},
	}
	if len(rs.levels) != len(want) {
		t.Fatalf("%d levels, want %d", len(rs.levels), len(want))
	}
	for i := range rs.levels {
		path := filepath.Join(t.TempDir(), "level.yml")
		if err := rs.writeLevel(path, i); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var f ruleFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range f.Groups {
			got = append(got, fmt.Sprintf("%s %s", g.Name, time.Duration(g.Interval)))
			for _, rl := range g.Rules {
				got = append(got, rl.Record)
			}
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("level %d: %q, want %q", i, got, want[i])
		}
	}
}

// The recording rules no alert reads, even through other rules, are not
// backfilled; those an alert reads through another rule are.
func TestPruneUnreadKeepsWhatAlertsRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.yml")
	err := os.WriteFile(path, []byte(`groups:
  - name: g
    rules:
      - record: dashboard:only:sum
        expr: sum(backup_up)
      - record: dashboard:from_only:ratio
        expr: dashboard:only:sum / 2
      - record: alert:base:sum
        expr: sum(backup_assets)
      - record: alert:read:ratio
        expr: alert:base:sum / 2
      - alert: ReadsRatio
        expr: alert:read:ratio > 1
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := loadRules(path)
	if err != nil {
		t.Fatal(err)
	}
	pruned := rs.pruneUnread()
	slices.Sort(pruned)
	if want := []string{"dashboard:from_only:ratio", "dashboard:only:sum"}; !slices.Equal(pruned, want) {
		t.Errorf("pruned %q, want %q", pruned, want)
	}
	var kept []string
	for _, l := range rs.levels {
		for _, rl := range l {
			kept = append(kept, rl.Record)
		}
	}
	if want := []string{"alert:base:sum", "alert:read:ratio"}; !slices.Equal(kept, want) {
		t.Errorf("kept %q, want %q", kept, want)
	}
}

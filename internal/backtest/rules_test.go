package backtest

import (
	"regexp"
	"slices"
	"testing"
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

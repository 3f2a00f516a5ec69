package cloutility

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// TestRememberObjects folds backup jobs' file counts across refreshes whose
// windows overlap: the newest job that ran gives the counts, jobs with failed
// files lengthen the run, and a job read again is not counted twice.
func TestRememberObjects(t *testing.T) {
	at := func(h int) Time { return Time{time.Date(2026, 11, 23, h, 0, 0, 0, time.UTC)} }
	n := func(v float64) *float64 { return &v }
	backupJob := func(id string, status string, end int, examined, failed *float64) job {
		return job{ID: ID(id), Type: &Enum{Name: "Backup"}, Status: &Enum{Name: status}, Completed: at(end), ActualStart: at(end - 1),
			ExaminedFiles: examined, FailedFiles: failed}
	}
	type want struct {
		total, failed float64
		inARow        int
	}
	for _, tc := range []struct {
		name     string
		refreshs [][]job
		want     *want
	}{
		{"no job reports counts", [][]job{{backupJob("1", "Completed", 2, nil, nil)}}, nil},
		{"two failing in a row, out of order", [][]job{{
			backupJob("3", "Completed with warnings", 6, n(100), n(2)),
			backupJob("1", "Completed", 2, n(100), n(0)),
			backupJob("2", "Failed", 4, n(100), n(50)),
		}}, &want{100, 2, 2}},
		{"a clean backup ends the run", [][]job{{
			backupJob("1", "Failed", 2, n(100), n(50)),
			backupJob("2", "Completed", 4, n(100), n(0)),
		}}, &want{100, 0, 0}},
		{"a missed job says nothing", [][]job{{
			backupJob("1", "Failed", 2, n(100), n(50)),
			{ID: "2", Type: &Enum{Name: "Backup"}, Status: &Enum{Name: "Missed"}, ScheduledStart: at(4), FailedFiles: n(0)},
		}}, &want{100, 50, 1}},
		{"a job read again by the next refresh is not counted twice", [][]job{
			{backupJob("1", "Failed", 2, n(100), n(50))},
			{backupJob("1", "Failed", 2, n(100), n(50)), backupJob("2", "Failed", 4, n(90), n(10))},
		}, &want{90, 10, 2}},
		{"a restore's counts are not the backup's", [][]job{{
			backupJob("1", "Completed", 2, n(100), n(0)),
			{ID: "2", Type: &Enum{Name: "Restore"}, Status: &Enum{Name: "Completed"}, Completed: at(4), ExaminedFiles: n(5), FailedFiles: n(5)},
		}}, &want{100, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &consumerState{}
			for _, jobs := range tc.refreshs {
				st.remember(jobs)
			}
			if tc.want == nil {
				if st.lastObjects != nil {
					t.Errorf("counts %+v, want none", *st.lastObjects)
				}
				return
			}
			got := st.lastObjects
			if got == nil || got.Total == nil || got.Failed == nil || *got.Total != tc.want.total || *got.Failed != tc.want.failed || st.partialInRow != tc.want.inARow {
				t.Errorf("counts %s, %d in a row; want %v of %v, %d in a row", describe(got), st.partialInRow, tc.want.failed, tc.want.total, tc.want.inARow)
			}
		})
	}
}

func describe(c *backup.ObjectCounts) string {
	if c == nil || c.Total == nil || c.Failed == nil {
		return "incomplete"
	}
	b, _ := json.Marshal([]float64{*c.Failed, *c.Total})
	return string(b)
}

// TestRawRetention reads a domain's backupRetention as days; what is not a
// number of days is kept raw for the issue that drops it.
func TestRawRetention(t *testing.T) {
	for _, tc := range []struct {
		json string
		days float64 // -1: none
		bad  string
	}{
		{`30`, 30, ""},
		{`"45"`, 45, ""},
		{`null`, -1, ""},
		{`""`, -1, ""},
		{`"NOLIMIT"`, -1, "NOLIMIT"},
		{`-1`, -1, "-1"},
		{`{"days":30}`, -1, `{"days":30}`},
	} {
		var d domain
		if err := json.Unmarshal([]byte(`{"name":"STANDARD","backupRetention":`+tc.json+`}`), &d); err != nil {
			t.Fatalf("%s: %v", tc.json, err)
		}
		got := -1.0
		if d.BackupRetention.days != nil {
			got = *d.BackupRetention.days
		}
		if got != tc.days || d.BackupRetention.bad != tc.bad {
			t.Errorf("%s: days %v, bad %q; want %v, %q", tc.json, got, d.BackupRetention.bad, tc.days, tc.bad)
		}
	}
}

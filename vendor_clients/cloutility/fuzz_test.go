package cloutility

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// Fuzzing of the Cloutility decoding (seeds: testdata/fuzz; `make fuzz`).

// FuzzDecodeList reads one body as every collection and object the client
// reads and maps what decodes, as a refresh would.
func FuzzDecodeList(f *testing.F) {
	now := time.Date(2026, 5, 14, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var (
			tok     token
			user    me
			tree    bunitTree
			unit    businessUnit
			cons    list[consumer]
			nd      node
			fss     list[filespace]
			reports list[nodeReport]
			jobs    list[job]
		)
		_ = json.Unmarshal(body, &tok)
		_ = json.Unmarshal(body, &user)
		if json.Unmarshal(body, &tree) == nil {
			_, _ = findBunit(tree, "1")
		}
		_ = json.Unmarshal(body, &unit)
		if json.Unmarshal(body, &cons) == nil {
			for _, c := range cons.List {
				_ = activeState(c.DataSourceState)
			}
		}
		_ = json.Unmarshal(body, &nd)
		_ = json.Unmarshal(body, &fss)
		if json.Unmarshal(body, &reports) == nil {
			for i := range reports.List {
				_ = reportSamples("1", &reports.List[i])
				for _, w := range reports.List[i].Warnings.List {
					_, _ = severity(w.Status)
					_ = alertType(w.Type, nil)
				}
			}
		}
		if json.Unmarshal(body, &jobs) == nil {
			snap := &backup.Snapshot{JobsRunning: map[backup.JobType]int{}}
			addJobs(snap, jobs.List, now.Add(-24*time.Hour))
			for _, j := range snap.Jobs {
				if j.ID == "" || !j.Status.Finished() || j.End.IsZero() {
					t.Fatalf("job served that is not a finished one with an id and an end: %+v", j)
				}
			}
			var st consumerState
			st.remember(jobs.List)
			if st.lastDuration != nil && *st.lastDuration < 0 {
				t.Fatalf("negative duration %v", *st.lastDuration)
			}
		}
		_ = ErrorMessage(body)
	})
}

// FuzzReadValue reads one JSON value with each id, time, duration and enum
// reader. A value a reader accepts must mean what it says.
func FuzzReadValue(f *testing.F) {
	f.Fuzz(func(t *testing.T, value []byte) {
		var id ID
		_ = id.UnmarshalJSON(value)
		var r ref
		_ = r.UnmarshalJSON(value)

		var tm Time
		if tm.UnmarshalJSON(value) == nil && !tm.IsZero() {
			if y := tm.Year(); y < 2 || y > 9999 {
				t.Fatalf("time %s read as year %d", value, y)
			}
		}
		var lt looseTime
		if err := lt.UnmarshalJSON(value); err != nil {
			t.Fatalf("looseTime refused %s: %v (it reads what it cannot as absent)", value, err)
		}

		var e Enum
		if e.UnmarshalJSON(value) == nil {
			_, _ = errorStatus(&e)
			_, _ = severity(&e)
			_, _, _ = jobType(&e), activeState(&e), alertType(&e, nil)
			_ = jobStatus(job{Status: &e, Result: e.ID})
		}

		var s string
		if json.Unmarshal(value, &s) != nil {
			s = string(value)
		}
		if d, ok := parseTimeSpan(s); ok && d < 0 {
			t.Fatalf("TimeSpan %q read as %v", s, d)
		}
	})
}

package cloutility

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

func intp(v int) *int { return &v }

func TestEnumDecoding(t *testing.T) {
	tests := []struct {
		name     string
		json     string
		wantID   *int
		wantName string
	}{
		{"integer", `3`, intp(3), ""},
		{"name", `"OkWithWarnings"`, nil, "OkWithWarnings"},
		{"quoted integer", `"2"`, intp(2), ""},
		{"object", `{"id": 1, "name": "Completed"}`, intp(1), "Completed"},
		{"object with name only", `{"name": " In Progress "}`, nil, "In Progress"},
		{"null", `null`, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Enum
			if err := json.Unmarshal([]byte(tt.json), &e); err != nil {
				t.Fatal(err)
			}
			if (e.ID == nil) != (tt.wantID == nil) || (e.ID != nil && *e.ID != *tt.wantID) || e.Name != tt.wantName {
				t.Errorf("got id %v name %q, want id %v name %q", e.ID, e.Name, tt.wantID, tt.wantName)
			}
		})
	}
}

func TestErrorStatus(t *testing.T) {
	tests := []struct {
		json string
		want ErrorStatus
		ok   bool
	}{
		{`0`, StatusOk, true},
		{`1`, StatusOkWithWarnings, true},
		{`2`, StatusWarning, true},
		{`3`, StatusError, true},
		{`4`, StatusIgnored, true},
		{`5`, StatusPending, true},
		{`6`, 0, false},
		{`"Ok"`, StatusOk, true},
		{`"OkWithWarnings"`, StatusOkWithWarnings, true},
		{`"Ok with warnings"`, StatusOkWithWarnings, true},
		{`"error"`, StatusError, true},
		{`{"id": 4, "name": "Ignored"}`, StatusIgnored, true},
		{`"Bogus"`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var e Enum
			if err := json.Unmarshal([]byte(tt.json), &e); err != nil {
				t.Fatal(err)
			}
			got, ok := errorStatus(&e)
			if ok != tt.ok || got != tt.want {
				t.Errorf("errorStatus = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestJobStatusAndType(t *testing.T) {
	tests := []struct {
		name     string
		json     string
		wantType backup.JobType
		want     backup.Status
	}{
		{"completed object", `{"type": {"id": 1, "name": "Backup"}, "status": {"id": 1, "name": "Completed"}, "result": 0}`, backup.JobBackup, backup.StatusSuccess},
		{"completed with result 4", `{"type": 1, "status": "Completed", "result": 4}`, backup.JobBackup, backup.StatusWarning},
		{"completed with result 12", `{"type": 1, "status": "Completed", "result": 12}`, backup.JobBackup, backup.StatusFailed},
		{"completed with warnings", `{"type": "Backup", "status": {"id": 5, "name": "Completed with warnings"}}`, backup.JobBackup, backup.StatusWarning},
		{"failed as integer", `{"type": 2, "status": 2}`, backup.JobRestore, backup.StatusFailed},
		{"missed", `{"type": "Backup", "status": "Missed"}`, backup.JobBackup, backup.StatusMissed},
		{"in progress", `{"type": "Archive", "status": "In Progress"}`, backup.JobArchive, backup.StatusRunning},
		{"pending", `{"type": "Restore", "status": 6}`, backup.JobRestore, backup.StatusQueued},
		{"retrieve is a restore", `{"type": {"id": 4, "name": "Retrieve"}, "status": 1}`, backup.JobRestore, backup.StatusSuccess},
		{"status absent, result decides", `{"result": 8}`, backup.JobOther, backup.StatusWarning},
		{"nothing known", `{}`, backup.JobOther, backup.StatusUnknown},
		{"unknown name", `{"type": "Selective", "status": "Uncertain"}`, backup.JobOther, backup.StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var j job
			if err := json.Unmarshal([]byte(tt.json), &j); err != nil {
				t.Fatal(err)
			}
			if got := jobType(j.Type); got != tt.wantType {
				t.Errorf("jobType = %q, want %q", got, tt.wantType)
			}
			if got := jobStatus(j); got != tt.want {
				t.Errorf("jobStatus = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTimeDecoding(t *testing.T) {
	tests := []struct {
		json string
		want time.Time
	}{
		{`"2023-07-09T15:10:20.133Z"`, time.Date(2023, 7, 9, 15, 10, 20, 133e6, time.UTC)},
		{`"2023-07-09T17:10:20+02:00"`, time.Date(2023, 7, 9, 15, 10, 20, 0, time.UTC)},
		{`"2024-05-14T10:00:00"`, time.Date(2024, 5, 14, 10, 0, 0, 0, time.UTC)},
		{`"2024-05-14 10:00:00"`, time.Date(2024, 5, 14, 10, 0, 0, 0, time.UTC)},
		{`"2024-05-14"`, time.Date(2024, 5, 14, 0, 0, 0, 0, time.UTC)},
		{`"0001-01-01T00:00:00"`, time.Time{}},
		{`""`, time.Time{}},
		{`null`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var got Time
			if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got.Time, tt.want)
			}
		})
	}
	var bad Time
	if err := json.Unmarshal([]byte(`"yesterday"`), &bad); err == nil {
		t.Error("want an error for a time that is not ISO-8601")
	}
}

func TestLastAccessTime(t *testing.T) {
	tests := []struct {
		json string
		want time.Time
	}{
		{`{"lastAccessTime": "2024-05-14T10:00:00"}`, time.Date(2024, 5, 14, 10, 0, 0, 0, time.UTC)},
		{`{"lastAccessTime": "5/14/2024 10:00:00 PM"}`, time.Date(2024, 5, 14, 22, 0, 0, 0, time.UTC)},
		{`{"lastAccessTime": "last Tuesday"}`, time.Time{}},
		{`{}`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var n node
			if err := json.Unmarshal([]byte(tt.json), &n); err != nil {
				t.Fatal(err)
			}
			if !n.LastAccessTime.Equal(tt.want) {
				t.Errorf("got %v, want %v", n.LastAccessTime.Time, tt.want)
			}
		})
	}
}

func TestListDecoding(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []ID
	}{
		{"array", `[{"id": 1}, {"id": "2"}]`, []ID{"1", "2"}},
		{"typed collection", `{"$type": "Cloutility.Collection[[Consumer]]", "href": "/v1/x", "total": 2, "offset": 0, "items": [{"id": 7}, {"id": 8}]}`, []ID{"7", "8"}},
		{"empty collection", `{"total": 0}`, nil},
		{"null", `null`, nil},
		{"an item of the wrong type is dropped, not the list", `[{"id": 1}, {"id": 2, "name": 5}, {"id": 3}]`, []ID{"1", "3"}},
		{"in a collection too", `{"items": [{"id": 1, "limitHighStorage": "100"}, {"id": 4}]}`, []ID{"4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l list[consumer]
			if err := json.Unmarshal([]byte(tt.json), &l); err != nil {
				t.Fatal(err)
			}
			var got []ID
			for _, c := range l.List {
				got = append(got, c.ID)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestParseTimeSpan(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"01:02:03", time.Hour + 2*time.Minute + 3*time.Second, true},
		{"1.02:00:00", 26 * time.Hour, true},
		{"00:00:01.5000000", 1500 * time.Millisecond, true},
		{"", 0, false},
		{"-00:01:00", 0, false},
		{"90 minutes", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseTimeSpan(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseTimeSpan(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAlertType(t *testing.T) {
	names := map[int]string{2: "Storage above limit"}
	tests := []struct {
		json string
		want string
	}{
		{`{"id": 1, "name": "No activity", "usesLimit": true}`, "no_activity"},
		{`2`, "storage_above_limit"},
		{`9`, "warning_type_9"},
		{`"Failed files (>10)"`, "failed_files_10"},
		{`null`, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var w nodeReportWarning
			if err := json.Unmarshal([]byte(`{"type": `+tt.json+`}`), &w); err != nil {
				t.Fatal(err)
			}
			if got := alertType(w.Type, names); got != tt.want {
				t.Errorf("alertType = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"envelope", `{"code": "NotFound", "message": "Consumer not found.", "developerMessage": "Consumer not found.", "status": 404}`, "NotFound: Consumer not found."},
		{"oauth", `{"error": "invalid_grant", "error_description": "The user name or password is incorrect."}`, "invalid_grant: The user name or password is incorrect."},
		{"asp.net", `{"Message": "Authorization has been denied for this request."}`, "Authorization has been denied for this request."},
		{"not json", `<html>Bad gateway</html>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorMessage([]byte(tt.body)); got != tt.want {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.want)
			}
		})
	}
}

package cleverfox

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateTime(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	tests := []struct {
		name string
		json string
		loc  *time.Location
		want time.Time // zero: absent
	}{
		{"local with milliseconds, west of UTC", `"2024-05-14T01:07:40.000"`, ny, time.Date(2024, 5, 14, 5, 7, 40, 0, time.UTC)},
		{"local with milliseconds, east of UTC", `"2024-05-14T01:07:40.250"`, tokyo, time.Date(2024, 5, 13, 16, 7, 40, 250e6, time.UTC)},
		{"winter time west of UTC", `"2024-01-14T01:07:40"`, ny, time.Date(2024, 1, 14, 6, 7, 40, 0, time.UTC)},
		{"UTC field", `"2024-05-14T05:00:02.000"`, time.UTC, time.Date(2024, 5, 14, 5, 0, 2, 0, time.UTC)},
		{"space instead of T", `"2024-05-14 05:00:02"`, time.UTC, time.Date(2024, 5, 14, 5, 0, 2, 0, time.UTC)},
		{"a zone in the text wins", `"2024-05-14T05:00:02Z"`, tokyo, time.Date(2024, 5, 14, 5, 0, 2, 0, time.UTC)},
		{"an offset in the text wins", `"2024-05-14T05:00:02+02:00"`, ny, time.Date(2024, 5, 14, 3, 0, 2, 0, time.UTC)},
		{"JSON escapes", `"2024-05-14T05:00:0\u0032"`, time.UTC, time.Date(2024, 5, 14, 5, 0, 2, 0, time.UTC)},
		{"null", `null`, ny, time.Time{}},
		{"empty", `""`, ny, time.Time{}},
		{"unknown shape", `"14/05/2024 5:00 AM"`, ny, time.Time{}},
		{"not a string", `12345`, ny, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d DateTime
			if err := json.Unmarshal([]byte(tc.json), &d); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tc.json, err)
			}
			got := d.In(tc.loc)
			if !got.Equal(tc.want) || got.IsZero() != tc.want.IsZero() || d.IsZero() != tc.want.IsZero() {
				t.Errorf("Unmarshal(%s).In(%s) = %v, want %v", tc.json, tc.loc, got, tc.want)
			}
		})
	}
}

// TestNullBooleans shows the documented quirk: a null boolean is false.
func TestNullBooleans(t *testing.T) {
	var p listPage[Device]
	body := `{"data":[{"DeviceId":1,"IsInactive":null},{"DeviceId":2,"IsInactive":true},{"DeviceId":3}],"page_no":1,"page_size":25}`
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	got := []bool{p.Data.List[0].IsInactive, p.Data.List[1].IsInactive, p.Data.List[2].IsInactive}
	if got[0] || !got[1] || got[2] {
		t.Errorf("IsInactive of null, true, absent = %v, want [false true false]", got)
	}
}

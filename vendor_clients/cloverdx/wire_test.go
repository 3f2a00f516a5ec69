package cloverdx

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimestampDecoding(t *testing.T) {
	want := time.Date(2024, 5, 14, 0, 0, 5, 120e6, time.UTC)
	cases := []struct {
		name    string
		json    string
		want    time.Time
		wantErr bool
	}{
		{name: "ISO-8601 with offset", json: `"2024-05-14T02:00:05.120+02:00"`, want: want},
		{name: "ISO-8601 in UTC", json: `"2024-05-14T00:00:05.120Z"`, want: want},
		{name: "ISO-8601 offset without colon", json: `"2024-05-14T02:00:05.120+0200"`, want: want},
		{name: "epoch milliseconds", json: `1715644805120`, want: want},
		{name: "epoch milliseconds as string", json: `"1715644805120"`, want: want},
		{name: "null", json: `null`},
		{name: "empty string", json: `""`},
		{name: "no offset", json: `"2024-05-14T02:00:05"`, wantErr: true},
		{name: "boolean", json: `true`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got timestamp
			err := json.Unmarshal([]byte(tc.json), &got)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got.Time, tc.want)
			}
		})
	}
}

func TestEnumDecoding(t *testing.T) {
	cases := []struct {
		name    string
		json    string
		want    enumName
		wantErr bool
	}{
		{name: "upper case", json: `"FAILING"`, want: "FAILING"},
		{name: "lower case", json: `"failing"`, want: "FAILING"},
		{name: "UI label with a space", json: `"Very Low"`, want: "VERY_LOW"},
		{name: "hyphenated", json: `"very-low"`, want: "VERY_LOW"},
		{name: "object with a name", json: `{"name": "High", "label": "High"}`, want: "HIGH"},
		{name: "null", json: `null`, want: ""},
		{name: "number", json: `3`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got enumName
			err := json.Unmarshal([]byte(tc.json), &got)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExecutionDuration(t *testing.T) {
	cases := []struct {
		name string
		json string
		want time.Duration // -1: none
	}{
		{name: "duration in ms", json: `{"duration": 83000}`, want: 83 * time.Second},
		{name: "duration as string", json: `{"duration": "1500"}`, want: 1500 * time.Millisecond},
		{name: "from start and end", json: `{"startTime": "2024-05-14T02:00:00+02:00", "endTime": "2024-05-14T02:01:00+02:00"}`, want: time.Minute},
		{name: "from start and stopTime", json: `{"startTime": 1715644800000, "stopTime": 1715644830000}`, want: 30 * time.Second},
		{name: "null duration, running", json: `{"duration": null, "startTime": 1715644800000}`, want: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e execution
			if err := json.Unmarshal([]byte(tc.json), &e); err != nil {
				t.Fatal(err)
			}
			got := e.duration()
			switch {
			case tc.want < 0 && got != nil:
				t.Errorf("got %v, want none", *got)
			case tc.want >= 0 && (got == nil || *got != tc.want):
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{name: "error envelope", body: `{"errorMessage": "Execution 1 not found", "httpStatus": 404}`, want: "Execution 1 not found"},
		{name: "other JSON", body: `{"message": "x"}`, want: ""},
		{name: "HTML", body: `<html>Bad gateway</html>`, want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorMessage([]byte(tc.body)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

package cleverfox

import (
	"testing"
	"time"
)

func TestJobInterval(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name string
		job  Job
		want time.Duration
	}{
		{"hourly every 4", Job{Frequency: "Hourly", Every: 4}, 4 * time.Hour},
		{"daily", Job{Frequency: "Daily", Every: 1}, day},
		{"every 0 counts as 1", Job{Frequency: "Daily"}, day},
		{"any case", Job{Frequency: "daily", Every: 2}, 2 * day},
		{"weekly with no day", Job{Frequency: "Weekly", Every: 1}, 7 * day},
		{"weekly on one day", Job{Frequency: "Weekly", Every: 1, OnFriday: true}, 7 * day},
		{"weekly Wed and Sat", Job{Frequency: "Weekly", Every: 1, OnWednesday: true, OnSaturday: true}, 4 * day},
		{"weekly Mon to Fri", Job{Frequency: "Weekly", Every: 1, OnMonday: true, OnTuesday: true, OnWednesday: true, OnThursday: true, OnFriday: true}, 3 * day},
		{"every 2 weeks Mon and Thu", Job{Frequency: "Weekly", Every: 2, OnMonday: true, OnThursday: true}, 11 * day},
		{"monthly, the docs' spelling", Job{Frequency: "Monthy", Every: 1}, 31 * day},
		{"monthly, the right spelling", Job{Frequency: "Monthly", Every: 3}, 93 * day},
		{"one time", Job{Frequency: "One Time"}, 0},
		{"unknown", Job{Frequency: "Fortnightly"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.job.interval(); got != tc.want {
				t.Errorf("interval() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestJobStatus(t *testing.T) {
	tests := map[string]string{
		"Completed": "success", "completed": "success", "Failed": "failed", "FAILED": "failed",
		"Missed": "missed", "Running": "running", "RUNNING": "running", "In Progress": "running", "": "unknown", "Cancelled": "unknown",
	}
	for in, want := range tests {
		if got := jobStatus(in); string(got) != want {
			t.Errorf("jobStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

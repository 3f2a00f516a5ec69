package cleverfox

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestWindowsZonesLoad proves that every name of the table maps to a zone
// the embedded database knows.
func TestWindowsZonesLoad(t *testing.T) {
	for windows, iana := range windowsZones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%q → %q: %v", windows, iana, err)
		}
	}
}

func TestZoneLocation(t *testing.T) {
	// A January and a July instant tell the zones' standard and summer
	// offsets apart.
	jan := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	jul := time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		id             string
		janOff, julOff int // hours east of UTC
		warn           bool
	}{
		{"Eastern Standard Time", -5, -4, false},
		{"Pacific Standard Time", -8, -7, false},
		{"Central Standard Time", -6, -5, false},
		{"Mountain Standard Time", -7, -6, false},
		{"US Mountain Standard Time", -7, -7, false},
		{"GMT Standard Time", 0, 1, false},
		{"W. Europe Standard Time", 1, 2, false},
		{"Central Europe Standard Time", 1, 2, false},
		{"Romance Standard Time", 1, 2, false},
		{"FLE Standard Time", 2, 3, false},
		{"India Standard Time", 5, 5, false}, // +5:30, truncated to hours below
		{"China Standard Time", 8, 8, false},
		{"Tokyo Standard Time", 9, 9, false},
		{"AUS Eastern Standard Time", 11, 10, false},
		{"New Zealand Standard Time", 13, 12, false},
		{"UTC", 0, 0, false},
		{"Europe/Berlin", 1, 2, false}, // an IANA name passes through
		{"", 0, 0, false},
		{"Mars Standard Time", 0, 0, true},
		{"Local", 0, 0, true}, // never the exporter's own zone
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			var logs bytes.Buffer
			z := newZones(slog.New(slog.NewTextHandler(&logs, nil)))
			loc := z.location(tc.id)
			z.location(tc.id) // a second look-up neither loads nor warns again
			_, janOff := jan.In(loc).Zone()
			_, julOff := jul.In(loc).Zone()
			if janOff/3600 != tc.janOff || julOff/3600 != tc.julOff {
				t.Errorf("offsets = %d s, %d s, want %d h, %d h", janOff, julOff, tc.janOff, tc.julOff)
			}
			warnings := strings.Count(logs.String(), "unknown time zone")
			if want := map[bool]int{true: 1, false: 0}[tc.warn]; warnings != want {
				t.Errorf("%d warnings, want %d: %s", warnings, want, logs.String())
			}
		})
	}
}

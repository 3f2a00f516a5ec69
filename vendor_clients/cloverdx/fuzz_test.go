package cloverdx

import (
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// CloverDX's fuzz targets; see the Makefile's fuzz target for how to run them.

// FuzzDecodeList reads one body as every collection the client reads and
// maps what decodes, as a refresh would.
func FuzzDecodeList(f *testing.F) {
	now := time.Date(2026, 5, 14, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		c := &Client{logger: slog.New(slog.DiscardHandler)}

		var execs collection[execution]
		if json.Unmarshal(body, &execs) == nil {
			r := &executionRead{
				prev:          &c.state,
				lookbackStart: now.Add(-24 * time.Hour),
				historyStart:  now.Add(-30 * 24 * time.Hour),
				seen:          map[int64]bool{},
				fresh:         map[string]*freshAsset{},
			}
			r.visit(execs.Members.List)
			st := r.commit()
			for _, a := range st.assets {
				if a.LastDuration != nil && *a.LastDuration < 0 {
					t.Fatalf("job file %s has a negative duration %v", a.ID, *a.LastDuration)
				}
			}
			seen := map[string]bool{}
			for _, j := range r.jobs {
				if seen[j.ID] {
					t.Fatalf("run %s counted twice", j.ID)
				}
				seen[j.ID] = true
			}
		}

		var boards collection[dashboard]
		var monitors collection[monitor]
		if json.Unmarshal(body, &boards) == nil && json.Unmarshal(body, &monitors) == nil {
			snap := &backup.Snapshot{}
			for _, d := range boards.Members.List {
				for _, m := range monitors.Members.List {
					c.addMonitor(snap, d, m)
				}
			}
			for _, m := range snap.Monitors {
				if m.FailingItems < 0 {
					t.Fatalf("monitor %s has %d failing items", m.ID, m.FailingItems)
				}
			}
		}
		_ = ErrorMessage(body)
	})
}

// FuzzReadValue reads one JSON value with each time, duration and enum
// reader. A value a reader accepts must mean what it says.
func FuzzReadValue(f *testing.F) {
	f.Fuzz(func(t *testing.T, value []byte) {
		var ts timestamp
		if ts.UnmarshalJSON(value) == nil && !ts.IsZero() {
			if y := ts.Year(); y < 1 || y > 9999 {
				t.Fatalf("time %s read as year %d", value, y)
			}
		}
		var ms millis
		if ms.UnmarshalJSON(value) == nil {
			e := execution{Duration: &ms}
			if d := e.duration(); d != nil && *d < 0 {
				t.Fatalf("duration %s read as %v", value, *d)
			}
		}
		var n enumName
		if n.UnmarshalJSON(value) == nil {
			_, _ = normaliseStatus(n), severity(n)
		}
		_ = assetType(string(value))
	})
}

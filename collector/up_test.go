package collector

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/backup"
)

// TestUpMeansAssetsRead pins what backup_up answers: whether the latest
// refresh read the target's assets. A failing optional part shows in its own
// backup_collector_success and leaves backup_up at 1, so that it never
// silences the per-asset alerts of a target whose assets are fresh.
func TestUpMeansAssetsRead(t *testing.T) {
	failing := func(p backup.Part) func(time.Time) *backup.Snapshot {
		return func(now time.Time) *backup.Snapshot {
			s := richSnapshot(now)
			s.SetPart(p, errors.New("HTTP 403 Forbidden"))
			return s
		}
	}
	tests := []struct {
		name       string
		snap       func(time.Time) *backup.Snapshot
		err        error
		wantUp     float64
		failedPart backup.Part
	}{
		{"every part succeeds", richSnapshot, nil, 1, ""},
		{"restore endpoints refused", failing(backup.PartRestoreEndpoints), nil, 1, backup.PartRestoreEndpoints},
		{"alerts refused", failing(backup.PartAlerts), nil, 1, backup.PartAlerts},
		{"monitors refused", failing(backup.PartMonitors), nil, 1, backup.PartMonitors},
		{"storage refused", failing(backup.PartStorage), nil, 1, backup.PartStorage},
		{"jobs refused", failing(backup.PartJobs), nil, 1, backup.PartJobs},
		{"assets refused", failing(backup.PartAssets), nil, 0, backup.PartAssets},
		{"assets never attempted", func(now time.Time) *backup.Snapshot {
			s := richSnapshot(now)
			delete(s.PartErrors, backup.PartAssets)
			return s
		}, nil, 0, ""},
		{"fetch fails", nil, errors.New("connection refused"), 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			e, _ := newTestExporter(t, clock, fakeTarget("acme"))
			var snap *backup.Snapshot
			if tc.snap != nil {
				snap = tc.snap(clock.Now())
			}
			fetcherOf(t, e, "acme").returns(snap, tc.err)
			data := prometheus.NewPedanticRegistry()
			data.MustRegister(e.ScrapeCollector(context.Background()))
			mfs, err := data.Gather()
			if err != nil {
				t.Fatal(err)
			}
			if got := sampleValue(mfs, "backup_up", nil); got != tc.wantUp {
				t.Errorf("backup_up = %v, want %v", got, tc.wantUp)
			}
			if tc.failedPart != "" {
				if got := sampleValue(mfs, "backup_collector_success", map[string]string{"collector": string(tc.failedPart)}); got != 0 {
					t.Errorf("backup_collector_success{collector=%q} = %v, want 0", tc.failedPart, got)
				}
			}
		})
	}
}

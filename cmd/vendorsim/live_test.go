package main

import (
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
)

// TestSizeAnomalies shows that the first node with a transfer the exporter
// shows gets backups ten times larger than its latest, the second ten times
// smaller, one per tick, and that no other node changes.
func TestSizeAnomalies(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	d := cloutilityfake.Generate(1, 60, 0, now)
	before := map[int]float64{}
	jobs := map[int]int{}
	for _, c := range d.Consumers {
		jobs[c.ID] = len(c.Jobs)
		if j := latestTransfer(c, now); j != nil {
			before[c.ID] = *j.TransferredMB
		}
	}
	anomalies := pickSizeAnomalies(d, now)
	for tick := range 2 {
		finishAnomalousBackups(d, anomalies, now.Add(time.Duration(tick+1)*time.Second))
	}
	var factors []float64
	for _, c := range d.Consumers {
		if len(c.Jobs) == jobs[c.ID] {
			continue
		}
		j := latestTransfer(c, now.Add(2*time.Second))
		if len(c.Jobs) != jobs[c.ID]+2 || j == nil || !j.Completed.Equal(now.Add(2*time.Second)) {
			t.Fatalf("consumer %d: jobs %d → %d, latest %+v; want two more, the latest completed at the second tick", c.ID, jobs[c.ID], len(c.Jobs), j)
		}
		factors = append(factors, *j.TransferredMB/before[c.ID])
	}
	if len(factors) != 2 || factors[0] != 10 || factors[1] < 0.0999 || factors[1] > 0.1001 {
		t.Errorf("transfer factors %v, want [10 0.1]", factors)
	}
}

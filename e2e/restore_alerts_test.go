//go:build e2e

package e2e

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// restoreExpectations adds what the restore-readiness alerts should fire
// for, from the exposition alone. now and margin are expectedAlerts'.
func restoreExpectations(e *exposition, x expectations, near map[string]bool, now, margin float64) {
	hasExpiry := map[string]bool{}
	e.each("backup_clumio_instant_access_endpoint_expiry_timestamp_seconds", func(l map[string]string, _ float64) {
		hasExpiry[l["target"]+"/"+l["endpoint_id"]] = true
	})
	e.each("backup_clumio_instant_access_endpoint_created_timestamp_seconds", func(l map[string]string, v float64) {
		k := l["target"] + "/" + l["endpoint_id"]
		age := now - v
		switch {
		case !hasExpiry[k] || age > 7*86400+margin:
			x.add("BackupInstantAccessEndpointLongLived", k)
		case math.Abs(age-7*86400) <= margin:
			near[k] = true
		}
	})

	// Drills: BackupRestoreDrillStale as the end-to-end test's compressed
	// rule has it (a drill without success after one run).
	drillSuccess, drillRuns := map[string]float64{}, map[string]float64{}
	e.each("backup_restore_drill_last_success_timestamp_seconds", func(l map[string]string, v float64) {
		drillSuccess[l["target"]+"/"+l["drill"]] = v
	})
	e.each("backup_restore_drills_total", func(l map[string]string, v float64) { drillRuns[l["target"]+"/"+l["drill"]] += v })
	e.each("backup_restore_drill_interval_seconds", func(l map[string]string, every float64) {
		k := l["target"] + "/" + l["drill"]
		last, ok := drillSuccess[k]
		if (ok && now-last > 2*every) || (!ok && drillRuns[k] >= 1) {
			x.add("BackupRestoreDrillStale", k)
		}
	})
	e.each("backup_restore_drill_last_status", func(l map[string]string, v float64) {
		if l["status"] == "failed" && v == 1 {
			x.add("BackupRestoreDrillFailed", l["target"]+"/"+l["drill"])
		}
	})

	lastRestore := e.byAsset("backup_asset_last_restore_timestamp_seconds", nil)
	for key, every := range e.byAsset("backup_asset_restore_test_interval_seconds", nil) {
		target, _, _ := strings.Cut(key, "/")
		if e.heldBack[target] {
			continue
		}
		last, ok := lastRestore[key]
		switch {
		case !ok || now-last > every+margin:
			x.add("BackupRestoreNotTested", key)
		case math.Abs(now-last-every) <= margin:
			near[key] = true
		}
	}
}

// checkDrills proves, through Prometheus, that scripts/demo.yml's two
// restore drills ran in the background as configured: s3-drill restored
// vendorsim's drill-ready protection group once (its self-expiring endpoint
// is listed, open for at most its endpoint_ttl of 1h), and s3-drill-broken,
// whose protection group does not exist, failed.
func checkDrills(t *testing.T, s *stack) {
	t.Helper()
	status := map[string]string{}
	for _, r := range s.waitQuery(t, `backup_restore_drill_last_status{target="clumio-demo"} == 1`, 30*time.Second) {
		status[r.Metric["drill"]] = r.Metric["status"]
	}
	if status["s3-drill"] != "success" || status["s3-drill-broken"] != "failed" {
		t.Errorf("drill statuses %v, want s3-drill success and s3-drill-broken failed", status)
	}
	runs := map[string]string{}
	res, err := s.query(t, `backup_restore_drills_total{target="clumio-demo"} > 0`)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		runs[r.Metric["drill"]+"/"+r.Metric["result"]] = fmt.Sprint(r.Value[1])
	}
	if runs["s3-drill/success"] != "1" || runs["s3-drill-broken/failed"] != "1" || len(runs) != 2 {
		t.Errorf("drill runs %v, want one success of s3-drill and one failure of s3-drill-broken", runs)
	}
	open := s.waitQuery(t, `(backup_clumio_instant_access_endpoint_expiry_timestamp_seconds - backup_clumio_instant_access_endpoint_created_timestamp_seconds)
* on (job, instance, target, vendor, endpoint_id) group_left (endpoint)
backup_clumio_instant_access_endpoint_info{target="clumio-demo", endpoint=~"backup-exporter-drill-s3-drill-.*"}`, 30*time.Second)
	// The request is timed just before the endpoint's creation, both in
	// whole seconds: 1 s apart at most.
	if len(open) != 1 || (fmt.Sprint(open[0].Value[1]) != "3600" && fmt.Sprint(open[0].Value[1]) != "3599") {
		t.Errorf("drill endpoints %v, want one that lives endpoint_ttl, 3600 s", open)
	}
}

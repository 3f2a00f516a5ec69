package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

var (
	// checkinSpec is a valid vendor gauge.
	checkinSpec = backup.MetricSpec{Name: "device_last_checkin_timestamp_seconds", Help: "Last check-in of the device.", Type: backup.Gauge, Labels: []string{"device"}}
	// checkinClashSpec reuses checkinSpec's name with other labels.
	checkinClashSpec = backup.MetricSpec{Name: "device_last_checkin_timestamp_seconds", Help: "Last check-in of the device.", Type: backup.Gauge, Labels: []string{"host"}}
	// badNameSpec has a name Prometheus refuses.
	badNameSpec = backup.MetricSpec{Name: "bad-name", Help: "Invalid.", Type: backup.Gauge}
	// targetLabelSpec repeats a label the engine adds.
	targetLabelSpec = backup.MetricSpec{Name: "shadow", Help: "Invalid.", Type: backup.Gauge, Labels: []string{"target"}}
)

// TestVendorSamples pins the exposition of vendor-only metrics (gauges and
// counters named backup_<vendor>_<name>) and shows that samples that would
// make the scrape invalid are skipped, alone, and logged once.
func TestVendorSamples(t *testing.T) {
	clock := newClock()
	var logs bytes.Buffer
	e, err := NewExporter(&config.Config{Targets: []config.Target{fakeTarget("acme")}}, Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	snap := allParts(&backup.Snapshot{Samples: []backup.Sample{
		{Spec: &checkinSpec, LabelValues: []string{"laptop-1"}, Value: 1.7e9},
		{Spec: &checkinSpec, LabelValues: []string{"laptop-2"}, Value: 1.8e9},
		{Spec: &tokenRefreshesSpec, Value: 7},
		{Spec: &nodeStatusSpec, LabelValues: []string{"vol-1", "ok"}, Value: 1},
		// Each of these would make the whole exposition fail.
		{Spec: &checkinSpec, LabelValues: []string{"laptop-1"}, Value: 2e9},
		{Spec: &checkinSpec, LabelValues: []string{"laptop-3", "extra"}, Value: 1},
		{Spec: &checkinClashSpec, LabelValues: []string{"h"}, Value: 1},
		{Spec: &badNameSpec, Value: 1},
		{Spec: &targetLabelSpec, LabelValues: []string{"x"}, Value: 1},
		{Spec: nil, Value: 1},
	}})
	fetcherOf(t, e, "acme").returns(snap, nil)
	assertGolden(t, e.ScrapeCollector(context.Background()), "engine_samples.prom",
		"backup_fake_device_last_checkin_timestamp_seconds", "backup_fake_token_refreshes_total", "backup_fake_node_report_status", "backup_up")

	for _, issue := range []string{"duplicate vendor sample", "wrong number of label values", "invalid vendor metric", "without spec"} {
		if n := strings.Count(logs.String(), issue); n != 1 {
			t.Errorf("issue %q logged %d times, want once:\n%s", issue, n, logs.String())
		}
	}
}

// TestSampleDescsAreCached shows that a spec's descriptor is built once and
// shared by every target of the vendor.
func TestSampleDescsAreCached(t *testing.T) {
	d := newSampleDescs()
	a, b := d.get("fake", &checkinSpec), d.get("fake", &checkinSpec)
	if a.err != nil || a.desc != b.desc {
		t.Errorf("get twice: %v and %v (err %v), want one cached desc", a.desc, b.desc, a.err)
	}
	other := d.get("other", &checkinSpec)
	if other.err != nil || other.desc == a.desc || !strings.Contains(other.desc.String(), "backup_other_device_last_checkin_timestamp_seconds") {
		t.Errorf("another vendor's desc = %v (err %v), want backup_other_…", other.desc, other.err)
	}
}

// TestPartTiedSamples shows that a vendor sample tied to a part follows that
// part: served while it succeeds, kept as its last good data when it fails,
// dropped after serve_stale_for; untied samples follow every snapshot.
func TestPartTiedSamples(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	f := fetcherOf(t, e, "acme")
	snapshot := func(tied, untied float64, endpointsErr error) *backup.Snapshot {
		s := allParts(&backup.Snapshot{Samples: []backup.Sample{
			{Spec: &checkinSpec, LabelValues: []string{"untied"}, Value: untied},
		}})
		if endpointsErr == nil {
			s.Samples = append(s.Samples, backup.Sample{Spec: &checkinSpec, LabelValues: []string{"tied"}, Value: tied, Part: backup.PartRestoreEndpoints})
		}
		s.SetPart(backup.PartRestoreEndpoints, endpointsErr)
		return s
	}
	steps := []struct {
		name                string
		advance             time.Duration
		snap                *backup.Snapshot
		wantTied, wantUntie string // "" = absent
	}{
		{"part succeeds", 0, snapshot(1, 10, nil), "1", "10"},
		{"part fails: its samples stay", 2 * time.Minute, snapshot(0, 20, errors.New("HTTP 403")), "1", "20"},
		{"part still failing past serve_stale_for", time.Hour, snapshot(0, 30, errors.New("HTTP 403")), "", "30"},
		{"part succeeds again", 2 * time.Minute, snapshot(4, 40, nil), "4", "40"},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		f.returns(s.snap, nil)
		got := map[string]string{}
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(e.ScrapeCollector(context.Background()))
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != "backup_fake_device_last_checkin_timestamp_seconds" {
				continue
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "device" {
						got[l.GetValue()] = fmt.Sprint(m.GetGauge().GetValue())
					}
				}
			}
		}
		if got["tied"] != s.wantTied || got["untied"] != s.wantUntie {
			t.Errorf("%s: tied %q, untied %q; want %q, %q", s.name, got["tied"], got["untied"], s.wantTied, s.wantUntie)
		}
	}
}

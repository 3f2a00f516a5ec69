package backtest

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

// recordingFake is a vendorFake that records the backups it is asked for.
type recordingFake struct {
	vendorFake
	runs []string
}

func (f *recordingFake) backup(a *simAsset, end time.Time, ok bool, mb float64) {
	status := "ok"
	if !ok {
		status = "failed"
	}
	// A tenfold backup moves at least 7 times the base (30% of noise); an
	// ordinary one at most 6.5 (a Sunday's full backup, five times, +30%).
	size := ""
	if mb >= 7*a.baseMB {
		size = "x10"
	}
	f.runs = append(f.runs, end.Format("Jan 2 15:04")+" "+status+" "+size)
}

func (f *recordingFake) handler() http.Handler { return http.NotFoundHandler() }

// The incidents shape each due backup: stopped, failed, 90 minutes late or
// tenfold, and the schedule goes on from where it was.
func TestBackupsDueFollowTheIncidents(t *testing.T) {
	h := func(n float64) Duration { return Duration(time.Duration(n * float64(time.Hour))) }
	for _, tc := range []struct {
		name string
		inc  Incident
		want []string
	}{
		{"no incident", Incident{Kind: KindBackupsStop, Start: h(100), End: h(101)},
			[]string{"Oct 5 06:00 ok ", "Oct 6 06:00 ok ", "Oct 7 06:00 ok "}},
		{"stopped for a day", Incident{Kind: KindBackupsStop, Start: h(1), End: h(25)},
			[]string{"Oct 6 06:00 ok ", "Oct 7 06:00 ok "}},
		{"failing", Incident{Kind: KindBackupsFail, Start: h(1), End: h(25)},
			[]string{"Oct 5 06:00 failed ", "Oct 6 06:00 ok ", "Oct 7 06:00 ok "}},
		{"late", Incident{Kind: KindBackupsLate, Start: h(1), End: h(25)},
			[]string{"Oct 5 07:30 ok ", "Oct 6 06:00 ok ", "Oct 7 06:00 ok "}},
		{"tenfold", Incident{Kind: KindSizeJump, Start: h(25), End: h(49)},
			[]string{"Oct 5 06:00 ok ", "Oct 6 06:00 ok x10", "Oct 7 06:00 ok "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.inc.Name, tc.inc.Target = "incident", "v"
			fake := &recordingFake{}
			runDailyBackups(fake, tc.inc, t0, t0.Add(6*time.Hour), 72*time.Hour)
			if !reflect.DeepEqual(fake.runs, tc.want) {
				t.Errorf("runs %q, want %q", fake.runs, tc.want)
			}
		})
	}
}

// runDailyBackups simulates one daily asset "a" of target "v", first due
// at next, under inc (named "incident", on that asset), from start for
// length, one step at a time, and the backups it takes reach fake.
func runDailyBackups(fake vendorFake, inc Incident, start, next time.Time, length time.Duration) {
	a := &simAsset{id: "a", period: 24 * time.Hour, baseMB: 100, next: next}
	s := &simulation{
		sc:       &Scenario{Start: start, Duration: Duration(length), Incidents: []Incident{inc}},
		fakes:    map[string]vendorFake{"v": fake},
		entities: map[string]entity{"incident": {target: "v", assetIDs: []string{"a"}}},
	}
	s.rng = newRand(1)
	for m := start; m.Before(start.Add(length)); m = m.Add(step) {
		s.backupsDue("v", a, m, m.Sub(start))
	}
}

// storageFake records the shares of its quota an asset is filled to.
type storageFake struct {
	vendorFake
	shares []float64
}

func (f *storageFake) fillStorage(_ *simAsset, share float64) bool {
	f.shares = append(f.shares, share)
	return true
}

// A quota fills from half to all of it in the first two thirds of the
// incident, stays full for the last third, and is freed back to half when
// it ends.
func TestStorageFillsAndIsFreed(t *testing.T) {
	inc := Incident{Name: "quota", Kind: KindStorageFilling, Target: "v", Start: Duration(time.Hour), End: Duration(2 * time.Hour)}
	fake := &storageFake{}
	s := &simulation{
		sc:        &Scenario{Start: t0, Duration: Duration(3 * time.Hour), Incidents: []Incident{inc}},
		fakes:     map[string]vendorFake{"v": fake},
		assets:    map[string][]*simAsset{},
		entities:  map[string]entity{"quota": {target: "v", assetIDs: []string{"a"}}},
		wasActive: map[string]bool{},
	}
	s.assets["v"] = []*simAsset{{id: "a", period: 24 * time.Hour, next: t0.Add(48 * time.Hour)}}
	for m := t0; m.Before(t0.Add(3 * time.Hour)); m = m.Add(step) {
		if err := s.apply(m); err != nil {
			t.Fatal(err)
		}
	}
	want := []float64{0.5, 0.6875, 0.875, 1, 0.5}
	if !reflect.DeepEqual(fake.shares, want) {
		t.Errorf("shares %v, want %v", fake.shares, want)
	}
}

// A weekly full backup follows the schedule: a Saturday run that starts
// late, past midnight, stays an incremental, and a daily job keeps its
// wall-clock time (and its Sunday full) across a daylight-saving change,
// as a vendor's calendar does. Adding 24 hours of absolute time made the
// month's Europe/London job run its full on two days in a row after
// October 25, and a late Saturday run a full on Sunday: both looked like a
// size anomaly a week later.
func TestWeeklyFullFollowsTheSchedule(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip(err)
	}
	h := func(n float64) Duration { return Duration(time.Duration(n * float64(time.Hour))) }
	start := time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC) // a Thursday
	for _, tc := range []struct {
		name string
		next time.Time
		inc  Incident
		want []string
	}{
		// Saturday 23:00 runs at 00:30 on Sunday: an incremental. Sunday's
		// run is late too (01:30 on Monday) and is the full.
		{"late on Saturday night", time.Date(2026, 10, 22, 23, 0, 0, 0, time.UTC),
			Incident{Kind: KindBackupsLate, Start: h(60), End: h(100)},
			[]string{"Oct 22 23:00 ", "Oct 23 23:00 ", "Oct 25 00:30 ", "Oct 26 00:30 full", "Oct 26 23:00 "}},
		// Midnight in London is 23:00 UTC in summer time and 00:00 UTC from
		// October 25 on: one full, on Sunday 25 (BST).
		{"daylight saving ends", time.Date(2026, 10, 23, 0, 0, 0, 0, london),
			Incident{Kind: KindBackupsStop, Start: h(1000), End: h(1001)},
			[]string{"Oct 22 23:00 ", "Oct 23 23:00 ", "Oct 24 23:00 full", "Oct 26 00:00 ", "Oct 27 00:00 "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.inc.Name, tc.inc.Target = "incident", "v"
			fake := &fullFake{}
			runDailyBackups(fake, tc.inc, start, tc.next, 5*24*time.Hour+2*time.Hour)
			if !reflect.DeepEqual(fake.runs, tc.want) {
				t.Errorf("runs %q, want %q", fake.runs, tc.want)
			}
		})
	}
}

// fullFake records the UTC end of each backup, and whether it was a full
// one (at least 3.5 times the base: an incremental moves at most 1.3).
type fullFake struct {
	vendorFake
	runs []string
}

func (f *fullFake) backup(a *simAsset, end time.Time, _ bool, mb float64) {
	kind := ""
	if mb >= 3.5*a.baseMB {
		kind = "full"
	}
	f.runs = append(f.runs, end.UTC().Format("Jan 2 15:04")+" "+kind)
}

func (f *fullFake) handler() http.Handler { return http.NotFoundHandler() }

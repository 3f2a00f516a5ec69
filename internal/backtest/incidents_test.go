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
			a := &simAsset{id: "a", period: 24 * time.Hour, baseMB: 100, next: t0.Add(6 * time.Hour)}
			s := &simulation{
				sc:       &Scenario{Start: t0, Duration: h(72), Incidents: []Incident{tc.inc}},
				fakes:    map[string]vendorFake{"v": fake},
				entities: map[string]entity{"incident": {target: "v", assetIDs: []string{"a"}}},
			}
			s.rng = newRand(1)
			for m := t0; m.Before(t0.Add(72 * time.Hour)); m = m.Add(step) {
				s.backupsDue("v", a, m, m.Sub(t0))
			}
			if !reflect.DeepEqual(fake.runs, tc.want) {
				t.Errorf("runs %q, want %q", fake.runs, tc.want)
			}
		})
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

package cleverfox

import (
	"encoding/json"
	"log/slog"
	"testing"
	"time"
)

// Fuzzing of the CleverFox decoding; its seeds are in testdata/fuzz.

// fuzzNow is the fuzz targets' clock.
var fuzzNow = time.Date(2026, 5, 14, 12, 0, 0, 0, time.UTC)

// FuzzDecodeList reads one body as every list envelope the client reads and
// maps what decodes, as a refresh would.
func FuzzDecodeList(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		inv := &inventory{errs: map[string]error{}}
		var (
			companies listPage[Company]
			subs      listPage[Subscription]
			plans     listPage[Plan]
			devices   listPage[Device]
			jobs      listPage[Job]
			logs      listPage[Log]
		)
		if json.Unmarshal(body, &companies) == nil {
			inv.companies = companies.Data.List
		}
		if json.Unmarshal(body, &subs) == nil {
			inv.subscriptions = subs.Data.List
		}
		if json.Unmarshal(body, &plans) == nil {
			inv.plans = plans.Data.List
		}
		if json.Unmarshal(body, &devices) == nil {
			inv.devices = devices.Data.List
		}
		if json.Unmarshal(body, &jobs) == nil {
			inv.jobs = jobs.Data.List
		}
		m := newMapper(inv, newZones(slog.New(slog.DiscardHandler)))
		h := newLogHistory()
		windowStart := fuzzNow.Add(-24 * time.Hour)
		if json.Unmarshal(body, &logs) == nil {
			for i := range logs.Data.List {
				h.add(&logs.Data.List[i], m.logZone(&logs.Data.List[i]), windowStart)
			}
		}
		for _, a := range m.assets(h, fuzzNow) {
			if a.RPO < 0 {
				t.Fatalf("asset %s has a negative RPO %v", a.ID, a.RPO)
			}
			if a.LastDuration != nil && *a.LastDuration < 0 {
				t.Fatalf("asset %s has a negative duration %v", a.ID, *a.LastDuration)
			}
		}
		_ = h.finished(windowStart)
		_, _, _ = m.subscriptions(fuzzNow)
		_ = ErrorMessage(body)
	})
}

// FuzzReadValue reads one JSON value with each time, zone and enum reader.
func FuzzReadValue(f *testing.F) {
	z := newZones(slog.New(slog.DiscardHandler))
	f.Fuzz(func(t *testing.T, value []byte) {
		var d DateTime
		if err := d.UnmarshalJSON(value); err != nil {
			t.Fatalf("DateTime refused %q: %v (it reads what it cannot as absent)", value, err)
		}
		if !d.IsZero() {
			if y := d.UTC().Year(); y < 1 || y > 9999 {
				t.Fatalf("DateTime %q read as year %d", value, y)
			}
		}
		s := string(value)
		loc := z.location(s)
		if loc == nil {
			t.Fatalf("time zone %q gave no location", s)
		}
		_ = d.In(loc)
		_ = jobStatus(s)

		var j Job
		if json.Unmarshal(value, &j) == nil {
			if iv := j.interval(); iv < 0 || iv > maxEvery*31*24*time.Hour {
				t.Fatalf("job schedule %s gives the interval %v, outside the documented schedules", value, iv)
			}
		}
	})
}

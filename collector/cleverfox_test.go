package collector

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
)

// startCleverFox serves a CleverFox fake over TLS (1.2 or newer, as the API)
// and returns a target of it that trusts the server's certificate through
// tls_config.ca_file, as a deployment would.
func startCleverFox(tb testing.TB, srv http.Handler, mods ...func(*config.Target)) config.Target {
	tb.Helper()
	ts := httptest.NewUnstartedServer(srv)
	ts.TLS = cleverfoxfake.TLSConfig()
	ts.StartTLS()
	tb.Cleanup(ts.Close)
	ca := filepath.Join(tb.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		tb.Fatal(err)
	}
	t := config.Target{
		Name:     "cleverfox",
		Vendor:   config.VendorCleverFox,
		URL:      ts.URL + "/api",
		Settings: config.DefaultSettings,
		TLS:      config.TLSConfig{CAFile: ca},
		APIKey:   cleverfoxfake.DefaultAPIKey,
	}
	for _, m := range mods {
		m(&t)
	}
	return t
}

// cleverfoxGoldenJobs is the number of jobs of cleverfoxGoldenData; the
// golden test sets page_size to it, so that the jobs list is exactly one
// full page and the client must ask for the next one to learn it has all.
const cleverfoxGoldenJobs = 11

// cleverfoxGoldenData is a small account with one job per case, at t0
// (Monday 2026-11-23 12:00 UTC, 07:00 in New York, 21:00 in Tokyo):
//
//	job 1  New York, newest run Completed (size and transferred bytes)
//	job 2  New York, newest run Failed, older success
//	job 3  device 3 and job 3 with IsInactive null (active), newest run Missed
//	job 4  Tokyo, weekly on Wednesday and Saturday, never ran
//	job 5  Tokyo, NextRunOn + LateAfter one minute ahead: still success
//	job 6  Tokyo, NextRunOn + LateAfter one minute past: missed by rule
//	job 7  inactive job with a success ten days old
//	job 8  active job on an inactive device
//	job 9  device offline for days, its newest run never ended: missed by rule
//	job 10 Tokyo, newest run still running: status running, one job running
//	job 11 a zone the client does not know (read as UTC), Frequency "Monthy"
func cleverfoxGoldenData() *cleverfoxfake.Data {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			panic(err)
		}
		return loc
	}
	ny, tyo, la := zone("America/New_York"), zone("Asia/Tokyo"), zone("America/Los_Angeles")
	at := func(loc *time.Location, s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
		if err != nil {
			panic(err)
		}
		return t
	}
	size := func(n int64) *int64 { return &n }
	run := func(job int, status string, loc *time.Location, start, end string, sizes ...*int64) cleverfoxfake.Log {
		l := cleverfoxfake.Log{JobID: job, Status: status, Started: at(loc, start)}
		l.AddedOn = l.Started
		if end != "" {
			l.Completed = at(loc, end)
		}
		for i, s := range sizes {
			l.Items = append(l.Items, cleverfoxfake.LogItem{ItemID: job*10 + i, Name: "item", Engine: "File", FileSize: s})
		}
		return l
	}
	missed := func(job int, loc *time.Location, added string) cleverfoxfake.Log {
		return cleverfoxfake.Log{JobID: job, Status: "Missed", AddedOn: at(loc, added)}
	}
	daily := func(id, device int, name string, lateAfter int, next time.Time) cleverfoxfake.Job {
		return cleverfoxfake.Job{ID: id, DeviceID: device, Name: name, Frequency: "Daily", Every: 1, LateAfter: lateAfter, NextRunOn: next}
	}
	hourly := func(id int, name string, next time.Time) cleverfoxfake.Job {
		return cleverfoxfake.Job{ID: id, DeviceID: 2, Name: name, Frequency: "Hourly", Every: 1, LateAfter: 30, NextRunOn: next}
	}

	d := &cleverfoxfake.Data{
		Companies: []cleverfoxfake.Company{
			{ID: 1, Name: "Acme LLC"},
			{ID: 2, Name: "Birch GmbH"},
			{ID: 3, Name: "Cobalt Inc"},
		},
		Plans: []cleverfoxfake.Plan{
			{ID: 1, Name: "Starter", DeviceLimit: 3, StorageLimit: 100},
			{ID: 2, Name: "Business", DeviceLimit: 10, StorageLimit: 500},
			{ID: 4, Name: "Enterprise"},
		},
		Subscriptions: []cleverfoxfake.Subscription{
			{ID: 1, CompanyID: 1, PlanID: 2, Status: "Active", AdditionalDevice: 2, PeriodEnd: t0.AddDate(0, 0, 20)},
			// A trial ending in five days.
			{ID: 2, CompanyID: 2, PlanID: 1, Status: "Trialing", PeriodEnd: t0.AddDate(0, 0, 5)},
			{ID: 3, CompanyID: 3, PlanID: 1, Status: "Canceled", Inactive: true, PeriodEnd: t0.AddDate(0, 0, -30)},
			// No PeriodEnd: its state is its Status alone.
			{ID: 4, CompanyID: 3, PlanID: 4, Status: "Active"},
		},
		Devices: []cleverfoxfake.Device{
			{ID: 1, CompanyID: 1, SubscriptionID: 1, Name: "NY-FS01", TimeZoneID: "Eastern Standard Time", LastAPICheckAt: t0.Add(-5 * time.Minute)},
			{ID: 2, CompanyID: 2, SubscriptionID: 2, Name: "TYO-SQL01", TimeZoneID: "Tokyo Standard Time", LastAPICheckAt: t0.Add(-2 * time.Minute)},
			{ID: 3, CompanyID: 1, SubscriptionID: 1, Name: "NY-WS03", TimeZoneID: "Eastern Standard Time", LastAPICheckAt: t0.Add(-10 * time.Minute)},
			{ID: 4, CompanyID: 1, SubscriptionID: 1, Name: "OLD-PC", TimeZoneID: "Eastern Standard Time", Inactive: true, LastAPICheckAt: t0.AddDate(0, 0, -40)},
			{ID: 5, CompanyID: 3, SubscriptionID: 4, Name: "LAPTOP-07", TimeZoneID: "Pacific Standard Time", LastAPICheckAt: at(la, "2026-11-20 22:05:00")},
			{ID: 6, CompanyID: 3, SubscriptionID: 4, Name: "MARS-01", TimeZoneID: "Mars Standard Time", LastAPICheckAt: t0.Add(-time.Minute)},
		},
		Jobs: []cleverfoxfake.Job{
			daily(1, 1, "Nightly files", 60, at(ny, "2026-11-24 01:00:00")),
			daily(2, 1, "Nightly SQL", 30, at(ny, "2026-11-24 02:00:00")),
			daily(3, 3, "Documents", 120, at(ny, "2026-11-23 23:00:00")),
			{ID: 4, DeviceID: 2, Name: "Weekly full", Frequency: "Weekly", Every: 1, LateAfter: 60,
				Days: []time.Weekday{time.Wednesday, time.Saturday}, NextRunOn: at(tyo, "2026-11-25 03:00:00")},
			hourly(5, "Log backup A", t0.Add(-29*time.Minute)),
			hourly(6, "Log backup B", t0.Add(-31*time.Minute)),
			func() cleverfoxfake.Job {
				j := daily(7, 1, "Old archive", 60, at(ny, "2026-11-14 03:00:00"))
				j.Inactive = true
				return j
			}(),
			daily(8, 4, "Legacy", 60, at(ny, "2026-11-04 01:00:00")),
			daily(9, 5, "Laptop backup", 60, at(la, "2026-11-21 22:00:00")),
			daily(10, 2, "Evening SQL", 60, at(tyo, "2026-11-24 20:50:00")),
			{ID: 11, DeviceID: 6, Name: "Monthly archive", Frequency: "Monthy", Every: 1, LateAfter: 0,
				NextRunOn: at(time.UTC, "2026-12-01 00:00:00")},
		},
		Logs: []cleverfoxfake.Log{
			run(11, "Completed", time.UTC, "2026-11-01 00:00:00", "2026-11-01 00:30:00", size(9e9)),
			run(8, "Completed", ny, "2026-11-03 01:00:00", "2026-11-03 01:10:00"),
			run(7, "Completed", ny, "2026-11-13 03:00:00", "2026-11-13 03:45:00"),
			run(9, "Completed", la, "2026-11-19 22:00:00", "2026-11-19 22:40:00"),
			run(9, "Running", la, "2026-11-20 22:00:10", ""),
			run(3, "Completed", ny, "2026-11-21 23:00:00", "2026-11-21 23:15:00"),
			run(1, "Completed", ny, "2026-11-22 01:00:03", "2026-11-22 01:06:10", size(1_400_000_000)),
			run(2, "Completed", ny, "2026-11-22 02:00:04", "2026-11-22 02:20:00", size(3_000_000_000)),
			run(10, "Completed", tyo, "2026-11-22 20:50:00", "2026-11-22 21:10:00"),
			run(1, "Completed", ny, "2026-11-23 01:00:02", "2026-11-23 01:07:40", size(1_500_000_000), size(250_000)),
			missed(3, ny, "2026-11-23 01:00:00"),
			run(2, "Failed", ny, "2026-11-23 02:00:05", "2026-11-23 02:03:00", nil),
			run(6, "Completed", tyo, "2026-11-23 19:29:00", "2026-11-23 19:33:00"),
			run(5, "Completed", tyo, "2026-11-23 19:31:00", "2026-11-23 19:35:30"),
			run(10, "Running", tyo, "2026-11-23 20:50:00", ""),
		},
	}
	for i := range d.Logs {
		d.Logs[i].ID = 100 + i
	}
	return d
}

// TestCleverFoxGolden pins the metrics of every CleverFox case: each status,
// the missed rule on both sides of LateAfter, local times east and west of
// UTC to the second, null booleans, inactive jobs and devices, storage and
// device limits per subscription. The jobs list is exactly one page long.
func TestCleverFoxGolden(t *testing.T) {
	clock := newClock()
	srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, cleverfoxGoldenData())
	target := startCleverFox(t, srv, func(t *config.Target) { t.PageSize = cleverfoxGoldenJobs })
	e, _ := newTestExporter(t, clock, target)

	assertGolden(t, e.ScrapeCollector(context.Background()), "cleverfox.prom")
	if got := srv.Faults.RequestsTo("/api/jobs"); got != 2 {
		t.Errorf("requests to /api/jobs = %d, want 2: a full page must be followed by one more", got)
	}
}

// TestCleverFoxIncrementalRefresh shows that a later refresh reads only the
// first page of logs when nothing is new, carries every last success
// forward (job 7's is ten days old, far below that page), and picks up a
// new run on the same single page.
func TestCleverFoxIncrementalRefresh(t *testing.T) {
	clock := newClock()
	srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, cleverfoxGoldenData())
	// A one-second cache keeps every refresh within the minute in which the
	// golden data's missed rule (job 5) does not change.
	target := startCleverFox(t, srv, func(t *config.Target) { t.PageSize = 5; t.CacheTTL = time.Second })
	e, _ := newTestExporter(t, clock, target)
	assetMetrics := []string{
		"backup_asset_last_success_timestamp_seconds",
		"backup_asset_last_attempt_timestamp_seconds",
		"backup_asset_last_status",
	}

	scrape := func() string {
		t.Helper()
		out, err := testutil.CollectAndFormat(e.ScrapeCollector(context.Background()), expfmt.TypeTextPlain, assetMetrics...)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}

	first := scrape()
	if got := srv.Faults.RequestsTo("/api/logs"); got < 3 {
		t.Fatalf("first refresh read %d pages of logs, want every page (3 or more)", got)
	}

	srv.Faults.ResetCounts()
	clock.Advance(time.Second)
	if second := scrape(); second != first {
		t.Errorf("second refresh changed the assets:\n%s\nwant\n%s", second, first)
	}
	if got := srv.Faults.RequestsTo("/api/logs"); got != 1 {
		t.Errorf("second refresh read %d pages of logs, want 1", got)
	}

	// Job 2 runs again and succeeds; job 10's run finishes.
	srv.Update(func(d *cleverfoxfake.Data) {
		for i := range d.Logs {
			if d.Logs[i].JobID == 10 && d.Logs[i].Status == "Running" {
				d.Logs[i].Status, d.Logs[i].Completed = "Completed", t0.Add(3*time.Minute)
			}
		}
		d.Logs = append(d.Logs, cleverfoxfake.Log{
			ID: 200, JobID: 2, Status: "Completed",
			Started: t0.Add(time.Minute), Completed: t0.Add(3 * time.Minute), AddedOn: t0.Add(time.Minute),
		})
	})
	srv.Faults.ResetCounts()
	clock.Advance(time.Second)
	assertGolden(t, e.ScrapeCollector(context.Background()), "cleverfox_incremental.prom", assetMetrics...)
	if got := srv.Faults.RequestsTo("/api/logs"); got != 1 {
		t.Errorf("third refresh read %d pages of logs, want 1", got)
	}
}

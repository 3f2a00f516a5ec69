package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// generationSnapshot is a snapshot whose every asset size, storage use and
// vendor sample is the Unix time of its fetch, so that a scrape serving a
// mix of two refreshes shows two values.
func generationSnapshot(now time.Time, assets int) *backup.Snapshot {
	gen := float64(now.Unix())
	snap := &backup.Snapshot{FetchedAt: now}
	for i := range assets {
		snap.Assets = append(snap.Assets, backup.Asset{ID: fmt.Sprintf("a-%03d", i), Name: "asset", Type: "t", Tenant: "x", SizeBytes: backup.Float(gen)})
	}
	snap.Storage = []backup.Storage{{Scope: "business_unit", ScopeID: "bu", ScopeName: "bu", UsedBytes: backup.Float(gen)}}
	snap.Samples = []backup.Sample{{Spec: &tokenRefreshesSpec, Value: gen}}
	return allParts(snap)
}

// generationValues returns the values of the series that generationSnapshot
// sets to the fetch time, and backup_snapshot_timestamp_seconds.
func generationValues(mfs []*dto.MetricFamily) (values []float64, snapshotTS float64) {
	for _, mf := range mfs {
		switch mf.GetName() {
		case "backup_asset_size_bytes", "backup_storage_used_bytes", "backup_fake_token_refreshes_total":
			for _, m := range mf.Metric {
				values = append(values, m.GetGauge().GetValue()+m.GetCounter().GetValue())
			}
		case "backup_snapshot_timestamp_seconds":
			snapshotTS = mf.Metric[0].GetGauge().GetValue()
		}
	}
	return values, snapshotTS
}

// TestScrapesDuringRefreshSeeOneSnapshot scrapes a target from many
// goroutines while refreshes replace its snapshot, some scrapes waiting for
// the refresh and some leaving before it ends: every scrape must serve one
// snapshot whole, in its families and in its cached encoding. Run it with
// -race.
func TestScrapesDuringRefreshSeeOneSnapshot(t *testing.T) {
	const assets = 50
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	fetcherOf(t, e, "acme").set(func(ctx context.Context, d VendorDeps) (*backup.Snapshot, error) {
		now := d.Now()
		time.Sleep(2 * time.Millisecond) // a refresh takes a while
		return generationSnapshot(now, assets), nil
	})
	e.Scrape(context.Background())

	var wg sync.WaitGroup
	stop := make(chan struct{})
	seen := make(chan float64, 1024)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if i%2 == 1 { // leaves before most refreshes end: served the old snapshot
					ctx, cancel = context.WithTimeout(ctx, 500*time.Microsecond)
				}
				x := e.Scrape(ctx)
				cancel()
				mfs, err := x.Gather()
				if err != nil {
					t.Errorf("gather: %v", err)
					return
				}
				values, ts := generationValues(mfs)
				if len(values) != assets+2 {
					t.Errorf("%d generation series, want %d", len(values), assets+2)
					return
				}
				for _, v := range values {
					if v != ts {
						t.Errorf("a scrape mixes snapshots: a series of the snapshot fetched at %v, backup_snapshot_timestamp_seconds %v", v, ts)
						return
					}
				}
				body, err := x.Encode(Encoding{Format: expfmt.NewFormat(expfmt.TypeProtoDelim)})
				if err != nil {
					t.Errorf("encode: %v", err)
					return
				}
				if diff := encodingDiff(body, expfmt.NewFormat(expfmt.TypeProtoDelim), false, mfs); diff != "" {
					t.Errorf("the encoding is not the families': %s", diff)
					return
				}
				select {
				case seen <- ts:
				default:
				}
			}
		}()
	}
	for range 20 {
		clock.Advance(61 * time.Second)
		time.Sleep(3 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	close(seen)
	generations := map[float64]bool{}
	for ts := range seen {
		generations[ts] = true
	}
	if len(generations) < 2 {
		t.Errorf("the scrapes saw %d snapshots, want several: the test did not scrape across refreshes", len(generations))
	}
}

// TestStalePartExpiresBetweenRefreshes shows that a view serving a failed
// part's last good data drops it once serve_stale_for passes, even with no
// refresh in between, and that backup_snapshot_timestamp_seconds then tells
// the fetch time of the oldest part still served.
func TestStalePartExpiresBetweenRefreshes(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme", func(c *config.Target) {
		c.CacheTTL = 50 * time.Minute
		c.ServeStaleFor = time.Hour
	}))
	f := fetcherOf(t, e, "acme")
	f.returns(richSnapshot(clock.Now()), nil)
	e.Scrape(context.Background())
	first := clock.Now()

	clock.Advance(50 * time.Minute)
	snap := richSnapshot(clock.Now())
	snap.Alerts = nil
	snap.SetPart(backup.PartAlerts, errors.New("GET /alerts: HTTP 403 Forbidden"))
	f.returns(snap, nil)
	second := clock.Now()

	for _, step := range []struct {
		name       string
		advance    time.Duration
		wantAlerts bool
		wantTS     time.Time
	}{
		{"refresh: the alerts are stale, still served", 0, true, first},
		{"cache hit within serve_stale_for of the alerts' fetch", 10 * time.Minute, true, first},
		{"cache hit past serve_stale_for: the alerts go", time.Minute, false, second},
	} {
		clock.Advance(step.advance)
		mfs, err := e.Scrape(context.Background()).Gather()
		if err != nil {
			t.Fatal(err)
		}
		gotAlerts, gotTS := false, 0.0
		for _, mf := range mfs {
			switch mf.GetName() {
			case "backup_alerts_active":
				gotAlerts = true
			case "backup_snapshot_timestamp_seconds":
				gotTS = mf.Metric[0].GetGauge().GetValue()
			}
		}
		if gotAlerts != step.wantAlerts || gotTS != unixSeconds(step.wantTS) {
			t.Errorf("%s: alerts served %v, snapshot timestamp %v; want %v, %v", step.name, gotAlerts, gotTS, step.wantAlerts, unixSeconds(step.wantTS))
		}
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
}

// TestExpositionWrite writes a scrape of two targets merged with extra
// families in each format: decoded, it holds what Gather merged with the
// extra families, every family once (series source by source within a
// family); and a single target's segments rebuild exactly what the
// encoder writes for its families, OpenMetrics' closing line included.
func TestExpositionWrite(t *testing.T) {
	clock := newClock()
	e, reg := newTestExporter(t, clock, fakeTarget("acme"), fakeTarget("bravo"))
	fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
	fetcherOf(t, e, "bravo").returns(syntheticSnapshot(clock.Now(), 30), nil)
	x := e.Scrape(context.Background())
	extra, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	data, err := x.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want, err := mergeFamilies(extra, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range testFormats {
		var buf bytes.Buffer
		if err := x.Write(&buf, f, extra); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if f.FormatType() == expfmt.TypeOpenMetrics {
			if !bytes.HasSuffix(buf.Bytes(), []byte("\n# EOF\n")) || bytes.Count(buf.Bytes(), []byte("# EOF")) != 1 {
				t.Errorf("OpenMetrics without exactly one closing line")
			}
			continue
		}
		got, err := decodeAll(buf.Bytes(), f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// The text decoder returns families in no order.
		slices.SortFunc(got, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
		for _, mf := range got {
			slices.SortFunc(mf.Metric, compareSeries)
		}
		if f.FormatType() == expfmt.TypeProtoDelim {
			if diff := familiesDiff(got, want); diff != "" {
				t.Errorf("%s: %s", f, diff)
			}
			continue
		}
		// The text format has no created timestamps: compare the
		// families' names and series.
		if describeSeries(got) != describeSeries(want) {
			t.Errorf("%s: families and series differ:\n got %s\nwant %s", f, describeSeries(got), describeSeries(want))
		}
	}

	single := e.Scrape(context.Background(), "acme")
	mfs, _ := single.Gather()
	for _, f := range testFormats {
		var buf bytes.Buffer
		if err := single.Write(&buf, f, nil); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if diff := encodingDiff(buf.Bytes(), f, false, mfs); diff != "" {
			t.Errorf("%s, one target: %s", f, diff)
		}
	}
}

// describeSeries lists each family's name and number of series.
func describeSeries(mfs []*dto.MetricFamily) string {
	var b strings.Builder
	for _, mf := range mfs {
		fmt.Fprintf(&b, "%s:%d ", mf.GetName(), len(mf.Metric))
	}
	return b.String()
}

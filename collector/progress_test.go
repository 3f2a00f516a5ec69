package collector

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// scrapeFamilies scrapes every target once and returns what it served.
func scrapeFamilies(t *testing.T, e *Exporter) []*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.ScrapeCollector(context.Background()))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	return mfs
}

// TestProgressMetrics checks a fan-out target's freshness series: its items
// by freshness against cache_ttl, and the quantiles of their read times.
func TestProgressMetrics(t *testing.T) {
	l := newLabeler("portal", "cloutility")
	ttl := 10 * time.Minute
	ago := func(d time.Duration) time.Time { return t0.Add(-d) }
	tests := []struct {
		name       string
		progress   *backup.Progress
		wantCounts map[string]float64
		wantQ      map[string]time.Time
	}{
		{name: "a client without fan-out: none", progress: nil},
		{name: "nothing read yet", progress: &backup.Progress{Items: 2, ReadAt: make([]time.Time, 2)},
			wantCounts: map[string]float64{"fresh": 0, "behind": 0, "unread": 2}},
		{name: "twenty read, one behind, one unread",
			progress: func() *backup.Progress {
				p := &backup.Progress{Items: 22}
				for i := range 20 {
					p.ReadAt = append(p.ReadAt, ago(time.Duration(i)*time.Minute/2))
				}
				return &backup.Progress{Items: 22, ReadAt: append(p.ReadAt, ago(ttl+time.Second), time.Time{})}
			}(),
			wantCounts: map[string]float64{"fresh": 20, "behind": 1, "unread": 1},
			wantQ: map[string]time.Time{"100": ago(ttl + time.Second), "95": ago(19 * time.Minute / 2),
				"50": ago(10 * time.Minute / 2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			samples := progressMetrics(l, tt.progress, t0, ttl)
			counts, quantiles := map[string]float64{}, map[string]time.Time{}
			for _, s := range samples {
				m := &dto.Metric{Label: s.labels}
				switch s.desc {
				case refreshItemsDesc:
					counts[labelValue(m, "freshness")] = s.gauge.GetValue()
				case refreshItemsObservedDesc:
					quantiles[labelValue(m, "age_percentile")] = time.Unix(0, int64(s.gauge.GetValue()*1e9)).UTC()
				}
			}
			if tt.progress == nil {
				if len(samples) > 0 {
					t.Errorf("%d freshness series for a target without fan-out", len(samples))
				}
				return
			}
			for k, v := range tt.wantCounts {
				if counts[k] != v {
					t.Errorf("backup_refresh_items{freshness=%q} = %v, want %v", k, counts[k], v)
				}
			}
			for k, v := range tt.wantQ {
				if got := quantiles[k]; got.Sub(v).Abs() > time.Millisecond {
					t.Errorf("quantile %s = %v, want %v", k, got, v)
				}
			}
			if len(tt.wantQ) == 0 && len(quantiles) > 0 {
				t.Errorf("quantiles %v with nothing read", quantiles)
			}
		})
	}
}

// TestNextRefresh checks when a view stops being fresh: at cache_ttl, or
// when a fan-out item falls due, never sooner than an eighth of cache_ttl.
func TestNextRefresh(t *testing.T) {
	ttl := 8 * time.Minute
	tests := []struct {
		name     string
		progress *backup.Progress
		want     time.Duration
	}{
		{"no fan-out", nil, ttl},
		{"no item waiting", &backup.Progress{}, ttl},
		{"an item due in 3m", &backup.Progress{NextDue: t0.Add(3 * time.Minute)}, 3 * time.Minute},
		{"an item due in 10s: batched at ttl/8", &backup.Progress{NextDue: t0.Add(10 * time.Second)}, time.Minute},
		{"an item due after ttl", &backup.Progress{NextDue: t0.Add(time.Hour)}, ttl},
	}
	for _, tt := range tests {
		if got := nextRefresh(tt.progress, t0, ttl).Sub(t0); got != tt.want {
			t.Errorf("%s: fresh for %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestFanOutContinues checks that a refresh that ran out of time with items
// still due is continued at once in the background, without a scrape, and
// that a scrape meanwhile is served the latest view without waiting.
func TestFanOutContinues(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("portal"))
	f := fetcherOf(t, e, "portal")
	release := make(chan struct{})
	f.set(func(ctx context.Context, d VendorDeps) (*backup.Snapshot, error) {
		s := richSnapshot(d.Now())
		s.FetchedAt = d.Now()
		switch f.calls.Load() {
		case 1:
			s.Progress = &backup.Progress{Items: 3, Read: 1, Pending: 2, ReadAt: []time.Time{d.Now(), {}, {}}}
		case 2:
			<-release // the continuation: held until the test has scraped
			s.Progress = &backup.Progress{Items: 3, Read: 2, ReadAt: []time.Time{d.Now(), d.Now(), d.Now()}}
		default:
			s.Progress = &backup.Progress{Items: 3, ReadAt: []time.Time{d.Now(), d.Now(), d.Now()}}
		}
		return s, nil
	})
	mfs := scrapeFamilies(t, e)
	if v := sampleValue(mfs, "backup_refresh_items", map[string]string{"freshness": "unread"}); v != 2 {
		t.Fatalf("after the first slice: %v items unread, want 2", v)
	}
	// The continuation is in flight; a scrape now is served at once.
	done := make(chan struct{})
	go func() {
		gather(t, e, context.Background())
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a scrape waited on the continuation of a fresh view")
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		mfs = scrapeFamilies(t, e)
		if sampleValue(mfs, "backup_refresh_items", map[string]string{"freshness": "unread"}) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the continuation never served the remaining items")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("%d refreshes, want 2: the first slice and its continuation", n)
	}
}

// TestCheckBudget checks the warning that a fan-out target's request
// budget cannot keep up with its items, naming where the budget was set.
func TestCheckBudget(t *testing.T) {
	tests := []struct {
		name  string
		rps   float64
		items int
		want  string // a part of the one warning; "" for none
	}{
		{"enough", 60, 12500, ""},
		{"no budget: nothing to check", 0, 12500, ""},
		{"behind cache_ttl", 10, 12500, `cannot read every item within cache_ttl`},
		{"never within serve_stale_for", 2, 12500, `least_requests_per_second=3.5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			tc := config.VendorDefaults(config.VendorCloutility)
			tc.RequestsPerSecond = tt.rps
			tg := &Target{cfg: config.Target{Settings: tc, BudgetKey: "exporter.yml:9: targets[0].requests_per_second"},
				logger: slog.New(slog.NewTextHandler(&logs, nil))}
			p := &backup.Progress{Items: tt.items}
			tg.checkBudget(p)
			tg.checkBudget(p)
			got := logs.String()
			switch {
			case tt.want == "" && got != "":
				t.Errorf("warned: %s", got)
			case tt.want != "" && (!strings.Contains(got, tt.want) || !strings.Contains(got, "exporter.yml:9: targets[0].requests_per_second")):
				t.Errorf("log %q, want %q and the key", got, tt.want)
			case strings.Count(got, "level=WARN") > 1:
				t.Errorf("warned more than once: %s", got)
			}
		})
	}
}

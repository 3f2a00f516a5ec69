package collector

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// TestApplyConfigKeepsUnchangedTargets shows that a reload keeps the state
// of a target whose config did not change (its cache: no new fetch; its job
// counters), rebuilds a changed one, adds new ones and drops removed ones
// with their self-metric series.
func TestApplyConfigKeepsUnchangedTargets(t *testing.T) {
	clock := newClock()
	same, changed, removed := fakeTarget("same"), fakeTarget("changed"), fakeTarget("removed")
	e, reg := newTestExporter(t, clock, same, changed, removed)
	// j1 is the first refresh's baseline; j2 finishes before the second.
	j1 := backup.Job{ID: "j1", Type: backup.JobBackup, Status: backup.StatusSuccess, End: t0}
	j2 := backup.Job{ID: "j2", Type: backup.JobBackup, Status: backup.StatusSuccess, End: t0.Add(time.Minute)}
	for i, jobs := range [][]backup.Job{{j1}, {j1, j2}} {
		if i > 0 {
			clock.Advance(2 * time.Minute) // past cache_ttl
		}
		for _, n := range []string{"same", "changed", "removed"} {
			fetcherOf(t, e, n).returns(allParts(&backup.Snapshot{Jobs: jobs}), nil)
		}
		gather(t, e, context.Background())
	}
	before := map[string]*Target{}
	for _, tg := range e.lookup(nil) {
		before[tg.cfg.Name] = tg
	}

	changed.RPO = time.Hour
	if err := e.ApplyConfig(&config.Config{Targets: []config.Target{same, changed, fakeTarget("added")}}); err != nil {
		t.Fatalf("ApplyConfig: %v", err)
	}
	for _, c := range []struct {
		name     string
		want     bool
		kept     bool
		fetches  int32
		jobCount float64
	}{
		{"same", true, true, 2, 1},
		{"changed", true, false, 0, 0},
		{"added", true, false, 0, 0},
		{"removed", false, false, 0, 0},
	} {
		if got := e.HasTarget(c.name); got != c.want {
			t.Errorf("HasTarget(%q) = %v, want %v", c.name, got, c.want)
		}
		if !c.want {
			continue
		}
		tg := e.lookup([]string{c.name})[0]
		if (tg == before[c.name]) != c.kept {
			t.Errorf("%s: target kept = %v, want %v", c.name, tg == before[c.name], c.kept)
		}
		if got := tg.fetcher.(*scriptedFetcher).calls.Load(); got != c.fetches {
			t.Errorf("%s: %d fetches so far, want %d", c.name, got, c.fetches)
		}
		if got := tg.jobs.counts[jobKey{backup.JobBackup, backup.StatusSuccess}]; got != c.jobCount {
			t.Errorf("%s: jobs counted %v, want %v", c.name, got, c.jobCount)
		}
	}
	// The unchanged target is still a cache hit: no upstream call.
	gather(t, e, context.Background(), "same")
	if got := fetcherOf(t, e, "same").calls.Load(); got != 2 {
		t.Errorf("same: %d fetches after the reload, want 2 (cache kept)", got)
	}
	if got := testutil.ToFloat64(e.self.scrapes.WithLabelValues("same", fakeVendor, cacheHit)); got != 1 {
		t.Errorf("same: scrapes_total{cache=hit} = %v, want 1", got)
	}
	// The removed target's self series are gone; the others' remain.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "target" {
					targets[l.GetValue()] = true
				}
			}
		}
	}
	if targets["removed"] || !targets["same"] || !targets["changed"] || !targets["added"] {
		t.Errorf("self metrics have series of targets %v, want same, changed and added only", targets)
	}
	// The removed target was taken out of service: its context is done.
	if before["removed"].ctx.Err() == nil || before["changed"].ctx.Err() == nil {
		t.Error("replaced and removed targets were not closed")
	}
}

// TestApplyConfigIsAtomic shows that a config with one bad target changes
// nothing: the targets in service, their state and the self metrics stay.
func TestApplyConfigIsAtomic(t *testing.T) {
	clock := newClock()
	e, reg := newTestExporter(t, clock, fakeTarget("acme"))
	fetcherOf(t, e, "acme").returns(richSnapshot(clock.Now()), nil)
	gather(t, e, context.Background())
	acme := e.lookup(nil)[0]
	viewBefore := acme.view
	selfBefore, err := testutil.GatherAndCount(reg)
	if err != nil {
		t.Fatal(err)
	}

	changedAcme := fakeTarget("acme", func(t *config.Target) { t.RPO = time.Hour })
	cases := []struct {
		name    string
		bad     config.Target
		wantErr string
	}{
		{"unknown vendor", config.Target{Name: "mystery", Vendor: "nosuch", URL: "http://x.invalid", Settings: config.DefaultSettings},
			`target "mystery": unknown vendor "nosuch"`},
		{"TLS files that do not load", fakeTarget("tls", func(t *config.Target) { t.TLS.CAFile = "testdata/does-not-exist.pem" }),
			`target "tls": tls_config.ca_file`},
		{"bad URL", fakeTarget("url", func(t *config.Target) { t.URL = "not a url" }), `target "url": url "not a url"`},
		{"vendor client refuses", fakeTarget("refuses", func(t *config.Target) { t.OrganizationalUnit = "fail-new" }),
			`target "refuses": fake: refusing to build`},
		{"duplicate name", fakeTarget("new"), `target "new": defined twice`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			targets := []config.Target{changedAcme, fakeTarget("new"), c.bad}
			err := e.ApplyConfig(&config.Config{Targets: targets})
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("ApplyConfig error = %v, want one containing %q", err, c.wantErr)
			}
			if got := e.lookup(nil); len(got) != 1 || got[0] != acme || acme.ctx.Err() != nil {
				t.Errorf("targets in service changed: %v", got)
			}
			if e.HasTarget("new") {
				t.Error("the new target of the failed config is in service")
			}
			if n, err := testutil.GatherAndCount(reg); err != nil || n != selfBefore {
				t.Errorf("self metrics: %d series (err %v), want %d as before", n, err, selfBefore)
			}
		})
	}
	// The target kept its cache: the next scrape is a hit on the same view.
	gather(t, e, context.Background())
	if got := fetcherOf(t, e, "acme").calls.Load(); got != 1 || acme.view != viewBefore {
		t.Errorf("acme: %d fetches, view replaced %v; want 1 fetch and the same view", got, acme.view != viewBefore)
	}
}

// TestReloadCancelsRefreshInFlight shows that a reload that replaces a target
// cancels the old target's refresh, which then neither logs a failure nor
// counts one on the series the new target shares.
func TestReloadCancelsRefreshInFlight(t *testing.T) {
	clock := newClock()
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	acme := fakeTarget("acme")
	e, err := NewExporter(&config.Config{Targets: []config.Target{acme}}, Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Now: clock.Now, Registerer: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	fetcherOf(t, e, "acme").set(func(ctx context.Context, _ VendorDeps) (*backup.Snapshot, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gather(t, e, ctx) // leaves the refresh running
	old := e.lookup(nil)[0]
	old.mu.Lock()
	inflight := old.inflight
	old.mu.Unlock()
	if inflight == nil {
		t.Fatal("no refresh in flight")
	}

	acme.RPO = time.Hour
	if err := e.ApplyConfig(&config.Config{Targets: []config.Target{acme}}); err != nil {
		t.Fatal(err)
	}
	<-inflight // the old refresh ends once cancelled
	if strings.Contains(logs.String(), "refresh failed") {
		t.Errorf("the cancelled refresh logged a failure:\n%s", logs.String())
	}
	if got := testutil.ToFloat64(e.self.refreshes.WithLabelValues("acme", fakeVendor, resultError)); got != 0 {
		t.Errorf("refreshes_total{result=error} = %v, want 0", got)
	}
}

package collector

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
)

// update rewrites the golden files: go test ./collector -run TestX -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fakeVendor is the vendor of the engine's own tests: its targets' clients are
// scriptedFetchers.
const fakeVendor = "fake"

func init() {
	vendors[fakeVendor] = Vendor{New: func(t config.Target, d VendorDeps) (Fetcher, error) {
		if t.OrganizationalUnit == "fail-new" {
			return nil, errors.New("fake: refusing to build")
		}
		return &scriptedFetcher{deps: d}, nil
	}}
}

// errFake is the error of a part that a test makes fail.
var errFake = errors.New("fake: HTTP 503 Service Unavailable")

// scriptedFetcher is a Fetcher whose every call runs the script the test
// set, and that counts its calls.
type scriptedFetcher struct {
	deps  VendorDeps
	calls atomic.Int32

	mu     sync.Mutex
	script func(ctx context.Context, deps VendorDeps) (*backup.Snapshot, error)
}

// Fetch implements Fetcher.
func (f *scriptedFetcher) Fetch(ctx context.Context) (*backup.Snapshot, error) {
	f.calls.Add(1)
	f.mu.Lock()
	script := f.script
	f.mu.Unlock()
	if script == nil {
		return nil, errors.New("fake: no script")
	}
	return script(ctx, f.deps)
}

// set replaces the script.
func (f *scriptedFetcher) set(script func(ctx context.Context, deps VendorDeps) (*backup.Snapshot, error)) {
	f.mu.Lock()
	f.script = script
	f.mu.Unlock()
}

// returns makes every Fetch answer snap (its FetchedAt set to the clock's
// time) and err.
func (f *scriptedFetcher) returns(snap *backup.Snapshot, err error) {
	f.set(func(_ context.Context, d VendorDeps) (*backup.Snapshot, error) {
		if snap == nil {
			return nil, err
		}
		s := *snap
		s.FetchedAt = d.Now()
		return &s, err
	})
}

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// t0 is the engine tests' start time: 2026-11-23 12:00:00 UTC.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newClock() *fakeClock { return &fakeClock{t: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeTarget is a target of the fake vendor with the default settings.
func fakeTarget(name string, mods ...func(*config.Target)) config.Target {
	t := config.Target{Name: name, Vendor: fakeVendor, URL: "http://" + name + ".invalid", Settings: config.DefaultSettings}
	for _, m := range mods {
		m(&t)
	}
	return t
}

// newTestExporter builds an exporter over targets with its self metrics on
// the returned registry.
func newTestExporter(t testing.TB, clock *fakeClock, targets ...config.Target) (*Exporter, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	e, err := NewExporter(&config.Config{Targets: targets}, Options{Now: clock.Now, Registerer: reg, UserAgent: "backup_exporter/test"})
	if err != nil {
		t.Fatalf("NewExporter: %v", err)
	}
	t.Cleanup(func() {
		for _, tg := range e.lookup(nil) {
			tg.close()
		}
	})
	return e, reg
}

// fetcherOf returns the scriptedFetcher of a target in service.
func fetcherOf(t testing.TB, e *Exporter, name string) *scriptedFetcher {
	t.Helper()
	tg := e.lookup([]string{name})
	if len(tg) != 1 {
		t.Fatalf("no target %q", name)
	}
	return tg[0].fetcher.(*scriptedFetcher)
}

// assertGolden compares what c collects (only the named metrics; all when
// none) with testdata/<file>, or rewrites the file under -update.
//
// A ScrapeCollector is scraped once through the fast path the HTTP routes
// use (Exporter.Scrape): its families go through a pedantic registry and are
// compared with the golden file, and the fast path must match the
// registry's output exactly, in order, and in every encoding.
func assertGolden(t *testing.T, c prometheus.Collector, file string, names ...string) {
	t.Helper()
	var x *Exposition
	if sc, ok := c.(*scrapeCollector); ok {
		x = sc.e.Scrape(sc.ctx, sc.names...)
		c = exposedCollector{x}
	}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatalf("register: %v", err)
	}
	mfs := assertGatherGolden(t, reg, file, names...)
	if x != nil {
		assertExpositionMatches(t, x, mfs)
	}
}

// exposedCollector sends an Exposition's series to a registry.
type exposedCollector struct{ x *Exposition }

func (exposedCollector) Describe(chan<- *prometheus.Desc) {}

func (c exposedCollector) Collect(ch chan<- prometheus.Metric) {
	mfs, _ := c.x.Gather()
	collectFamilies(mfs, ch)
}

// testFormats are the formats a scrape may negotiate.
var testFormats = []expfmt.Format{
	expfmt.NewFormat(expfmt.TypeTextPlain),
	expfmt.NewFormat(expfmt.TypeOpenMetrics),
	expfmt.NewFormat(expfmt.TypeProtoDelim),
}

// assertExpositionMatches checks that x gathers exactly want, in order,
// and that each of its encodings, plain and gzipped, is want encoded.
func assertExpositionMatches(t *testing.T, x *Exposition, want []*dto.MetricFamily) {
	t.Helper()
	got, err := x.Gather()
	if err != nil {
		t.Errorf("fast path gather: %v", err)
	}
	if diff := familiesDiff(got, want); diff != "" {
		t.Errorf("fast path differs from the registry's gather: %s", diff)
	}
	for _, f := range testFormats {
		for _, gz := range []bool{false, true} {
			body, err := x.Encode(Encoding{Format: f, Gzip: gz})
			if err != nil {
				t.Errorf("encode %s gzip=%v: %v", f, gz, err)
				continue
			}
			if diff := encodingDiff(body, f, gz, want); diff != "" {
				t.Errorf("%s gzip=%v: %s", f, gz, diff)
			}
		}
	}
}

// assertGatherGolden is assertGolden for a registry: it gathers once.
// It returns what g gathered.
func assertGatherGolden(t *testing.T, g prometheus.Gatherer, file string, names ...string) []*dto.MetricFamily {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var got bytes.Buffer
	enc := expfmt.NewEncoder(&got, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if len(names) > 0 && !slices.Contains(names, mf.GetName()) {
			continue
		}
		if err := enc.Encode(mf); err != nil {
			t.Fatalf("encode: %v", err)
		}
	}
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return mfs
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	// Compare parsed: a golden file written by hand need not match the
	// encoder's layout.
	if err := testutil.GatherAndCompare(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return mfs, nil }), bytes.NewReader(want), names...); err != nil {
		t.Errorf("%s: %v", file, err)
	}
	return mfs
}

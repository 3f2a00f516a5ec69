package backtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/backup-exporter/backup_exporter/collector"
	"github.com/backup-exporter/backup_exporter/config"
)

// The scrape job and the instances the simulated exporters are scraped as.
const (
	jobName         = "backup_exporter"
	instanceMain    = "backup-exporter-0:9860"
	instanceRollout = "backup-exporter-7f9c:9860"
	instanceHA      = "backup-exporter-1:9860"
)

// step is the simulation's tick: one refresh and one scrape per minute.
const step = time.Minute

// exporterInstance is one running exporter, scraped under instance.
type exporterInstance struct {
	instance string
	exp      *collector.Exporter
	self     *prometheus.Registry
	// upAt is when it answers its first scrape: a restarting process
	// misses the scrape of the minute it restarts in.
	upAt time.Time
}

// simulation is one run of a scenario.
type simulation struct {
	sc      *Scenario
	clock   *Clock
	rng     *rand.Rand
	cfg     *config.Config
	targets []string
	fakes   map[string]vendorFake
	gates   map[string]*gate
	servers []*httptest.Server
	// assets are each target's assets, in the order incidents index them.
	assets map[string][]*simAsset
	// running are the exporters scraped this minute.
	running []*exporterInstance
	// wasActive is each incident's state at the previous tick.
	wasActive map[string]bool
	// entities maps each incident to the entity it resolved to.
	entities map[string]entity
	// keep selects the families written: those the rules read (nil, all).
	keep func(family string) bool
}

// entity is what an incident concerns, as the alerts' labels name it.
type entity struct {
	target, tenant string
	assetIDs       []string
}

// newSimulation starts the fakes on loopback and the first exporter.
func newSimulation(sc *Scenario) (*simulation, error) {
	s := &simulation{
		sc:        sc,
		clock:     NewClock(sc.Start),
		rng:       newRand(sc.Seed),
		fakes:     map[string]vendorFake{},
		gates:     map[string]*gate{},
		assets:    map[string][]*simAsset{},
		wasActive: map[string]bool{},
		entities:  map[string]entity{},
	}
	s.fakes["clumio"] = newClumioFake(sc.Seed, sc.Scale, s.clock)
	s.fakes["cloutility"] = newCloutilityFake(sc.Seed, sc.Scale, s.clock)
	s.fakes["cleverfox"] = newCleverfoxFake(sc.Seed, sc.Scale, s.clock)
	s.fakes["cloverdx"] = newCloverdxFake(sc.Seed, sc.Scale, s.clock)
	var cfg strings.Builder
	// No retries (a retry's backoff would sleep in real time), a request
	// budget no simulated refresh reaches (the budget paces in real time,
	// while the simulated clock stands still during a refresh), and the
	// rest as shipped.
	fmt.Fprintf(&cfg, "defaults:\n  cache_ttl: %s\n  max_retries: 0\n  requests_per_second: 100000\ntargets:\n", sc.CacheTTL.D())
	for _, name := range slices.Sorted(maps.Keys(s.fakes)) {
		f := s.fakes[name]
		g := &gate{next: f.handler()}
		s.gates[name] = g
		srv := httptest.NewUnstartedServer(g)
		if f.tls() {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		s.servers = append(s.servers, srv)
		cfg.WriteString(f.target(name, srv.URL))
		s.targets = append(s.targets, name)
		s.assets[name] = f.assets()
	}
	c, _, err := config.Parse([]byte(cfg.String()), "backtest.yml")
	if err != nil {
		s.close()
		return nil, fmt.Errorf("exporter config: %w", err)
	}
	s.cfg = c
	first, err := s.startExporter(instanceMain)
	if err != nil {
		s.close()
		return nil, err
	}
	s.running = []*exporterInstance{first}
	return s, nil
}

// newRand returns the simulation's random source: the same seed draws the
// same failed refreshes and backup sizes.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0xbac7e57)) }

// startExporter builds a fresh exporter: empty caches, counters from zero.
func (s *simulation) startExporter(instance string) (*exporterInstance, error) {
	reg := prometheus.NewRegistry()
	reload := prometheus.NewGauge(prometheus.GaugeOpts{Name: "backup_exporter_config_last_reload_successful", Help: "Whether the last configuration reload succeeded."})
	reload.Set(1)
	reg.MustRegister(reload)
	exp, err := collector.NewExporter(s.cfg, collector.Options{Now: s.clock.Now, Registerer: reg, UserAgent: "backtest"})
	if err != nil {
		return nil, fmt.Errorf("exporter: %w", err)
	}
	return &exporterInstance{instance: instance, exp: exp, self: reg}, nil
}

func (s *simulation) close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// run simulates the whole scenario, writing one OpenMetrics file per day
// into dir and handing each to flush once written (which may import and
// delete it). It returns the number of samples written.
func (s *simulation) run(dir string, flush func(path string) error) (int64, error) {
	defer s.close()
	if err := s.learnTenants(); err != nil {
		return 0, err
	}
	if err := s.resolveEntities(); err != nil {
		return 0, err
	}
	end := s.sc.Start.Add(s.sc.Duration.D())
	var samples int64
	for day := s.sc.Start; day.Before(end); day = day.Add(24 * time.Hour) {
		path := filepath.Join(dir, day.Format("2006-01-02T15")+".om")
		dayEnd := day.Add(24 * time.Hour)
		if dayEnd.After(end) {
			dayEnd = end
		}
		n, err := s.runDay(path, day, dayEnd)
		samples += n
		if err != nil {
			return samples, err
		}
		if err := flush(path); err != nil {
			return samples, err
		}
	}
	return samples, nil
}

// prepare resolves the incidents' entities, as run does, without
// simulating: the data of an earlier run is scored again.
func (s *simulation) prepare(string, func(string) error) (int64, error) {
	defer s.close()
	if err := s.learnTenants(); err != nil {
		return 0, err
	}
	return 0, s.resolveEntities()
}

// runDay simulates [from, to) minute by minute into one file.
func (s *simulation) runDay(path string, from, to time.Time) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var samples int64
	for t := from; t.Before(to); t = t.Add(step) {
		s.clock.Set(t)
		if err := s.apply(t); err != nil {
			f.Close()
			return samples, err
		}
		for _, x := range s.running {
			n, err := s.scrape(w, x, t)
			samples += n
			if err != nil {
				f.Close()
				return samples, err
			}
		}
	}
	if _, err := io.WriteString(w, "# EOF\n"); err != nil {
		f.Close()
		return samples, err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return samples, err
	}
	return samples, f.Close()
}

// scrape serves one scrape of x at t and writes it as Prometheus stores it:
// every series with job and instance, at t, and the scrape's `up`.
func (s *simulation) scrape(w io.Writer, x *exporterInstance, t time.Time) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	var mfs []*dto.MetricFamily
	if !t.Before(x.upAt) {
		mfs, _ = x.exp.Scrape(ctx).Gather()
	}
	self, err := x.self.Gather()
	if err != nil {
		return 0, err
	}
	mfs = append(append(slices.Clone(mfs), self...), gaugeFamily("up", 1))
	if t.Before(x.upAt) {
		mfs = []*dto.MetricFamily{gaugeFamily("up", 0)}
	}
	var n int64
	for _, mf := range mfs {
		if s.keep != nil && !s.keep(mf.GetName()) {
			continue
		}
		k, err := writeFamily(w, mf, x.instance, t)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// gaugeFamily is a family of one unlabelled gauge.
func gaugeFamily(name string, v float64) *dto.MetricFamily {
	typ := dto.MetricType_GAUGE
	return &dto.MetricFamily{Name: &name, Type: &typ, Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: &v}}}}
}

// writeFamily writes mf with job and instance added to every series, at t,
// leaving mf (shared with other scrapes) untouched.
func writeFamily(w io.Writer, mf *dto.MetricFamily, instance string, t time.Time) (int64, error) {
	ms := t.UnixMilli()
	job, inst := "job", "instance"
	jobV, instV := jobName, instance
	out := &dto.MetricFamily{Name: mf.Name, Help: mf.Help, Type: mf.Type, Unit: mf.Unit, Metric: make([]*dto.Metric, len(mf.Metric))}
	for i, m := range mf.Metric {
		labels := make([]*dto.LabelPair, 0, len(m.Label)+2)
		labels = append(labels, m.Label...)
		labels = append(labels, &dto.LabelPair{Name: &inst, Value: &instV}, &dto.LabelPair{Name: &job, Value: &jobV})
		out.Metric[i] = &dto.Metric{Label: labels, Gauge: m.Gauge, Counter: m.Counter, Untyped: m.Untyped,
			Summary: m.Summary, Histogram: m.Histogram, TimestampMs: &ms}
	}
	_, err := expfmt.MetricFamilyToOpenMetrics(w, out)
	return int64(len(mf.Metric)), err
}

// labelMap returns labels as a map.
func labelMap(labels []*dto.LabelPair) map[string]string {
	out := make(map[string]string, len(labels))
	for _, l := range labels {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

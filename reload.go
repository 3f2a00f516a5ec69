package main

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/collector"
	"github.com/backup-exporter/backup_exporter/config"
)

// reloader owns the live configuration. A reload that fails at any step keeps
// the previous configuration serving and says so in the reload gauges.
type reloader struct {
	path     string
	logger   *slog.Logger
	exporter *collector.Exporter

	mu  sync.Mutex // serialises reloads and guards cfg
	cfg *config.Config

	lastSuccessful prometheus.Gauge
	lastSuccessAt  prometheus.Gauge
	now            func() time.Time
}

// newReloader loads the configuration for the first time and builds the
// exporter from it. A first load that fails is an error: there is nothing to
// keep serving.
func newReloader(path string, logger *slog.Logger, reg prometheus.Registerer, opts collector.Options) (*reloader, error) {
	r := &reloader{
		path:   path,
		logger: logger,
		now:    time.Now,
		lastSuccessful: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "backup_exporter_config_last_reload_successful",
			Help: "Whether the last configuration reload attempt was successful.",
		}),
		lastSuccessAt: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "backup_exporter_config_last_reload_success_timestamp_seconds",
			Help: "Timestamp of the last successful configuration reload.",
		}),
	}
	if opts.Now != nil {
		r.now = opts.Now
	}
	reg.MustRegister(r.lastSuccessful, r.lastSuccessAt)

	cfg, err := r.load()
	if err != nil {
		return nil, err
	}
	exp, err := collector.NewExporter(cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.exporter, r.cfg = exp, cfg
	r.succeeded()
	logger.Info("Loaded configuration", "file", path, "targets", len(cfg.Targets))
	return r, nil
}

// Reload reads the configuration file again and applies it.
func (r *reloader) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	cfg, err := r.load()
	if err == nil {
		if err = r.exporter.ApplyConfig(cfg); err != nil {
			err = fmt.Errorf("%s: %w", r.path, err)
		}
	}
	if err != nil {
		r.lastSuccessful.Set(0)
		return err
	}
	r.cfg = cfg
	r.succeeded()
	r.logger.Info("Reloaded configuration", "file", r.path, "targets", len(cfg.Targets))
	return nil
}

// Config returns the configuration being served.
func (r *reloader) Config() *config.Config {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg
}

// Exporter returns the collector engine.
func (r *reloader) Exporter() *collector.Exporter { return r.exporter }

func (r *reloader) load() (*config.Config, error) {
	cfg, warnings, err := config.Load(r.path)
	for _, w := range warnings {
		r.logger.Warn("Configuration warning", "warning", w)
	}
	return cfg, err
}

func (r *reloader) succeeded() {
	r.lastSuccessful.Set(1)
	r.lastSuccessAt.Set(float64(r.now().UnixNano()) / 1e9)
}

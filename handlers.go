package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/backup-exporter/backup_exporter/collector"
)

// server holds what the HTTP routes share.
type server struct {
	reloader      *reloader
	selfGatherer  prometheus.Gatherer
	logger        *slog.Logger
	probeOnly     bool
	timeoutOffset time.Duration
	slots         chan struct{}
	telemetryPath string
	// grafanaURL is --web.grafana-url: where the landing page links the
	// dashboards; empty for no links.
	grafanaURL string
	// ready latches once every target of the start-up configuration has
	// ended its first refresh; see readiness.
	ready atomic.Bool
}

// routes returns the exporter's HTTP routes, as DESIGN.md lists them.
func (s *server) routes() (*http.ServeMux, error) {
	mux := http.NewServeMux()
	mux.Handle(s.telemetryPath, s.limited(http.HandlerFunc(s.serveMetrics)))
	mux.Handle("/probe", s.limited(http.HandlerFunc(s.serveProbe)))
	s.handleHealth(mux, true)
	mux.HandleFunc("/-/reload", s.serveReload)
	mux.HandleFunc("/config", s.serveConfig)
	landing, err := newLandingPage(s.telemetryPath, s.grafanaURL, s.probeOnly, s.reloader)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", landing)
	return mux, nil
}

// serveMetrics serves every target plus the exporter's own metrics, or only
// the latter with --web.probe-only, both through the write path of /probe.
// The targets' series are written as the bytes encoded once per refresh and
// format, merged with the self metrics family by family: no registry, and
// no encoding of the targets' series.
func (s *server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	enc := collector.NegotiateEncoding(r.Header)
	targets := &collector.Exposition{}
	if !s.probeOnly {
		ctx, cancel := s.scrapeContext(r)
		defer cancel()
		targets = s.reloader.Exporter().Scrape(ctx)
	}
	self, err := s.selfGatherer.Gather()
	if err != nil {
		s.logger.Error("Some self metrics were left out of the answer", "err", err)
	}
	if err := targets.Serve(w, enc, self); err != nil {
		s.logger.Error("Some series were left out of the answer", "err", err)
	}
}

// serveProbe serves one target's metrics, for sharding targets across
// exporter replicas. A cached scrape is a copy of the bytes encoded at the
// first scrape after the target's refresh that asked for the same encoding.
func (s *server) serveProbe(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("target")
	if name == "" {
		http.Error(w, "the target parameter is missing", http.StatusBadRequest)
		return
	}
	exp := s.reloader.Exporter()
	if !exp.HasTarget(name) {
		http.Error(w, fmt.Sprintf("unknown target %q", name), http.StatusNotFound)
		return
	}
	ctx, cancel := s.scrapeContext(r)
	defer cancel()
	if err := exp.Scrape(ctx, name).Serve(w, collector.NegotiateEncoding(r.Header), nil); err != nil {
		s.logger.Error("Some series were left out of the answer", "target", name, "err", err)
	}
}

// scrapeContext bounds a scrape by Prometheus' scrape timeout, less an offset
// that leaves time to write the answer. Without the header the scrape waits
// for the targets' own timeouts.
func (s *server) scrapeContext(r *http.Request) (context.Context, context.CancelFunc) {
	v := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds")
	if v == "" {
		return context.WithCancel(r.Context())
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || secs <= 0 {
		s.logger.Debug("Ignoring a bad X-Prometheus-Scrape-Timeout-Seconds", "value", v)
		return context.WithCancel(r.Context())
	}
	timeout := time.Duration(secs*float64(time.Second)) - s.timeoutOffset
	if timeout < 100*time.Millisecond {
		timeout = 100 * time.Millisecond
	}
	return context.WithTimeout(r.Context(), timeout)
}

// limited answers 503 past --web.max-requests scrapes at once.
func (s *server) limited(h http.Handler) http.Handler {
	if s.slots == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
			h.ServeHTTP(w, r)
		default:
			http.Error(w, "too many scrapes in flight", http.StatusServiceUnavailable)
		}
	})
}

// newSlots returns the semaphore of --web.max-requests, or nil for no limit.
func newSlots(n int) chan struct{} {
	if n <= 0 {
		return nil
	}
	return make(chan struct{}, n)
}

// serveReload reloads the configuration on POST. A failed reload answers 500
// with the reason; the previous configuration keeps serving.
func (s *server) serveReload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		http.Error(w, "use POST to reload the configuration", http.StatusMethodNotAllowed)
		return
	}
	if err := s.reloader.Reload(); err != nil {
		s.logger.Error("Reload failed; the previous configuration keeps serving", "err", err)
		http.Error(w, "reload failed, the previous configuration keeps serving: "+err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, "Reloaded")
}

// serveConfig shows the configuration being served, every secret masked.
func (s *server) serveConfig(w http.ResponseWriter, _ *http.Request) {
	out, err := s.reloader.Config().Masked()
	if err != nil {
		http.Error(w, "cannot render the configuration: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// Names in the config are anyone's text: never sniffed as HTML.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(out)
}

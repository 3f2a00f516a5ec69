package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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
	// ready latches once every target of the start-up configuration has
	// ended its first refresh; see serveReady.
	ready atomic.Bool
}

// routes returns the exporter's HTTP routes, as DESIGN.md lists them.
func (s *server) routes() (*http.ServeMux, error) {
	mux := http.NewServeMux()
	mux.Handle(s.telemetryPath, s.limited(http.HandlerFunc(s.serveMetrics)))
	mux.Handle("/probe", s.limited(http.HandlerFunc(s.serveProbe)))
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "Healthy")
	})
	mux.HandleFunc("/-/ready", s.serveReady)
	mux.HandleFunc("/-/reload", s.serveReload)
	mux.HandleFunc("/config", s.serveConfig)
	landing, err := newLandingPage(s.telemetryPath, s.reloader)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", landing)
	return mux, nil
}

// serveMetrics serves every target plus the exporter's own metrics, or only
// the latter with --web.probe-only. The targets' series are written as the
// bytes encoded once per refresh and format, merged with the self metrics
// family by family: no registry, and no encoding of the targets' series.
func (s *server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if s.probeOnly {
		promhttp.HandlerFor(s.selfGatherer, promhttp.HandlerOpts{
			ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelError),
			ErrorHandling:     promhttp.ContinueOnError,
			EnableOpenMetrics: true,
		}).ServeHTTP(w, r)
		return
	}
	ctx, cancel := s.scrapeContext(r)
	defer cancel()
	targets := s.reloader.Exporter().Scrape(ctx)
	self, err := s.selfGatherer.Gather()
	if err != nil {
		s.logger.Error("Some self metrics were left out of the answer", "err", err)
	}
	format := negotiateFormat(r.Header)
	gzip := acceptsGzip(r.Header)
	w.Header().Set("Content-Type", string(format))
	out := io.Writer(w)
	if gzip {
		w.Header().Set("Content-Encoding", "gzip")
		zw := getGzipWriter(w)
		defer putGzipWriter(zw)
		out = zw
	}
	if err := targets.Write(out, format, self); err != nil {
		s.logger.Error("Some series were left out of the answer", "err", err)
	}
}

// serveProbe serves one target's metrics, for sharding targets across
// exporter replicas. A cached scrape is a copy of the bytes encoded at the
// first scrape after the target's refresh that asked for the same format.
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
	format := negotiateFormat(r.Header)
	gzip := acceptsGzip(r.Header)
	body, err := exp.Scrape(ctx, name).Encode(format, gzip)
	if err != nil {
		s.logger.Error("Some series were left out of the answer", "target", name, "err", err)
	}
	w.Header().Set("Content-Type", string(format))
	if gzip {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
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

// serveReady answers 503, naming the targets still waited on, until every
// target's first refresh has ended, well or badly (a target that is down is
// ready: it serves backup_up 0); then 200 for good. A target that a reload
// adds later does not make a serving replica unready: the others' data would
// be lost for nothing while it warms up in the background. With
// --web.probe-only nothing is fetched before it is probed, so there is
// nothing to wait for.
func (s *server) serveReady(w http.ResponseWriter, _ *http.Request) {
	if !s.probeOnly && !s.ready.Load() {
		if pending := s.reloader.Exporter().Pending(); len(pending) > 0 {
			http.Error(w, "Not ready: waiting for the first refresh of "+strings.Join(pending, ", "), http.StatusServiceUnavailable)
			return
		}
		s.ready.Store(true)
	}
	fmt.Fprintln(w, "Ready")
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

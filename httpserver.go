package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

// The HTTP server's fixed timeouts. Requests carry no body worth waiting
// for (only POST /-/reload, empty), so reading them is quick; an idle
// keep-alive connection is closed after a while.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

// shutdownGrace is how long requests in flight may go on after a shutdown
// begins.
const shutdownGrace = 5 * time.Second

// newHTTPServer returns the exporter's HTTP server. writeTimeout bounds the
// whole answer to one request, a scrape's refresh included: past it a client
// that reads slowly is cut off, and the scrape slot it held (see
// --web.max-requests) is freed.
func newHTTPServer(h http.Handler, writeTimeout time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
	}
}

// listener is one HTTP server and the exporter-toolkit flags (addresses,
// systemd socket, web config) it is served with.
type listener struct {
	server *http.Server
	flags  *web.FlagConfig
}

// plainListener serves at address over plain HTTP, with neither TLS nor
// authentication: the health listener, whose answers hold no secret.
func plainListener(server *http.Server, address string) listener {
	noSystemdSocket, noWebConfig := false, ""
	return listener{server: server, flags: &web.FlagConfig{
		WebListenAddresses: &[]string{address},
		WebSystemdSocket:   &noSystemdSocket,
		WebConfigFile:      &noWebConfig,
	}}
}

// serveAll serves every listener through exporter-toolkit until ctx ends
// or one of them stops, then shuts them all down, leaving the requests in
// flight shutdownGrace to end. It returns why a listener stopped (it
// cannot bind its address, its web config is invalid), or nil when ctx
// ended.
func serveAll(ctx context.Context, logger *slog.Logger, listeners ...listener) error {
	errc := make(chan error, len(listeners))
	for _, l := range listeners {
		go func() { errc <- web.ListenAndServe(l.server, l.flags, logger) }()
	}
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		logger.Info("Shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, l := range listeners {
		_ = l.server.Shutdown(shutdownCtx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

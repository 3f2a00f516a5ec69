package main

import (
	"net/http"
	"time"
)

// The HTTP server's fixed timeouts. Requests carry no body worth waiting
// for (only POST /-/reload, empty), so reading them is quick; an idle
// keep-alive connection is closed after a while.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

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

// Package cloverdxfake is a fake CloverDX Server REST API v1 for tests and
// the simulator. It serves a generated data set under /clover as
// ../../../shared/vendors/cloverdx.md describes the real one: HTTP Basic on
// every REST call (401 with WWW-Authenticate without it), the CSRF guard
// (400 without X-Requested-By, unless switched off), pageSize/startIndex
// paging in the "@"-prefixed envelope, executions newest first, monitors
// under /dashboards/{id}/monitors, the unauthenticated
// /clover/accessibilityTest.jsp and {"errorMessage", "httpStatus"} errors.
package cloverdxfake

import (
	"cmp"
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// The credentials a Server accepts unless Options say otherwise; the
// simulator uses them.
const (
	DefaultUsername = "monitor"
	DefaultPassword = "clover-sim"
)

// Root is the path the server is served under: a client's target URL is the
// server's address followed by Root.
const Root = "/clover"

// defaultPageSize is the page size when a request names none [I].
const defaultPageSize = 50

// Options shape a Server. Zero values take the documented defaults.
type Options struct {
	// Seed and Scale (the number of job files, at least 10) determine the
	// generated data; Now is the time it is generated for (default now).
	Seed  uint64
	Scale int
	Now   time.Time
	// Username and Password are the accepted credentials (default
	// DefaultUsername and DefaultPassword).
	Username, Password string
	// Dashboards is the number of Operations Dashboards; the default and
	// any number up to three are the three hand-written ones, and more
	// repeat their monitors under new dashboard ids (ids 1..Dashboards),
	// for the scale runs of a server with thousands of dashboards.
	Dashboards int
	// CSRFProtectionDisabled mirrors the server property
	// security.csrf.protection.enabled=false: X-Requested-By is then not
	// required.
	CSRFProtectionDisabled bool
	// OldestFirst serves the executions oldest first: their order is not
	// documented (cloverdx.md 4.4), and a client must not rely on it.
	OldestFirst bool
}

// Server is the fake CloverDX Server, an http.Handler.
type Server struct {
	// Faults injects faults into every answer and counts the requests.
	Faults *fakefault.Injector

	opts    Options
	handler http.Handler

	mu   sync.Mutex
	data Data
}

// New returns a Server with data generated from opts.
func New(opts Options) *Server {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Username = cmp.Or(opts.Username, DefaultUsername)
	opts.Password = cmp.Or(opts.Password, DefaultPassword)
	s := &Server{Faults: &fakefault.Injector{}, opts: opts, data: generate(opts.Seed, opts.Scale, opts.Now)}
	s.data.Dashboards = repeatDashboards(s.data.Dashboards, opts.Dashboards)

	rest := http.NewServeMux()
	rest.HandleFunc("GET "+Root+"/api/rest/v1/executions", s.executions)
	rest.HandleFunc("GET "+Root+"/api/rest/v1/executions/{runId}", s.execution)
	rest.HandleFunc("GET "+Root+"/api/rest/v1/dashboards", s.dashboards)
	rest.HandleFunc("GET "+Root+"/api/rest/v1/dashboards/{id}/monitors", s.monitors)
	rest.HandleFunc("GET "+Root+"/api/rest/v1/dashboards/{id}/monitors/{monitorId}", s.monitor)
	rest.HandleFunc(Root+"/api/rest/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such resource: "+r.URL.Path)
	})

	mux := http.NewServeMux()
	// The liveness page needs neither credentials nor the CSRF header.
	mux.HandleFunc("GET "+Root+"/accessibilityTest.jsp", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>OK</body></html>\n"))
	})
	mux.Handle(Root+"/api/rest/v1/", s.guard(rest))
	s.handler = s.Faults.Wrap(mux)
	return s
}

// ServeHTTP serves the REST API and the liveness page under Root.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Update lets fn change the data set, under the server's lock, and restores
// the newest-first order of the executions afterwards.
func (s *Server) Update(fn func(*Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.data)
	slices.SortStableFunc(s.data.Executions, func(a, b Execution) int { return cmp.Compare(b.RunID, a.RunID) })
}

// guard checks HTTP Basic and, unless disabled, the CSRF header.
func (s *Server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.Username)) != 1 ||
			subtle.ConstantTimeCompare([]byte(pass), []byte(s.opts.Password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="CloverDX"`)
			writeError(w, http.StatusUnauthorized, "Authentication required")
			return
		}
		if !s.opts.CSRFProtectionDisabled && r.Header.Get("X-Requested-By") == "" {
			writeError(w, http.StatusBadRequest, "Missing X-Requested-By header (CSRF protection)")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// envelope is the "@"-prefixed collection envelope.
type envelope struct {
	Self       string `json:"@self"`
	Type       string `json:"@type"`
	TotalItems int    `json:"@totalItems"`
	StartIndex int    `json:"@startIndex"`
	PageItems  int    `json:"@pageItems"`
	Members    []any  `json:"members"`
}

// collectionPage is one page of a collection of n items and total
// @totalItems (more than n when some were lost since the count): the
// members' window and the request's start.
type collectionPage struct {
	start, lo, hi, total int
}

// readPage reads the request's paging parameters against a collection of n
// items; it answers 400 itself and returns false when they are invalid.
func readPage(w http.ResponseWriter, r *http.Request, n, total int) (collectionPage, bool) {
	size, start, err := paging(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return collectionPage{}, false
	}
	return collectionPage{start: start, lo: min(start, n), hi: min(start+size, n), total: total}, true
}

// write answers the page with its members.
func (p collectionPage) write(w http.ResponseWriter, r *http.Request, typ string, members []any) {
	fakejson.Write(w, http.StatusOK, envelope{
		Self: self(r, r.URL.Path), Type: typ, TotalItems: p.total,
		StartIndex: p.start, PageItems: len(members), Members: members,
	})
}

// paging reads pageSize and startIndex.
func paging(r *http.Request) (size, start int, err error) {
	size, start = defaultPageSize, 0
	if v := r.URL.Query().Get("pageSize"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			return 0, 0, errBadParam("pageSize", v)
		}
	}
	if v := r.URL.Query().Get("startIndex"); v != "" {
		if start, err = strconv.Atoi(v); err != nil || start < 0 {
			return 0, 0, errBadParam("startIndex", v)
		}
	}
	return size, start, nil
}

// errBadParam is the error of an invalid query parameter.
func errBadParam(name, value string) error {
	return fmt.Errorf("invalid value of %s: %q", name, value)
}

// self is the absolute URL of path on this server, for "@self".
func self(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// writeError answers the error envelope.
func writeError(w http.ResponseWriter, code int, msg string) {
	fakejson.Write(w, code, map[string]any{"errorMessage": msg, "httpStatus": code})
}

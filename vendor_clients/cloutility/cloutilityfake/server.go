// Package cloutilityfake is a fake Cloutility portal API (Safespring's
// backup portal) for tests and the simulator. It is faithful to
// shared/vendors/cloutility.md: form-encoded OAuth at /v1/oauth that
// enforces the Origin header, short-lived bearer tokens with an unchanging
// refresh token, camelCase JSON with `$type`-tagged collections, fields that
// are sometimes absent, enums as integers, both forms of the ranged jobs
// call and the /jobs/first quirk. Every request passes through a
// fakefault.Injector.
package cloutilityfake

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// The credentials the fake accepts unless Options say otherwise; the
// simulator serves with these.
const (
	DefaultClientID = "backup-exporter-sim"
	DefaultOrigin   = "https://monitoring.example.com"
	DefaultUsername = "monitor@example.com"
	DefaultPassword = "sim-password"
)

// DefaultTokenLifetime is Cloutility's access-token lifetime.
const DefaultTokenLifetime = 299 * time.Second

// Options configure a Server. Zero values take the defaults.
type Options struct {
	// Seed and Scale (the number of consumers) generate the data set; the
	// same values give the same data.
	Seed  int64
	Scale int
	// BusinessUnits is the number of business units (default Scale/20,
	// at least 1).
	BusinessUnits int
	// Now is the data set's present (default time.Now()).
	Now time.Time
	// Data, when set, is served instead of a generated data set.
	Data *Data
	// ClientID, Origin, Username and Password are the registered API
	// client and the user (default the Default* constants).
	ClientID, Origin, Username, Password string
	// TokenLifetime is the access tokens' lifetime (default 299 s).
	TokenLifetime time.Duration
	// DisableRefresh registers the API client without token refresh: the
	// refresh-token grant is refused.
	DisableRefresh bool
	// RangedJobsOnFirstOnly makes `/jobs?startTime&endTime` answer 404, so
	// that only the `/jobs/first?startTime&endTime` form of Safespring's
	// guide works.
	RangedJobsOnFirstOnly bool
	// FirstJobIgnoresRange makes `/jobs/first` answer its single first Job
	// whatever the query, as the help pages document it, so that only
	// `/jobs?startTime&endTime` serves a range.
	FirstJobIgnoresRange bool
	// Clock is the wall clock of token expiry (default time.Now).
	Clock func() time.Time
}

// Server is the fake portal. It is an http.Handler.
type Server struct {
	// Faults injects latency and errors and counts requests.
	Faults *fakefault.Injector

	opts    Options
	mu      sync.RWMutex
	data    *Data
	tokens  tokens
	handler http.Handler
}

// New returns a fake portal serving opts.Data or a data set generated from
// opts.Seed and opts.Scale.
func New(opts Options) *Server {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.Origin == "" {
		opts.Origin = DefaultOrigin
	}
	if opts.Username == "" {
		opts.Username = DefaultUsername
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	data := opts.Data
	if data == nil {
		data = Generate(opts.Seed, opts.Scale, opts.BusinessUnits, opts.Now)
	}
	s := &Server{
		Faults: &fakefault.Injector{},
		opts:   opts,
		data:   data,
		tokens: tokens{access: map[string]time.Time{}, refresh: map[string]bool{}, rejected: map[string]bool{}},
	}
	s.handler = s.Faults.Wrap(s.routes())
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Update changes the served data under the server's lock.
func (s *Server) Update(fn func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.data)
}

// routes maps the API's paths to handlers. Every route checks the Origin
// header first, and every route but /v1/oauth the bearer token.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/oauth", s.handleOAuth)
	api := func(pattern string, h func(w http.ResponseWriter, r *http.Request, d *Data)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if !s.authorized(w, r) {
				return
			}
			s.mu.RLock()
			defer s.mu.RUnlock()
			h(w, r, s.data)
		})
	}
	api("GET /v1/fullVersion", func(w http.ResponseWriter, _ *http.Request, _ *Data) {
		fakejson.Write(w, http.StatusOK, "1.0.4480.0")
	})
	api("GET /v1/me", s.handleMe)
	api("GET /v1/nodewarningtypes", s.handleWarningTypes)
	api("GET /v1/bunits", s.handleTree)
	api("GET /v1/bunits/{b}", s.handleBunit)
	api("GET /v1/bunits/{b}/bunits", s.handleChildBunits)
	api("GET /v1/bunits/{b}/consumers", s.handleConsumers)
	api("GET /v1/bunits/{b}/consumers/{c}", s.withConsumer(s.handleConsumer))
	api("GET /v1/bunits/{b}/consumers/{c}/node", s.withConsumer(s.handleNode))
	api("GET /v1/bunits/{b}/consumers/{c}/node/filespaces", s.withConsumer(s.handleFilespaces))
	api("GET /v1/bunits/{b}/consumers/{c}/reports", s.withConsumer(s.handleReports))
	api("GET /v1/bunits/{b}/consumers/{c}/reports/latest", s.withConsumer(s.handleLatestReport))
	api("GET /v1/bunits/{b}/consumers/{c}/jobs", s.withConsumer(s.handleJobs))
	api("GET /v1/bunits/{b}/consumers/{c}/jobs/first", s.withConsumer(s.handleFirstJob))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		apiError(w, http.StatusNotFound, "NotFound", "No HTTP resource was found that matches the request URI.")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The registered origin must come with every call, the token
		// request included. [I: the rejection code is not documented]
		if r.Header.Get("Origin") != s.opts.Origin {
			apiError(w, http.StatusForbidden, "Forbidden", "The Origin header does not match the API client's origin.")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// withConsumer resolves {b} and {c} to a consumer of that business unit, or
// answers 404.
func (s *Server) withConsumer(h func(w http.ResponseWriter, r *http.Request, d *Data, c *Consumer)) func(http.ResponseWriter, *http.Request, *Data) {
	return func(w http.ResponseWriter, r *http.Request, d *Data) {
		b, errB := strconv.Atoi(r.PathValue("b"))
		id, errC := strconv.Atoi(r.PathValue("c"))
		var c *Consumer
		if errB == nil && errC == nil {
			c = d.consumer(b, id)
		}
		if c == nil {
			apiError(w, http.StatusNotFound, "NotFound", "Consumer not found.")
			return
		}
		h(w, r, d, c)
	}
}

// apiError writes the API's error envelope.
func apiError(w http.ResponseWriter, code int, name, message string) {
	fakejson.Write(w, code, map[string]any{
		"code":             name,
		"message":          message,
		"developerMessage": message,
		"status":           code,
	})
}

// Package cleverfoxfake is a fake CleverFox Backup partner API: an
// http.Handler over a generated data set, faithful to the wire format of
// shared/vendors/cleverfox.md, with the shared fault injection in front.
//
// It serves GET /api/{companies,subscriptions,plans,devices,jobs,logs} and
// GET /api/{resource}/{id}: HTTP Basic with the partner API key as the user
// name and any password (401 otherwise), HTTPS only, PageNo/PageSize paging
// in {data, page_no, page_size} envelopes, newest id first, false booleans
// sometimes sent as null, timestamps without a zone (local ones in the
// device's Windows zone) and 404 with {"message"} for unknown ids.
//
// The simulator serves it with the key DefaultAPIKey.
package cleverfoxfake

import (
	"crypto/subtle"
	"crypto/tls"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// DefaultAPIKey is the partner API key the fake accepts when Options.APIKey
// is empty; the simulator uses it.
const DefaultAPIKey = "cf-sim-partner-key"

// The API's paging defaults. MaxPageSize is the fake's own cap (the real cap
// is not documented); a larger PageSize is served as MaxPageSize and the
// envelope's page_size says so.
const (
	DefaultPageSize = 25
	MaxPageSize     = 1000
)

// Options shape the generated data set and the fake's credentials.
type Options struct {
	// Seed makes the data repeatable.
	Seed uint64
	// Scale is the number of jobs (assets); devices are 2/5 of it and
	// companies 1/5 of the devices.
	Scale int
	// Now is the time the data's histories end at; zero means time.Now.
	Now time.Time
	// APIKey is the partner key to accept; empty means DefaultAPIKey.
	APIKey string
}

// Server is the fake API.
type Server struct {
	// Faults injects faults and counts requests.
	Faults *fakefault.Injector

	apiKey  string
	handler http.Handler

	mu   sync.RWMutex
	data *Data
	ix   *index
}

// New returns a fake over the data set generated from opts.
func New(opts Options) *Server {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	return NewWithData(opts, generate(opts))
}

// NewWithData returns a fake over d; opts gives the credentials only.
func NewWithData(opts Options, d *Data) *Server {
	s := &Server{Faults: &fakefault.Injector{}, apiKey: opts.APIKey}
	if s.apiKey == "" {
		s.apiKey = DefaultAPIKey
	}
	sortData(d)
	s.data, s.ix = d, newIndex(d)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/{resource}", s.list)
	mux.HandleFunc("GET /api/{resource}/{id}", s.item)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
	})
	s.handler = s.Faults.Wrap(s.guard(mux))
	return s
}

// TLSConfig is the server side of the API's transport rule: TLS 1.2 or
// newer, older handshakes are refused.
func TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12}
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Update lets a test reshape the data while no request reads it.
func (s *Server) Update(fn func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.data)
	sortData(s.data)
	s.ix = newIndex(s.data)
}

// guard enforces HTTPS and Basic auth: the user name is the partner API key
// and the password is ignored.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			writeError(w, http.StatusForbidden, "HTTPS is required.")
			return
		}
		user, _, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.apiKey)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="CleverFox Backup API"`)
			writeError(w, http.StatusUnauthorized, "Authorization has been denied for this request.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// table is one resource: its items in ascending id order and their encoder.
type table struct {
	n   int
	id  func(i int) int
	enc func(i int) any
}

func (s *Server) table(resource string) (table, bool) {
	d, ix := s.data, s.ix
	switch resource {
	case "companies":
		return table{len(d.Companies), func(i int) int { return d.Companies[i].ID }, func(i int) any { return ix.company(&d.Companies[i]) }}, true
	case "subscriptions":
		return table{len(d.Subscriptions), func(i int) int { return d.Subscriptions[i].ID }, func(i int) any { return ix.subscription(&d.Subscriptions[i]) }}, true
	case "plans":
		return table{len(d.Plans), func(i int) int { return d.Plans[i].ID }, func(i int) any { return ix.plan(&d.Plans[i]) }}, true
	case "devices":
		return table{len(d.Devices), func(i int) int { return d.Devices[i].ID }, func(i int) any { return ix.device(&d.Devices[i]) }}, true
	case "jobs":
		return table{len(d.Jobs), func(i int) int { return d.Jobs[i].ID }, func(i int) any { return ix.job(&d.Jobs[i]) }}, true
	case "logs":
		return table{len(d.Logs), func(i int) int { return d.Logs[i].ID }, func(i int) any { return ix.log(&d.Logs[i]) }}, true
	}
	return table{}, false
}

// list serves one page, newest (highest id) first.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	pageNo, ok1 := intParam(r, "PageNo", 1)
	pageSize, ok2 := intParam(r, "PageSize", DefaultPageSize)
	if !ok1 || !ok2 || pageNo < 1 || pageSize < 1 {
		writeError(w, http.StatusBadRequest, "PageNo and PageSize must be positive integers.")
		return
	}
	pageSize = min(pageSize, MaxPageSize)
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.table(r.PathValue("resource"))
	if !ok {
		writeError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
		return
	}
	data := []any{}
	for k := (pageNo - 1) * pageSize; k < pageNo*pageSize && k < t.n; k++ {
		data = append(data, t.enc(t.n-1-k))
	}
	fakejson.Write(w, http.StatusOK, map[string]any{"data": data, "page_no": pageNo, "page_size": pageSize})
}

// item serves one item by id, or 404.
func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.table(r.PathValue("resource"))
	id, err := strconv.Atoi(r.PathValue("id"))
	if !ok || err != nil {
		writeError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
		return
	}
	i := sort.Search(t.n, func(i int) bool { return t.id(i) >= id })
	if i == t.n || t.id(i) != id {
		writeError(w, http.StatusNotFound, "The item was not found.")
		return
	}
	fakejson.Write(w, http.StatusOK, map[string]any{"data": t.enc(i)})
}

// intParam reads an optional integer query parameter.
func intParam(r *http.Request, name string, def int) (int, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// writeError sends the fake's error body; the real one is not documented.
func writeError(w http.ResponseWriter, code int, msg string) {
	fakejson.Write(w, code, map[string]string{"message": msg})
}

// Package clumiofake is a fake Clumio REST API over a generated data set,
// faithful to shared/vendors/clumio.md: bearer-token auth, per-resource
// versioned Accept media types, the organizational-unit header, HAL paging
// with a string `start`, JSON filters and sort, and the `errors` envelope.
// It injects faults through a fakefault.Injector. Besides the reads, it
// creates S3 instant-access endpoints (POST, validated as clumio.md 1.7.9
// says) whose restore tasks and statuses move with the server's clock.
//
// Choices where the API's behaviour is not public (marked [I] in clumio.md):
// an Accept header naming another resource or version is answered 406; a
// missing token 403 with error code 359, a wrong one 401 with code 360; an
// unknown OU in the OU header 404; `limit` defaults to 100 and is capped at
// 1000; an unsupported asset's backup_status is "unknown", as is every
// asset's when the request has no lookback_days.
package clumiofake

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

// DefaultToken is the bearer token the fake accepts when Options.Token is
// empty; the simulator's config uses it.
const DefaultToken = "clumio-sim-token"

// Options shape the generated data set and the fake's credentials.
type Options struct {
	// Seed makes the data repeatable: the same options give the same data.
	Seed uint64
	// Scale is the number of assets (default 100).
	Scale int
	// Now is the time the data is generated around (default: now).
	Now time.Time
	// Token is the accepted bearer token (default DefaultToken).
	Token string
	// OUs names the organizational units under the root "Global" OU
	// (default finance, engineering, retail).
	OUs []string
	// Clock is the time that moves the instant-access endpoints through
	// their statuses and, when set, the present that backup statuses and
	// deletion times are computed at (default: Now, advancing in real time,
	// with statuses computed at Now).
	Clock func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Scale <= 0 {
		o.Scale = 100
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if len(o.OUs) == 0 {
		o.OUs = []string{"finance", "engineering", "retail"}
	}
	return o
}

// Server is the fake API, an http.Handler.
type Server struct {
	// Faults injects latency and errors in front of every request.
	Faults *fakefault.Injector

	token string
	now   time.Time
	clock func() time.Time
	// statusAtClock computes backup statuses at the clock rather than at
	// now: set by an explicit Options.Clock, so that a simulation moving
	// the clock forward sees assets age.
	statusAtClock bool
	handler       http.Handler

	mu   sync.RWMutex
	data *Data
	// tasksNewestFirst is data.Tasks in list order, sorted when the data
	// changes rather than on every page.
	tasksNewestFirst []Task
	selections       selectionCache

	// The restores requested by POSTs: their schedules (runs, counted by
	// pendingRuns so that reads skip the write lock when there are none),
	// the faults that fail them, and a sequence for their ids.
	runs          []restoreRun
	pendingRuns   atomic.Int32
	restoreFaults map[string]bool
	restoreN      int

	qmu     sync.Mutex
	queries map[string][]url.Values
	methods map[string]int
}

// maxRecordedQueries bounds the queries kept per path for Queries, so that a
// long-running simulator does not grow.
const maxRecordedQueries = 256

// New returns a fake over the data set generated from opts.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := NewWithData(Generate(opts), opts.Token, opts.Now)
	if opts.Clock != nil {
		s.clock, s.statusAtClock = opts.Clock, true
	}
	return s
}

// NewWithData returns a fake over d, accepting token, whose backup statuses
// are computed at now. Its clock starts at now and advances in real time.
func NewWithData(d *Data, token string, now time.Time) *Server {
	started := time.Now()
	s := &Server{
		Faults:  &fakefault.Injector{},
		token:   token,
		now:     now,
		clock:   func() time.Time { return now.Add(time.Since(started)) },
		data:    d,
		queries: map[string][]url.Values{},
		methods: map[string]int{},

		restoreFaults: map[string]bool{},
	}
	s.sortTasks()
	s.handler = s.Faults.Wrap(s.routes())
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Update lets fn reshape the data set under the server's lock.
func (s *Server) Update(fn func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.data)
	s.sortTasks()
	s.selections.reset()
}

// Queries returns the query parameters of the latest requests to path (at
// most 256), oldest first, so that tests can check what a client asked for.
func (s *Server) Queries(path string) []url.Values {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	return append([]url.Values(nil), s.queries[path]...)
}

func (s *Server) record(r *http.Request) {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	q := s.queries[r.URL.Path]
	if len(q) >= maxRecordedQueries {
		q = q[1:]
	}
	s.queries[r.URL.Path] = append(q, r.URL.Query())
	s.methods[r.Method]++
}

// visibleOUs returns the OU ids visible under the request's OU header: the
// OU and its descendants; an absent or empty header means the token's
// default OU, the root.
func (s *Server) visibleOUs(r *http.Request) (map[string]bool, bool) {
	ctx := strings.TrimSpace(r.Header.Get("x-clumio-organizationalunit-context"))
	if ctx == "" && len(s.data.OUs) > 0 {
		ctx = s.data.OUs[0].ID
	}
	visible := map[string]bool{}
	found := false
	for _, ou := range s.data.OUs {
		if ou.ID == ctx {
			found = true
		}
	}
	if !found {
		return nil, false
	}
	visible[ctx] = true
	// The OU tree is shallow; iterate until no OU is added.
	for added := true; added; {
		added = false
		for _, ou := range s.data.OUs {
			if !visible[ou.ID] && visible[ou.ParentID] {
				visible[ou.ID] = true
				added = true
			}
		}
	}
	return visible, true
}

// present is the time backup statuses are computed at: the clock when one
// was given, else the data set's now.
func (s *Server) present() time.Time {
	if s.statusAtClock {
		return s.clock()
	}
	return s.now
}

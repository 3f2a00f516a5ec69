package cloverdx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
)

// listServer serves a collection of n items under the executions path. It
// can overstate the total, cap the page size and leave the total out.
type listServer struct {
	n, phantom, maxPageSize int
	noTotal                 bool
	requests                atomic.Int64
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
	start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
	if s.maxPageSize > 0 {
		size = min(size, s.maxPageSize)
	}
	members := []map[string]any{}
	for i := start; i < min(start+size, s.n); i++ {
		members = append(members, map[string]any{"runId": s.n - i})
	}
	body := map[string]any{"@type": "ExecutionCollection", "@startIndex": start, "@pageItems": len(members), "members": members}
	if !s.noTotal {
		body["@totalItems"] = s.n + s.phantom
	}
	_ = json.NewEncoder(w).Encode(body)
}

func TestPageAll(t *testing.T) {
	cases := []struct {
		name         string
		server       *listServer
		wantRequests int64
	}{
		{name: "total an exact multiple of pageSize", server: &listServer{n: 40}, wantRequests: 4},
		{name: "short last page", server: &listServer{n: 45}, wantRequests: 5},
		{name: "one page", server: &listServer{n: 7}, wantRequests: 1},
		{name: "empty collection", server: &listServer{n: 0}, wantRequests: 1},
		// Pages 2 to 5 are asked for at once, 6 and 7 as 2 and 3 are
		// taken; the 4th comes back empty and ends the read, though the
		// total promises 13 pages.
		{name: "a page empty before the total", server: &listServer{n: 25, phantom: 100}, wantRequests: 7},
		{name: "server caps the page size", server: &listServer{n: 23, maxPageSize: 4}, wantRequests: 6},
		{name: "no total, ends on a short page", server: &listServer{n: 25, noTotal: true}, wantRequests: 3},
		{name: "no total, ends on an empty page", server: &listServer{n: 20, noTotal: true}, wantRequests: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(tc.server)
			defer hs.Close()
			c := newClient(t, hs.URL, func(t *config.Target) { t.PageSize = 10 })
			var got []int64
			err := pageAll(context.Background(), c, "/executions", "/executions", func(p []execution) bool {
				for _, e := range p {
					got = append(got, e.RunID)
				}
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.server.n {
				t.Errorf("%d items, want %d", len(got), tc.server.n)
			}
			for i, id := range got {
				if id != int64(tc.server.n-i) {
					t.Fatalf("item %d is %d, want %d: not in collection order", i, id, tc.server.n-i)
				}
			}
			if n := tc.server.requests.Load(); n != tc.wantRequests {
				t.Errorf("%d requests, want %d", n, tc.wantRequests)
			}
		})
	}
}

// patternRecorder notes, for every executions request, whether the first
// page was done when it arrived, and the most requests in flight.
type patternRecorder struct {
	mu            sync.Mutex
	inFlight, max int
	firstDone     bool
	early         []string // requests that came while the first page was open
	pages         map[string]int
}

func (p *patternRecorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := r.URL.Query().Get("startIndex")
		p.mu.Lock()
		if start != "0" && !p.firstDone {
			p.early = append(p.early, start)
		}
		p.pages[start]++
		p.inFlight++
		p.max = max(p.max, p.inFlight)
		p.mu.Unlock()
		h.ServeHTTP(w, r)
		p.mu.Lock()
		p.inFlight--
		if start == "0" {
			p.firstDone = true
		}
		p.mu.Unlock()
	})
}

// twentyPages returns a fake with 200 executions, 20 pages of 10, each
// answer taking latency.
func twentyPages(latency time.Duration) *cloverdxfake.Server {
	srv := cloverdxfake.New(cloverdxfake.Options{Now: testNow})
	srv.Update(func(d *cloverdxfake.Data) {
		d.Executions = numbered(0, daily("etl", "graph/D.grf", testNow, 200, always("FINISHED_OK")))
	})
	srv.Faults.SetLatency(latency)
	return srv
}

// readAll reads every page of the executions.
func readAll(ctx context.Context, c *Client) (int, error) {
	n := 0
	err := pageAll(ctx, c, "/executions", "/executions", func(p []execution) bool {
		n += len(p)
		return true
	})
	return n, err
}

func TestParallelPageRequestPattern(t *testing.T) {
	rec := &patternRecorder{pages: map[string]int{}}
	srv := twentyPages(30 * time.Millisecond)
	c := newClient(t, serve(t, srv, rec.wrap), func(t *config.Target) { t.PageSize, t.MaxConcurrency = 10, 4 })
	n, err := readAll(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if n != 200 {
		t.Errorf("%d executions read, want 200", n)
	}
	if len(rec.early) > 0 {
		t.Errorf("pages %v asked for before the first page was answered", rec.early)
	}
	if rec.max > 4 {
		t.Errorf("%d requests in flight, want at most max_concurrency 4", rec.max)
	}
	if rec.max < 2 {
		t.Errorf("at most %d request in flight: the pages were not fetched in parallel", rec.max)
	}
	for i := range 20 {
		if k := strconv.Itoa(i * 10); rec.pages[k] != 1 {
			t.Errorf("page at %s asked for %d times, want once", k, rec.pages[k])
		}
	}
	if len(rec.pages) != 20 {
		t.Errorf("%d distinct pages asked for, want 20", len(rec.pages))
	}
}

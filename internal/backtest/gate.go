package backtest

import (
	"net/http"
	"strings"
	"sync"
)

// gate stands in front of one fake and plays the incidents that concern
// its transport: a target down (every request answered 503), one part
// forbidden (requests under a path prefix answered 403) and one item
// failing (requests under a path segment answered 500), as a vendor's
// outage, a token missing one permission and a portal that cannot serve
// one consumer look on the wire.
type gate struct {
	next http.Handler

	mu        sync.RWMutex
	down      bool
	forbidden []string
	failing   []string
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.RLock()
	down, forbidden, failing := g.down, g.forbidden, g.failing
	g.mu.RUnlock()
	if down {
		http.Error(w, `{"error":"service unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	for _, p := range forbidden {
		if strings.HasPrefix(r.URL.Path, p) {
			http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
			return
		}
	}
	for _, seg := range failing {
		// The segment and what lies under it, not a longer id that starts
		// alike (/consumers/12 is not /consumers/123).
		if p := r.URL.Path + "/"; strings.Contains(p, seg+"/") {
			http.Error(w, `{"error":"internal server error"}`, http.StatusInternalServerError)
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// set opens or closes the gate for this minute.
func (g *gate) set(down bool, forbidden, failing []string) {
	g.mu.Lock()
	g.down, g.forbidden, g.failing = down, forbidden, failing
	g.mu.Unlock()
}

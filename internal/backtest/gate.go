package backtest

import (
	"net/http"
	"strings"
	"sync"
)

// gate stands in front of one fake and plays the incidents that concern
// its transport: a target down (every request answered 503) and one part
// forbidden (requests under a path prefix answered 403), as a vendor's
// outage and a token missing one permission look on the wire.
type gate struct {
	next http.Handler

	mu        sync.RWMutex
	down      bool
	forbidden []string
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.RLock()
	down, forbidden := g.down, g.forbidden
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
	g.next.ServeHTTP(w, r)
}

// set opens or closes the gate for this minute.
func (g *gate) set(down bool, forbidden []string) {
	g.mu.Lock()
	g.down, g.forbidden = down, forbidden
	g.mu.Unlock()
}

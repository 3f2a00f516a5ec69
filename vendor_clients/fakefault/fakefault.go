// Package fakefault is the fault injection and request accounting shared by
// the vendors' fake servers: latency, 5xx, 429 with Retry-After, malformed and
// truncated JSON, oversized bodies and dropped connections, either scripted
// for the next requests (tests) or at random rates (the simulator).
package fakefault

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// Kind is one fault.
type Kind string

// The faults a Injector can inject.
const (
	// ServerError answers 503 with a JSON error body.
	ServerError Kind = "5xx"
	// RateLimited answers 429 with Retry-After.
	RateLimited Kind = "429"
	// Malformed answers 200 with a body that is not JSON.
	Malformed Kind = "malformed"
	// Truncated answers 200 with JSON cut off in the middle.
	Truncated Kind = "truncated"
	// Oversized answers 200 with a body of OversizedBytes bytes.
	Oversized Kind = "oversized"
	// Drop closes the connection without an answer.
	Drop Kind = "drop"
)

// Kinds lists every Kind, in the order the simulator's flags name them.
var Kinds = []Kind{ServerError, RateLimited, Malformed, Truncated, Oversized, Drop}

// Injector wraps a fake's handler. Its zero value injects nothing; it is safe
// for concurrent use.
type Injector struct {
	mu         sync.Mutex
	latency    time.Duration
	rates      map[Kind]float64
	queue      []Kind
	retryAfter time.Duration
	oversized  int64
	pathPart   string
	rng        *rand.Rand

	requests atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64
	byPath   sync.Map // path → *atomic.Int64
}

// SetLatency delays every answer by d.
func (f *Injector) SetLatency(d time.Duration) {
	f.mu.Lock()
	f.latency = d
	f.mu.Unlock()
}

// SetRate injects k into the given fraction (0..1) of requests.
func (f *Injector) SetRate(k Kind, fraction float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rates == nil {
		f.rates = map[Kind]float64{}
	}
	f.rates[k] = fraction
}

// SetPathFilter limits the faults (scripted and random) to the requests whose
// path contains part, such as one endpoint a token may not read; empty, the
// default, injects into every request. Latency applies to every request.
func (f *Injector) SetPathFilter(part string) {
	f.mu.Lock()
	f.pathPart = part
	f.mu.Unlock()
}

// SetSeed makes the random faults repeatable.
func (f *Injector) SetSeed(seed uint64) {
	f.mu.Lock()
	f.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	f.mu.Unlock()
}

// SetRetryAfter sets the Retry-After of RateLimited answers (default 1 s).
func (f *Injector) SetRetryAfter(d time.Duration) {
	f.mu.Lock()
	f.retryAfter = d
	f.mu.Unlock()
}

// SetOversizedBytes sets the body size of Oversized answers (default 64 MiB).
func (f *Injector) SetOversizedBytes(n int64) {
	f.mu.Lock()
	f.oversized = n
	f.mu.Unlock()
}

// Queue scripts faults for the next requests, one each, in order.
func (f *Injector) Queue(kinds ...Kind) {
	f.mu.Lock()
	f.queue = append(f.queue, kinds...)
	f.mu.Unlock()
}

// Requests returns how many requests reached the fake.
func (f *Injector) Requests() int64 { return f.requests.Load() }

// RequestsTo returns how many requests reached the fake with a path that
// starts with prefix.
func (f *Injector) RequestsTo(prefix string) int64 {
	var n int64
	f.byPath.Range(func(k, v any) bool {
		if strings.HasPrefix(k.(string), prefix) {
			n += v.(*atomic.Int64).Load()
		}
		return true
	})
	return n
}

// MaxInFlight returns the most requests that were being served at once.
func (f *Injector) MaxInFlight() int64 { return f.maxIn.Load() }

// ResetCounts sets the request counters back to zero.
func (f *Injector) ResetCounts() {
	f.requests.Store(0)
	f.maxIn.Store(0)
	f.byPath.Range(func(k, _ any) bool { f.byPath.Delete(k); return true })
}

// next picks the fault for one request to path, or "" for none.
func (f *Injector) next(path string) (Kind, time.Duration, time.Duration, int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	retryAfter, oversized := f.retryAfter, f.oversized
	if retryAfter == 0 {
		retryAfter = time.Second
	}
	if oversized == 0 {
		oversized = 64 << 20
	}
	if !strings.Contains(path, f.pathPart) {
		return "", f.latency, retryAfter, oversized
	}
	if len(f.queue) > 0 {
		k := f.queue[0]
		f.queue = f.queue[1:]
		return k, f.latency, retryAfter, oversized
	}
	for _, k := range Kinds {
		r := f.rates[k]
		if r <= 0 {
			continue
		}
		var x float64
		if f.rng != nil {
			x = f.rng.Float64()
		} else {
			x = rand.Float64()
		}
		if x < r {
			return k, f.latency, retryAfter, oversized
		}
	}
	return "", f.latency, retryAfter, oversized
}

// Wrap returns h with fault injection and request accounting in front.
func (f *Injector) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		c, _ := f.byPath.LoadOrStore(r.URL.Path, new(atomic.Int64))
		c.(*atomic.Int64).Add(1)
		n := f.inFlight.Add(1)
		defer f.inFlight.Add(-1)
		for {
			m := f.maxIn.Load()
			if n <= m || f.maxIn.CompareAndSwap(m, n) {
				break
			}
		}

		kind, latency, retryAfter, oversized := f.next(r.URL.Path)
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}
		switch kind {
		case "":
			h.ServeHTTP(w, r)
		case ServerError:
			fakejson.WriteRaw(w, http.StatusServiceUnavailable, `{"message":"injected fault: service unavailable"}`)
		case RateLimited:
			w.Header().Set("Retry-After", strconv.Itoa(int((retryAfter+time.Second-1)/time.Second)))
			fakejson.WriteRaw(w, http.StatusTooManyRequests, `{"message":"injected fault: too many requests"}`)
		case Malformed:
			fakejson.WriteRaw(w, http.StatusOK, `<html>this is not JSON</html>`)
		case Truncated:
			fakejson.WriteRaw(w, http.StatusOK, `{"data": [{"id": "1", "name": "cut off here`)
		case Oversized:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			writeFiller(w, oversized)
		case Drop:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
	})
}

// writeFiller streams n bytes of a JSON array without holding them in memory.
func writeFiller(w http.ResponseWriter, n int64) {
	chunk := []byte(strings.Repeat(`"xxxxxxxxxxxxxx",`, 1024))
	_, _ = w.Write([]byte("["))
	for written := int64(1); written < n; written += int64(len(chunk)) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

package collector

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// recorder is another host: it records everything that reaches it.
type recorder struct {
	mu       sync.Mutex
	requests []string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.requests = append(rec.requests, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization")+" "+string(body))
	rec.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// TestRedirectToAnotherHostRefused has every vendor's API answer 307 to
// another host, on every request or on the Cloutility token endpoint alone
// (a 307 re-sends the body: the form-encoded password). The redirect is
// refused: nothing reaches the other host, and the target reports the
// refusal without its secret.
func TestRedirectToAnotherHostRefused(t *testing.T) {
	cases := []struct {
		vendor string
		// only redirects the requests whose path ends so; "" redirects all.
		only string
	}{
		{"clumio", ""}, {"cleverfox", ""}, {"cloutility", ""}, {"cloutility", "/v1/oauth"}, {"cloverdx", ""},
	}
	for _, tc := range cases {
		t.Run(tc.vendor+tc.only, func(t *testing.T) {
			other := &recorder{}
			elsewhere := httptest.NewServer(other)
			t.Cleanup(elsewhere.Close)
			target := goldenVendorTarget(t, tc.vendor, func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(r.URL.Path, tc.only) {
						http.Redirect(w, r, elsewhere.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
						return
					}
					h.ServeHTTP(w, r)
				})
			})
			target.MaxRetries = -1
			e, _ := newTestExporter(t, newClock(), target)
			data := prometheus.NewPedanticRegistry()
			data.MustRegister(e.ScrapeCollector(context.Background()))
			mfs, err := data.Gather()
			if err != nil {
				t.Fatal(err)
			}
			if up := sampleValue(mfs, "backup_up", nil); up != 0 {
				t.Errorf("backup_up = %v over a redirect to another host, want 0", up)
			}
			other.mu.Lock()
			defer other.mu.Unlock()
			if len(other.requests) > 0 {
				t.Errorf("%d requests reached the other host, the first: %.300q", len(other.requests), other.requests[0])
			}
			st := e.Targets()[0]
			if !strings.Contains(st.LastError, "redirect to another host") {
				t.Errorf("last error %q does not name the refused redirect", st.LastError)
			}
			for _, s := range target.SecretValues() {
				if strings.Contains(st.LastError, s) {
					t.Errorf("last error shows a secret: %q", st.LastError)
				}
			}
		})
	}
}

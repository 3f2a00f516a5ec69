package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu       sync.Mutex
	requests []string // "route code"
	retries  []string // "route reason"
}

func (r *recorder) Request(route, code string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, route+" "+code)
}

func (r *recorder) Retry(route, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retries = append(r.retries, route+" "+reason)
}

func (r *recorder) snapshot() ([]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...), append([]string(nil), r.retries...)
}

// script answers the n-th request with steps[n] (the last step repeats).
type step struct {
	code       int
	body       string
	retryAfter string
}

func scripted(t *testing.T, steps ...step) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		s := steps[i]
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		w.WriteHeader(s.code)
		fmt.Fprint(w, s.body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newTestClient(t *testing.T, url string, mod func(*Options)) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	opts := Options{BaseURL: url, Observer: rec, Backoff: Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		name        string
		steps       []step
		wantErr     string
		wantCalls   int32
		wantRetries []string
	}{
		{
			name:        "5xx then success",
			steps:       []step{{code: 503}, {code: 502}, {code: 200, body: `{"ok":true}`}},
			wantCalls:   3,
			wantRetries: []string{"/things server_error", "/things server_error"},
		},
		{
			name:        "429 with Retry-After then success",
			steps:       []step{{code: 429, retryAfter: "0"}, {code: 200, body: `{"ok":true}`}},
			wantCalls:   2,
			wantRetries: []string{"/things rate_limited"},
		},
		{
			name:        "retries are bounded",
			steps:       []step{{code: 500, body: "boom"}},
			wantErr:     "GET /things: HTTP 500 Internal Server Error: boom",
			wantCalls:   4, // the first try and MaxRetries=3 retries
			wantRetries: []string{"/things server_error", "/things server_error", "/things server_error"},
		},
		{
			name:      "4xx is final",
			steps:     []step{{code: 404, body: `{"message":"no such thing"}`}},
			wantErr:   `GET /things: HTTP 404 Not Found: {"message":"no such thing"}`,
			wantCalls: 1,
		},
		{
			name:      "501 is final",
			steps:     []step{{code: 501}},
			wantErr:   "HTTP 501",
			wantCalls: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := scripted(t, tc.steps...)
			c, rec := newTestClient(t, srv.URL, nil)
			var out struct{ OK bool }
			err := c.GetJSON(context.Background(), Request{Path: "/things?x=1"}, &out)
			if tc.wantErr == "" {
				if err != nil || !out.OK {
					t.Fatalf("got %v, %+v; want success", err, out)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
			}
			if got := calls.Load(); got != tc.wantCalls {
				t.Errorf("server saw %d calls, want %d", got, tc.wantCalls)
			}
			reqs, retries := rec.snapshot()
			if len(reqs) != int(tc.wantCalls) {
				t.Errorf("observer saw %d requests (%v), want %d", len(reqs), reqs, tc.wantCalls)
			}
			if strings.Join(retries, ",") != strings.Join(tc.wantRetries, ",") {
				t.Errorf("retries %v, want %v", retries, tc.wantRetries)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	srv, calls := scripted(t, step{code: 429, retryAfter: "1"}, step{code: 200, body: "{}"})
	c, _ := newTestClient(t, srv.URL, nil)
	var slept time.Duration
	start := time.Now()
	if _, err := c.Do(context.Background(), Request{Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	slept = time.Since(start)
	if calls.Load() != 2 {
		t.Fatalf("calls = %d, want 2", calls.Load())
	}
	// The backoff alone is at most 5 ms here: only Retry-After explains a wait
	// of a second.
	if slept < time.Second {
		t.Errorf("retried after %s, before the server's Retry-After of 1s", slept)
	}
}

func TestNoRetryPastTheDeadline(t *testing.T) {
	srv, calls := scripted(t, step{code: 429, retryAfter: "120"})
	c, rec := newTestClient(t, srv.URL, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Do(ctx, Request{Path: "/x"})
	if err == nil || !strings.Contains(err.Error(), "would pass the refresh deadline") {
		t.Fatalf("error %v, want a refusal to wait past the deadline", err)
	}
	if !IsStatus(err, http.StatusTooManyRequests) {
		t.Errorf("error %v does not unwrap to the 429", err)
	}
	if _, retries := rec.snapshot(); len(retries) != 0 || calls.Load() != 1 {
		t.Errorf("calls %d, retries %v; want one call and no retry", calls.Load(), retries)
	}
}

func TestContextDeadlineStopsASlowServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, rec := newTestClient(t, srv.URL, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, Request{Path: "/slow"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	if reqs, retries := rec.snapshot(); len(reqs) != 1 || reqs[0] != "/slow error" || len(retries) != 0 {
		t.Errorf("requests %v retries %v; want one errored request and no retry", reqs, retries)
	}
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	c, rec := newTestClient(t, url, nil)
	_, err := c.Do(context.Background(), Request{Path: "/x"})
	if err == nil {
		t.Fatal("want an error from a closed port")
	}
	if _, retries := rec.snapshot(); len(retries) != 3 || retries[0] != "/x connection_error" {
		t.Errorf("retries %v, want 3 connection_error retries", retries)
	}
}

func TestBodyLimit(t *testing.T) {
	big := strings.Repeat("x", 2048)
	srv, _ := scripted(t, step{code: 200, body: big})
	c, _ := newTestClient(t, srv.URL, func(o *Options) { o.MaxBodyBytes = 1024 })
	_, err := c.Do(context.Background(), Request{Path: "/big"})
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("error %v, want ErrBodyTooLarge", err)
	}
	exact, _ := scripted(t, step{code: 200, body: big[:1024]})
	c2, _ := newTestClient(t, exact.URL, func(o *Options) { o.MaxBodyBytes = 1024 })
	if resp, err := c2.Do(context.Background(), Request{Path: "/exact"}); err != nil || len(resp.Body) != 1024 {
		t.Fatalf("a body of exactly the limit: %v", err)
	}
}

func TestEndlessBodyFailsCleanly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("[", 4096))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, func(o *Options) { o.MaxBodyBytes = 1 << 20 })
	_, err := c.Do(context.Background(), Request{Path: "/endless"})
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("error %v, want ErrBodyTooLarge", err)
	}
}

func TestMalformedJSON(t *testing.T) {
	srv, _ := scripted(t, step{code: 200, body: `{"items": [1, 2`})
	c, _ := newTestClient(t, srv.URL, nil)
	var out map[string]any
	err := c.GetJSON(context.Background(), Request{Path: "/items/42", Route: "/items/{id}"}, &out)
	if err == nil || !strings.Contains(err.Error(), "GET /items/{id}: decode JSON") {
		t.Fatalf("error %v, want a decode error naming the route template", err)
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	const secret = "s3cr3t-t0k3n"
	srv, _ := scripted(t, step{code: 401, body: "bad token " + secret})
	c, _ := newTestClient(t, srv.URL, func(o *Options) { o.Secrets = []string{secret} })
	_, err := c.Do(context.Background(), Request{Path: "/x?token=" + secret})
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("error leaks the secret: %v", err)
	}
	if !IsStatus(err, http.StatusUnauthorized) {
		t.Errorf("redaction lost the StatusError: %v", err)
	}
	if !strings.Contains(err.Error(), "<secret>") {
		t.Errorf("error %v, want the secret replaced by <secret>", err)
	}
}

func TestErrorMessageHook(t *testing.T) {
	srv, _ := scripted(t, step{code: 400, body: `{"errors":[{"error_code":7,"error_message":"bad filter"}]}`})
	c, _ := newTestClient(t, srv.URL, func(o *Options) {
		o.ErrorMessage = func(body []byte) string {
			if strings.Contains(string(body), "bad filter") {
				return "bad filter (code 7)"
			}
			return ""
		}
	})
	_, err := c.Do(context.Background(), Request{Path: "/tasks"})
	if err == nil || err.Error() != "GET /tasks: HTTP 400 Bad Request: bad filter (code 7)" {
		t.Fatalf("error %v", err)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	var inFlight, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		fmt.Fprint(w, "{}")
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, func(o *Options) { o.MaxConcurrency = 3 })
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.Do(context.Background(), Request{Path: "/x"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := most.Load(); got != 3 {
		t.Errorf("at most %d requests were in flight, want exactly 3", got)
	}
}

func TestRateLimit(t *testing.T) {
	srv, calls := scripted(t, step{code: 200, body: "{}"})
	c, _ := newTestClient(t, srv.URL, func(o *Options) { o.RequestsPerSecond = 20 })
	for range 6 {
		if _, err := c.Do(context.Background(), Request{Path: "/x"}); err != nil {
			t.Fatal(err)
		}
	}
	// A burst of 20 tokens covers these; the limiter must not block them.
	if calls.Load() != 6 {
		t.Fatalf("calls %d", calls.Load())
	}
	c2, _ := newTestClient(t, srv.URL, func(o *Options) { o.RequestsPerSecond = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := c2.Do(ctx, Request{Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	// The second request needs a token a second away: the limiter refuses to
	// wait past the deadline instead of sending it.
	if _, err := c2.Do(ctx, Request{Path: "/x"}); err == nil {
		t.Fatal("second request within 200ms at 1 rps went through")
	}
}

func TestAbsoluteLinksStayOnTheHost(t *testing.T) {
	srv, _ := scripted(t, step{code: 200, body: "{}"})
	c, _ := newTestClient(t, srv.URL+"/api", nil)
	if _, err := c.Do(context.Background(), Request{Path: srv.URL + "/api/next?start=2", Route: "/next"}); err != nil {
		t.Fatalf("a link on the API host: %v", err)
	}
	_, err := c.Do(context.Background(), Request{Path: "https://evil.example.com/steal", Route: "/next"})
	if err == nil || !strings.Contains(err.Error(), "leaves the API host") {
		t.Fatalf("error %v, want a refusal to follow a link to another host", err)
	}
}

func TestURLJoin(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RequestURI()
		fmt.Fprint(w, "{}")
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL+"/api/", nil)
	if _, err := c.Do(context.Background(), Request{Path: "/devices?PageNo=2", Query: map[string][]string{"PageSize": {"25"}}}); err != nil {
		t.Fatal(err)
	}
	if got != "/api/devices?PageNo=2&PageSize=25" {
		t.Errorf("request URI %q", got)
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second}
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		for range 50 {
			d := b.Delay(attempt)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: delay %s outside [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-30 * time.Second).Format(http.TimeFormat), 0},
	} {
		h := http.Header{}
		if tc.value != "" {
			h.Set("Retry-After", tc.value)
		}
		if got := parseRetryAfter(h, now); got != tc.want {
			t.Errorf("Retry-After %q: %s, want %s", tc.value, got, tc.want)
		}
	}
}

func TestEncodedSecretsAreRedacted(t *testing.T) {
	const password = "Zq9@x y/Zq9&more=1"
	r := NewRedactor([]string{password})
	for _, text := range []string{
		"raw " + password,
		"form username=u&password=Zq9%40x+y%2FZq9%26more%3D1",
		"path /users/Zq9@x%20y%2FZq9&more=1",
	} {
		if got := r.String(text); strings.Contains(got, "Zq9") || !strings.Contains(got, "<secret>") {
			t.Errorf("%q redacted to %q: part of the password is left", text, got)
		}
	}
}

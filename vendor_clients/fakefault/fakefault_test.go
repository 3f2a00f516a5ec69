package fakefault

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func serve(t *testing.T) (*Injector, *httptest.Server) {
	t.Helper()
	f := &Injector{}
	srv := httptest.NewServer(f.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"ok":true}`))
	})))
	t.Cleanup(srv.Close)
	return f, srv
}

func TestQueuedFaults(t *testing.T) {
	f, srv := serve(t)
	f.SetRetryAfter(3 * time.Second)
	f.SetOversizedBytes(100 << 10)
	f.Queue(ServerError, RateLimited, Malformed, Truncated, Oversized, Drop)
	// Without keep-alives: net/http silently retries a GET whose reused
	// connection is dropped, which would hide the Drop fault.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	for _, tc := range []struct {
		kind      Kind
		code      int
		validJSON bool
		minBody   int
		dropped   bool
	}{
		{ServerError, 503, true, 1, false},
		{RateLimited, 429, true, 1, false},
		{Malformed, 200, false, 1, false},
		{Truncated, 200, false, 1, false},
		{Oversized, 200, false, 100 << 10, false},
		{Drop, 0, false, 0, true},
		{"", 200, true, 1, false}, // the queue is used up: the real handler answers
	} {
		resp, err := client.Get(srv.URL + "/things")
		if tc.dropped {
			if err == nil {
				resp.Body.Close()
				t.Errorf("%s: got an answer, want a dropped connection", tc.kind)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || json.Valid(body) != tc.validJSON || len(body) < tc.minBody {
			t.Errorf("%s: HTTP %d, %d bytes, valid JSON %v", tc.kind, resp.StatusCode, len(body), json.Valid(body))
		}
		if tc.kind == RateLimited && resp.Header.Get("Retry-After") != "3" {
			t.Errorf("429 Retry-After %q, want 3", resp.Header.Get("Retry-After"))
		}
	}
	if f.Requests() != 7 || f.RequestsTo("/th") != 7 || f.RequestsTo("/other") != 0 {
		t.Errorf("counted %d requests, %d to /th", f.Requests(), f.RequestsTo("/th"))
	}
	f.ResetCounts()
	if f.Requests() != 0 || f.RequestsTo("/") != 0 {
		t.Error("ResetCounts left counts")
	}
}

func TestRatesAreRepeatable(t *testing.T) {
	outcomes := func() []int {
		f, srv := serve(t)
		f.SetSeed(42)
		f.SetRate(ServerError, 0.5)
		var codes []int
		for range 40 {
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			codes = append(codes, resp.StatusCode)
		}
		return codes
	}
	a, b := outcomes(), outcomes()
	failed := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("the same seed gave different faults at request %d", i)
		}
		if a[i] == 503 {
			failed++
		}
	}
	if failed < 8 || failed > 32 {
		t.Errorf("%d of 40 requests failed at a rate of 0.5", failed)
	}
}

func TestLatencyAndInFlight(t *testing.T) {
	f, srv := serve(t)
	f.SetLatency(30 * time.Millisecond)
	done := make(chan struct{})
	for range 3 {
		go func() {
			resp, err := http.Get(srv.URL)
			if err == nil {
				resp.Body.Close()
			}
			done <- struct{}{}
		}()
	}
	for range 3 {
		<-done
	}
	if f.MaxInFlight() < 2 {
		t.Errorf("max in flight %d: three delayed requests should overlap", f.MaxInFlight())
	}
}

func TestPathFilterLimitsTheFaults(t *testing.T) {
	f, srv := serve(t)
	f.SetRate(ServerError, 1)
	f.SetPathFilter("/monitors")
	for path, want := range map[string]int{
		"/clover/dashboards/2/monitors": http.StatusServiceUnavailable,
		"/clover/dashboards":            http.StatusOK,
		"/clover/executions":            http.StatusOK,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: HTTP %d, want %d", path, resp.StatusCode, want)
		}
	}
	f.SetPathFilter("")
	resp, err := http.Get(srv.URL + "/clover/dashboards")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("without a filter: HTTP %d, want 503 on every path", resp.StatusCode)
	}
}

package cloutility

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// clock is a settable clock shared by a client and its fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// version makes one authenticated call.
func version(ctx context.Context, c *Client) error {
	var v string
	return c.get(ctx, "/fullVersion", "/fullVersion", nil, &v)
}

// TestTokenRenewalUnderLoad runs 8 concurrent requesters for 10 seconds of
// real time against 1-second tokens: every request must succeed, the
// tokens must be renewed with the refresh grant, and the only password
// logins must be the first one and at most one per token the server refused.
func TestTokenRenewalUnderLoad(t *testing.T) {
	f := newFixture(t, cloutilityfake.Options{TokenLifetime: time.Second}, nil, time.Now)
	f.srv.Faults.SetLatency(20 * time.Millisecond)
	ctx := context.Background()
	const workers, run = 8, 10 * time.Second
	deadline := time.Now().Add(run)

	var (
		wg       sync.WaitGroup
		requests atomic.Int64
		failed   atomic.Int64
		firstErr atomic.Value
	)
	for range workers {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				requests.Add(1)
				if err := version(ctx, f.client); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	wg.Wait()

	st := f.srv.AuthStats()
	t.Logf("%d requests, %d password logins, %d refreshes, %d calls refused with 401 (%d tokens)",
		requests.Load(), st.PasswordGrants, st.RefreshGrants, st.Rejected, st.RejectedTokens)
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d requests failed, the first: %v", n, requests.Load(), firstErr.Load())
	}
	if st.PasswordGrants > 1+st.RejectedTokens {
		t.Errorf("%d password logins, want at most 1 + one per refused token (%d)", st.PasswordGrants, st.RejectedTokens)
	}
	// Tokens live 1 s and are renewed 0.2 s early: 10 s need about 12.
	if st.RefreshGrants < 8 {
		t.Errorf("%d refreshes in %s of 1-s tokens, want at least 8", st.RefreshGrants, run)
	}
	if got := f.client.auth.refreshes.Load(); got != int64(st.RefreshGrants) {
		t.Errorf("token_refreshes_total = %d, the server granted %d", got, st.RefreshGrants)
	}
	if got := f.client.auth.loginsOK.Load(); got != int64(st.PasswordGrants) {
		t.Errorf("logins_total{result=success} = %d, the server granted %d", got, st.PasswordGrants)
	}
}

func TestAuthRecovery(t *testing.T) {
	tests := []struct {
		name string
		// act breaks the session after the first login.
		act func(srv *cloutilityfake.Server, clk *clock)
		// concurrent is the number of requests sent at once afterwards.
		concurrent     int
		wantLogins     int
		wantRefreshes  int
		wantFailedAuth int
		wantRejected   int
	}{
		{
			name:          "proactive refresh before expiry",
			act:           func(_ *cloutilityfake.Server, clk *clock) { clk.advance(270 * time.Second) },
			concurrent:    8,
			wantLogins:    1,
			wantRefreshes: 1,
		},
		{
			name: "revoked refresh token: a password login recovers",
			act: func(srv *cloutilityfake.Server, clk *clock) {
				srv.RevokeRefreshTokens()
				clk.advance(280 * time.Second)
			},
			concurrent:     8,
			wantLogins:     2,
			wantFailedAuth: 1,
		},
		{
			name:         "401 on an expired token: one login for all",
			act:          func(srv *cloutilityfake.Server, _ *clock) { srv.ExpireTokens() },
			concurrent:   8,
			wantLogins:   2,
			wantRejected: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: testNow}
			f := newFixture(t, cloutilityfake.Options{Clock: clk.now}, nil, clk.now)
			ctx := context.Background()
			if err := version(ctx, f.client); err != nil {
				t.Fatal(err)
			}
			tt.act(f.srv, clk)
			var wg sync.WaitGroup
			errs := make(chan error, tt.concurrent)
			for range tt.concurrent {
				wg.Go(func() { errs <- version(ctx, f.client) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("request failed: %v", err)
				}
			}
			st := f.srv.AuthStats()
			if st.PasswordGrants != tt.wantLogins || st.RefreshGrants != tt.wantRefreshes || st.FailedGrants != tt.wantFailedAuth || st.RejectedTokens != tt.wantRejected {
				t.Errorf("server saw %+v; want %d logins, %d refreshes, %d failed grants, %d refused tokens",
					st, tt.wantLogins, tt.wantRefreshes, tt.wantFailedAuth, tt.wantRejected)
			}
			if got := f.client.auth.loginsOK.Load(); got != int64(tt.wantLogins) {
				t.Errorf("logins_total{result=success} = %d, want %d", got, tt.wantLogins)
			}
		})
	}
}

// TestLoginErrorHidesPassword checks that a failed login names neither the
// password nor its form-encoded form, even when the server echoes the form.
func TestLoginErrorHidesPassword(t *testing.T) {
	const password = "p@ss w&rd%/+é"
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, 1024)
		n, _ := r.Body.Read(body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error": "invalid_grant", "error_description": "rejected form ` + string(body[:n]) + `"}`))
	})
	tests := []struct {
		name    string
		handler http.Handler
	}{
		{"fake portal, wrong password", cloutilityfake.New(cloutilityfake.Options{Now: testNow})},
		{"server echoing the form", echo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.handler)
			defer ts.Close()
			target := config.Target{
				Name: "s", URL: ts.URL, Settings: config.DefaultSettings,
				ClientID: cloutilityfake.DefaultClientID, Origin: cloutilityfake.DefaultOrigin,
				Username: "monitor", Password: config.Secret(password),
			}
			api, err := httpapi.New(httpapi.Options{BaseURL: ts.URL, Secrets: target.SecretValues(), ErrorMessage: ErrorMessage})
			if err != nil {
				t.Fatal(err)
			}
			c, err := New(target, api, nil, func() time.Time { return testNow })
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Fetch(context.Background())
			if err == nil {
				t.Fatal("Fetch succeeded with a wrong password")
			}
			msg := err.Error()
			for _, form := range []string{password, url.QueryEscape(password)} {
				if strings.Contains(msg, form) {
					t.Errorf("error shows the password as %q: %s", form, msg)
				}
			}
			if !strings.Contains(msg, "invalid_grant") {
				t.Errorf("error %q does not say why the login failed", msg)
			}
			if got := c.auth.loginsError.Load(); got != 1 {
				t.Errorf("logins_total{result=error} = %d, want 1", got)
			}
		})
	}
}

package cloutility

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// defaultTokenLifetime is assumed when the token answer has no expires_in:
// Cloutility's tokens always live about five minutes.
const defaultTokenLifetime = 299 * time.Second

// maxRenewMargin is how long before expiry a token is renewed; for short
// lifetimes (tests use 1 s) the margin is a fifth of the lifetime instead.
const maxRenewMargin = 30 * time.Second

// session holds one target's OAuth tokens. It logs in with the password
// grant, renews proactively with the refresh-token grant before the access
// token expires, and serialises both so that concurrent requests share one
// login instead of starting a burst of them.
type session struct {
	api      *httpapi.Client
	path     string
	logger   *slog.Logger
	now      func() time.Time
	clientID string
	origin   string
	username string
	password string

	// lock is a one-slot semaphore held while a caller checks and renews
	// the tokens, so that waiting for it honours the caller's context.
	lock       chan struct{}
	access     string
	refresh    string
	renewAt    time.Time
	forceLogin bool

	refreshes   atomic.Int64
	loginsOK    atomic.Int64
	loginsError atomic.Int64
}

// newSession returns a session that posts its grants to path.
func newSession(api *httpapi.Client, path string, logger *slog.Logger, now func() time.Time, clientID, origin, username, password string) *session {
	return &session{
		api:      api,
		path:     path,
		logger:   logger,
		now:      now,
		clientID: clientID,
		origin:   origin,
		username: username,
		password: password,
		lock:     make(chan struct{}, 1),
	}
}

// bearer returns a valid access token, logging in or renewing first when
// needed. Concurrent callers wait for the one login in progress.
func (s *session) bearer(ctx context.Context) (string, error) {
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("wait for login: %w", ctx.Err())
	}
	defer func() { <-s.lock }()

	if s.access != "" && s.now().Before(s.renewAt) {
		return s.access, nil
	}
	if s.refresh != "" && !s.forceLogin {
		err := s.grant(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.refresh}})
		if err == nil {
			s.refreshes.Add(1)
			return s.access, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("refresh token: %w", err)
		}
		s.logger.Warn("token refresh failed, logging in with the password", "err", err)
	}
	err := s.grant(ctx, url.Values{"grant_type": {"password"}, "username": {s.username}, "password": {s.password}})
	if err != nil {
		s.loginsError.Add(1)
		return "", fmt.Errorf("login as %q: %w", s.username, err)
	}
	s.loginsOK.Add(1)
	s.forceLogin = false
	return s.access, nil
}

// invalidate drops the access token after the API refused it with 401, so
// that the next bearer call logs in with the password. A token that has
// already been replaced by another caller is left alone: eight requests
// failing with the same token cause one login, not eight.
func (s *session) invalidate(ctx context.Context, failed string) {
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return
	}
	defer func() { <-s.lock }()
	if s.access == failed {
		s.access = ""
		s.forceLogin = true
	}
}

// grant posts one OAuth grant to /v1/oauth and stores the tokens it returns.
// The caller holds s.lock.
func (s *session) grant(ctx context.Context, form url.Values) error {
	form.Set("client_id", s.clientID)
	sent := s.now()
	resp, err := s.api.Do(ctx, httpapi.Request{
		Method: http.MethodPost,
		Path:   s.path,
		Route:  "/v1/oauth",
		Header: http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"},
			"Accept":       {"application/json"},
			"Origin":       {s.origin},
		},
		Body: []byte(form.Encode()),
	})
	if err != nil {
		// httpapi redacts the password, raw and form-encoded.
		return err
	}
	var tok token
	if err := json.Unmarshal(resp.Body, &tok); err != nil {
		return fmt.Errorf("POST /v1/oauth: decode token: %w", err)
	}
	if tok.AccessToken == "" {
		return errors.New("POST /v1/oauth: answer has no access_token")
	}
	life := time.Duration(tok.ExpiresIn * float64(time.Second))
	if life <= 0 {
		life = defaultTokenLifetime
	}
	margin := min(maxRenewMargin, life/5)
	// The lifetime counts from before the request was sent, so the token is
	// renewed a little early rather than used a little late.
	s.access = tok.AccessToken
	s.renewAt = sent.Add(life - margin)
	// Quirk: the refresh token does not change between refreshes, and a
	// refresh answer may leave it out.
	if tok.RefreshToken != "" {
		s.refresh = tok.RefreshToken
	}
	return nil
}

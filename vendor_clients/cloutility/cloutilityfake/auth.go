package cloutilityfake

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// AuthStats counts what the OAuth endpoint and the token check saw.
type AuthStats struct {
	// PasswordGrants and RefreshGrants count the tokens issued by each grant.
	PasswordGrants, RefreshGrants int
	// FailedGrants counts refused grants.
	FailedGrants int
	// Rejected counts API calls refused with 401; RejectedTokens counts the
	// distinct tokens among them.
	Rejected, RejectedTokens int
}

// tokens is the fake's OAuth state.
type tokens struct {
	mu       sync.Mutex
	seq      int
	access   map[string]time.Time // access token → expiry
	refresh  map[string]bool      // refresh token → valid
	rejected map[string]bool
	stats    AuthStats
}

// issue stores and returns a new access token valid for life.
func (t *tokens) issue(now time.Time, life time.Duration) string {
	t.seq++
	tok := fmt.Sprintf("at-%06d-%x", t.seq, now.UnixNano())
	t.access[tok] = now.Add(life)
	return tok
}

// handleOAuth serves POST /v1/oauth: the password and refresh-token grants,
// form-encoded, answered like ASP.NET's OAuth server.
func (s *Server) handleOAuth(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		s.oauthError(w, "invalid_request", "The request body must be form-encoded.")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.oauthError(w, "invalid_request", "The request body is not a valid form.")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != s.opts.ClientID {
		s.oauthError(w, "invalid_client", "The client_id is not registered.")
		return
	}
	t := &s.tokens
	now := s.opts.Clock()
	t.mu.Lock()
	defer t.mu.Unlock()
	var refresh string
	switch f.Get("grant_type") {
	case "password":
		if f.Get("username") != s.opts.Username || f.Get("password") != s.opts.Password {
			t.stats.FailedGrants++
			s.oauthError(w, "invalid_grant", "The user name or password is incorrect.")
			return
		}
		t.seq++
		refresh = fmt.Sprintf("rt-%06d-%x", t.seq, now.UnixNano())
		t.refresh[refresh] = true
		t.stats.PasswordGrants++
	case "refresh_token":
		refresh = f.Get("refresh_token")
		if s.opts.DisableRefresh || !t.refresh[refresh] {
			t.stats.FailedGrants++
			s.oauthError(w, "invalid_grant", "The refresh token is invalid or has been revoked.")
			return
		}
		// Quirk: the refresh token stays the same between refreshes.
		t.stats.RefreshGrants++
	default:
		s.oauthError(w, "unsupported_grant_type", "The grant type is not supported.")
		return
	}
	access := t.issue(now, s.opts.TokenLifetime)
	fakejson.Write(w, http.StatusOK, map[string]any{
		"access_token":  access,
		"token_type":    "bearer",
		"expires_in":    int(s.opts.TokenLifetime / time.Second),
		"refresh_token": refresh,
	})
}

func (s *Server) oauthError(w http.ResponseWriter, code, description string) {
	fakejson.Write(w, http.StatusBadRequest, map[string]any{"error": code, "error_description": description})
}

// authorized checks the bearer token of an API call and answers 401 when it
// is missing, unknown or expired.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	t := &s.tokens
	t.mu.Lock()
	exp, known := t.access[tok]
	valid := ok && known && s.opts.Clock().Before(exp)
	if !valid {
		t.stats.Rejected++
		if !t.rejected[tok] {
			t.rejected[tok] = true
			t.stats.RejectedTokens++
		}
	}
	t.mu.Unlock()
	if !valid {
		apiError(w, http.StatusUnauthorized, "Unauthorized", "Authorization has been denied for this request.")
	}
	return valid
}

// AuthStats returns the counts of grants and refused calls so far.
func (s *Server) AuthStats() AuthStats {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return s.tokens.stats
}

// RevokeRefreshTokens makes every refresh token issued so far invalid, as
// when an administrator withdraws the client's refresh permission.
func (s *Server) RevokeRefreshTokens() {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	clear(s.tokens.refresh)
}

// ExpireTokens makes every access token issued so far expire now.
func (s *Server) ExpireTokens() {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	clear(s.tokens.access)
}

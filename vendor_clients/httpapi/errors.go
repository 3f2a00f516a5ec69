package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrBodyTooLarge is wrapped by the error of a response whose body exceeds
// the client's MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

// StatusError is a non-2xx answer from the API.
type StatusError struct {
	// Method and Route name the request (the route is a template).
	Method, Route string
	// Code is the HTTP status code.
	Code int
	// Message is what the vendor's error body said, when the client's
	// ErrorMessage hook could read it, else a short excerpt of the body.
	Message string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
}

// Error names the request and the status, and the vendor's message.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.Route, e.Code, http.StatusText(e.Code))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// IsStatus reports whether err is (or wraps) a StatusError with one of codes.
func IsStatus(err error, codes ...int) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Code == c {
			return true
		}
	}
	return false
}

// Redactor replaces secret values in text with "<secret>".
type Redactor struct {
	replacer *strings.Replacer
}

// NewRedactor returns a Redactor for the given secrets; empty ones are ignored.
// Each secret is also redacted as a query or form value and as a path
// segment would encode it, since that is how a password travels in an OAuth
// form body and may come back in an error.
func NewRedactor(secrets []string) *Redactor {
	var pairs []string
	seen := map[string]bool{}
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if form != "" && !seen[form] {
				seen[form] = true
				pairs = append(pairs, form, "<secret>")
			}
		}
	}
	if len(pairs) == 0 {
		return &Redactor{}
	}
	return &Redactor{replacer: strings.NewReplacer(pairs...)}
}

// String redacts s.
func (r *Redactor) String(s string) string {
	if r == nil || r.replacer == nil {
		return s
	}
	return r.replacer.Replace(s)
}

// Error returns err with its text redacted, keeping it matchable with
// errors.Is and errors.As.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := r.String(msg)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

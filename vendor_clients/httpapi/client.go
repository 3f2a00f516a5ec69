package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/backup-exporter/backup_exporter/config"
)

// Options configure a Client. Zero values take the documented defaults.
type Options struct {
	// BaseURL is prefixed to every Request.Path.
	BaseURL string
	// Transport carries the requests; nil means a transport from
	// NewTransport with default TLS.
	Transport http.RoundTripper
	// MaxConcurrency bounds the requests in flight (default 4).
	MaxConcurrency int
	// RequestsPerSecond is a client-side rate limit; 0 means none.
	RequestsPerSecond float64
	// MaxBodyBytes caps a response body (default 32 MiB).
	MaxBodyBytes int64
	// MaxRetries bounds the retries of one request (default 3; -1 for none).
	MaxRetries int
	// Backoff spaces the retries (default DefaultBackoff).
	Backoff Backoff
	// Secrets are redacted from every error the client returns.
	Secrets []string
	// Observer receives per-request accounting; nil means none.
	Observer Observer
	// UserAgent is sent on every request.
	UserAgent string
	// ErrorMessage reads the vendor's error envelope into one line; nil
	// means a short excerpt of the body.
	ErrorMessage func(body []byte) string
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
}

// Client sends requests to one target's API.
type Client struct {
	base     *url.URL
	http     *http.Client
	sem      chan struct{}
	limiter  *rate.Limiter
	maxBody  int64
	retries  int
	backoff  Backoff
	redactor *Redactor
	observer Observer
	agent    string
	errMsg   func([]byte) string
	now      func() time.Time
	dropped  droppedItems
}

// New returns a Client for opts.
func New(opts Options) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("url %q: want an absolute http(s) URL", opts.BaseURL)
	}
	c := &Client{
		base:     base,
		maxBody:  opts.MaxBodyBytes,
		retries:  opts.MaxRetries,
		backoff:  opts.Backoff,
		redactor: NewRedactor(opts.Secrets),
		observer: opts.Observer,
		agent:    opts.UserAgent,
		errMsg:   opts.ErrorMessage,
		now:      opts.Now,
	}
	conc := opts.MaxConcurrency
	if conc <= 0 {
		conc = 4
	}
	c.sem = make(chan struct{}, conc)
	if opts.RequestsPerSecond > 0 {
		burst := int(opts.RequestsPerSecond)
		if burst < 1 {
			burst = 1
		}
		c.limiter = rate.NewLimiter(rate.Limit(opts.RequestsPerSecond), burst)
	}
	if c.maxBody <= 0 {
		c.maxBody = 32 << 20
	}
	if c.retries == 0 {
		c.retries = 3
	} else if c.retries < 0 {
		c.retries = 0
	}
	if c.backoff == (Backoff{}) {
		c.backoff = DefaultBackoff
	}
	if c.observer == nil {
		c.observer = nopObserver{}
	}
	if c.now == nil {
		c.now = time.Now
	}
	rt := opts.Transport
	if rt == nil {
		t, err := NewTransport(config.TLSConfig{}, "", conc)
		if err != nil {
			return nil, err
		}
		rt = t
	}
	// Redirects are not followed across hosts: a credential must not leak to
	// another origin.
	c.http = &http.Client{Transport: rt, CheckRedirect: sameHostRedirect}
	return c, nil
}

// MaxConcurrency returns the client's bound on requests in flight, so that a
// vendor client can size its own fan-out to it.
func (c *Client) MaxConcurrency() int { return cap(c.sem) }

// Redact removes the client's secrets from s.
func (c *Client) Redact(s string) string { return c.redactor.String(s) }

// Request describes one API call.
type Request struct {
	// Method defaults to GET.
	Method string
	// Path is appended to the base URL; it may carry a query string.
	Path string
	// Route is the path's template for metrics and errors, such as
	// "/bunits/{id}/consumers"; it defaults to Path without its query.
	Route string
	// Query is added to the URL.
	Query url.Values
	// Header is sent as is (auth, Accept, vendor headers).
	Header http.Header
	// Body is sent with every attempt; set Header's Content-Type with it.
	Body []byte
	// NoRetry sends the request once, for calls that must not repeat.
	NoRetry bool
}

// Response is a complete, size-checked answer.
type Response struct {
	// Code is the HTTP status code (2xx: others are returned as StatusError).
	Code int
	// Header is the response header.
	Header http.Header
	// Body is the whole body, at most MaxBodyBytes long.
	Body []byte
}

// Do sends req with retries and returns the response of a 2xx answer, or an
// error: a *StatusError for other codes, the context's error when its deadline
// passes. Every error is redacted.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	resp, err := c.do(ctx, req)
	return resp, c.redactor.Error(err)
}

// GetJSON sends req and decodes a 2xx JSON body into out. When out is an
// ItemDrops (a page envelope holding Items), its dropped items are kept for
// ReportDroppedItems.
func (c *Client) GetJSON(ctx context.Context, req Request, out any) error {
	resp, err := c.Do(ctx, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return c.redactor.Error(fmt.Errorf("%s %s: decode JSON: %w", methodOf(req), routeOf(req), err))
	}
	if d, ok := out.(ItemDrops); ok {
		n, problem := d.ItemDrops()
		c.dropped.add(routeOf(req), n, problem)
	}
	return nil
}

func (c *Client) do(ctx context.Context, req Request) (*Response, error) {
	u, err := c.url(req)
	if err != nil {
		return nil, err
	}
	method, route := methodOf(req), routeOf(req)
	maxRetries := c.retries
	if req.NoRetry {
		maxRetries = 0
	}
	for attempt := 0; ; attempt++ {
		resp, retryReason, wait, err := c.attempt(ctx, method, route, u, req)
		if err == nil {
			return resp, nil
		}
		if retryReason == "" || attempt >= maxRetries || ctx.Err() != nil {
			return nil, err
		}
		delay := c.backoff.Delay(attempt)
		if wait > delay {
			delay = wait
		}
		// Never wait past the refresh deadline: fail now with the cause.
		if dl, ok := ctx.Deadline(); ok && c.now().Add(delay).After(dl) {
			return nil, fmt.Errorf("%w (no retry: waiting %s would pass the refresh deadline)", err, delay.Round(time.Millisecond))
		}
		c.observer.Retry(route, retryReason)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (gave up waiting to retry: %v)", err, ctx.Err())
		case <-t.C:
		}
	}
}

// attempt sends one try. It returns the retry reason ("" when the error is
// final) and the server's requested wait.
func (c *Client) attempt(ctx context.Context, method, route, u string, req Request) (*Response, string, time.Duration, error) {
	if err := c.acquire(ctx); err != nil {
		return nil, "", 0, fmt.Errorf("%s %s: %w", method, route, err)
	}
	defer func() { <-c.sem }()

	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, "", 0, fmt.Errorf("%s %s: %w", method, route, err)
	}
	for k, vs := range req.Header {
		hreq.Header[k] = vs
	}
	if c.agent != "" {
		hreq.Header.Set("User-Agent", c.agent)
	}

	start := c.now()
	hresp, err := c.http.Do(hreq)
	if err != nil {
		c.observer.Request(route, "error", c.now().Sub(start))
		reason := RetryConnectionError
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			reason = ""
		}
		return nil, reason, 0, fmt.Errorf("%s %s: %w", method, route, unwrapURLError(err))
	}
	data, readErr := c.readBody(hresp.Body)
	hresp.Body.Close()
	c.observer.Request(route, strconv.Itoa(hresp.StatusCode), c.now().Sub(start))
	if readErr != nil {
		reason := ""
		if !errors.Is(readErr, ErrBodyTooLarge) && ctx.Err() == nil {
			reason = RetryConnectionError
		}
		return nil, reason, 0, fmt.Errorf("%s %s: read body: %w", method, route, readErr)
	}
	if hresp.StatusCode >= 200 && hresp.StatusCode < 300 {
		return &Response{Code: hresp.StatusCode, Header: hresp.Header, Body: data}, "", 0, nil
	}
	se := &StatusError{
		Method:     method,
		Route:      route,
		Code:       hresp.StatusCode,
		Message:    c.message(data),
		RetryAfter: parseRetryAfter(hresp.Header, c.now()),
	}
	switch {
	case hresp.StatusCode == http.StatusTooManyRequests:
		return nil, RetryRateLimited, se.RetryAfter, se
	case hresp.StatusCode >= 500 && hresp.StatusCode != http.StatusNotImplemented:
		return nil, RetryServerError, se.RetryAfter, se
	}
	return nil, "", 0, se
}

// acquire takes a concurrency slot and, when configured, a rate-limit token.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			<-c.sem
			return err
		}
	}
	return nil
}

// readBody reads at most maxBody bytes and fails on more, so that a huge or
// endless body costs bounded memory.
func (c *Client) readBody(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, c.maxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, c.maxBody)
	}
	return data, nil
}

// message turns an error body into one short line.
func (c *Client) message(body []byte) string {
	if c.errMsg != nil {
		if m := c.errMsg(body); m != "" {
			return truncate(m, 300)
		}
	}
	s := strings.Join(strings.Fields(string(body)), " ")
	return truncate(s, 200)
}

func (c *Client) url(req Request) (string, error) {
	ref, err := url.Parse(req.Path)
	if err != nil {
		return "", fmt.Errorf("path %q: %w", req.Path, err)
	}
	u := *c.base
	if ref.IsAbs() {
		// A link from the API itself (HAL _next): keep it on our host.
		if ref.Host != c.base.Host {
			return "", fmt.Errorf("link %q leaves the API host %s", ref.Redacted(), c.base.Host)
		}
		u = *ref
	} else {
		u.Path = strings.TrimRight(c.base.Path, "/") + "/" + strings.TrimLeft(ref.Path, "/")
		u.RawQuery = ref.RawQuery
	}
	if len(req.Query) > 0 {
		q := u.Query()
		for k, vs := range req.Query {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

func methodOf(req Request) string {
	if req.Method == "" {
		return http.MethodGet
	}
	return req.Method
}

func routeOf(req Request) string {
	if req.Route != "" {
		return req.Route
	}
	p, _, _ := strings.Cut(req.Path, "?")
	return p
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// unwrapURLError drops *url.Error's "Get \"https://…\":" prefix, which repeats
// the full URL (and any query) in every message.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
	}
	return nil
}

package cloutility

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// Client reads one Cloutility portal. It keeps state between refreshes:
// the OAuth session, each consumer's carried-forward last success and the
// date of its first job.
type Client struct {
	api      *httpapi.Client
	logger   *slog.Logger
	now      func() time.Time
	auth     *session
	origin   string
	prefix   string
	roots    []ID
	lookback time.Duration
	history  time.Duration

	// userBunit is the user's own business unit from /v1/me, read once.
	userBunit ID
	// rangedJobsOnPlain is set once the ranged `/jobs/first` form answered
	// 404 or a single Job, and `/jobs?startTime&endTime` is used instead.
	rangedJobsOnPlain atomic.Bool
	// warningTypes names warning types that reports send by id only.
	warningTypes map[int]string
	// warningTypesDue is when the warning types may be read again.
	warningTypesDue time.Time
	// consumers is the state kept per consumer id between refreshes, and
	// order the same in the order of the latest listing.
	consumers map[ID]*consumerState
	order     []*consumerState
	// units are the business units of the latest listing, and
	// listSchedule says when to list them again.
	units        []*bunit
	listSchedule httpapi.Schedule
	// readAny is set once a consumer was read: until then a refresh
	// commits after a short slice, so that the first consumers are
	// served within seconds.
	readAny bool
	// cacheTTL is how often a consumer's jobs are read, and inventoryTTL
	// how often its node and the listing are.
	cacheTTL, inventoryTTL time.Duration
}

// New returns a client for target t. It needs client_id, origin, username
// and password; business_units is optional.
// t is the resolved target (config.Load applied the defaults and checked
// the ranges), so its settings are used as they are.
func New(t config.Target, api *httpapi.Client, logger *slog.Logger, now func() time.Time) (*Client, error) {
	var missing []string
	for _, kv := range [][2]string{{"client_id", t.ClientID}, {"origin", t.Origin}, {"username", t.Username}, {"password_file", t.Password.Reveal()}} {
		if kv[1] == "" {
			missing = append(missing, kv[0])
		}
	}
	if len(missing) > 0 {
		return nil, errors.New("cloutility: target " + t.Name + " lacks " + strings.Join(missing, ", "))
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	c := &Client{
		api:      api,
		logger:   logger,
		now:      now,
		origin:   t.Origin,
		lookback: t.Lookback,

		cacheTTL:     t.CacheTTL,
		inventoryTTL: t.InventoryTTL,
		history:      t.History,
		consumers:    map[ID]*consumerState{},
	}
	// The API root is documented as https://host/v1/: a url that already
	// ends in /v1 must not get a second one.
	if !strings.HasSuffix(strings.TrimRight(t.URL, "/"), "/v1") {
		c.prefix = "/v1"
	}
	c.auth = newSession(api, c.prefix+"/oauth", logger, now, t.ClientID, t.Origin, t.Username, t.Password.Reveal())
	for _, b := range t.BusinessUnits {
		c.roots = append(c.roots, ID(strings.TrimSpace(b)))
	}
	// A zero cache_ttl would make every item due at once, always.
	if c.cacheTTL <= 0 {
		c.cacheTTL = config.DefaultSettings.CacheTTL
	}
	if c.inventoryTTL < c.cacheTTL {
		c.inventoryTTL = c.cacheTTL
	}
	return c, nil
}

// get reads one API resource into out. It sends the bearer token and the
// Origin header, which Cloutility requires on every call; on a 401 it logs
// in once more and retries the call once.
func (c *Client) get(ctx context.Context, route, path string, query url.Values, out any) error {
	for attempt := 0; ; attempt++ {
		tok, err := c.auth.bearer(ctx)
		if err != nil {
			return err
		}
		err = c.api.GetJSON(ctx, httpapi.Request{
			Path:  c.prefix + path,
			Route: "/v1" + route,
			Query: query,
			Header: http.Header{
				"Authorization": {"Bearer " + tok},
				"Origin":        {c.origin},
				"Accept":        {"application/json"},
			},
		}, out)
		if attempt == 0 && httpapi.IsStatus(err, http.StatusUnauthorized) {
			c.auth.invalidate(ctx, tok)
			continue
		}
		return err
	}
}

// ErrorMessage reads Cloutility's error bodies: the API's envelope
// {code, message, developerMessage}, ASP.NET's {"Message"} and the OAuth
// endpoint's {error, error_description}. It returns "" when the body is
// none of these, and httpapi then shows an excerpt.
func ErrorMessage(body []byte) string {
	var e errorBody
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	var parts []string
	for _, s := range []string{e.Code, e.Error, e.Message, e.ErrorDescription, e.DeveloperMessage} {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ": ")
}

package clumio

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
	"github.com/prometheus/common/model"
)

// tickingClock advances by step on every reading, so that the fake's
// restore tasks move on while a drill polls.
type tickingClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *tickingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// methodLog records the method and path of every request.
type methodLog struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

func (m *methodLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.seen = append(m.seen, r.Method+" "+r.URL.Path)
	m.mu.Unlock()
	m.next.ServeHTTP(w, r)
}

func (m *methodLog) methods() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for _, s := range m.seen {
		method, _, _ := strings.Cut(s, " ")
		out[method]++
	}
	return out
}

// advance moves the clock on by d.
func (c *tickingClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func drillFixture(t *testing.T, step time.Duration) (*clumiofake.Server, *methodLog, *Client, config.RestoreDrill) {
	t.Helper()
	srv, log, c, d, _ := drillFixtureWithClock(t, step)
	return srv, log, c, d
}

// drillFixtureWithClock is drillFixture with the clock the fake and the
// client share.
func drillFixtureWithClock(t *testing.T, step time.Duration) (*clumiofake.Server, *methodLog, *Client, config.RestoreDrill, *tickingClock) {
	t.Helper()
	clock := &tickingClock{now: testNow, step: step}
	srv := clumiofake.New(clumiofake.Options{Seed: 7, Scale: 40, Now: testNow, Clock: clock.Now})
	var group string
	srv.Update(func(d *clumiofake.Data) { group = d.DrillReadyGroup })
	if group == "" {
		t.Fatal("the fake has no drill-ready protection group")
	}
	log := &methodLog{next: srv}
	c := newClient(t, log, nil)
	c.drillPoll = time.Millisecond
	c.now = clock.Now
	d := config.RestoreDrill{Name: "s3-daily", ProtectionGroup: group, Every: model.Duration(24 * time.Hour),
		EndpointTTL: model.Duration(6 * time.Hour), Timeout: model.Duration(time.Minute)}
	return srv, log, c, d, clock
}

// TestDrillSucceedsThenSkips runs a drill to success, then again: the
// second run finds the first one's endpoint and creates nothing. Between
// them the drill sent one POST and GETs only, and the endpoint it made
// carries the drill's mark and expires after endpoint_ttl.
func TestDrillSucceedsThenSkips(t *testing.T) {
	srv, log, c, d := drillFixture(t, time.Second)
	if res := c.Drill(context.Background(), d); res.Outcome != backup.DrillSuccess {
		t.Fatalf("first run: %+v, want success", res)
	}
	res := c.Drill(context.Background(), d)
	if res.Outcome != backup.DrillSkipped || res.Restored.IsZero() || !strings.Contains(res.Message, DrillPrefix("s3-daily")) {
		t.Errorf("second run: %+v, want skipped with the first endpoint's creation", res)
	}
	if m := log.methods(); m[http.MethodPost] != 1 || len(m) != 2 || m[http.MethodGet] == 0 {
		t.Errorf("methods sent: %v, want one POST and GETs only", m)
	}
	var drillEndpoints []clumiofake.Endpoint
	srv.Update(func(data *clumiofake.Data) {
		for _, e := range data.Endpoints {
			if strings.HasPrefix(e.Name, DrillPrefix("s3-daily")) {
				drillEndpoints = append(drillEndpoints, e)
			}
		}
	})
	if len(drillEndpoints) != 1 {
		t.Fatalf("%d drill endpoints, want 1", len(drillEndpoints))
	}
	if e := drillEndpoints[0]; e.Expiry.Sub(e.Created) > 6*time.Hour || e.Expiry.Sub(e.Created) < 6*time.Hour-time.Minute {
		t.Errorf("endpoint expires %s after its creation, want endpoint_ttl 6h", e.Expiry.Sub(e.Created))
	}
}

// TestDrillFailures runs drills that must fail, each with a message that
// says why, and checks that none of them sent anything but GETs and at most
// the one POST.
func TestDrillFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(srv *clumiofake.Server, c *Client, d *config.RestoreDrill, log *methodLog)
		step     time.Duration
		timeout  time.Duration
		want     string
		wantPOST int
	}{
		{name: "unknown protection group", setup: func(_ *clumiofake.Server, _ *Client, d *config.RestoreDrill, _ *methodLog) {
			d.ProtectionGroup = "no-such-group"
		}, step: time.Second, want: `protection group "no-such-group" not found`},
		{name: "restore task fails", setup: func(srv *clumiofake.Server, _ *Client, d *config.RestoreDrill, _ *methodLog) {
			srv.FailRestores(d.ProtectionGroup, true)
		}, step: time.Second, want: "ended failed", wantPOST: 1},
		{name: "timeout while queued", step: 0, timeout: time.Second, want: "still queued when the drill's timeout passed", wantPOST: 1},
		{name: "POST refused with errors", setup: refusePOST(http.StatusForbidden,
			`{"errors":[{"error_code":403,"error_message":"Insufficient permissions to restore"}]}`),
			step: time.Second, want: "HTTP 403 Forbidden: 403: Insufficient permissions to restore", wantPOST: 1},
		{name: "POST refused with 400 and errors[], one echoing the token", setup: refusePOST(http.StatusBadRequest,
			`{"errors":[{"error_code":400,"error_message":"expiry_timestamp must be in the future"},`+
				`{"error_code":401,"error_message":"token `+clumiofake.DefaultToken+` lacks restore rights"}]}`),
			step: time.Second, want: "HTTP 400 Bad Request: 400: expiry_timestamp must be in the future; 401: token <secret> lacks restore rights", wantPOST: 1},
		{name: "POST answering 503 is not retried", setup: refusePOST(http.StatusServiceUnavailable, ""),
			step: time.Second, want: "HTTP 503", wantPOST: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, log, c, d := drillFixture(t, tc.step)
			if tc.setup != nil {
				tc.setup(srv, c, &d, log)
			}
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			res := c.Drill(ctx, d)
			if res.Outcome != backup.DrillFailed || !strings.Contains(res.Message, tc.want) {
				t.Errorf("%+v, want failed mentioning %q", res, tc.want)
			}
			if strings.Contains(res.Message, clumiofake.DefaultToken) {
				t.Errorf("message shows the token: %s", res.Message)
			}
			m := log.methods()
			if m[http.MethodPost] != tc.wantPOST || len(m) > 2 || (len(m) == 2 && m[http.MethodPost] == 0) {
				t.Errorf("methods sent: %v, want GETs and %d POST", m, tc.wantPOST)
			}
		})
	}
}

// refusePOST answers every POST with status and body (JSON when not
// empty) in front of the fake; other requests reach it.
func refusePOST(status int, body string) func(*clumiofake.Server, *Client, *config.RestoreDrill, *methodLog) {
	return func(_ *clumiofake.Server, _ *Client, _ *config.RestoreDrill, log *methodLog) {
		next := log.next
		log.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			if body != "" {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
}

// TestDrillRunsSurviveARestart: a drill's state lives in memory, so an
// exporter restarted more often than every would never know its last
// success (issue 17). Each run reads the drill's earlier runs from the
// endpoints it created: a restarted client 7 hours after a success (its
// endpoint expired after endpoint_ttl, 6 h) skips and knows the run and
// its success, confirmed by the endpoint's completed restore task; an
// expired endpoint without one (a restore that may have failed) gives the
// run, not a success; past every, the drill runs again and still reports
// the earlier success.
func TestDrillRunsSurviveARestart(t *testing.T) {
	srv, _, c, d, clock := drillFixtureWithClock(t, time.Second)
	if res := c.Drill(context.Background(), d); res.Outcome != backup.DrillSuccess || !res.Restored.IsZero() || !res.LastRun.IsZero() {
		t.Fatalf("first run: %+v, want success with no earlier run", res)
	}
	var first clumiofake.Endpoint
	srv.Update(func(data *clumiofake.Data) {
		for _, e := range data.Endpoints {
			if strings.HasPrefix(e.Name, DrillPrefix(d.Name)) {
				first = e
			}
		}
	})
	restarted := func() *Client {
		n := newClient(t, srv, nil)
		n.drillPoll, n.now = time.Millisecond, c.now
		return n
	}

	clock.advance(7 * time.Hour)
	res := restarted().Drill(context.Background(), d)
	if res.Outcome != backup.DrillSkipped || !res.Restored.Equal(first.Created) || !res.LastRun.Equal(first.Created) {
		t.Errorf("restarted 7 h after a success: %+v; want skipped, run and success at %s", res, first.Created)
	}

	// An expired endpoint of the drill, newer, with no restore task.
	unconfirmed := clock.Now().Add(-time.Hour)
	srv.Update(func(data *clumiofake.Data) {
		e := first
		e.ID, e.Name, e.Created, e.Ready, e.Expiry = "iae-unconfirmed", DrillPrefix(d.Name)+"unconfirmed", unconfirmed, unconfirmed, unconfirmed.Add(time.Minute)
		data.Endpoints = append(data.Endpoints, e)
	})
	res = restarted().Drill(context.Background(), d)
	if res.Outcome != backup.DrillSkipped || !res.Restored.Equal(first.Created) || !res.LastRun.Equal(unconfirmed) {
		t.Errorf("with an unconfirmed expired endpoint: %+v; want skipped, run at %s, success at %s", res, unconfirmed, first.Created)
	}

	clock.advance(24 * time.Hour)
	res = restarted().Drill(context.Background(), d)
	if res.Outcome != backup.DrillSuccess || !res.Restored.Equal(first.Created) || !res.LastRun.Equal(unconfirmed) {
		t.Errorf("past every: %+v; want a new success, the earlier one at %s", res, first.Created)
	}
}

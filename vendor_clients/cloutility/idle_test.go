package cloutility

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
)

// TestAllowNoActivityWaivesTheRPO fails on main, where allowNoActivity was
// not decoded: weekly-04, six days without a backup, had the target's RPO.
// The list answer leaves the field out (the fake's is slim) and the client
// reads it on the consumer's item endpoint; a list that sends it is
// trusted without that call.
func TestAllowNoActivityWaivesTheRPO(t *testing.T) {
	for _, tc := range []struct {
		name      string
		inList    bool
		wantItems int
	}{
		{name: "slim list: read on the item endpoint", wantItems: 6},
		{name: "sent in the list: that consumer's item is not read", inList: true, wantItems: 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var wrap func(http.Handler) http.Handler
			if tc.inList {
				wrap = func(h http.Handler) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						rec := &bodyRecorder{header: http.Header{}, code: http.StatusOK}
						h.ServeHTTP(rec, r)
						body := rec.body.Bytes()
						if r.URL.Path == "/v1/bunits/2/consumers" {
							body = bytes.Replace(body, []byte(`"id":13,`), []byte(`"id":13,"allowNoActivity":true,`), 1)
						}
						for k, v := range rec.header {
							w.Header()[k] = v
						}
						w.WriteHeader(rec.code)
						_, _ = w.Write(body)
					})
				}
			}
			f := newWrappedFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, nil, wrap)
			snap := fetch(t, f.client)
			for _, a := range snap.Assets {
				if want := a.ID == "13"; a.RPOWaived != want {
					t.Errorf("asset %s (%s): RPOWaived %v, want %v", a.ID, a.Name, a.RPOWaived, want)
				}
			}
			if got := f.routes.take()["/v1/bunits/{bunit}/consumers/{consumer}"]; got != tc.wantItems {
				t.Errorf("%d reads of the consumer item, want %d", got, tc.wantItems)
			}
		})
	}
}

// TestAllowNoActivityReadDaily: the consumer's item, read for the
// allowNoActivity the list leaves out, is read once a day, not with the node
// every inventory_ttl, and a change of the setting is served after that day.
func TestAllowNoActivityReadDaily(t *testing.T) {
	clk := &clock{t: testNow}
	f := newFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, clk.now)
	waived := func() bool {
		t.Helper()
		for _, a := range fetch(t, f.client).Assets {
			if a.ID == "13" {
				return a.RPOWaived
			}
		}
		t.Fatal("no asset 13 (weekly-04)")
		return false
	}
	const item = "/v1/bunits/{bunit}/consumers/{consumer}"
	if !waived() {
		t.Fatal("cold: weekly-04's allowNoActivity not served")
	}
	if got := f.routes.take()[item]; got != 6 {
		t.Fatalf("cold: %d reads of the consumer item, want one per consumer with a node (6)", got)
	}
	f.srv.Update(func(d *cloutilityfake.Data) {
		for _, c := range d.Consumers {
			if c.ID == 13 {
				c.AllowNoActivity = false
			}
		}
	})
	for _, step := range []struct {
		name       string
		advance    time.Duration
		wantReads  int
		wantWaived bool
	}{
		{"an inventory_ttl later: the node is read again, the setting is not", f.target.InventoryTTL, 0, true},
		{"a day after the first read: read again, and the change served", 24*time.Hour - f.target.InventoryTTL, 6, false},
	} {
		clk.advance(step.advance)
		got := waived()
		routes := f.routes.take()
		if routes[item+"/node"] == 0 {
			t.Errorf("%s: no node read, so the step proves nothing", step.name)
		}
		if routes[item] != step.wantReads || got != step.wantWaived {
			t.Errorf("%s: %d reads of the consumer item, RPO waived %v; want %d, %v", step.name, routes[item], got, step.wantReads, step.wantWaived)
		}
	}
}

// bodyRecorder keeps an answer so that a test can reshape it.
type bodyRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *bodyRecorder) Header() http.Header         { return r.header }
func (r *bodyRecorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *bodyRecorder) WriteHeader(code int)        { r.code = code }

// TestBadWarningCostsOnlyItself: a node-report warning whose type is of
// the wrong JSON shape is dropped and counted; the report and its other
// data are kept. On main the whole report failed.
func TestBadWarningCostsOnlyItself(t *testing.T) {
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &bodyRecorder{header: http.Header{}, code: http.StatusOK}
			h.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if r.URL.Path == "/v1/bunits/2/consumers/10/reports" {
				body = bytes.ReplaceAll(body, []byte(`"type":2`), []byte(`"type":[2]`))
			}
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.code)
			_, _ = w.Write(body)
		})
	}
	f := newWrappedFixture(t, cloutilityfake.Options{Data: cloutilityfake.Cases(testNow)}, nil, nil, wrap)
	snap := fetch(t, f.client)
	dropped := 0
	for _, is := range snap.Issues {
		if is.Reason == "undecodable_item" {
			dropped++
		}
	}
	if dropped != 1 {
		t.Errorf("issues %+v, want the one warning dropped", snap.Issues)
	}
	for _, a := range snap.Assets {
		if a.ID == "10" && a.SizeBytes == nil {
			t.Error("web-01 lost its report's size with the bad warning")
		}
	}
}

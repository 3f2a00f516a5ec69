package cloutility

import (
	"bytes"
	"net/http"
	"testing"

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

package backtest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// An item_failing incident answers 500 to every read of its consumer, and
// only to those: another consumer (one whose id starts alike too), the
// consumers list and the rest of the API are served; and the gate opens
// again once the incident ends.
func TestGateFailsOneItem(t *testing.T) {
	g := &gate{next: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })}
	code := func(path string) int {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	item := (&cloutilityFake{}).itemPath(&simAsset{id: "12"})
	g.set(false, nil, []string{item})
	for path, want := range map[string]int{
		"/v1/bunits/3/consumers/12":                 http.StatusInternalServerError,
		"/v1/bunits/3/consumers/12/jobs":            http.StatusInternalServerError,
		"/v1/bunits/3/consumers/12/node/filespaces": http.StatusInternalServerError,
		"/v1/bunits/3/consumers/123/jobs":           http.StatusOK,
		"/v1/bunits/3/consumers/13/jobs":            http.StatusOK,
		"/v1/bunits/3/consumers":                    http.StatusOK,
		"/v1/bunits":                                http.StatusOK,
	} {
		if got := code(path); got != want {
			t.Errorf("%s: HTTP %d, want %d", path, got, want)
		}
	}
	g.set(false, nil, nil)
	if got := code("/v1/bunits/3/consumers/12/jobs"); got != http.StatusOK {
		t.Errorf("after the incident: HTTP %d, want 200", got)
	}
}

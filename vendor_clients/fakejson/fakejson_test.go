package fakejson

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, http.StatusAccepted, map[string]any{"id": "a<b>", "n": 2})
	if rec.Code != http.StatusAccepted {
		t.Errorf("status %d, want %d", rec.Code, http.StatusAccepted)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var got struct {
		ID string
		N  int
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body, err)
	}
	if got.ID != "a<b>" || got.N != 2 {
		t.Errorf("body decodes to %+v, want id a<b> and n 2", got)
	}
}

func TestWriteRaw(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteRaw(rec, http.StatusOK, `{"data": [`)
	if rec.Code != http.StatusOK || rec.Body.String() != `{"data": [` {
		t.Errorf("got %d %q, want 200 and the body unchanged", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
}

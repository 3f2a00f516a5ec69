// Package fakejson writes the JSON answers of the vendors' fake servers and
// of the fault injector they share, so that every fake labels and encodes
// its answers the same way. Vendor packages never import each other; each
// fake imports this one.
package fakejson

import (
	"encoding/json"
	"net/http"
)

// contentType is JSON's registered media type; RFC 8259 defines no charset
// parameter for it.
const contentType = "application/json"

// Write answers status with v encoded as JSON. v is the fake's own data, so
// it always encodes; a client gone mid-answer is no error of the fake's.
func Write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteRaw answers status with body as it is, labelled as JSON: for the
// faults that send broken or truncated JSON on purpose.
func WriteRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

package collector

import (
	"net/http"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"identity", false},
		{"*", false}, // promhttp prefers its first offer, identity, on a tie
		{"gzip;q=0", false},
		{"identity;q=0.5, gzip;q=0.8", true},
		{"gzip;q=0.5, identity;q=0.8", false},
		{"GZIP", true},
		{"br", false},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Accept-Encoding", tc.header)
		}
		if got := acceptsGzip(h); got != tc.want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", tc.header, got, tc.want)
		}
	}
}

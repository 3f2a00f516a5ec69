package config

import "testing"

// TestRedactURL pins what the landing page and /config show of a URL: the
// password of its user info masked, everything else as written.
func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"no user info", "https://api.example.com/v1", "https://api.example.com/v1"},
		{"password", "http://user:hunter2@proxy:3128", "http://user:xxxxx@proxy:3128"},
		{"user only", "http://user@proxy:3128", "http://user@proxy:3128"},
		{"empty", "", ""},
		{"unparsable", "http://[::1", "http://[::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RedactURL(tc.in); got != tc.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

package config

import "testing"

func TestDidYouMean(t *testing.T) {
	known := []string{"name", "url", "timeout", "bearer_token", "bearer_token_file", "rpo"}
	tests := []struct{ unknown, want string }{
		{"bearer_tokn", " (did you mean bearer_token?)"},
		{"bearer_token_fil", " (did you mean bearer_token_file?)"},
		{"timout", " (did you mean timeout?)"},
		{"URL", ""}, // case matters to YAML, but three edits is no typo
		{"foo", ""}, // two edits from rpo, but in a three-letter word
		{"nmae", " (did you mean name?)"},
		{"tls", ""},
	}
	for _, tt := range tests {
		if got := didYouMean(tt.unknown, known); got != tt.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.unknown, got, tt.want)
		}
	}
}

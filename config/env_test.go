package config

import "testing"

func TestExpandEnv(t *testing.T) {
	env := map[string]string{"TOKEN": "t0k", "EMPTY": "", "DIR": "/run/secrets"}
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	tests := []struct {
		name, in, want string
		used           bool
		err            string
	}{
		{name: "plain", in: "https://api.example.com", want: "https://api.example.com"},
		{name: "whole value", in: "${TOKEN}", want: "t0k", used: true},
		{name: "inside a value", in: "${DIR}/clumio_token", want: "/run/secrets/clumio_token", used: true},
		{name: "two references", in: "${TOKEN}-${TOKEN}", want: "t0k-t0k", used: true},
		{name: "set but empty", in: "a${EMPTY}b", want: "ab", used: true},
		{name: "$$ escapes", in: "pa$$${TOKEN}", want: "pa$t0k", used: true},
		{name: "$$ alone is not a reference", in: "$${TOKEN}", want: "${TOKEN}"},
		{name: "lone $ kept", in: "pa$word", want: "pa$word"},
		{name: "trailing $ kept", in: "cost$", want: "cost$"},
		{name: "unset", in: "${NOPE}", err: "environment variable NOPE is not set"},
		{name: "unterminated", in: "x${TOKEN", err: "unterminated ${ (write $$ for a literal $)"},
		{name: "empty name", in: "${}", err: `invalid environment variable name "" in ${...} (write $$ for a literal $)`},
		{name: "bad name", in: "${A-B}", err: `invalid environment variable name "A-B" in ${...} (write $$ for a literal $)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, used, err := expandEnv(tt.in, lookup)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want || used != tt.used {
				t.Errorf("expandEnv(%q) = %q, %v, %v; want %q, %v", tt.in, got, used, err, tt.want, tt.used)
			}
		})
	}
}

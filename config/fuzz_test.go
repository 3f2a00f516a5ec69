package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse loads arbitrary config text. It must never panic; a failure
// must be reported as *Error naming the file; a config that loads must mask
// into text that holds none of its secrets. `make test` runs the seeds under
// testdata/fuzz (the good config and the invalid-*.yml cases among them);
// `make fuzz FUZZTIME=5m` explores.
func FuzzParse(f *testing.F) {
	const file = "testdata/fuzz.yml"
	var known []string
	for k, v := range testEnv {
		if strings.HasSuffix(k, "_TOKEN") || strings.HasSuffix(k, "_KEY") {
			known = append(known, v)
		}
	}
	for _, name := range []string{"clumio_token", "cleverfox_key", "cloverdx_password"} {
		b, err := os.ReadFile("testdata/secrets/" + name)
		if err != nil {
			f.Fatal(err)
		}
		known = append(known, strings.TrimRight(string(b), "\r\n"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _, err := Parse(data, file, WithLookupEnv(lookupTestEnv))
		if err != nil {
			if cfg != nil {
				t.Fatalf("Parse returned a config and the error %v", err)
			}
			for _, e := range unjoin(err) {
				var ce *Error
				if !errors.As(e, &ce) || ce.File != file {
					t.Fatalf("error %q is not an *Error naming %s", e, file)
				}
			}
			return
		}
		masked, err := cfg.Masked()
		if err != nil {
			t.Fatalf("Masked: %v", err)
		}
		text := string(masked) + cfg.Summary()
		for _, s := range known {
			if strings.Contains(text, s) && !strings.Contains(string(data), s) {
				t.Fatalf("the masked config shows the secret %q", s)
			}
		}
	})
}

// unjoin returns the errors joined in err, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

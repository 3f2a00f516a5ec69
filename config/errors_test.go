package config

import "testing"

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		err  Error
		want string
	}{
		{"file line key", Error{File: "exporter.yml", Line: 14, Path: "targets[2].cache_ttl", Msg: `invalid duration "5x"`},
			`exporter.yml:14: targets[2].cache_ttl: invalid duration "5x"`},
		{"no key", Error{File: "exporter.yml", Line: 3, Msg: "invalid YAML: x"}, "exporter.yml:3: invalid YAML: x"},
		{"no line", Error{File: "exporter.yml", Msg: "cannot read: permission denied"}, "exporter.yml: cannot read: permission denied"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

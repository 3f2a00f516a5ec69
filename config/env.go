package config

import (
	"errors"
	"fmt"
	"strings"
)

// expandEnv replaces each ${NAME} in s with the variable's value, as looked up
// by lookup, and each $$ with a single $. A $ followed by anything else is
// kept as written, so that a password like "pa$word" needs no escaping. used
// reports whether s referred to any variable: a secret so given is not
// "written inline". Errors name the variable, never the value.
func expandEnv(s string, lookup func(string) (string, bool)) (out string, used bool, err error) {
	if !strings.Contains(s, "$") {
		return s, false, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", false, errors.New("unterminated ${ (write $$ for a literal $)")
			}
			name := s[i+2 : i+2+end]
			if !validEnvName(name) {
				return "", false, fmt.Errorf("invalid environment variable name %q in ${...} (write $$ for a literal $)", name)
			}
			v, ok := lookup(name)
			if !ok {
				return "", false, fmt.Errorf("environment variable %s is not set", name)
			}
			b.WriteString(v)
			used = true
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), used, nil
}

// validEnvName reports whether name is a portable environment variable name:
// a letter or underscore, then letters, digits and underscores.
func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i, c := range name {
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

package config

import (
	"os"
	"strings"
)

// secret resolves the credential `key`, given either inline (where ${ENV}
// has already been expanded) or in the file named by `key_file`. One of the
// two is required. Messages name the key and the file, never the value.
func (l *loader) secret(path, key, inline, file string) Secret {
	inlinePath, filePath := join(path, key), join(path, key+"_file")
	switch {
	case l.failed[inlinePath] || l.failed[filePath]:
		return ""
	case l.has(inlinePath) && l.has(filePath):
		l.errorf(filePath, "%s and %s_file are both set; keep one", key, key)
		return ""
	case l.has(filePath):
		return l.secretFile(filePath, file)
	case !l.has(inlinePath):
		l.errorf(inlinePath, "required (or %s_file)", key)
		return ""
	case inline == "":
		l.errorf(inlinePath, "must not be empty")
		return ""
	}
	if !l.fromEnv[inlinePath] {
		l.warnf(inlinePath, "secret written inline; prefer %s_file or ${ENV}", key)
	}
	return Secret(inline)
}

// secretFile reads a secret from a file, dropping the trailing newline that
// editors and `echo` add.
func (l *loader) secretFile(path, name string) Secret {
	if name == "" {
		l.errorf(path, "must not be empty")
		return ""
	}
	p := l.resolvePath(name)
	b, err := os.ReadFile(p)
	if err != nil {
		l.errorf(path, "cannot read secret file %q: %s", p, pathErrReason(err))
		return ""
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		l.errorf(path, "secret file %q is empty", p)
	}
	return Secret(s)
}

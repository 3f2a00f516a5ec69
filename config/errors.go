package config

import (
	"fmt"
	"strings"
)

// Error is one problem found in a config file. Its text is always
//
//	<file>:<line>: <key path>: <reason>
//
// for example `exporter.yml:14: targets[2].cache_ttl: invalid duration "5x"`,
// so that an editor can jump to it and a reader knows which key to fix. The
// line is left out when the problem has none (the file cannot be read), and
// the key path when it concerns the whole file. Load and Parse join every
// Error they find with errors.Join; warnings use the same format.
type Error struct {
	// File is the config file's path as given to Load or Parse.
	File string
	// Line is the 1-based line of the key in question; 0 when unknown.
	Line int
	// Path is the key path, like `targets[2].tls_config.ca_file`.
	Path string
	// Msg says what is wrong. It never contains a secret's value.
	Msg string
}

// Error formats the problem as `file:line: path: reason`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

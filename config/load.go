package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Option changes how Load and Parse read a config.
type Option func(*loader)

// WithLookupEnv sets the function that `${NAME}` references are resolved
// with; the default is os.LookupEnv. Tests use it to avoid touching the
// process environment.
func WithLookupEnv(lookup func(name string) (string, bool)) Option {
	return func(l *loader) { l.lookupEnv = lookup }
}

// Load reads, resolves and validates the config file at path. It returns the
// resolved config, the warnings (inline secrets, disabled certificate checks),
// and an error joining every problem found, each an *Error. Relative paths in
// the file (`*_file`, `tls_config`) are relative to the file's directory.
func Load(path string, opts ...Option) (*Config, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &Error{File: path, Msg: "cannot read: " + pathErrReason(err)}
	}
	return Parse(data, path, opts...)
}

// Parse is Load for a config already in memory. file names it in errors and
// its directory anchors relative paths.
func Parse(data []byte, file string, opts ...Option) (*Config, []string, error) {
	l := newLoader(file, opts)
	var raw rawConfig
	var cfg *Config
	if l.parse(data, &raw) {
		cfg = l.resolve(&raw)
	}
	// Problems are found in two passes (decoding, then checking); report
	// them in file order.
	warnings := make([]string, 0, len(l.warnings))
	for _, w := range byLine(l.warnings) {
		warnings = append(warnings, w.Error())
	}
	if len(l.errs) == 0 {
		return cfg, warnings, nil
	}
	var errs []error
	for _, e := range byLine(l.errs) {
		errs = append(errs, e)
	}
	return nil, warnings, errors.Join(errs...)
}

// byLine sorts problems by line, keeping the order of those on one line.
func byLine(problems []*Error) []*Error {
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	return problems
}

// newLoader starts reading the file named file.
func newLoader(file string, opts []Option) *loader {
	l := &loader{
		file:      file,
		dir:       filepath.Dir(file),
		lookupEnv: os.LookupEnv,
		lines:     map[string]int{},
		fromEnv:   map[string]bool{},
		failed:    map[string]bool{},
	}
	for _, o := range opts {
		o(l)
	}
	return l
}

// loader holds the state of reading one file: where each key was, which
// values came from the environment, and the problems found so far.
type loader struct {
	file, dir string
	lookupEnv func(string) (string, bool)

	// lines maps each key path present in the file to its line.
	lines map[string]int
	// fromEnv marks key paths whose value used a ${NAME} reference.
	fromEnv map[string]bool
	// failed marks key paths already reported, so that later checks do not
	// pile a second error on the same key.
	failed map[string]bool

	errs     []*Error
	warnings []*Error
}

// yamlErrLine picks the line out of yaml.v3's "yaml: line N: reason".
var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse reads the YAML document into raw, strictly. It reports false when
// the file is not YAML at all, as nothing else can then be checked.
func (l *loader) parse(data []byte, raw *rawConfig) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		e := &Error{File: l.file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = "invalid YAML: " + m[2]
		}
		l.errs = append(l.errs, e)
		return false
	}
	var next yaml.Node
	if err := dec.Decode(&next); err != io.EOF {
		l.errs = append(l.errs, &Error{File: l.file, Line: next.Line, Msg: "only one YAML document is allowed"})
		return false
	}
	if len(doc.Content) > 0 {
		l.lines[""] = doc.Content[0].Line // where a missing top-level key is reported
		l.decode(doc.Content[0], "", reflectValue(raw))
	}
	return true
}

// errorf reports a problem with the key at path, on its line (or the line of
// its nearest enclosing key when the key itself is absent).
func (l *loader) errorf(path, format string, args ...any) {
	l.errorAt(l.line(path), path, format, args...)
}

// errorAt reports a problem at an explicit line.
func (l *loader) errorAt(line int, path, format string, args ...any) {
	l.failed[path] = true
	l.errs = append(l.errs, &Error{File: l.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// warnf records a warning about the key at path.
func (l *loader) warnf(path, format string, args ...any) {
	l.warnings = append(l.warnings, &Error{File: l.file, Line: l.line(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// has reports whether the file sets the key at path.
func (l *loader) has(path string) bool {
	_, ok := l.lines[path]
	return ok
}

// line returns the line of the key at path, or of its nearest parent.
func (l *loader) line(path string) int {
	for {
		if n, ok := l.lines[path]; ok {
			return n
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		path = path[:max(i, 0)]
	}
}

// resolvePath anchors a relative path at the config file's directory.
func (l *loader) resolvePath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, p)
}

// join appends a key to a key path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// pathErrReason drops the path from an *fs.PathError, which the caller
// already names, leaving the reason.
func pathErrReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

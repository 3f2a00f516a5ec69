// Package config reads exporter.yml: the strict YAML schema, the defaults
// every target starts from, validation, and secrets.
//
// Load returns the resolved Config (every target with its effective
// Settings and its credentials read), the warnings, and an error joining
// every problem found. Each problem is an *Error and reads
//
//	<file>:<line>: <key path>: <reason>
//
// for example `exporter.yml:14: targets[2].cache_ttl: invalid duration "5x"`.
//
// Rules the file follows:
//   - Unknown and repeated keys are errors; a near miss gets a suggestion.
//   - Durations use Prometheus syntax ("90s", "1h30m", "35d").
//   - ${NAME} in any value is replaced by the environment variable NAME (an
//     unset variable is an error); $$ is a literal $, and a $ followed by
//     anything else is kept as written.
//   - A credential comes inline (`password`) or from a file (`password_file`,
//     read at load, trailing newline dropped), never both. Written inline
//     rather than through ${NAME}, it is accepted with a warning.
//   - Relative paths (`*_file`, `tls_config` files) are relative to the
//     directory of the config file.
//   - A credential key of another vendor is an error, not silently ignored.
//
// testdata/good.yml is an example of every key. Secrets never appear in
// errors, warnings, Masked or Summary.
package config

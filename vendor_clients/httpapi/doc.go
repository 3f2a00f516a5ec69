// Package httpapi is the one HTTP layer every vendor client uses: TLS and proxy
// per target, a deadline on every call, bounded concurrency, an optional rate
// limit, retries with jittered exponential backoff that honour Retry-After,
// response-size limits, request accounting by route template and redaction of
// secrets in errors. It keeps no package-level state and knows nothing of
// Prometheus: it reports to an Observer.
package httpapi

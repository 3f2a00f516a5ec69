package httpapi

import "time"

// Observer receives the accounting of every request. The collector
// implements it with the backup_exporter_api_* metrics.
type Observer interface {
	// Request is called once per HTTP attempt with the route template, the
	// status code (or "error" when no response came) and its duration.
	Request(route, code string, d time.Duration)
	// Retry is called before each retry with the route template and why:
	// "rate_limited", "server_error" or "connection_error". A request that
	// runs out of time is never retried: the deadline is the refresh's.
	Retry(route, reason string)
}

// The reasons passed to Observer.Retry.
const (
	RetryRateLimited     = "rate_limited"
	RetryServerError     = "server_error"
	RetryConnectionError = "connection_error"
)

type nopObserver struct{}

func (nopObserver) Request(string, string, time.Duration) {}
func (nopObserver) Retry(string, string)                  {}

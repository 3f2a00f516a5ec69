package collector

import (
	"context"
	"log/slog"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// Fetcher is what a vendor client is to the engine: one call that refreshes
// everything the target knows. The engine never runs two Fetch calls of one
// target at once, so a client may keep state (watermarks, last successes)
// between calls without locking.
//
// Fetch returns a snapshot with the outcome of each part set with SetPart, or
// an error when nothing at all could be fetched (no snapshot).
type Fetcher interface {
	Fetch(ctx context.Context) (*backup.Snapshot, error)
}

// VendorDeps is what the engine hands every vendor constructor besides the
// target's config.
type VendorDeps struct {
	// API is the target's HTTP client (TLS, proxy, limits, retries, metrics).
	API *httpapi.Client
	// Logger is scoped to the target.
	Logger *slog.Logger
	// Now is the clock.
	Now func() time.Time
}

// Vendor plugs one vendor into the engine.
type Vendor struct {
	// New builds the client of one target.
	New func(t config.Target, deps VendorDeps) (Fetcher, error)
	// ErrorMessage reads the vendor's error envelope for httpapi; nil means a
	// body excerpt.
	ErrorMessage func(body []byte) string
}

package httpapi

import (
	"context"
	"time"
)

// Reused keeps the last good result of a read that changes slowly (an
// inventory, the tenants, the policies) for a TTL, so that a refresh within
// it costs no request. A failed read keeps nothing: the next refresh reads
// again. It is not safe for concurrent use by several refreshes; the engine
// runs one refresh of a target at a time.
type Reused[T any] struct {
	value  T
	readAt time.Time
	ok     bool
}

// Get returns the kept value while it is younger than ttl at now, else the
// result of read, which it keeps when read succeeds.
func (r *Reused[T]) Get(ctx context.Context, now time.Time, ttl time.Duration, read func(context.Context) (T, error)) (T, error) {
	if r.ok && now.Sub(r.readAt) < ttl {
		return r.value, nil
	}
	v, err := read(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	r.value, r.readAt, r.ok = v, now, true
	return v, nil
}

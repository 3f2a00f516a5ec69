package collector

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// TestTargetStatus follows what the landing page reads of a target: pending
// until its first refresh ends; then up with its asset counts and the part
// that failed; and a data age that stays with the last data served while a
// failing refresh moves the last refresh on.
func TestTargetStatus(t *testing.T) {
	clock := newClock()
	e, _ := newTestExporter(t, clock, fakeTarget("acme"))
	fetcher := fetcherOf(t, e, "acme")

	st := e.Targets()[0]
	if st.Refreshed || st.Up || !st.LastRefresh.IsZero() || !st.DataFetchedAt.IsZero() || st.FailedParts != nil {
		t.Errorf("before the first refresh: %+v, want pending with nothing known", st)
	}

	// richSnapshot's assets: vol-2 failed and is past its RPO, rds-1 never
	// succeeded (past its RPO, not failing: it is running), vol-1 is fine
	// and s3-1 unprotected.
	firstFetch := clock.Now()
	snap := richSnapshot(firstFetch)
	snap.FetchedAt = firstFetch
	snap.SetPart(backup.PartAlerts, errors.New("HTTP 403 Forbidden"))
	fetcher.returns(snap, nil)
	gather(t, e, context.Background())
	st = e.Targets()[0]
	if !st.Refreshed || !st.Up || st.Assets != 4 || st.AssetsFailing != 1 || st.AssetsPastRPO != 2 {
		t.Errorf("after a refresh: %+v, want up with 4 assets, 1 failing, 2 past RPO", st)
	}
	if !slices.Equal(st.FailedParts, []backup.Part{backup.PartAlerts}) || st.LastError == "" {
		t.Errorf("failed parts %v, last error %q, want alerts and its error", st.FailedParts, st.LastError)
	}
	if !st.DataFetchedAt.Equal(firstFetch) {
		t.Errorf("data fetched at %v, want %v", st.DataFetchedAt, firstFetch)
	}

	// The next refresh fails whole: every part serves its last good data,
	// so the data stays as old as the first fetch while the refresh is new.
	clock.Advance(2 * time.Minute)
	fetcher.returns(nil, errors.New("connection refused"))
	gather(t, e, context.Background())
	st = e.Targets()[0]
	if st.Up || !st.LastRefresh.Equal(clock.Now()) || !st.DataFetchedAt.Equal(firstFetch) {
		t.Errorf("after a failed refresh: %+v, want down, refreshed now, data from %v", st, firstFetch)
	}
	if !slices.Equal(st.FailedParts, backup.Parts) {
		t.Errorf("failed parts %v, want every part the vendor attempts, %v", st.FailedParts, backup.Parts)
	}
	if st.Assets != 4 || st.AssetsPastRPO != 2 {
		t.Errorf("assets %d, past RPO %d after a failed refresh, want the stale data's 4 and 2", st.Assets, st.AssetsPastRPO)
	}
}

package httpapi

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReused(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	var r Reused[int]
	reads := 0
	read := func(fail bool) func(context.Context) (int, error) {
		return func(context.Context) (int, error) {
			reads++
			if fail {
				return 0, errors.New("boom")
			}
			return reads, nil
		}
	}
	for _, step := range []struct {
		name      string
		at        time.Duration
		fail      bool
		want      int
		wantErr   bool
		wantReads int
	}{
		{"first read", 0, false, 1, false, 1},
		{"within the TTL: kept", 9 * time.Minute, false, 1, false, 1},
		{"at the TTL: read again", 10 * time.Minute, false, 2, false, 2},
		{"a failed read past the TTL reports its error", 25 * time.Minute, true, 0, true, 3},
		{"and the next refresh reads again", 25 * time.Minute, false, 4, false, 4},
	} {
		got, err := r.Get(context.Background(), t0.Add(step.at), 10*time.Minute, read(step.fail))
		if got != step.want || (err != nil) != step.wantErr || reads != step.wantReads {
			t.Errorf("%s: %d, %v after %d reads; want %d, error %v after %d", step.name, got, err, reads, step.want, step.wantErr, step.wantReads)
		}
	}
}

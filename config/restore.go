package config

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"
)

// DefaultRestoreTestEvery is how often an opted-in asset must be restored
// when its restore_tests entry does not say.
const DefaultRestoreTestEvery = 90 * 24 * time.Hour

// RestoreTest opts the assets it matches in to restore-test alerting
// (BackupRestoreNotTested): each must have a successful restore within
// Every. Most assets are never restored by design, so none is opted in by
// default.
type RestoreTest struct {
	// Match holds the conditions; all must hold. Empty matches every asset.
	Match RPOMatch `yaml:"match"`
	// Every is the longest allowed time since the asset's last successful
	// restore; DefaultRestoreTestEvery when not set.
	Every model.Duration `yaml:"every,omitempty"`
}

// resolveRestoreTests checks a target's restore_tests and fills in the
// default interval. An interval longer than history is accepted with a
// warning: a restart forgets restores older than history.
func (l *loader) resolveRestoreTests(path string, in []RestoreTest, history time.Duration) []RestoreTest {
	out := make([]RestoreTest, 0, len(in))
	for i, rt := range in {
		p := fmt.Sprintf("%s.restore_tests[%d].every", path, i)
		switch {
		case l.failed[p]:
		case !l.has(p):
			rt.Every = model.Duration(DefaultRestoreTestEvery)
		case rt.Every <= 0:
			l.errorf(p, "must be positive, got %s", rt.Every)
		}
		if history > 0 && time.Duration(rt.Every) > history {
			at := p
			if !l.has(p) {
				at = fmt.Sprintf("%s.restore_tests[%d]", path, i)
			}
			l.warnf(at, "every %s is longer than history %s: after a restart, restores older than history are not read, so the assets look untested; raise history to at least %s",
				rt.Every, model.Duration(history), rt.Every)
		}
		out = append(out, rt)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

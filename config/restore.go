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
		l.optionalDuration(p, &rt.Every, DefaultRestoreTestEvery)
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

// Restore drill limits and defaults.
const (
	// MinDrillEvery is the shortest interval between two runs of a drill.
	MinDrillEvery = time.Hour
	// MaxDrillEndpointTTL is the longest a drill's endpoint may live, so
	// that BackupInstantAccessEndpointLongLived never fires for one.
	MaxDrillEndpointTTL = 7 * 24 * time.Hour
	// DefaultDrillEndpointTTL and DefaultDrillTimeout apply when a drill
	// does not set endpoint_ttl or timeout.
	DefaultDrillEndpointTTL = 24 * time.Hour
	DefaultDrillTimeout     = 30 * time.Minute
)

// RestoreDrill is one automated restore test of a Clumio target: every
// Every, restore the newest backup of the protection group as an S3
// instant-access endpoint that expires after EndpointTTL, and follow its task
// until it ends or Timeout passes. Drills only run with
// --restore-drills.enabled.
type RestoreDrill struct {
	// Name is unique within the target; it is the `drill` label and marks
	// the endpoints the drill creates.
	Name string `yaml:"name"`
	// ProtectionGroup is the protection group's id or name.
	ProtectionGroup string `yaml:"protection_group"`
	// Every is the interval between runs, at least MinDrillEvery.
	Every model.Duration `yaml:"every"`
	// EndpointTTL is how long the restored endpoint lives, at most
	// MaxDrillEndpointTTL.
	EndpointTTL model.Duration `yaml:"endpoint_ttl,omitempty"`
	// Timeout bounds one run, from the request to the task's end.
	Timeout model.Duration `yaml:"timeout,omitempty"`
}

// resolveRestoreDrills checks a target's restore_drills and fills in the
// defaults.
func (l *loader) resolveRestoreDrills(path string, in []RestoreDrill) []RestoreDrill {
	if len(in) == 0 {
		return nil
	}
	out := make([]RestoreDrill, 0, len(in))
	firstByName := map[string]int{}
	for i, d := range in {
		p := fmt.Sprintf("%s.restore_drills[%d]", path, i)
		switch {
		case l.failed[p+".name"]:
		case d.Name == "":
			l.errorf(p+".name", "required")
		case !validDrillName(d.Name):
			l.errorf(p+".name", "%q: use letters, digits, '-' and '_' only (it names the drill's endpoints)", d.Name)
		default:
			if first, dup := firstByName[d.Name]; dup {
				l.errorf(p+".name", "duplicate drill name %q (first at restore_drills[%d])", d.Name, first)
			} else {
				firstByName[d.Name] = i
			}
		}
		if d.ProtectionGroup == "" && !l.failed[p+".protection_group"] {
			l.errorf(p+".protection_group", "required (the protection group's id or name)")
		}
		switch {
		case l.failed[p+".every"]:
		case !l.has(p + ".every"):
			l.errorf(p+".every", "required (at least %s)", model.Duration(MinDrillEvery))
		case time.Duration(d.Every) < MinDrillEvery:
			l.errorf(p+".every", "%s is shorter than %s: drills create endpoints, run them at most hourly", d.Every, model.Duration(MinDrillEvery))
		}
		if l.optionalDuration(p+".endpoint_ttl", &d.EndpointTTL, DefaultDrillEndpointTTL) && time.Duration(d.EndpointTTL) > MaxDrillEndpointTTL {
			l.errorf(p+".endpoint_ttl", "%s is longer than %s: a drill's endpoint must expire within a week", d.EndpointTTL, model.Duration(MaxDrillEndpointTTL))
		}
		l.optionalDuration(p+".timeout", &d.Timeout, DefaultDrillTimeout)
		out = append(out, d)
	}
	return out
}

// validDrillName reports whether name fits in an endpoint name and a label
// value without escaping.
func validDrillName(name string) bool {
	if len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// optionalDuration gives the duration key at path its default when the file
// does not set it, and checks that a value set is positive. It reports
// whether the file set a positive value, for further checks.
func (l *loader) optionalDuration(path string, v *model.Duration, def time.Duration) bool {
	switch {
	case l.failed[path]:
	case !l.has(path):
		*v = model.Duration(def)
	case *v <= 0:
		l.errorf(path, "must be positive, got %s", *v)
	default:
		return true
	}
	return false
}

package clumio

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

var policiesResource = resource{
	name:   "policy definitions",
	path:   "/policies/definitions",
	accept: "application/api.clumio.policy-definitions=v1+json",
}

// policyRPOs holds, per policy id, what the assets it covers take from it:
// whether it is switched on, and the RPO of each of its operations.
type policyRPOs map[string]policyTerms

// policyTerms is one policy as the assets see it.
type policyTerms struct {
	// activation is the policy's activation state.
	activation activation
	// raw is the activation_status as sent, for the issue of an unknown one.
	raw string
	ops []operationRPO
}

// activation is a policy's activation_status, read.
type activation int

// The activation states. A policy that sends none is taken as it always
// was, before the field existed: it lends its RPO and nothing is served.
const (
	activationUnstated activation = iota
	activationActivated
	activationDeactivated
	activationUnknown
)

// readActivation reads activation_status: activated or deactivated
// (clumio.md 1.7.6), in any case; anything else is unknown.
func readActivation(s string) activation {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return activationUnstated
	case "activated":
		return activationActivated
	case "deactivated":
		return activationDeactivated
	}
	return activationUnknown
}

// operationRPO is the tightest RPO and the longest retention of one policy
// operation.
type operationRPO struct {
	opType string
	rpo    time.Duration
	// retention is 0 when no SLA states one; badRetention holds the
	// retention_duration values that do not parse (dropped).
	retention    time.Duration
	badRetention []string
}

// fetchPolicies reads every policy definition.
//
// Quirk: /policies/definitions is not paged (no limit or start) and its
// answer has no total_count.
func (c *Client) fetchPolicies(ctx context.Context) (policyRPOs, error) {
	p, err := getPage[policy](ctx, c, policiesResource, listQuery{}, "")
	if err != nil {
		return nil, fmt.Errorf("clumio: list %s: %w", policiesResource.name, err)
	}
	out := make(policyRPOs, len(p.Embedded.Items.List))
	for _, pol := range p.Embedded.Items.List {
		terms := policyTerms{activation: readActivation(pol.ActivationStatus), raw: pol.ActivationStatus}
		for _, op := range pol.Operations {
			o := operationRPO{opType: op.Type}
			for _, sla := range op.SLAs {
				if d := sla.RPOFrequency.duration(); d > 0 && (o.rpo == 0 || d < o.rpo) {
					o.rpo = d
				}
				if sla.RetentionDuration == nil {
					continue
				}
				if d, ok := sla.RetentionDuration.retention(); ok {
					o.retention = max(o.retention, d)
				} else {
					o.badRetention = append(o.badRetention, sla.RetentionDuration.String())
				}
			}
			if o.rpo > 0 || o.retention > 0 || len(o.badRetention) > 0 {
				terms.ops = append(terms.ops, o)
			}
		}
		out[pol.ID] = terms
	}
	return out, nil
}

// active says whether policy id is switched on: a pointer to true or false
// for activated or deactivated, nil when the policy is unknown or states no
// known activation (nothing is served then).
func (p policyRPOs) active(id string) *bool {
	switch p[id].activation {
	case activationActivated:
		return backup.Bool(true)
	case activationDeactivated:
		return backup.Bool(false)
	}
	return nil
}

// unknownActivations returns, per policy with an activation_status the
// exporter does not know, its id and the status, for the refresh's issues.
func (p policyRPOs) unknownActivations() [][2]string {
	var out [][2]string
	for id, t := range p {
		if t.activation == activationUnknown {
			out = append(out, [2]string{id, t.raw})
		}
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out
}

// rpo returns the RPO that policy id sets for assets whose operations start
// with opPrefix (such as "aws_ebs_volume" for "aws_ebs_volume_backup"), or 0.
// A policy may hold operations for several asset types; the tightest
// matching one applies. When no operation names the asset's type, the
// tightest of all applies, since the policy still protects the asset. A
// deactivated policy runs no backup, so it lends no RPO.
func (p policyRPOs) rpo(id, opPrefix string) time.Duration {
	t := p[id]
	if t.activation == activationDeactivated {
		return 0
	}
	var matched, tightest time.Duration
	for _, op := range t.ops {
		if op.rpo <= 0 {
			continue
		}
		if strings.HasPrefix(op.opType, opPrefix) && (matched == 0 || op.rpo < matched) {
			matched = op.rpo
		}
		if tightest == 0 || op.rpo < tightest {
			tightest = op.rpo
		}
	}
	if matched > 0 {
		return matched
	}
	return tightest
}

// duration converts an rpo_frequency. Clumio's units are minutes, hours,
// days, weeks, months and years; a month counts as 31 days and a year as
// 366, the longest each can be, so that an RPO alert never fires early.
// An unknown unit, or a value past time.Duration, gives 0, leaving the RPO
// to the config.
func (u *unitValue) duration() time.Duration {
	if u == nil || u.Value <= 0 {
		return 0
	}
	unit, ok := unitLength(u.Unit, true)
	if !ok {
		return 0
	}
	d := u.Value * float64(unit)
	if d >= math.MaxInt64 {
		// Beyond time.Duration: no RPO any backup could meet.
		return 0
	}
	return time.Duration(d)
}

// unitLength is the length of one of Clumio's duration units: minutes,
// hours, days, weeks, months or years (singular accepted). A month and a
// year are read at their longest (31 and 366 days) or shortest (28 and
// 365), as the caller's reading must err. ok is false for another unit.
func unitLength(unit string, longest bool) (time.Duration, bool) {
	const day = 24 * time.Hour
	switch strings.ToLower(unit) {
	case "minutes", "minute":
		return time.Minute, true
	case "hours", "hour":
		return time.Hour, true
	case "days", "day":
		return day, true
	case "weeks", "week":
		return 7 * day, true
	case "months", "month":
		if longest {
			return 31 * day, true
		}
		return 28 * day, true
	case "years", "year":
		if longest {
			return 366 * day, true
		}
		return 365 * day, true
	}
	return 0, false
}

// retention returns the longest retention that policy id promises for
// assets whose operations start with opPrefix (0 when none states one),
// and the retention values of those operations that do not parse. Unlike
// the RPO, no other operation's retention stands in: a retention kept for
// another asset type promises nothing about this one.
func (p policyRPOs) retention(id, opPrefix string) (time.Duration, []string) {
	var longest time.Duration
	var bad []string
	for _, op := range p[id].ops {
		if strings.HasPrefix(op.opType, opPrefix) {
			longest = max(longest, op.retention)
			bad = append(bad, op.badRetention...)
		}
	}
	return longest, bad
}

// retention converts a retention_duration. Where duration reads a month
// and a year at their longest, so that an RPO alert never fires early, a
// retention reads them at their shortest (28 and 365 days), so that a
// restore window is never called shorter than the promise when it is not.
// ok is false for an unknown unit, a value that is not positive, or one
// past time.Duration.
func (u *unitValue) retention() (d time.Duration, ok bool) {
	if u == nil || !(u.Value > 0) {
		return 0, false
	}
	unit, ok := unitLength(u.Unit, false)
	if !ok {
		return 0, false
	}
	v := u.Value * float64(unit)
	if v >= math.MaxInt64 {
		return 0, false
	}
	return time.Duration(v), true
}

// String is the value as the API sent it, for an issue's example.
func (u *unitValue) String() string {
	return fmt.Sprintf("%v %s", u.Value, u.Unit)
}

// issueRetentionUnparsed is the data issue of a retention_duration that does
// not parse: it is dropped, never served as a retention.
const issueRetentionUnparsed = "retention_unparsed"

// addIssues reports each retention_duration that does not parse, once per
// refresh, as long as the policy says it.
func (p policyRPOs) addIssues(snap *backup.Snapshot) {
	ids := slices.Sorted(maps.Keys(p))
	for _, id := range ids {
		for _, op := range p[id].ops {
			for _, bad := range op.badRetention {
				snap.AddIssue(issueRetentionUnparsed, "clumio: policy retention_duration that does not parse (dropped)", id+"/"+op.opType+": "+bad)
			}
		}
	}
}

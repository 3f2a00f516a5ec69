package clumio

import (
	"context"
	"fmt"
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

// operationRPO is the tightest RPO of one policy operation.
type operationRPO struct {
	opType string
	rpo    time.Duration
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
			var best time.Duration
			for _, sla := range op.SLAs {
				if d := sla.RPOFrequency.duration(); d > 0 && (best == 0 || d < best) {
					best = d
				}
			}
			if best > 0 {
				terms.ops = append(terms.ops, operationRPO{opType: op.Type, rpo: best})
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
	var unit time.Duration
	switch strings.ToLower(u.Unit) {
	case "minutes", "minute":
		unit = time.Minute
	case "hours", "hour":
		unit = time.Hour
	case "days", "day":
		unit = 24 * time.Hour
	case "weeks", "week":
		unit = 7 * 24 * time.Hour
	case "months", "month":
		unit = 31 * 24 * time.Hour
	case "years", "year":
		unit = 366 * 24 * time.Hour
	default:
		return 0
	}
	d := u.Value * float64(unit)
	if d >= math.MaxInt64 {
		// Beyond time.Duration: no RPO any backup could meet.
		return 0
	}
	return time.Duration(d)
}

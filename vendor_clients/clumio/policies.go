package clumio

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

var policiesResource = resource{
	name:   "policy definitions",
	path:   "/policies/definitions",
	accept: "application/api.clumio.policy-definitions=v1+json",
}

// policyRPOs holds, per policy id, the RPO of each of its operations.
type policyRPOs map[string][]operationRPO

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
		var ops []operationRPO
		for _, op := range pol.Operations {
			var best time.Duration
			for _, sla := range op.SLAs {
				if d := sla.RPOFrequency.duration(); d > 0 && (best == 0 || d < best) {
					best = d
				}
			}
			if best > 0 {
				ops = append(ops, operationRPO{opType: op.Type, rpo: best})
			}
		}
		out[pol.ID] = ops
	}
	return out, nil
}

// rpo returns the RPO that policy id sets for assets whose operations start
// with opPrefix (such as "aws_ebs_volume" for "aws_ebs_volume_backup"), or 0.
// A policy may hold operations for several asset types; the tightest
// matching one applies. When no operation names the asset's type, the
// tightest of all applies, since the policy still protects the asset.
func (p policyRPOs) rpo(id, opPrefix string) time.Duration {
	var matched, tightest time.Duration
	for _, op := range p[id] {
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

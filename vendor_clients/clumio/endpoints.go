package clumio

import (
	"context"
	"slices"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

var endpointsResource = resource{
	name:   "instant access endpoints",
	path:   "/restores/protection-groups/instant-access-endpoints",
	accept: "application/api.clumio.restored-protection-group-instant-access-endpoints=v1+json",
}

// endpointStatuses are the documented endpoint_status values, each counted
// (at 0 when none) by backup_clumio_instant_access_endpoints.
var endpointStatuses = []string{"preparing", "active", "expiring", "expired"}

// The vendor-only metrics of the restore_endpoints part.
var (
	endpointsSpec = &backup.MetricSpec{
		Name:   "instant_access_endpoints",
		Help:   "Clumio S3 instant-access endpoints by endpoint_status (an undocumented status counts as unknown).",
		Labels: []string{"status"},
	}
	endpointInfoSpec = &backup.MetricSpec{
		Name:   "instant_access_endpoint_info",
		Help:   "One series per Clumio S3 instant-access endpoint that is not expired, value 1.",
		Labels: []string{"endpoint_id", "endpoint", "protection_group", "bucket"},
	}
	endpointCreatedSpec = &backup.MetricSpec{
		Name:   "instant_access_endpoint_created_timestamp_seconds",
		Help:   "When the Clumio S3 instant-access endpoint was created.",
		Labels: []string{"endpoint_id"},
	}
	endpointExpirySpec = &backup.MetricSpec{
		Name:   "instant_access_endpoint_expiry_timestamp_seconds",
		Help:   "When the Clumio S3 instant-access endpoint expires; absent when it has no expiry.",
		Labels: []string{"endpoint_id"},
	}
)

// fetchEndpoints lists every S3 instant-access endpoint visible in the OU.
func (c *Client) fetchEndpoints(ctx context.Context) ([]instantAccessEndpoint, error) {
	return list[instantAccessEndpoint](ctx, c, endpointsResource, listQuery{})
}

// endpointSamples maps the endpoints to the restore_endpoints part's
// samples: counts by status, and for each endpoint not expired its info,
// creation and expiry. An endpoint without an id is only counted.
func endpointSamples(eps []instantAccessEndpoint) []backup.Sample {
	counts := make(map[string]int, len(endpointStatuses))
	for _, s := range endpointStatuses {
		counts[s] = 0
	}
	var out []backup.Sample
	tied := func(spec *backup.MetricSpec, v float64, labels ...string) {
		out = append(out, backup.Sample{Spec: spec, LabelValues: labels, Value: v, Part: backup.PartRestoreEndpoints})
	}
	for _, ep := range eps {
		status := ep.EndpointStatus
		if !slices.Contains(endpointStatuses, status) {
			status = "unknown"
		}
		counts[status]++
		if status == "expired" || ep.ID == "" {
			continue
		}
		group := ep.ProtectionGroupName
		if group == "" {
			group = ep.ProtectionGroupID
		}
		tied(endpointInfoSpec, 1, ep.ID, ep.Name, group, ep.BucketName)
		if !ep.CreatedTimestamp.IsZero() {
			tied(endpointCreatedSpec, unixSeconds(ep.CreatedTimestamp.Time), ep.ID)
		}
		if !ep.ExpiryTimestamp.IsZero() {
			tied(endpointExpirySpec, unixSeconds(ep.ExpiryTimestamp.Time), ep.ID)
		}
	}
	statuses := append(slices.Clone(endpointStatuses), "unknown")
	for _, s := range statuses {
		if n, ok := counts[s]; ok {
			tied(endpointsSpec, float64(n), s)
		}
	}
	return out
}

// unixSeconds is t in Unix seconds; unlike UnixNano it does not overflow
// for a timestamp past 2262 (a vendor's "never" such as 9999-12-31).
func unixSeconds(t time.Time) float64 { return float64(t.Unix()) + float64(t.Nanosecond())/1e9 }

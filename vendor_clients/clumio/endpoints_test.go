package clumio

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestEndpointSamples reads the fake's instant-access endpoints over several
// pages and checks the restore_endpoints part's samples: every status
// counted (0 included), and info, creation and expiry for the endpoints that
// are not expired only, expiry absent where there is none.
func TestEndpointSamples(t *testing.T) {
	srv := clumiofake.New(clumiofake.Options{Seed: 7, Scale: 40, Now: testNow, Clock: func() time.Time { return testNow }})
	var want map[string]clumiofake.Endpoint
	srv.Update(func(d *clumiofake.Data) {
		// Three more active endpoints, so that the list spans 3 pages.
		for i := range 3 {
			e := d.Endpoints[0]
			e.ID, e.Name = fmt.Sprintf("extra-%d", i), fmt.Sprintf("extra-%d", i)
			d.Endpoints = append(d.Endpoints, e)
		}
		want = map[string]clumiofake.Endpoint{}
		for _, e := range d.Endpoints {
			want[e.ID] = e
		}
	})
	c := newClient(t, srv, nil)
	c.pageSize = 3
	snap, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if perr, ok := snap.PartErrors[backup.PartRestoreEndpoints]; !ok || perr != nil {
		t.Fatalf("restore_endpoints part: attempted %v, error %v", ok, perr)
	}
	got := map[string]float64{}
	for _, s := range snap.Samples {
		if s.Part != backup.PartRestoreEndpoints {
			t.Errorf("sample %s not tied to the restore_endpoints part", s.Spec.Name)
		}
		got[s.Spec.Name+"{"+strings.Join(s.LabelValues, ",")+"}"] = s.Value
	}
	wantCounts := map[string]float64{"preparing": 1, "active": 6, "expiring": 0, "expired": 1}
	for status, n := range wantCounts {
		if v, ok := got["instant_access_endpoints{"+status+"}"]; !ok || v != n {
			t.Errorf("endpoints{status=%q} = %v (present %v), want %v", status, v, ok, n)
		}
	}
	for id, e := range want {
		info := fmt.Sprintf("instant_access_endpoint_info{%s,%s,%s,%s}", id, e.Name, e.ProtectionGroupName, e.BucketName)
		_, hasInfo := got[info]
		created, hasCreated := got["instant_access_endpoint_created_timestamp_seconds{"+id+"}"]
		expiry, hasExpiry := got["instant_access_endpoint_expiry_timestamp_seconds{"+id+"}"]
		if e.Status(testNow) == "expired" {
			if hasInfo || hasCreated || hasExpiry {
				t.Errorf("expired endpoint %s has series", id)
			}
			continue
		}
		if !hasInfo || !hasCreated || created != float64(e.Created.Unix()) {
			t.Errorf("endpoint %s: info %v, created %v (%v), want info and %d", id, hasInfo, created, hasCreated, e.Created.Unix())
		}
		switch {
		case e.Expiry.IsZero() && hasExpiry:
			t.Errorf("endpoint %s without expiry has an expiry series", id)
		case !e.Expiry.IsZero() && expiry != float64(e.Expiry.Unix()):
			t.Errorf("endpoint %s: expiry %v, want %d", id, expiry, e.Expiry.Unix())
		}
	}
	if n := len(srv.Queries("/restores/protection-groups/instant-access-endpoints")); n != 3 {
		t.Errorf("%d requests for 8 endpoints in pages of 3, want 3", n)
	}
}

// TestEndpointStatuses maps undocumented statuses to unknown and keeps an
// endpoint without id out of the per-endpoint series.
func TestEndpointStatuses(t *testing.T) {
	samples := endpointSamples([]instantAccessEndpoint{
		{ID: "a", EndpointStatus: "active"},
		{ID: "b", EndpointStatus: "hibernating"},
		{EndpointStatus: "active"},
	})
	var names []string
	for _, s := range samples {
		names = append(names, s.Spec.Name+"{"+strings.Join(s.LabelValues, ",")+"}="+fmt.Sprint(s.Value))
	}
	for _, w := range []string{
		"instant_access_endpoints{active}=2", "instant_access_endpoints{unknown}=1", "instant_access_endpoints{expired}=0",
		"instant_access_endpoint_info{a,,,}=1", "instant_access_endpoint_info{b,,,}=1",
	} {
		if !slices.Contains(names, w) {
			t.Errorf("no sample %s in %v", w, names)
		}
	}
	if len(names) != 7 {
		t.Errorf("%d samples, want 7: %v", len(names), names)
	}
}

package clumio

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// assetTypeLabel maps the fake's asset types to the exporter's labels.
var assetTypeLabel = map[string]string{
	clumiofake.TypeEBS:             "aws_ebs_volume",
	clumiofake.TypeEC2:             "aws_ec2_instance",
	clumiofake.TypeRDS:             "aws_rds_resource",
	clumiofake.TypeDynamoDB:        "aws_dynamodb_table",
	clumiofake.TypeProtectionGroup: "aws_s3_protection_group",
}

// wantStatus is the normalised status each generated case must get.
var wantStatus = map[clumiofake.Case]backup.Status{
	clumiofake.CaseHealthy:     backup.StatusSuccess,
	clumiofake.CaseFailed:      backup.StatusFailed,
	clumiofake.CaseWarning:     backup.StatusWarning,
	clumiofake.CaseNever:       backup.StatusMissed,
	clumiofake.CaseUnprotected: "",
	clumiofake.CaseRunning:     backup.StatusRunning,
	clumiofake.CaseAborted:     backup.StatusAborted,
	clumiofake.CaseQueued:      backup.StatusQueued,
	clumiofake.CaseUnsupported: backup.StatusUnknown,
}

// TestFetchMapsEveryCase fetches 85 generated assets (every case with every
// asset type) and checks each asset against the story the fake generated.
func TestFetchMapsEveryCase(t *testing.T) {
	srv := fakeAt(85)
	snap, err := newClient(t, srv, nil).Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []backup.Part{backup.PartAssets, backup.PartJobs, backup.PartAlerts} {
		if !snap.Attempted(p) || snap.Failed(p) {
			t.Fatalf("part %s: attempted %v, error %v", p, snap.Attempted(p), snap.PartErrors[p])
		}
	}
	if snap.Attempted(backup.PartStorage) {
		t.Error("storage part attempted; Clumio has no storage figures")
	}
	got := map[string]backup.Asset{}
	for _, a := range snap.Assets {
		got[a.ID] = a
	}

	var data clumiofake.Data
	srv.Update(func(d *clumiofake.Data) { data = *d })
	ouName := map[string]string{}
	for _, ou := range data.OUs {
		ouName[ou.ID] = ou.Name
	}
	wantRPO := map[string]time.Duration{clumiofake.PolicyDaily: 24 * time.Hour, clumiofake.PolicyGold: 4 * time.Hour}

	deleted := 0
	for i, fa := range data.Assets {
		c := clumiofake.Cases[i%len(clumiofake.Cases)]
		t.Run(fmt.Sprintf("%03d_%s_%s", i, c, fa.Type), func(t *testing.T) {
			a, ok := got[fa.ID]
			if c == clumiofake.CaseDeleted {
				deleted++
				if ok {
					t.Fatal("deleted asset reported")
				}
				return
			}
			if !ok {
				t.Fatal("asset missing")
			}
			want := wantStatus[c]
			if c == clumiofake.CaseUnsupported && fa.Type == clumiofake.TypeProtectionGroup {
				// Protection groups have bucket counts, all zero here, not
				// an "unknown" backup_status.
				want = ""
			}
			if a.LastStatus != want {
				t.Errorf("LastStatus = %q, want %q", a.LastStatus, want)
			}
			wantName := fa.Name
			if wantName == "" {
				wantName = fa.NativeID
			}
			if a.Name != wantName || a.Type != assetTypeLabel[fa.Type] || a.Tenant != ouName[fa.OUID] {
				t.Errorf("name/type/tenant = %q/%q/%q, want %q/%q/%q", a.Name, a.Type, a.Tenant, wantName, assetTypeLabel[fa.Type], ouName[fa.OUID])
			}
			// A deactivated policy protects nothing, whatever
			// protection_status says.
			if want := fa.ProtectionStatus == "protected" && fa.PolicyID != clumiofake.PolicyPaused; a.Protected != want {
				t.Errorf("Protected = %v, fake says %q under %q", a.Protected, fa.ProtectionStatus, fa.PolicyID)
			}
			if want := fa.PolicyID != ""; (a.PolicyActive != nil) != want || (want && *a.PolicyActive != (fa.PolicyID != clumiofake.PolicyPaused)) {
				t.Errorf("PolicyActive = %v under %q", a.PolicyActive, fa.PolicyID)
			}
			if a.RPO != wantRPO[fa.PolicyID] {
				t.Errorf("RPO = %s, want %s (policy %q)", a.RPO, wantRPO[fa.PolicyID], fa.PolicyID)
			}
			if c == clumiofake.CaseNever && !a.LastSuccess.IsZero() {
				t.Errorf("never backed up, but LastSuccess = %s", a.LastSuccess)
			}
			if a.LastSuccess.Before(fa.LastBackup) || a.LastSuccess.After(testNow) {
				t.Errorf("LastSuccess = %s, want between last_backup_timestamp %s and now", a.LastSuccess, fa.LastBackup)
			}
			// An EBS volume's size is its capacity, not data stored: only
			// protection groups report a size.
			if (fa.Type == clumiofake.TypeProtectionGroup) != (a.SizeBytes != nil) {
				t.Errorf("SizeBytes = %v for %s", a.SizeBytes, fa.Type)
			} else if a.SizeBytes != nil && *a.SizeBytes != float64(fa.SizeBytes) {
				t.Errorf("SizeBytes = %v, want %d", *a.SizeBytes, fa.SizeBytes)
			}
		})
	}
	if len(snap.Assets) != len(data.Assets)-deleted {
		t.Errorf("%d assets, want %d", len(snap.Assets), len(data.Assets)-deleted)
	}
}

// TestFetchJobsAndAlerts checks the jobs and alerts against the fake's data:
// every finished job task that ended within the lookback, the running and
// queued ones by type, and the active alerts by severity and type.
func TestFetchJobsAndAlerts(t *testing.T) {
	srv := fakeAt(170)
	c := newClient(t, srv, nil)
	snap, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var data clumiofake.Data
	srv.Update(func(d *clumiofake.Data) { data = *d })

	from := testNow.Add(-c.lookback)
	wantJobs := map[string]backup.Job{}
	wantRunning := map[backup.JobType]int{backup.JobBackup: 0, backup.JobRestore: 0, backup.JobSnapshot: 0}
	wantQueued := maps.Clone(wantRunning)
	for _, ft := range data.Tasks {
		if ft.Created.Before(from) {
			continue // outside the first refresh's window
		}
		jt := jobType(ft.Category)
		switch ft.Status {
		case "queued":
			wantQueued[jt]++
		case "in_progress", "aborting":
			wantRunning[jt]++
		default:
			if !ft.End.Before(from) {
				wantJobs[ft.ID] = backup.Job{ID: ft.ID, Type: jt, Status: taskStatus(ft.Status), End: ft.End}
			}
		}
	}
	gotJobs := map[string]backup.Job{}
	for _, j := range snap.Jobs {
		gotJobs[j.ID] = j
	}
	for id, want := range wantJobs {
		if got, ok := gotJobs[id]; !ok || !got.End.Equal(want.End) || got.Type != want.Type || got.Status != want.Status {
			t.Errorf("job %s = %+v, want %+v", id, got, want)
		}
	}
	if len(gotJobs) != len(wantJobs) {
		t.Errorf("%d jobs, want %d", len(gotJobs), len(wantJobs))
	}
	if !maps.Equal(snap.JobsRunning, wantRunning) {
		t.Errorf("running = %v, want %v", snap.JobsRunning, wantRunning)
	}
	if !maps.Equal(snap.JobsQueued, wantQueued) || wantQueued[backup.JobBackup] == 0 {
		t.Errorf("queued = %v, want %v, a backup among them", snap.JobsQueued, wantQueued)
	}
	for _, typ := range []backup.JobType{backup.JobBackup, backup.JobRestore, backup.JobSnapshot} {
		if wantRunning[typ] == 0 && typ != backup.JobSnapshot {
			t.Errorf("the fake has no running %s job: the test proves nothing", typ)
		}
	}

	type key struct {
		sev backup.Severity
		typ string
	}
	wantAlerts, gotAlerts := map[key]int{}, map[key]int{}
	for _, fa := range data.Alerts {
		if fa.Status == "active" {
			wantAlerts[key{alertSeverity(fa.Severity), fa.Type}]++
		}
	}
	for _, a := range snap.Alerts {
		gotAlerts[key{a.Severity, a.Type}]++
	}
	if !maps.Equal(gotAlerts, wantAlerts) {
		t.Errorf("alerts = %v, want %v", gotAlerts, wantAlerts)
	}
	if wantAlerts[key{backup.SeverityError, "policy_violated"}] == 0 || wantAlerts[key{backup.SeverityWarning, "tag_conflict"}] == 0 {
		t.Errorf("the fake lacks active alerts of both severities: %v", wantAlerts)
	}
}

package clumio

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

func TestRPOFrequency(t *testing.T) {
	for _, tc := range []struct {
		json string
		want time.Duration
	}{
		{`{"unit":"hours","value":4}`, 4 * time.Hour},
		{`{"unit":"days","value":1}`, 24 * time.Hour},
		{`{"unit":"weeks","value":1}`, 7 * 24 * time.Hour},
		{`{"unit":"months","value":1}`, 31 * 24 * time.Hour},
		{`{"unit":"minutes","value":15}`, 15 * time.Minute},
		{`{"unit":"Hours","value":24}`, 24 * time.Hour},
		{`{"unit":"fortnights","value":1}`, 0},
		{`{"unit":"hours","value":0}`, 0},
		{`null`, 0},
	} {
		var u *unitValue
		if err := json.Unmarshal([]byte(tc.json), &u); err != nil {
			t.Fatal(err)
		}
		if got := u.duration(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.json, got, tc.want)
		}
	}
}

func TestPolicyRPO(t *testing.T) {
	p := policyRPOs{
		"multi": {ops: []operationRPO{{opType: "aws_ebs_volume_backup", rpo: 24 * time.Hour}, {opType: "aws_ebs_volume_aws_snapshot", rpo: 4 * time.Hour}, {opType: "protection_group_backup", rpo: 12 * time.Hour}}},
		"other": {activation: activationActivated, ops: []operationRPO{{opType: "mssql_database_backup", rpo: 6 * time.Hour}}},
		"off":   {activation: activationDeactivated, ops: []operationRPO{{opType: "aws_ec2_instance_backup", rpo: 6 * time.Hour}}},
		"none":  {},
	}
	for _, tc := range []struct {
		name, policy, prefix string
		want                 time.Duration
	}{
		{"tightest operation of the asset's type", "multi", "aws_ebs_volume", 4 * time.Hour},
		{"the type's own operation", "multi", "protection_group", 12 * time.Hour},
		{"no operation of the type: tightest of all", "other", "aws_ec2_instance", 6 * time.Hour},
		{"policy without SLA", "none", "aws_ec2_instance", 0},
		{"unknown policy", "gone", "aws_ec2_instance", 0},
		{"a deactivated policy lends no RPO", "off", "aws_ec2_instance", 0},
	} {
		if got := p.rpo(tc.policy, tc.prefix); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestReadActivation(t *testing.T) {
	for in, want := range map[string]activation{
		"activated": activationActivated, "Activated": activationActivated, "deactivated": activationDeactivated,
		" DEACTIVATED ": activationDeactivated, "": activationUnstated, "paused": activationUnknown,
	} {
		if got := readActivation(in); got != want {
			t.Errorf("readActivation(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestStatusMapping(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  backup.Status
		want backup.Status
	}{
		{"inventory success", inventoryStatus("success", true), backup.StatusSuccess},
		{"inventory partial", inventoryStatus("partial_success", true), backup.StatusWarning},
		{"inventory failure", inventoryStatus("failure", true), backup.StatusFailed},
		{"inventory no backup, protected", inventoryStatus("no_backup", true), backup.StatusMissed},
		{"inventory no backup, unprotected", inventoryStatus("no_backup", false), ""},
		{"inventory unknown", inventoryStatus("unknown", true), backup.StatusUnknown},
		{"inventory absent", inventoryStatus("", true), ""},
		{"no backup in the window, never ran", beforeWindow(true, time.Time{}, time.Time{}), backup.StatusMissed},
		{"no backup in the window, last run succeeded", beforeWindow(true, testNow.Add(-48*time.Hour), testNow.Add(-72*time.Hour)), backup.StatusSuccess},
		{"no backup in the window, last run failed", beforeWindow(true, testNow.Add(-72*time.Hour), testNow.Add(-48*time.Hour)), backup.StatusFailed},
		{"no backup in the window, never succeeded", beforeWindow(true, time.Time{}, testNow.Add(-48*time.Hour)), backup.StatusFailed},
		{"no backup in the window, failures unknown", beforeWindow(false, testNow.Add(-48*time.Hour), time.Time{}), backup.StatusUnknown},
		{"task completed", taskStatus("completed"), backup.StatusSuccess},
		{"task failed", taskStatus("failed"), backup.StatusFailed},
		{"task aborted", taskStatus("aborted"), backup.StatusAborted},
		{"task queued", taskStatus("queued"), backup.StatusQueued},
		{"task in progress", taskStatus("in_progress"), backup.StatusRunning},
		{"task aborting", taskStatus("aborting"), backup.StatusRunning},
		{"task new value", taskStatus("paused"), backup.StatusUnknown},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	for cat, want := range map[string]backup.JobType{
		"backup": backup.JobBackup, "restore": backup.JobRestore, "snapshot_restore": backup.JobRestore,
		"snapshot": backup.JobSnapshot, "system": backup.JobOther,
	} {
		if got := jobType(cat); got != want {
			t.Errorf("jobType(%q) = %q, want %q", cat, got, want)
		}
	}
	for sev, want := range map[string]backup.Severity{
		"error": backup.SeverityError, "warning": backup.SeverityWarning, "critical": backup.SeverityCritical, "": backup.SeverityWarning,
	} {
		if got := alertSeverity(sev); got != want {
			t.Errorf("alertSeverity(%q) = %q, want %q", sev, got, want)
		}
	}
	for _, tc := range []struct {
		stats backupStatusStats
		want  string
	}{
		{backupStatusStats{SuccessCount: 3}, "success"},
		{backupStatusStats{SuccessCount: 2, FailureCount: 1}, "partial_success"},
		{backupStatusStats{PartialSuccessCount: 1}, "partial_success"},
		{backupStatusStats{FailureCount: 3}, "failure"},
		{backupStatusStats{NoBackupCount: 3}, "no_backup"},
		{backupStatusStats{}, ""},
	} {
		if got := tc.stats.summary(); got != tc.want {
			t.Errorf("summary(%+v) = %q, want %q", tc.stats, got, tc.want)
		}
	}
}

// TestDecodeQuirks decodes the optional and oddly typed fields.
func TestDecodeQuirks(t *testing.T) {
	var p listPage[inventoryItem]
	body := `{"start": 2, "_links": {"_next": null}, "_embedded": {"items": [
		{"id": "a", "name": null, "volume_native_id": "vol-1", "last_backup_timestamp": "", "is_deleted": null,
		 "backup_status_info": {"backup_status": "success", "last_successful_policy_start_timestamp": "2026-05-14T02:00:00.5Z",
		 "last_failed_policy_start_timestamp": null}},
		{"id": "b"}
	]}}`
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Start != "2" || p.Links.Next != nil || len(p.Embedded.Items.List) != 2 {
		t.Fatalf("page = %+v", p)
	}
	a := p.Embedded.Items.List[0]
	if a.Name != nil || a.IsDeleted != nil || !a.LastBackupTimestamp.IsZero() ||
		!a.BackupStatusInfo.LastSuccessfulPolicyStartTimestamp.Equal(time.Date(2026, 5, 14, 2, 0, 0, 5e8, time.UTC)) {
		t.Errorf("item = %+v", a)
	}
	var pol policy
	if err := json.Unmarshal([]byte(`{"id":"p","updated_time":1715650000,"operations":[{"type":"x","slas":[{"rpo_frequency":{"unit":"hours","value":4}}]}]}`), &pol); err != nil {
		t.Fatal(err)
	}
	if !pol.UpdatedTime.Equal(time.Unix(1715650000, 0)) {
		t.Errorf("updated_time = %s", pol.UpdatedTime)
	}
	for _, bad := range []string{`{"start": true}`, `{"last_backup_timestamp": "yesterday"}`} {
		var it struct {
			Start flexString `json:"start"`
			T     timestamp  `json:"last_backup_timestamp"`
		}
		if err := json.Unmarshal([]byte(bad), &it); err == nil {
			t.Errorf("%s decoded without error", bad)
		}
	}
}

// TestAssetSources checks how the inventory and the task history combine.
func TestAssetSources(t *testing.T) {
	t1, t2, t3 := testNow.Add(-3*time.Hour), testNow.Add(-2*time.Hour), testNow.Add(-time.Hour)
	protected := "protected"
	item := func(lastBackup, okStart, failStart time.Time, status string) inventoryItem {
		return inventoryItem{ID: "a", ProtectionStatus: &protected, LastBackupTimestamp: timestamp{lastBackup},
			BackupStatusInfo: &backupStatus{BackupStatus: status, LastSuccessfulPolicyStartTimestamp: timestamp{okStart}, LastFailedPolicyStartTimestamp: timestamp{failStart}}}
	}
	for _, tc := range []struct {
		name        string
		item        inventoryItem
		history     *assetHistory
		wantSuccess time.Time
		wantAttempt time.Time
		wantStatus  backup.Status
	}{
		{
			name:        "last_backup_timestamp later than the policy run",
			item:        item(t2, t1, time.Time{}, "success"),
			wantSuccess: t2, wantAttempt: t1, wantStatus: backup.StatusSuccess,
		},
		{
			name:        "policy run later than last_backup_timestamp",
			item:        item(t1, t2, time.Time{}, "success"),
			wantSuccess: t2, wantAttempt: t2, wantStatus: backup.StatusSuccess,
		},
		{
			name:        "newer failed task overrides an older success",
			item:        item(t1, t1, time.Time{}, "success"),
			history:     &assetHistory{latestID: "x", latestStatus: backup.StatusFailed, latestAt: t3},
			wantSuccess: t1, wantAttempt: t3, wantStatus: backup.StatusFailed,
		},
		{
			name:        "older task does not override the inventory",
			item:        item(t1, t1, t3, "failure"),
			history:     &assetHistory{latestID: "x", latestStatus: backup.StatusSuccess, latestAt: t2, lastSuccess: t2},
			wantSuccess: t2, wantAttempt: t3, wantStatus: backup.StatusFailed,
		},
		{
			name:        "queued task after the last run",
			item:        item(t1, t1, time.Time{}, "success"),
			history:     &assetHistory{latestID: "x", latestStatus: backup.StatusQueued, latestCreated: t3},
			wantSuccess: t1, wantAttempt: t1, wantStatus: backup.StatusQueued,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Client{tasks: newTaskTracker()}
			if tc.history != nil {
				c.tasks.byAsset["a"] = tc.history
			}
			a, ok := c.asset(assetKinds[0], &tc.item)
			if !ok {
				t.Fatal("asset skipped")
			}
			if !a.LastSuccess.Equal(tc.wantSuccess) || !a.LastAttempt.Equal(tc.wantAttempt) || a.LastStatus != tc.wantStatus {
				t.Errorf("success %s, attempt %s, status %q; want %s, %s, %q", a.LastSuccess, a.LastAttempt, a.LastStatus, tc.wantSuccess, tc.wantAttempt, tc.wantStatus)
			}
		})
	}
}

// TestUnknownActivationIsAnIssue: a policy whose activation_status the
// exporter does not know serves no policy state and keeps its assets'
// protection, and each refresh counts it.
func TestUnknownActivationIsAnIssue(t *testing.T) {
	srv := fakeAt(40)
	srv.Update(func(d *clumiofake.Data) {
		for i := range d.Policies {
			if d.Policies[i].ID == clumiofake.PolicyDaily {
				d.Policies[i].ActivationStatus = "suspended"
			}
		}
	})
	snap, err := newClient(t, srv, nil).Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var issues int
	for _, is := range snap.Issues {
		if is.Reason == "unknown_activation_status" && strings.Contains(is.Example, clumiofake.PolicyDaily+": suspended") {
			issues++
		}
	}
	if issues != 1 {
		t.Errorf("issues %+v, want one unknown_activation_status naming the policy", snap.Issues)
	}
	var srvData clumiofake.Data
	srv.Update(func(d *clumiofake.Data) { srvData = *d })
	policyOf := map[string]string{}
	for _, a := range srvData.Assets {
		policyOf[a.ID] = a.PolicyID
	}
	for _, a := range snap.Assets {
		if policyOf[a.ID] == clumiofake.PolicyDaily && a.PolicyActive != nil {
			t.Errorf("asset %s under the unknown state serves PolicyActive %v", a.ID, *a.PolicyActive)
		}
	}
}

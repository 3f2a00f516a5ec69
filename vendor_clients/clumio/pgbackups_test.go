package clumio

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// TestPGBackupHistories reads protection-group backups in the documented
// shape, in whatever order they come: the newest one's counts are the
// latest, and the partial backups in a row stop at the first complete one.
func TestPGBackupHistories(t *testing.T) {
	page := `[
	  {"id":"b1","protection_group_id":"pg-a","start_timestamp":"2026-11-21T02:00:00Z","backed_up_object_count":990,"failed_object_count":10,"missing_object_count":0,"malicious_object_count":0},
	  {"id":"b3","protection_group_id":"pg-a","start_timestamp":"2026-11-23T02:00:00Z","backed_up_object_count":995,"failed_object_count":4,"failed_size_bytes":4096,"missing_object_count":1,"missing_size_bytes":512,"malicious_object_count":2},
	  {"id":"b2","protection_group_id":"pg-a","start_timestamp":"2026-11-22T02:00:00Z","backed_up_object_count":1000,"failed_object_count":0,"missing_object_count":3},
	  {"id":"b0","protection_group_id":"pg-a","start_timestamp":"2026-11-20T02:00:00Z","backed_up_object_count":1000,"failed_object_count":0,"missing_object_count":0},
	  {"id":"c1","protection_group_id":"pg-b","start_timestamp":"2026-11-23T02:00:00Z","backed_up_object_count":50,"failed_object_count":null,"missing_object_count":null},
	  {"id":"d1","protection_group_id":"pg-c","start_timestamp":"2026-11-23T02:00:00Z","backed_up_object_count":50,"failed_object_count":-1},
	  {"id":"orphan","start_timestamp":"2026-11-23T02:00:00Z","failed_object_count":5}
	]`
	var backups []pgBackup
	if err := json.Unmarshal([]byte(page), &backups); err != nil {
		t.Fatal(err)
	}
	got := pgBackupHistories(backups)
	f := backup.Float
	for _, tc := range []struct {
		name, group string
		latest      *backup.ObjectCounts
		inARow      int
	}{
		{"newest first whatever the order, three partial in a row", "pg-a",
			&backup.ObjectCounts{Total: f(1000), Failed: f(4), Missing: f(1), Malicious: f(2), FailedBytes: f(4096), MissingBytes: f(512)}, 3},
		{"null counts are absent, not 0", "pg-b", &backup.ObjectCounts{Total: f(50)}, 0},
		{"a negative part is passed on for the collector to drop", "pg-c", &backup.ObjectCounts{Total: f(49), Failed: f(-1)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := got[tc.group]
			if !ok {
				t.Fatalf("no history for %s", tc.group)
			}
			if !equalCounts(h.latest, tc.latest) {
				t.Errorf("latest = %+v, want %+v", *h.latest, *tc.latest)
			}
			if h.partialInRow != tc.inARow {
				t.Errorf("partial in a row = %d, want %d", h.partialInRow, tc.inARow)
			}
		})
	}
	if len(got) != 3 {
		t.Errorf("%d groups, want 3 (a backup without protection_group_id is skipped)", len(got))
	}
}

func equalCounts(a, b *backup.ObjectCounts) bool {
	eq := func(x, y *float64) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	return eq(a.Total, b.Total) && eq(a.Failed, b.Failed) && eq(a.Missing, b.Missing) &&
		eq(a.Malicious, b.Malicious) && eq(a.FailedBytes, b.FailedBytes) && eq(a.MissingBytes, b.MissingBytes)
}

// TestRetentionDuration reads retention_duration at the shortest length of
// each unit; what does not parse is not a retention.
func TestRetentionDuration(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		json string
		want time.Duration
		ok   bool
	}{
		{`{"unit":"days","value":30}`, 30 * day, true},
		{`{"unit":"weeks","value":2}`, 14 * day, true},
		{`{"unit":"months","value":3}`, 84 * day, true},
		{`{"unit":"Years","value":7}`, 7 * 365 * day, true},
		{`{"unit":"hours","value":36}`, 36 * time.Hour, true},
		{`{"unit":"fortnights","value":1}`, 0, false},
		{`{"unit":"days","value":0}`, 0, false},
		{`{"unit":"days","value":-30}`, 0, false},
		{`{"unit":"years","value":1e12}`, 0, false},
	} {
		var u unitValue
		if err := json.Unmarshal([]byte(tc.json), &u); err != nil {
			t.Fatal(err)
		}
		if got, ok := u.retention(); got != tc.want || ok != tc.ok {
			t.Errorf("%s: %s, %v; want %s, %v", tc.json, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRestoreSignalsFromFake reads the fake, which tells one story per
// protection-group case: every group has its oldest restore point and its
// policy's 30-day retention, warning groups' two newest backups missed
// objects, failed groups kept 12 days only, and some healthy groups hold
// malicious objects. A retention that does not parse is dropped and
// counted.
func TestRestoreSignalsFromFake(t *testing.T) {
	srv := fakeAt(85)
	srv.Update(func(d *clumiofake.Data) {
		d.Policies[1].Operations[4].Retention = clumiofake.Frequency{Unit: "fortnights", Value: 2}
	})
	c := newClient(t, srv, nil)
	snap, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var groups, partial, malicious, short, withRetention, continuous int
	for _, a := range snap.Assets {
		if a.Type != "aws_s3_protection_group" {
			if a.LastBackupObjects != nil || !a.OldestRestorePoint.IsZero() {
				t.Errorf("%s (%s) has protection-group signals", a.Name, a.Type)
			}
			continue
		}
		groups++
		if a.OldestRestorePoint.IsZero() {
			continue
		}
		if a.Retention == 30*24*time.Hour {
			withRetention++
			if testNow.Sub(a.OldestRestorePoint) < 20*24*time.Hour {
				short++
			}
		}
		if !a.LastContinuousBackup.IsZero() {
			continuous++
		}
		if a.LastBackupObjects.Partial() {
			partial++
			if a.PartialBackupsInARow == nil || *a.PartialBackupsInARow < 1 {
				t.Errorf("%s: partial latest backup with %v partial in a row", a.Name, a.PartialBackupsInARow)
			}
		}
		if c := a.LastBackupObjects; c != nil && c.Malicious != nil && *c.Malicious > 0 {
			malicious++
		}
	}
	if partial == 0 || malicious == 0 || short == 0 || withRetention == 0 || continuous == 0 {
		t.Errorf("of %d groups: %d partial, %d malicious, %d with a short window, %d with a 30-day retention, %d continuous; want each > 0",
			groups, partial, malicious, short, withRetention, continuous)
	}
	bad := 0
	for _, is := range snap.Issues {
		if is.Reason == issueRetentionUnparsed {
			bad++
		}
	}
	if bad != 1 {
		t.Errorf("%d %s issues, want 1 (the gold policy's protection_group_backup)", bad, issueRetentionUnparsed)
	}
}

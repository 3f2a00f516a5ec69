package clumiofake

import (
	"fmt"
	"time"
)

// ObjectCounts are a protection group backup's failed, missing and
// malicious objects (clumio.md 1.7.4), out of 1000 objects.
type ObjectCounts struct {
	Failed, Missing, Malicious int64
	FailedBytes, MissingBytes  int64
}

// pgBackupObjects is how many objects every fake protection group backup
// looks at: backed up, failed and missing.
const pgBackupObjects = 1000

// backedUp is backed_up_object_count: the objects neither failed nor
// missing.
func (c ObjectCounts) backedUp() int64 { return pgBackupObjects - c.Failed - c.Missing }

// maliciousLink is malicious_objects_list_link: a link only when the backup
// has malicious objects [I].
func maliciousLink(b *PGBackup) any {
	if b.Objects.Malicious == 0 {
		return nil
	}
	return "/backups/protection-groups/" + b.ID + "/malicious-objects"
}

// retentionDays is the retention of the generated policies.
const retentionDays = 30

// protectionGroupBackups gives every protection group that has backed up
// three daily backups ending with its newest, its earliest available backup
// and its continuous-backup time, so that each signal has a story:
//   - healthy groups keep the 30 days their policy promises and back up
//     continuously; every other one's newest backup holds malicious objects;
//   - warning groups' two newest backups failed and missed objects (a
//     partial backup twice in a row);
//   - failed groups lost their old backups early: 12 days kept of 30, and
//     their newest backup failed objects once;
//   - running groups' continuous backup lags by three hours.
//
// The drill-ready group already has its backups and stays clean, so that
// drills restore what they always did.
func (g *generator) protectionGroupBackups() {
	for i := range g.d.Assets {
		a := &g.d.Assets[i]
		if a.Type != TypeProtectionGroup || a.Deleted || a.LastBackup.IsZero() {
			continue
		}
		c := Cases[i%len(Cases)]
		a.EarliestBackup = g.ago(retentionDays*24*time.Hour - time.Hour)
		switch c {
		case CaseHealthy:
			a.LastContinuousBackup = g.ago(g.between(time.Minute, 10*time.Minute))
		case CaseRunning:
			a.LastContinuousBackup = g.ago(3 * time.Hour)
		case CaseFailed:
			a.EarliestBackup = g.ago(12 * 24 * time.Hour)
		}
		if a.Name == g.d.DrillReadyGroup {
			continue
		}
		for day := range 3 {
			var objects ObjectCounts
			switch {
			case c == CaseWarning && day < 2:
				objects = ObjectCounts{Failed: 12, Missing: 3, FailedBytes: 12 << 20, MissingBytes: 3 << 20}
			case c == CaseFailed && day == 0:
				objects = ObjectCounts{Failed: 40, FailedBytes: 40 << 20}
			case c == CaseHealthy && day == 0 && (i/len(AssetTypes))%2 == 1:
				objects = ObjectCounts{Malicious: 3}
			}
			start := a.LastBackup.Add(-time.Duration(day)*24*time.Hour - time.Minute)
			g.d.PGBackups = append(g.d.PGBackups, PGBackup{
				ID: fmt.Sprintf("pgb-%s-%d", a.ID[:8], day), S3BackupID: fmt.Sprintf("s3b-%s-%d", a.ID[:8], day),
				ProtectionGroupID: a.ID, ProtectionGroupName: a.Name, S3AssetID: a.ID + "-s3", BucketName: a.Name + "-bucket",
				Region: a.Region, OUID: a.OUID, Start: start, Expiration: start.Add(retentionDays * 24 * time.Hour),
				Objects: objects,
			})
		}
	}
}

// ExpireEarly moves forward, by d, the oldest restore point of every
// protection group that keeps less than its policy's retention: the live
// simulator's stand-in for backups that expire (or are deleted) early, day
// after day.
func ExpireEarly(d *Data, now time.Time, by time.Duration) {
	for i := range d.Assets {
		a := &d.Assets[i]
		if a.Type == TypeProtectionGroup && !a.EarliestBackup.IsZero() && now.Sub(a.EarliestBackup) < (retentionDays-2)*24*time.Hour {
			a.EarliestBackup = a.EarliestBackup.Add(by)
		}
	}
}

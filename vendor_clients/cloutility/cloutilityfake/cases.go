package cloutilityfake

import "time"

// Cases is a small hand-written data set with one consumer per case, for
// tests that compare a whole mapping with a golden file:
//
//   - 10 web-01 (Acme): backups, the newest missed, one completed with a
//     warning result code; report Warning with a "Storage above limit"
//     warning sent by type id; a consumer limit; 3 of 1500 files failed
//     in the newest backup that ran; an outdated client;
//   - 11 db-02 (Beta): no job at all, a filespace backup; report Ok without
//     megaBytes; a node that never checked in (no lastAccessTime);
//   - 12 old-03 (Beta): decommissioned node; report Ignored with an ignored
//     warning;
//   - 13 weekly-04 (Acme): a success six days ago; report Error with a
//     "No activity" warning;
//   - 14 new-05 (Reseller): pending consumer without a node; report Pending;
//   - 15 run-06 (Reseller): a backup running, a restore queued; report
//     OkWithWarnings;
//
// and business units Reseller (1) > Acme (2, 1 GB storage limit, 3 nodes of
// 3 allowed, a 100 GB transfer limit) > Beta (3). Every node's domain keeps
// backups 30 days, and every consumer's latest restore point is its newest
// backup that backed data up.
func Cases(now time.Time) *Data {
	d := cases(now)
	for _, c := range d.Consumers {
		if n := c.Node; n != nil {
			n.BackupRetentionDays = 30
			if n.ClientVersion == "" {
				n.ClientVersion = "8.1.23.0"
			}
		}
		c.LatestRestorePoint = latestBackup(c.Jobs)
	}
	return d
}

// cases is Cases before the fields every case shares.
func cases(now time.Time) *Data {
	now = now.UTC()
	today := now.Truncate(24 * time.Hour)
	h := func(n float64) time.Time { return now.Add(-time.Duration(n * float64(time.Hour))) }
	done := func(id int, t JobType, s JobStatus, result int, start, end time.Time, mb float64) Job {
		return Job{ID: id, Type: t, Status: s, Result: result, ScheduledStart: start, ActualStart: start, Completed: end, TransferredMB: ptr(mb)}
	}
	return &Data{
		Now:    now,
		RootID: 1,
		BusinessUnits: []*BusinessUnit{
			{ID: 1, Name: "Reseller", Created: today.AddDate(-1, 0, 0)},
			{ID: 2, ParentID: 1, Name: "Acme", StorageLimitGB: 1, NodeLimit: 3, TransferLimitGB: 100, Created: today.AddDate(-1, 0, 0)},
			{ID: 3, ParentID: 2, Name: "Beta", Created: today.AddDate(-1, 0, 0)},
		},
		WarningTypes: defaultWarningTypes,
		Consumers: []*Consumer{
			{
				ID: 10, BusinessUnitID: 2, Name: "web-01", State: StateActive, LimitHighStorageGB: ptr(2.0),
				Node: &Node{ID: 100, Name: "WEB-01", LastAccess: h(1), ClientVersion: "7.1.8.0",
					Filespaces: []Filespace{{ID: 1000, Name: "/", LastBackupStart: h(11), LastBackupEnd: h(10), CapacityMB: 4096}}},
				Report: &Report{ID: 500, Date: today, Status: Warning, MegaBytes: ptr(1024.0), TransferredBackupMB: ptr(512.0),
					Warnings: []ReportWarning{{ID: 1, TypeID: 2, Status: Warning, Days: 1, Limit: 2, TypeByID: true}}},
				Jobs: []Job{
					done(1001, JobBackup, JobCompleted, 0, h(51), h(50), 100),
					{ID: 1002, Type: JobBackup, Status: JobCompleted, Result: 4, ScheduledStart: h(11), ActualStart: h(11), Completed: h(10),
						TransferredMB: ptr(2048.0), ExaminedFiles: 1500, FailedFiles: 3},
					done(1003, JobRestore, JobCompleted, 0, h(6), h(5), 10),
					{ID: 1004, Type: JobBackup, Status: JobMissed, ScheduledStart: h(2)},
				},
			},
			{
				ID: 11, BusinessUnitID: 3, Name: "db-02", State: StateActive,
				Node: &Node{ID: 110, Name: "DB-02",
					Filespaces: []Filespace{
						{ID: 1100, Name: "/", LastBackupStart: h(31), LastBackupEnd: h(30), CapacityMB: 2048},
						{ID: 1101, Name: "/var"},
					}},
				Report: &Report{ID: 510, Date: today, Status: Ok},
			},
			{
				ID: 12, BusinessUnitID: 3, Name: "old-03", State: StateDecommissioned,
				Node:   &Node{ID: 120, Name: "OLD-03", Decommissioned: true, LastAccess: h(24 * 40)},
				Report: &Report{ID: 520, Date: today, Status: Ignored, MegaBytes: ptr(2048.0), Warnings: []ReportWarning{{ID: 2, TypeID: 1, Status: Ignored, Days: 40}}},
			},
			{
				// Allowed to idle: six days without a backup raise no RPO alert.
				ID: 13, BusinessUnitID: 2, Name: "weekly-04", State: StateActive, AllowNoActivity: true,
				Node:   &Node{ID: 130, Name: "WEEKLY-04", LastAccess: h(3)},
				Report: &Report{ID: 530, Date: today, Status: Error, MegaBytes: ptr(256.0), Warnings: []ReportWarning{{ID: 3, TypeID: 1, Status: Error, Days: 6, Limit: 5}}},
				Jobs:   []Job{{ID: 1301, Type: JobBackup, Status: JobCompleted, ScheduledStart: h(24*6 + 1), ActualStart: h(24*6 + 1), Completed: h(24 * 6), NoDuration: true}},
			},
			{
				ID: 14, BusinessUnitID: 1, Name: "new-05", State: StatePending,
				Report: &Report{ID: 540, Date: today, Status: Pending},
			},
			{
				ID: 15, BusinessUnitID: 1, Name: "run-06", State: StateActive,
				Node:   &Node{ID: 150, Name: "RUN-06", LastAccess: h(0.5)},
				Report: &Report{ID: 550, Date: today, Status: OkWithWarnings, MegaBytes: ptr(512.0), TransferredBackupMB: ptr(0.0), TransferredRestoreMB: ptr(64.0)},
				Jobs: []Job{
					done(1501, JobBackup, JobCompleted, 0, h(31), h(30), 300),
					{ID: 1502, Type: JobBackup, Status: JobInProgress, ScheduledStart: h(1), ActualStart: h(1)},
					{ID: 1503, Type: JobRestore, Status: JobPending, ScheduledStart: h(0.25)},
				},
			},
		},
	}
}

package cloutility

import (
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// issueRetentionUnparsed is the data issue of a domain backupRetention that
// is not a number of days: it is dropped, never served as a retention.
const issueRetentionUnparsed = "retention_unparsed"

// day is the unit of a domain's backupRetention. [I]
const day = 24 * time.Hour

// restoreSignals adds what the consumer, its node and its backup jobs say
// about restoring it: the newest restore point, the retention its node's
// domain promises, the file counts of its newest backup job, and its
// client's version as an info sample.
func (c *Client) restoreSignals(st *consumerState, a *backup.Asset, snap *backup.Snapshot) {
	a.LatestRestorePoint = st.consumer.LatestRestorePoint.Time
	if st.lastObjects != nil {
		a.LastBackupObjects = st.lastObjects
		a.PartialBackupsInARow = backup.Int(st.partialInRow)
	}
	n := st.node
	if n == nil {
		return
	}
	if d := n.Domain; d != nil {
		switch ret := d.BackupRetention; {
		case ret.bad != "":
			snap.AddIssue(issueRetentionUnparsed, "cloutility: node domain backupRetention that is not a number of days (dropped)", a.ID+": "+ret.bad)
		case ret.days != nil && *ret.days > 0 && *ret.days*float64(day) < float64(1<<63-1):
			a.Retention = time.Duration(*ret.days * float64(day))
		}
	}
	if v := n.TSMClientVersion; v != nil && v.Name != "" {
		snap.Samples = append(snap.Samples, backup.Sample{Spec: &clientInfoSpec, LabelValues: []string{a.ID, v.Name}, Value: 1, Part: backup.PartAssets})
	}
}

// quotaSamples are each business unit's node and transfer quotas beside
// their use, as CleverFox serves its device limit: the limits where set
// (above 0), the use always. A unit's use includes its descendants', as its
// storage does: the active nodes (protected consumers), and what their
// latest reports say was transferred that day.
func quotaSamples(units []*bunit, served []*consumerState) []backup.Sample {
	nodes := map[*bunit]int{}
	transferred := map[*bunit]float64{}
	reported := map[*bunit]bool{}
	for _, st := range served {
		for b := st.bunit; b != nil; b = b.parent {
			if protected(st) {
				nodes[b]++
			}
			if st.report != nil && st.report.TransferredMegaBytes != nil {
				transferred[b] += *st.report.TransferredMegaBytes * MiB
				reported[b] = true
			}
		}
	}
	var out []backup.Sample
	for _, b := range units {
		if b.err != nil && b.consumers == nil {
			continue
		}
		id := []string{string(b.id)}
		if l := b.nodeLimit; l != nil && *l > 0 {
			out = append(out, backup.Sample{Spec: &nodeLimitSpec, LabelValues: id, Value: *l, Part: backup.PartStorage})
		}
		out = append(out, backup.Sample{Spec: &activeNodesSpec, LabelValues: id, Value: float64(nodes[b]), Part: backup.PartStorage})
		if l := b.transferLimit; l != nil && *l > 0 {
			out = append(out, backup.Sample{Spec: &transferLimitSpec, LabelValues: id, Value: *l * GiB, Part: backup.PartStorage})
		}
		if reported[b] {
			out = append(out, backup.Sample{Spec: &dayTransferredSpec, LabelValues: id, Value: transferred[b], Part: backup.PartStorage})
		}
	}
	return out
}

package cloutility

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// assetType is the asset_type of every Cloutility asset: a consumption unit
// with its Storage Protect backup node. (dataSourceType has one documented
// value, "SP Backup node", so it would add nothing.)
const assetType = "cloutility_node"

// Fetch reads the business-unit tree, every business unit's limits and
// consumers, and each consumer's node, latest report and new jobs, and maps
// them to a snapshot.
//
// Requests per refresh: /v1/me (once per client), /v1/bunits, two per
// business unit, and per consumer three (node, latest report, jobs), plus
// /jobs/first once per consumer for its lifetime and the filespaces of a
// node that has no successful backup job.
func (c *Client) Fetch(ctx context.Context) (*backup.Snapshot, error) {
	now := c.now()
	units, treeErr := c.businessUnits(ctx)
	if units == nil {
		return nil, treeErr
	}
	workers := c.api.MaxConcurrency()
	// Each read records its own error, so that one failing business unit
	// or consumer does not stop the others: every call runs.
	_ = httpapi.ForEach(ctx, len(units), workers, func(ctx context.Context, i int) error {
		c.readBunit(ctx, units[i])
		return nil
	})

	var (
		reads     []*consumerRead
		bunitErrs failures
		seen      = map[ID]bool{}
	)
	for _, b := range units {
		if b.err != nil {
			bunitErrs.add(b.err)
			continue
		}
		for _, co := range b.consumers {
			if co.ID.zero() || seen[co.ID] {
				continue
			}
			seen[co.ID] = true
			st := c.consumers[co.ID]
			if st == nil {
				st = &consumerState{}
				c.consumers[co.ID] = st
			}
			reads = append(reads, &consumerRead{bunit: b, consumer: co, state: st})
		}
	}
	if bunitErrs.n == len(units) {
		return nil, bunitErrs.err(len(units), "business units")
	}
	common := errors.Join(treeErr, bunitErrs.err(len(units), "business units"))
	if common == nil {
		// Forget consumers that are gone, now that every unit was read.
		for id := range c.consumers {
			if !seen[id] {
				delete(c.consumers, id)
			}
		}
	}

	_ = httpapi.ForEach(ctx, len(reads), workers, func(ctx context.Context, i int) error {
		c.readConsumer(ctx, reads[i], now)
		return nil
	})
	c.nameWarningTypes(ctx, reads)

	snap := c.snapshot(now, units, reads)
	var nodeErrs, reportErrs, jobErrs failures
	for _, r := range reads {
		id := r.consumer.ID
		nodeErrs.addFor(id, r.nodeErr)
		nodeErrs.addFor(id, r.filespaceErr)
		reportErrs.addFor(id, r.reportErr)
		jobErrs.addFor(id, r.jobsErr)
	}
	n := len(reads)
	snap.SetPart(backup.PartAssets, errors.Join(common, nodeErrs.err(n, "consumers")))
	snap.SetPart(backup.PartJobs, errors.Join(common, jobErrs.err(n, "consumers")))
	snap.SetPart(backup.PartStorage, errors.Join(common, reportErrs.err(n, "consumers")))
	snap.SetPart(backup.PartAlerts, errors.Join(common, reportErrs.err(n, "consumers")))
	c.api.ReportDroppedItems(snap)
	c.logger.Debug("refresh read", "business_units", len(units), "consumers", n, "jobs", len(snap.Jobs),
		"failed_nodes", nodeErrs.n, "failed_reports", reportErrs.n, "failed_jobs", jobErrs.n)
	return snap, nil
}

// snapshot maps what the refresh read to the vendor-neutral model.
func (c *Client) snapshot(now time.Time, units []*bunit, reads []*consumerRead) *backup.Snapshot {
	snap := &backup.Snapshot{
		FetchedAt:   now,
		JobsRunning: map[backup.JobType]int{},
		JobsQueued:  map[backup.JobType]int{},
		JobTypes:    jobTypes,
	}
	since := now.Add(-c.lookback)
	used := map[*bunit]float64{}
	for _, r := range reads {
		id := string(r.consumer.ID)
		st := r.state
		a := backup.Asset{
			ID:                   id,
			Name:                 r.consumer.Name,
			Type:                 assetType,
			Tenant:               r.bunit.name,
			Protected:            protected(r),
			LastSuccess:          st.lastSuccess,
			LastAttempt:          st.lastAttempt,
			LastStatus:           st.lastStatus,
			LastDuration:         st.lastDuration,
			LastTransferredBytes: st.lastTransferred,
			LastRestore:          st.lastRestore,
			// A unit the customer allows to idle (allowNoActivity) owes
			// no backup by a deadline: it gets no RPO, so no RPO alert,
			// unless an rpo_overrides entry sets one.
			RPOWaived: r.idleAllowed,
		}
		// A node whose backups run outside schedules has no backup job:
		// its filespaces still say when a backup last ended.
		if a.LastSuccess.IsZero() {
			a.LastSuccess = r.filespaceBackup
		}
		if r.node != nil {
			a.LastSeen = r.node.LastAccessTime.Time
		}
		consumerStorage := backup.Storage{Scope: "consumer", ScopeID: id, ScopeName: r.consumer.Name}
		if r.report != nil {
			if mb := r.report.MegaBytes; mb != nil {
				a.SizeBytes = backup.Float(*mb * MiB)
				consumerStorage.UsedBytes = a.SizeBytes
				// A business unit's usage includes its descendants'. [I]
				for b := r.bunit; b != nil; b = b.parent {
					used[b] += *a.SizeBytes
				}
			}
			// A warning of the wrong shape is dropped inside its report,
			// past GetJSON's count of the answer's own list: count it here.
			for range r.report.Warnings.Dropped {
				snap.AddIssue(httpapi.IssueUndecodableItem, "node report warning with a field of the wrong JSON type (warning dropped)", id+": "+r.report.Warnings.Problem)
			}
			for _, w := range r.report.Warnings.List {
				if sev, active := severity(w.Status); active {
					snap.Alerts = append(snap.Alerts, backup.Alert{Severity: sev, Type: alertType(w.Type, c.warningTypes)})
				}
			}
			snap.Samples = append(snap.Samples, reportSamples(id, r.report)...)
		}
		if l := r.consumer.LimitHighStorage; l != nil && *l > 0 {
			consumerStorage.LimitBytes = backup.Float(*l * GiB)
		}
		if consumerStorage.UsedBytes != nil || consumerStorage.LimitBytes != nil {
			snap.Storage = append(snap.Storage, consumerStorage)
		}
		c.restoreSignals(r, &a, snap)
		snap.Assets = append(snap.Assets, a)
		addJobs(snap, r.jobs, since)
	}
	for _, b := range units {
		if b.err != nil {
			continue
		}
		s := backup.Storage{Scope: "business_unit", ScopeID: string(b.id), ScopeName: b.name}
		if u, ok := used[b]; ok {
			s.UsedBytes = backup.Float(u)
		}
		if b.storageLimit != nil && *b.storageLimit > 0 {
			s.LimitBytes = backup.Float(*b.storageLimit * GiB)
		}
		if s.UsedBytes != nil || s.LimitBytes != nil {
			snap.Storage = append(snap.Storage, s)
		}
	}
	snap.Samples = append(snap.Samples, quotaSamples(units, reads)...)
	snap.Samples = append(snap.Samples, c.auth.samples()...)
	return snap
}

// protected reports whether an active node covers the consumer: it has a
// node that is neither decommissioned nor locked, and its data-source state
// (when the list sent one) is Active.
func protected(r *consumerRead) bool {
	n := r.node
	if n == nil || (n.Decommissioned != nil && *n.Decommissioned) || (n.Locked != nil && *n.Locked) {
		return false
	}
	return r.consumer.DataSourceState == nil || activeState(r.consumer.DataSourceState)
}

// nameWarningTypes reads /v1/nodewarningtypes when a report names a warning
// type by id only and the id is not known yet. Without the list such a
// warning is typed warning_type_<id>, so a failure here is only logged.
func (c *Client) nameWarningTypes(ctx context.Context, reads []*consumerRead) {
	unknown := false
	for _, r := range reads {
		if r.report == nil {
			continue
		}
		for _, w := range r.report.Warnings.List {
			if w.Type != nil && w.Type.Name == "" && w.Type.ID != nil {
				if _, ok := c.warningTypes[*w.Type.ID]; !ok {
					unknown = true
				}
			}
		}
	}
	if !unknown {
		return
	}
	var types list[Enum]
	if err := c.get(ctx, "/nodewarningtypes", "/nodewarningtypes", nil, &types); err != nil {
		c.logger.Warn("cannot read the node warning types", "err", err)
		return
	}
	names := make(map[int]string, len(types.List))
	for _, t := range types.List {
		if t.ID != nil && t.Name != "" {
			names[*t.ID] = t.Name
		}
	}
	c.warningTypes = names
}

// failures counts the errors of one kind of read and keeps the first.
type failures struct {
	n     int
	first error
}

func (f *failures) add(err error) {
	if err == nil {
		return
	}
	f.n++
	if f.first == nil {
		f.first = err
	}
}

// addFor records err as the error of one consumer.
func (f *failures) addFor(id ID, err error) {
	if err != nil {
		f.add(fmt.Errorf("cloutility: consumer %s: %w", id, err))
	}
}

// err summarises the failures among total reads of what.
func (f *failures) err(total int, what string) error {
	switch f.n {
	case 0:
		return nil
	case 1:
		return f.first
	}
	return fmt.Errorf("%d of %d %s failed, the first: %w", f.n, total, what, f.first)
}

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

// Fetch lists the business units and their consumers (every
// inventory_ttl), then reads the consumers that are due, stalest first,
// until the refresh's slice of time is up, and maps every consumer read so
// far to a snapshot, each with its own age (Asset.Observed).
//
// What is due: a consumer's jobs every cache_ttl, its node every
// inventory_ttl, its latest report when the next daily report is due, its
// first job once for its lifetime and its filespaces with its jobs while
// its node has no successful backup job; the reports wait while some
// consumer was never tried (sweepConsumers). A consumer whose read fails keeps
// serving its last good read, is counted in Progress.Failed and is read
// again after a backoff; it fails a part only when no consumer could ever
// be read for it, or while the latest read of it failed for every
// consumer.
func (c *Client) Fetch(ctx context.Context) (*backup.Snapshot, error) {
	start := c.now()
	listed, listFailures, err := c.relist(ctx, start)
	if !listed {
		return nil, err
	}
	// The slice counts from the end of the listing, which may itself take
	// a while on a large portal.
	stopAt := httpapi.SliceEnd(ctx, c.now(), !c.readAny)
	var t sweepTally
	c.sweepConsumers(ctx, stopAt, &t)
	if t.read > 0 {
		c.readAny = true
	}
	c.nameWarningTypes(ctx)

	snap := c.snapshot(start)
	failed := listFailures + t.failed()
	snap.Progress = c.progress(start, t.read, failed, c.pending(c.now()))
	// A consumer that fails is served stale on its own and counted, never
	// failing a part for the others.
	for _, p := range []struct {
		part backup.Part
		from resource
	}{
		{backup.PartAssets, nodeResource},
		{backup.PartJobs, jobsResource},
		{backup.PartStorage, reportResource},
		{backup.PartAlerts, reportResource},
	} {
		snap.SetPart(p.part, c.partError(p.from, &t.errs[p.from]))
	}
	c.api.ReportDroppedItems(snap)
	for _, f := range t.errs {
		if err := f.err(len(c.order), "consumer reads"); err != nil {
			c.logger.Debug("consumer reads failed: they serve their last good read and are read again later", "err", err)
		}
	}
	c.logger.Debug("refresh read", "business_units", len(c.units), "consumers", len(c.order),
		"read", t.read, "failed", failed, "pending", snap.Progress.Pending, "jobs", len(snap.Jobs))
	return snap, nil
}

// partError is the error of the part that resource r feeds, given this
// refresh's failed reads of r (f). The part fails when nothing of r could
// be read (reads failed and no consumer holds a good read of r), and while
// the latest read of every consumer's r failed (a permission withdrawn,
// the path down): each consumer then still serves its last good read, but
// the failure shows in backup_collector_success instead of hiding behind
// aging data. One consumer failing for ever fails nothing.
func (c *Client) partError(r resource, f *failures) error {
	held := false
	for _, st := range c.order {
		held = held || st.holds(r)
	}
	if !held {
		return f.err(len(c.order), "consumers")
	}
	if httpapi.AllFailing(c.order, func(st *consumerState) bool { return st.latestErrs[r] != nil }) {
		return fmt.Errorf("the latest read of each of the %d consumers failed; they serve their last good read: %w",
			len(c.order), c.order[0].latestErrs[r])
	}
	return nil
}

// progress sums the state of the fan-out at the end of a refresh.
func (c *Client) progress(now time.Time, read, failed, pending int) *backup.Progress {
	p := &backup.Progress{Items: len(c.order), Read: read, Failed: failed, Pending: pending,
		ReadAt: make([]time.Time, len(c.order))}
	for i, st := range c.order {
		p.ReadAt[i] = st.observed
		if d := st.schedule.Due; d.After(now) && (p.NextDue.IsZero() || d.Before(p.NextDue)) {
			p.NextDue = d
		}
	}
	if !c.listSchedule.Due.IsZero() && (p.NextDue.IsZero() || c.listSchedule.Due.Before(p.NextDue)) {
		p.NextDue = c.listSchedule.Due
	}
	return p
}

// relist reads the business units and their consumers when the listing is
// due (every inventory_ttl, sooner after a failure). It reports whether a
// listing is at hand, and how many business units failed to list: their
// consumers are kept from the previous listing. With no listing at all it
// returns the error.
func (c *Client) relist(ctx context.Context, now time.Time) (bool, int, error) {
	if c.order != nil && !c.listSchedule.IsDue(now) {
		return true, 0, nil
	}
	units, treeErr := c.businessUnits(ctx)
	if units == nil {
		return false, 0, treeErr
	}
	// Each read records its own error, so that one failing business unit
	// does not stop the others: every call runs.
	_ = httpapi.ForEach(ctx, len(units), c.api.MaxConcurrency(), func(ctx context.Context, i int) error {
		c.readBunit(ctx, units[i])
		return nil
	})
	var bunitErrs failures
	previous := map[ID]*bunit{}
	for _, b := range c.units {
		previous[b.id] = b
	}
	for _, b := range units {
		if b.err == nil {
			continue
		}
		bunitErrs.add(b.err)
		if old := previous[b.id]; old != nil && old.err == nil {
			b.consumers, b.storageLimit = old.consumers, old.storageLimit
		}
	}
	if bunitErrs.n == len(units) {
		return false, 0, bunitErrs.err(len(units), "business units")
	}
	if err := errors.Join(treeErr, bunitErrs.err(len(units), "business units")); err != nil {
		c.listSchedule.Failed(now, c.inventoryTTL)
		c.logger.Warn("business units partly listed: the others' consumers are kept from the previous listing", "err", err)
	} else {
		c.listSchedule.Succeeded(now, now.Add(c.inventoryTTL))
	}

	order := make([]*consumerState, 0, len(c.order))
	seen := map[ID]bool{}
	for _, b := range units {
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
			st.bunit, st.consumer = b, co
			order = append(order, st)
		}
	}
	// Forget consumers that are gone: every unit that listed them was read
	// or kept its previous consumers.
	for id := range c.consumers {
		if !seen[id] {
			delete(c.consumers, id)
		}
	}
	c.units, c.order = units, order
	failed := bunitErrs.n
	if treeErr != nil {
		failed++
	}
	return true, failed, nil
}

// snapshot maps every consumer served so far to the vendor-neutral model.
func (c *Client) snapshot(now time.Time) *backup.Snapshot {
	snap := &backup.Snapshot{
		FetchedAt:   now,
		JobsRunning: map[backup.JobType]int{},
		JobsQueued:  map[backup.JobType]int{},
		JobTypes:    jobTypes,
	}
	since := now.Add(-c.lookback)
	used := map[*bunit]float64{}
	var served []*consumerState
	for _, st := range c.order {
		if !st.served() {
			continue
		}
		served = append(served, st)
		id := string(st.consumer.ID)
		a := backup.Asset{
			ID:                   id,
			Name:                 st.consumer.Name,
			Type:                 assetType,
			Tenant:               st.bunit.name,
			Protected:            protected(st),
			LastSuccess:          st.lastSuccess,
			LastAttempt:          st.lastAttempt,
			LastStatus:           st.lastStatus,
			LastDuration:         st.lastDuration,
			LastTransferredBytes: st.lastTransferred,
			LastRestore:          st.lastRestore,
			Observed:             st.observed,
			// A unit the customer allows to idle (allowNoActivity) owes
			// no backup by a deadline: it gets no RPO, so no RPO alert,
			// unless an rpo_overrides entry sets one.
			RPOWaived: st.idleAllowed,
		}
		// A node whose backups run outside schedules has no backup job:
		// its filespaces still say when a backup last ended.
		if a.LastSuccess.IsZero() {
			a.LastSuccess = st.filespaceBackup
		}
		if st.node != nil {
			a.LastSeen = st.node.LastAccessTime.Time
		}
		consumerStorage := backup.Storage{Scope: "consumer", ScopeID: id, ScopeName: st.consumer.Name}
		if r := st.report; r != nil {
			if mb := r.MegaBytes; mb != nil {
				a.SizeBytes = backup.Float(*mb * MiB)
				consumerStorage.UsedBytes = a.SizeBytes
				// A business unit's usage includes its descendants'. [I]
				for b := st.bunit; b != nil; b = b.parent {
					used[b] += *a.SizeBytes
				}
			}
			// A warning of the wrong shape is dropped inside its report,
			// past GetJSON's count of the answer's own list: count it here.
			for range r.Warnings.Dropped {
				snap.AddIssue(httpapi.IssueUndecodableItem, "node report warning with a field of the wrong JSON type (warning dropped)", id+": "+r.Warnings.Problem)
			}
			for _, w := range r.Warnings.List {
				if sev, active := severity(w.Status); active {
					snap.Alerts = append(snap.Alerts, backup.Alert{Severity: sev, Type: alertType(w.Type, c.warningTypes)})
				}
			}
			snap.Samples = append(snap.Samples, reportSamples(id, r)...)
		}
		if l := st.consumer.LimitHighStorage; l != nil && *l > 0 {
			consumerStorage.LimitBytes = backup.Float(*l * GiB)
		}
		if consumerStorage.UsedBytes != nil || consumerStorage.LimitBytes != nil {
			snap.Storage = append(snap.Storage, consumerStorage)
		}
		c.restoreSignals(st, &a, snap)
		snap.Assets = append(snap.Assets, a)
		addJobs(snap, st.jobs, since)
	}
	for _, b := range c.units {
		if b.err != nil && b.consumers == nil {
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
	snap.Samples = append(snap.Samples, quotaSamples(c.units, served)...)
	snap.Samples = append(snap.Samples, c.auth.samples()...)
	return snap
}

// protected reports whether an active node covers the consumer: it has a
// node that is neither decommissioned nor locked, and its data-source state
// (when the list sent one) is Active.
func protected(st *consumerState) bool {
	n := st.node
	if n == nil || (n.Decommissioned != nil && *n.Decommissioned) || (n.Locked != nil && *n.Locked) {
		return false
	}
	return st.consumer.DataSourceState == nil || activeState(st.consumer.DataSourceState)
}

// nameWarningTypes reads /v1/nodewarningtypes when a report names a warning
// type by id only and the id is not known yet. Without the list such a
// warning is typed warning_type_<id>, so a failure here is only logged.
func (c *Client) nameWarningTypes(ctx context.Context) {
	unknown := false
	for _, st := range c.order {
		if st.report == nil {
			continue
		}
		for _, w := range st.report.Warnings.List {
			if w.Type != nil && w.Type.Name == "" && w.Type.ID != nil {
				if _, ok := c.warningTypes[*w.Type.ID]; !ok {
					unknown = true
				}
			}
		}
	}
	// Read at most once per inventory_ttl: a type the list lacks must
	// not cost a request at every refresh.
	now := c.now()
	if !unknown || ctx.Err() != nil || now.Before(c.warningTypesDue) {
		return
	}
	c.warningTypesDue = now.Add(c.inventoryTTL)
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

package cloutility

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// consumerState is what the client remembers of one consumer between
// refreshes: the last good read of each of its resources, when each is due
// again, and the schedule of the consumer as one fan-out item.
type consumerState struct {
	// bunit and consumer are the consumer's entry in the latest listing.
	bunit    *bunit
	consumer consumer

	// firstJob is when the consumer's first job completed; zero until read.
	firstJob time.Time
	// windowEnd is the end of the last jobs window read.
	windowEnd time.Time
	// The latest backup attempt, finished attempt and success seen so far:
	// carried forward, so that a weekly backup's success outlives the
	// lookback window.
	lastAttempt     time.Time
	lastStatus      backup.Status
	lastFinished    time.Time
	lastDuration    *time.Duration
	lastTransferred *float64
	lastSuccess     time.Time
	// lastRestore is the end of the newest successful restore (or
	// retrieve) job, carried forward like lastSuccess.
	lastRestore time.Time
	// lastObjects are the file counts of the newest finished backup job,
	// and partialInRow how many of the newest finished backup jobs in a
	// row failed files; both carried forward.
	lastObjects  *backup.ObjectCounts
	partialInRow int

	// node is the consumer's backup node (nil when it has none), read
	// every inventory_ttl: it changes with the node's configuration and
	// its last access, not with each backup.
	node    *node
	hasNode bool
	nodeDue time.Time
	// idleAllowed is the consumer's allowNoActivity; allowNoActivity its
	// item endpoint's, re-read every settingEvery, for a list answer that
	// leaves the field out.
	idleAllowed     bool
	allowNoActivity httpapi.Reused[bool]
	// report is the latest node report (nil when it has none), read again
	// when the next daily report is due.
	report    *nodeReport
	hasReport bool
	reportDue time.Time
	// jobs are the jobs of the latest jobs read (the lookback window), read
	// again every cache_ttl; hasJobs is set once a jobs read succeeded.
	jobs    []job
	hasJobs bool
	jobsDue time.Time
	// filespaceBackup is the newest lastBackupEnd of the node's filespaces,
	// read every inventory_ttl while no backup job ever succeeded.
	filespaceBackup time.Time
	filespacesDue   time.Time

	// observed is when the consumer's jobs, its state, were last read.
	observed time.Time
	// schedule is the consumer's as a fan-out item: read when any of its
	// resources is due, backed off while its reads fail.
	schedule httpapi.Schedule
	// latestErrs is the error of the latest read of each resource (nil
	// when it succeeded or was never tried), of reads not cut by the
	// refresh's end: a part fails while every consumer's latest read of
	// its resource failed.
	latestErrs [resourceCount]error
}

// resource is one of a consumer's resources that feed a part: its node
// (assets), its latest report (storage, alerts) and its jobs (jobs).
type resource int

const (
	nodeResource resource = iota
	reportResource
	jobsResource
	resourceCount
)

// readOutcome is what one read of one consumer did, by resource: which
// resources were due and read (tried), and the error of each that failed.
type readOutcome struct {
	tried [resourceCount]bool
	errs  [resourceCount]error
}

// failed reports whether any resource of the read failed.
func (o readOutcome) failed() bool {
	for _, err := range o.errs {
		if err != nil {
			return true
		}
	}
	return false
}

// record keeps the outcome of each resource o tried as the consumer's
// latest read of it.
func (st *consumerState) record(o readOutcome) {
	for r := range resourceCount {
		if o.tried[r] {
			st.latestErrs[r] = o.errs[r]
		}
	}
}

// readConsumer reads the resources of one consumer that are due at now:
// its node, its latest node report, its new jobs and, when no backup job
// ever succeeded, its filespaces. Each good read replaces the remembered
// one at once; a failed read keeps the last good one. A 404 means "none"
// (a consumer without a node or without a report yet). Without withReport
// the report is left due for a later read.
func (c *Client) readConsumer(ctx context.Context, st *consumerState, now time.Time, withReport bool) readOutcome {
	var out readOutcome
	path := "/bunits/" + string(st.bunit.id) + "/consumers/" + string(st.consumer.ID)

	if !now.Before(st.nodeDue) {
		out.tried[nodeResource] = true
		var n node
		err := c.get(ctx, "/bunits/{bunit}/consumers/{consumer}/node", path+"/node", nil, &n)
		idle, idleErr := c.allowNoActivity(ctx, path, st, now)
		switch {
		case idleErr != nil:
			out.errs[nodeResource] = fmt.Errorf("consumer: %w", idleErr)
		case err == nil:
			st.node, st.hasNode, st.nodeDue, st.idleAllowed = &n, true, now.Add(c.inventoryTTL), idle
		case httpapi.IsStatus(err, http.StatusNotFound):
			// a consumer without a node yet
			st.node, st.hasNode, st.nodeDue, st.idleAllowed = nil, true, now.Add(c.inventoryTTL), idle
		default:
			out.errs[nodeResource] = fmt.Errorf("node: %w", err)
		}
	}

	if withReport && !now.Before(st.reportDue) {
		out.tried[reportResource] = true
		rep, err := c.latestReport(ctx, path, now)
		switch {
		case err != nil:
			out.errs[reportResource] = err
		case rep != nil:
			st.report, st.hasReport, st.reportDue = rep, true, c.nextReport(rep, now)
		default:
			st.report, st.hasReport, st.reportDue = nil, true, now.Add(c.inventoryTTL)
		}
	}

	if !now.Before(st.jobsDue) {
		out.tried[jobsResource] = true
		out.errs[jobsResource] = c.readJobsAndFilespaces(ctx, path, st, now)
	}
	return out
}

// readJobsAndFilespaces reads the consumer's new jobs and, while no backup
// job ever succeeded, its filespaces when due, which still say when a
// backup of a node without scheduled jobs last ended.
func (c *Client) readJobsAndFilespaces(ctx context.Context, path string, st *consumerState, now time.Time) error {
	jobs, err := c.readJobs(ctx, path, st, now)
	if err != nil {
		return err
	}
	st.remember(jobs)
	// The filespaces change with backups that no job records: read them
	// with the node, every inventory_ttl, not with every jobs read.
	if st.node != nil && st.lastSuccess.IsZero() && !now.Before(st.filespacesDue) {
		var fs list[filespace]
		err := c.get(ctx, "/bunits/{bunit}/consumers/{consumer}/node/filespaces", path+"/node/filespaces",
			url.Values{"tsmSync": {"false"}}, &fs) // tsmSync=true would force a slow sync with the server
		if err != nil && !httpapi.IsStatus(err, http.StatusNotFound) {
			return fmt.Errorf("filespaces: %w", err)
		}
		for _, f := range fs.List {
			if f.LastBackupEnd.After(st.filespaceBackup) {
				st.filespaceBackup = f.LastBackupEnd.Time
			}
		}
		st.filespacesDue = now.Add(c.inventoryTTL)
	}
	st.jobs, st.hasJobs, st.jobsDue = jobs, true, httpapi.ReadEarly(now, c.cacheTTL)
	st.observed = now
	return nil
}

// reportEvery is the period of node reports: one a day.
const reportEvery = 24 * time.Hour

// nextReport is when the report after rep is due: a day after rep's, at the
// hour of the day rep was created (the portal writes the day's reports in
// the early morning), and no sooner than cache_ttl from now. While the
// next report is overdue (a node whose reports stopped, a late portal) it
// is looked for every inventory_ttl, not at every refresh.
func (c *Client) nextReport(rep *nodeReport, now time.Time) time.Time {
	if rep.ReportDate.IsZero() {
		return now.Add(c.inventoryTTL)
	}
	next := rep.ReportDate.Add(reportEvery)
	if !rep.CreatedDate.IsZero() && rep.CreatedDate.After(rep.ReportDate.Time) && rep.CreatedDate.Sub(rep.ReportDate.Time) < reportEvery {
		next = next.Add(rep.CreatedDate.Sub(rep.ReportDate.Time))
	}
	switch {
	case !next.After(now):
		return now.Add(c.inventoryTTL)
	case next.Sub(now) > reportEvery:
		return now.Add(reportEvery) // a report dated in the future
	case next.Sub(now) < c.cacheTTL:
		return now.Add(c.cacheTTL)
	}
	return next
}

// due is when the consumer's next resource falls due.
func (st *consumerState) due() time.Time {
	d := st.nodeDue
	for _, t := range []time.Time{st.reportDue, st.jobsDue} {
		if t.Before(d) {
			d = t
		}
	}
	return d
}

// holds reports whether the consumer holds a good read of r.
func (st *consumerState) holds(r resource) bool {
	switch r {
	case nodeResource:
		return st.hasNode
	case reportResource:
		return st.hasReport
	}
	return st.hasJobs
}

// served reports whether the consumer has been read well enough to be
// served: its node and its jobs, which make its state, each read once. A
// report that fails leaves out its size and warnings only.
func (st *consumerState) served() bool {
	return st.hasNode && st.hasJobs
}

// isCut reports whether the refresh's own deadline or cancellation ended
// a read: that leaves the read to the next refresh rather than failing it.
func isCut(ctx context.Context) bool { return ctx.Err() != nil }

// reportWindow is how far back the ranged /reports call first looks for
// the latest node report: reports are daily, so a week holds several.
const reportWindow = 7 * 24 * time.Hour

// latestReport returns the consumer's newest node report with its status and
// warnings, or nil when it has none (404).
//
// Quirk: the `status` and `warnings` switches, without which a report
// leaves both out, are documented for the ranged /reports only, not for
// /reports/latest (cloutility.md 3.4). The newest report of the last
// reportWindow is read there. A consumer with none in that window has its
// latest report's date read on /reports/latest, and that day read on the
// ranged /reports, so that an old report still comes with its status.
func (c *Client) latestReport(ctx context.Context, path string, now time.Time) (*nodeReport, error) {
	newest, err := c.rangedReport(ctx, path, now.Add(-reportWindow), now)
	if err != nil || newest != nil {
		return newest, err
	}
	var latest nodeReport
	err = c.get(ctx, "/bunits/{bunit}/consumers/{consumer}/reports/latest", path+"/reports/latest", nil, &latest)
	switch {
	case httpapi.IsStatus(err, http.StatusNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("latest report: %w", err)
	case latest.ReportDate.IsZero():
		return &latest, nil
	}
	day := latest.ReportDate.Time
	if full, err := c.rangedReport(ctx, path, day, day); err != nil || full != nil {
		return full, err
	}
	return &latest, nil
}

// rangedReport returns the newest report of [from, to] with its status and
// warnings, or nil when there is none.
func (c *Client) rangedReport(ctx context.Context, path string, from, to time.Time) (*nodeReport, error) {
	q := url.Values{
		"startDate": {from.UTC().Format(time.RFC3339Nano)},
		"endDate":   {to.UTC().Format(time.RFC3339Nano)},
		"status":    {"true"},
		"warnings":  {"true"},
	}
	var reports list[nodeReport]
	err := c.get(ctx, "/bunits/{bunit}/consumers/{consumer}/reports", path+"/reports", q, &reports)
	switch {
	case httpapi.IsStatus(err, http.StatusNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reports: %w", err)
	}
	var newest *nodeReport
	for i := range reports.List {
		if r := &reports.List[i]; newest == nil || r.ReportDate.After(newest.ReportDate.Time) {
			newest = r
		}
	}
	return newest, nil
}

// settingEvery is how often a consumer's own settings that no list sends
// (allowNoActivity) are read again: once a day. allowNoActivity is a
// customer's choice made by hand, not state that moves with backups, and the
// portal's own answer to it is daily too (a node report, daily, says whether
// its errors were deactivated for no activity, cloutility.md 3.5). Reading it
// with the node every inventory_ttl cost one request per consumer an hour
// (+0.14x of the least a large estate needs, BENCHMARKS.md section 7) to
// notice a change at most a day sooner, a change whose only effect is whether
// an idle unit's RPO applies. The jobs, which make the consumer's state, are
// still read every cache_ttl: no asset's state is served older than that.
const settingEvery = reportEvery

// allowNoActivity returns the consumer's allowNoActivity: the list's when
// it sent one, else its item endpoint's, the most specific endpoint as
// Safespring advises (cloutility.md 3.3), read again every settingEvery
// (at the first node read past it).
func (c *Client) allowNoActivity(ctx context.Context, path string, st *consumerState, now time.Time) (bool, error) {
	if v := st.consumer.AllowNoActivity; v != nil {
		return *v, nil
	}
	return st.allowNoActivity.Get(ctx, now, settingEvery, func(ctx context.Context) (bool, error) {
		var full consumer
		if err := c.get(ctx, "/bunits/{bunit}/consumers/{consumer}", path, nil, &full); err != nil {
			return false, err
		}
		return full.AllowNoActivity != nil && *full.AllowNoActivity, nil
	})
}

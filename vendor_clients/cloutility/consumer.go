package cloutility

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// consumerState is what the client remembers of one consumer between
// refreshes.
type consumerState struct {
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
	// node is the consumer's backup node (nil when it has none), re-read
	// every inventory_ttl: it changes with the node's configuration and
	// its last access, not with each backup.
	node httpapi.Reused[*node]
	// allowNoActivity is the consumer's allowNoActivity as its item
	// endpoint gives it, re-read every inventory_ttl, for a list answer
	// that leaves the field out.
	allowNoActivity httpapi.Reused[bool]
}

// consumerRead is what one refresh read of one consumer.
type consumerRead struct {
	bunit    *bunit
	consumer consumer
	state    *consumerState
	// node and report are nil when the consumer has none (404).
	node   *node
	report *nodeReport
	// idleAllowed is the consumer's allowNoActivity.
	idleAllowed bool
	jobs        []job
	// filespaceBackup is the newest lastBackupEnd of the node's filespaces,
	// read only when no backup job ever succeeded.
	filespaceBackup time.Time

	nodeErr, reportErr, jobsErr, filespaceErr error
}

// readConsumer reads one consumer: its node, its latest node report, its new
// jobs and, when no backup job ever succeeded, its filespaces. A 404 means
// "none" (a consumer without a node or without a report yet).
func (c *Client) readConsumer(ctx context.Context, r *consumerRead, now time.Time) {
	path := "/bunits/" + string(r.bunit.id) + "/consumers/" + string(r.consumer.ID)

	n, err := r.state.node.Get(ctx, now, c.inventoryTTL, func(ctx context.Context) (*node, error) {
		var n node
		if err := c.get(ctx, "/bunits/{bunit}/consumers/{consumer}/node", path+"/node", nil, &n); err != nil {
			if httpapi.IsStatus(err, http.StatusNotFound) {
				return nil, nil // a consumer without a node yet
			}
			return nil, err
		}
		return &n, nil
	})
	r.node = n
	if err != nil {
		r.nodeErr = fmt.Errorf("node: %w", err)
	}

	r.idleAllowed, err = c.allowNoActivity(ctx, path, r, now)
	if err != nil {
		r.nodeErr = errors.Join(r.nodeErr, fmt.Errorf("consumer: %w", err))
	}
	r.report, r.reportErr = c.latestReport(ctx, path, now)

	r.jobs, r.jobsErr = c.readJobs(ctx, path, r.state, now)
	r.state.remember(r.jobs)

	if r.node == nil || !r.state.lastSuccess.IsZero() {
		return
	}
	var fs list[filespace]
	err = c.get(ctx, "/bunits/{bunit}/consumers/{consumer}/node/filespaces", path+"/node/filespaces",
		url.Values{"tsmSync": {"false"}}, &fs) // tsmSync=true would force a slow sync with the server
	if err != nil {
		if !httpapi.IsStatus(err, http.StatusNotFound) {
			r.filespaceErr = fmt.Errorf("filespaces: %w", err)
		}
		return
	}
	for _, f := range fs.List {
		if f.LastBackupEnd.After(r.filespaceBackup) {
			r.filespaceBackup = f.LastBackupEnd.Time
		}
	}
}

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

// allowNoActivity returns the consumer's allowNoActivity: the list's when
// it sent one, else its item endpoint's, the most specific endpoint as
// Safespring advises (cloutility.md 3.3), read again every inventory_ttl.
func (c *Client) allowNoActivity(ctx context.Context, path string, r *consumerRead, now time.Time) (bool, error) {
	if v := r.consumer.AllowNoActivity; v != nil {
		return *v, nil
	}
	return r.state.allowNoActivity.Get(ctx, now, c.inventoryTTL, func(ctx context.Context) (bool, error) {
		var full consumer
		if err := c.get(ctx, "/bunits/{bunit}/consumers/{consumer}", path, nil, &full); err != nil {
			return false, err
		}
		return full.AllowNoActivity != nil && *full.AllowNoActivity, nil
	})
}

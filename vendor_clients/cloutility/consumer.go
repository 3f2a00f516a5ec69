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
}

// consumerRead is what one refresh read of one consumer.
type consumerRead struct {
	bunit    *bunit
	consumer consumer
	state    *consumerState
	// node and report are nil when the consumer has none (404).
	node   *node
	report *nodeReport
	jobs   []job
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

	// status and warnings are left out of a report unless asked for.
	var rep nodeReport
	q := url.Values{"status": {"true"}, "warnings": {"true"}}
	if err := c.get(ctx, "/bunits/{bunit}/consumers/{consumer}/reports/latest", path+"/reports/latest", q, &rep); err == nil {
		r.report = &rep
	} else if !httpapi.IsStatus(err, http.StatusNotFound) {
		r.reportErr = fmt.Errorf("latest report: %w", err)
	}

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
	for _, f := range fs {
		if f.LastBackupEnd.After(r.filespaceBackup) {
			r.filespaceBackup = f.LastBackupEnd.Time
		}
	}
}

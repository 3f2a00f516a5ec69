package main

import (
	"context"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// The live simulator moves three fakes' data forward while it runs, so that
// rates, trends and "over time" panels have something to show: CloverDX
// keeps finishing executions, a third of them failing, a third of the
// Cloutility consumers with a storage threshold grow towards it, and the
// Clumio protection groups that keep less than their retention keep
// expiring their oldest backups.
const (
	// liveRunsPerTick is how many CloverDX executions finish each tick.
	liveRunsPerTick = 3
	// liveFillTime is how long a growing consumer takes to add its whole
	// threshold: two days, so that a four-day trend always reaches it.
	liveFillTime = 48 * time.Hour
	// liveCap stops a consumer's growth at this multiple of its threshold.
	liveCap = 1.2
)

// runLive ticks the fakes every interval until ctx ends. When
// sizeAnomaliesAfter is positive, the first tick after it (or after
// incidents is closed, if sooner) picks two Cloutility nodes, and every tick
// from then on finishes a backup on each, far from their usual size
// (pickSizeAnomalies).
func runLive(ctx context.Context, interval, sizeAnomaliesAfter time.Duration, incidents <-chan struct{}, clumio *clumiofake.Server, cloverdx *cloverdxfake.Server, cloutility *cloutilityfake.Server) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var tick int64
	start := time.Now()
	var anomalies []sizeAnomaly
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			tick++
			clumio.Update(func(d *clumiofake.Data) { clumiofake.ExpireEarly(d, now, interval) })
			cloverdx.Update(func(d *cloverdxfake.Data) { finishRuns(d, now, tick) })
			cloutility.Update(func(d *cloutilityfake.Data) {
				growStorage(d, interval)
				if sizeAnomaliesAfter > 0 && (now.Sub(start) >= sizeAnomaliesAfter || closed(incidents)) {
					if anomalies == nil {
						anomalies = pickSizeAnomalies(d, now)
					}
					finishAnomalousBackups(d, anomalies, now)
				}
			})
		}
	}
}

// sizeAnomalyFactor is how far from its usual size an anomalous backup is:
// well past BackupSizeAnomaly's thresholds of 3 and a third.
const sizeAnomalyFactor = 10

// sizeAnomaly is a Cloutility node whose backups now transfer mb megabytes.
type sizeAnomaly struct {
	consumer *cloutilityfake.Consumer
	mb       float64
}

// pickSizeAnomalies picks the first two Cloutility nodes whose latest
// finished backup the exporter shows with its transfer: from now on the
// first moves sizeAnomalyFactor times as much per backup (ransomware
// encrypting the node's files), the second a sizeAnomalyFactor-th (a mass
// deletion).
func pickSizeAnomalies(d *cloutilityfake.Data, now time.Time) []sizeAnomaly {
	factors := []float64{sizeAnomalyFactor, 1.0 / sizeAnomalyFactor}
	var picked []sizeAnomaly
	for _, c := range d.Consumers {
		if len(picked) == len(factors) {
			break
		}
		if latest := latestTransfer(c, now); latest != nil && *latest.TransferredMB > 0 {
			picked = append(picked, sizeAnomaly{consumer: c, mb: *latest.TransferredMB * factors[len(picked)]})
		}
	}
	return picked
}

// finishAnomalousBackups finishes one backup now on each anomalous node,
// so that its new size lasts and its target keeps finishing jobs.
func finishAnomalousBackups(d *cloutilityfake.Data, anomalies []sizeAnomaly, now time.Time) {
	nextID := 0
	for _, c := range d.Consumers {
		for _, j := range c.Jobs {
			nextID = max(nextID, j.ID+1)
		}
	}
	for _, a := range anomalies {
		mb := a.mb
		a.consumer.Jobs = append(a.consumer.Jobs, cloutilityfake.Job{
			ID: nextID, Type: cloutilityfake.JobBackup, Status: cloutilityfake.JobCompleted,
			ScheduledStart: now.Add(-time.Minute), ActualStart: now.Add(-time.Minute), Completed: now, TransferredMB: &mb,
		})
		nextID++
	}
}

// latestTransfer returns the latest backup job of an active consumer if it
// completed within the two days before now and reports its transfer, else
// nil: a job the exporter's first refresh reads and shows. "Latest" goes by
// completion, else actual start, else scheduled start, so that a later
// missed or running job (whose outcome the exporter shows instead)
// disqualifies the node.
func latestTransfer(c *cloutilityfake.Consumer, now time.Time) *cloutilityfake.Job {
	if c.Node == nil || c.State != cloutilityfake.StateActive {
		return nil
	}
	var latest *cloutilityfake.Job
	for i := range c.Jobs {
		j := &c.Jobs[i]
		if j.Type == cloutilityfake.JobBackup && (latest == nil || jobTime(j).After(jobTime(latest))) {
			latest = j
		}
	}
	if latest == nil || latest.Status != cloutilityfake.JobCompleted || latest.TransferredMB == nil || now.Sub(latest.Completed) > 48*time.Hour {
		return nil
	}
	return latest
}

// jobTime is when a job last moved: its completion, else its actual start,
// else its scheduled start.
func jobTime(j *cloutilityfake.Job) time.Time {
	for _, t := range []time.Time{j.Completed, j.ActualStart, j.ScheduledStart} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// finishRuns appends executions that have just finished, on the job files of
// the newest runs, every third one failed.
func finishRuns(d *cloverdxfake.Data, now time.Time, tick int64) {
	if len(d.Executions) == 0 {
		return
	}
	// Executions are kept newest first.
	next := d.Executions[0].RunID + 1
	for i := range liveRunsPerTick {
		model := d.Executions[(int(tick)*liveRunsPerTick+i)%len(d.Executions)]
		run := cloverdxfake.Execution{
			RunID:         next + int64(i),
			Sandbox:       model.Sandbox,
			JobFile:       model.JobFile,
			Status:        "FINISHED_OK",
			ExecutionType: model.ExecutionType,
			Submitted:     now.Add(-40 * time.Second),
			Started:       now.Add(-35 * time.Second),
			Ended:         now,
		}
		if (int(tick)*liveRunsPerTick+i)%3 == 0 {
			run.Status, run.ErrorMessage = "ERROR", "Component DB_OUTPUT_TABLE0 finished with status ERROR"
		}
		d.Executions = append(d.Executions, run)
	}
}

// growStorage grows every third consumer with a threshold, at a pace that
// adds its threshold in liveFillTime, up to liveCap times the threshold.
func growStorage(d *cloutilityfake.Data, interval time.Duration) {
	n := 0
	for _, c := range d.Consumers {
		if c.LimitHighStorageGB == nil || c.Report == nil || c.Report.MegaBytes == nil {
			continue
		}
		n++
		if n%3 != 0 {
			continue
		}
		limitMB := *c.LimitHighStorageGB * 1024
		used := *c.Report.MegaBytes + limitMB*interval.Seconds()/liveFillTime.Seconds()
		used = min(used, limitMB*liveCap)
		c.Report.MegaBytes = &used
	}
}

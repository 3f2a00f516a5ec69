package cloutility

import (
	"slices"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// rememberObjects folds the file counts of the backup jobs that ran (a
// success, a warning or a failure) and finished after the newest finished
// job seen so far, oldest first: the newest one's counts
// become the latest, and each job with failed files lengthens the run of
// partial backups while a job without ends it. A job read again (the
// windows overlap) is not newer, so it is not counted twice. A job that
// reports no counts leaves the run as it was.
func (st *consumerState) rememberObjects(jobs []job) {
	type finished struct {
		end     time.Time
		objects *backup.ObjectCounts
	}
	var fresh []finished
	for _, j := range jobs {
		// A missed or aborted job read no file: its counts, zeros where
		// sent, say nothing about the backup.
		switch status := jobStatus(j); {
		case jobType(j.Type) != backup.JobBackup:
			continue
		case status != backup.StatusSuccess && status != backup.StatusWarning && status != backup.StatusFailed:
			continue
		}
		if end := jobEnd(j); end.After(st.lastFinished) {
			fresh = append(fresh, finished{end, jobObjects(j)})
		}
	}
	slices.SortStableFunc(fresh, func(a, b finished) int { return a.end.Compare(b.end) })
	for _, f := range fresh {
		if f.objects == nil {
			continue
		}
		st.lastObjects = f.objects
		if f.objects.Partial() {
			st.partialInRow++
		} else {
			st.partialInRow = 0
		}
	}
}

// jobObjects are the job's file counts: examinedFiles is the whole,
// failedFiles the part it could not back up. nil when it reports neither.
func jobObjects(j job) *backup.ObjectCounts {
	if j.ExaminedFiles == nil && j.FailedFiles == nil {
		return nil
	}
	return &backup.ObjectCounts{Total: j.ExaminedFiles, Failed: j.FailedFiles}
}

package backtest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
)

// cloutilityFake drives the Cloutility fake: backups are a consumer's
// jobs, and its node checks in at every tick.
type cloutilityFake struct {
	srv    *cloutilityfake.Server
	off    map[string]bool
	kept   []*simAsset
	hidden []*cloutilityfake.Consumer
	jobN   int
	nextID int
}

func newCloutilityFake(seed uint64, scale int, clock *Clock) *cloutilityFake {
	start := clock.Now()
	f := &cloutilityFake{
		srv:  cloutilityfake.New(cloutilityfake.Options{Seed: int64(seed), Scale: scale, Now: start, Clock: clock.Now}),
		jobN: 900000, nextID: 90000, off: map[string]bool{},
	}
	f.srv.Update(func(d *cloutilityfake.Data) {
		var kept []*cloutilityfake.Consumer
		for _, c := range d.Consumers {
			last := lastBackup(c)
			if c.State != cloutilityfake.StateActive || c.Node == nil || c.Node.Locked || c.Node.Decommissioned ||
				c.Report == nil || c.Report.Status != cloutilityfake.Ok || len(c.Report.Warnings) > 0 ||
				last == nil || last.Status != cloutilityfake.JobCompleted || last.Result != 0 || last.TransferredMB == nil ||
				last.Completed.Before(start.Add(-25*time.Hour)) || overQuota(c) {
				continue
			}
			lastEnd, lastMB := last.Completed, *last.TransferredMB
			c.Jobs = slices.DeleteFunc(c.Jobs, func(j cloutilityfake.Job) bool {
				return j.Status != cloutilityfake.JobCompleted || j.Result != 0
			})
			kept = append(kept, c)
			sa := &simAsset{id: strconv.Itoa(c.ID), period: 24 * time.Hour, baseMB: lastMB}
			sa.schedule(lastEnd, start)
			f.kept = append(f.kept, sa)
		}
		d.Consumers = kept
	})
	return f
}

// lastBackup returns c's latest backup job, or nil.
func lastBackup(c *cloutilityfake.Consumer) *cloutilityfake.Job {
	for i := len(c.Jobs) - 1; i >= 0; i-- {
		if c.Jobs[i].Type == cloutilityfake.JobBackup {
			return &c.Jobs[i]
		}
	}
	return nil
}

// overQuota reports whether c stores more than 80% of its threshold.
func overQuota(c *cloutilityfake.Consumer) bool {
	return c.LimitHighStorageGB != nil && c.Report.MegaBytes != nil && *c.Report.MegaBytes > 0.8*1024**c.LimitHighStorageGB
}

func (f *cloutilityFake) handler() http.Handler { return f.srv }

func (f *cloutilityFake) target(name, url string) string {
	return fmt.Sprintf("  - name: %s\n    vendor: cloutility\n    url: %s\n    client_id: %s\n    origin: %s\n    username: %s\n    password: %s\n",
		name, url, cloutilityfake.DefaultClientID, cloutilityfake.DefaultOrigin, cloutilityfake.DefaultUsername, cloutilityfake.DefaultPassword)
}

func (f *cloutilityFake) assets() []*simAsset { return f.kept }

// consumer returns the consumer of a, served or hidden: a vendor that
// answers with no inventory still runs its backups.
func (f *cloutilityFake) consumer(d *cloutilityfake.Data, a *simAsset) *cloutilityfake.Consumer {
	for _, c := range append(d.Consumers, f.hidden...) {
		if strconv.Itoa(c.ID) == a.id {
			return c
		}
	}
	return nil
}

func (f *cloutilityFake) tick(now time.Time) {
	f.srv.Update(func(d *cloutilityfake.Data) {
		d.Now = now
		for _, c := range d.Consumers {
			if c.Node != nil && c.State == cloutilityfake.StateActive && !f.off[strconv.Itoa(c.ID)] {
				c.Node.LastAccess = now.Add(-time.Minute)
			}
		}
	})
}

func (f *cloutilityFake) backup(a *simAsset, end time.Time, ok bool, transferredMB float64) {
	f.srv.Update(func(d *cloutilityfake.Data) {
		c := f.consumer(d, a)
		if c == nil || f.off[a.id] {
			return
		}
		f.jobN++
		start := end.Add(-20 * time.Minute)
		j := cloutilityfake.Job{ID: f.jobN, Type: cloutilityfake.JobBackup, Status: cloutilityfake.JobCompleted,
			ScheduledStart: start, ActualStart: start, Completed: end, TransferredMB: &transferredMB}
		if !ok {
			j.Status, j.Result, j.FailedFiles, j.TransferredMB = cloutilityfake.JobFailed, 12, 50, nil
		}
		// Keep five weeks of jobs: the exporter reads no further back.
		c.Jobs = slices.DeleteFunc(append(c.Jobs, j), func(j cloutilityfake.Job) bool { return end.Sub(j.Completed) > 35*24*time.Hour })
		if ok && c.Node != nil {
			for i := range c.Node.Filespaces {
				c.Node.Filespaces[i].LastBackupStart, c.Node.Filespaces[i].LastBackupEnd = start, end
			}
		}
		if c.Report != nil {
			c.Report.Date = end
		}
	})
}

func (f *cloutilityFake) setProtected(a *simAsset, protected bool) bool {
	f.srv.Update(func(d *cloutilityfake.Data) {
		if c := f.consumer(d, a); c != nil && c.Node != nil {
			c.Node.Locked = !protected
		}
	})
	return true
}

func (f *cloutilityFake) setInventoryEmpty(empty bool) {
	f.srv.Update(func(d *cloutilityfake.Data) {
		if empty && f.hidden == nil {
			f.hidden, d.Consumers = d.Consumers, nil
		} else if !empty && f.hidden != nil {
			d.Consumers, f.hidden = f.hidden, nil
		}
	})
}

func (f *cloutilityFake) setVendorAlert(*simAsset, bool, time.Time) bool { return false }

func (f *cloutilityFake) onboard(tenant string, n int, now time.Time) []*simAsset {
	var added []*simAsset
	f.srv.Update(func(d *cloutilityfake.Data) {
		unit := -1
		for _, b := range d.BusinessUnits {
			if b.Name == tenant {
				unit = b.ID
			}
		}
		if unit < 0 {
			return
		}
		for range n {
			f.nextID++
			name := fmt.Sprintf("onboarded-%d", f.nextID)
			d.Consumers = append(d.Consumers, &cloutilityfake.Consumer{
				ID: f.nextID, BusinessUnitID: unit, Name: name, State: cloutilityfake.StateActive, Created: now,
				Node:   &cloutilityfake.Node{ID: f.nextID, Name: name, LastAccess: now},
				Report: &cloutilityfake.Report{ID: f.nextID, Date: now, Status: cloutilityfake.Ok},
			})
			sa := &simAsset{id: strconv.Itoa(f.nextID), tenant: tenant, period: 24 * time.Hour, baseMB: 5000}
			sa.schedule(time.Time{}, now)
			added = append(added, sa)
		}
	})
	return added
}

func (f *cloutilityFake) setAgentOn(a *simAsset, on bool) bool {
	f.srv.Update(func(*cloutilityfake.Data) { f.off[a.id] = !on })
	return true
}

// fillStorage sets the node report's stored megabytes; a consumer without
// a threshold gets one twice its current use.
func (f *cloutilityFake) fillStorage(a *simAsset, share float64) bool {
	f.srv.Update(func(d *cloutilityfake.Data) {
		c := f.consumer(d, a)
		if c == nil || c.Report == nil || c.Report.MegaBytes == nil {
			return
		}
		if c.LimitHighStorageGB == nil {
			limit := *c.Report.MegaBytes * 2 / 1024
			c.LimitHighStorageGB = &limit
		}
		used := share * *c.LimitHighStorageGB * 1024
		c.Report.MegaBytes = &used
	})
	return true
}

func (f *cloutilityFake) failRestore(a *simAsset, now time.Time) bool {
	f.srv.Update(func(d *cloutilityfake.Data) {
		if c := f.consumer(d, a); c != nil {
			f.jobN++
			start := now.Add(-10 * time.Minute)
			c.Jobs = append(c.Jobs, cloutilityfake.Job{ID: f.jobN, Type: cloutilityfake.JobRestore, Status: cloutilityfake.JobFailed,
				Result: 12, ScheduledStart: start, ActualStart: start, Completed: now})
		}
	})
	return true
}

// itemPath is the consumer's path: every read of one consumer is under it
// (/v1/bunits/{b}/consumers/{c}/...), and the consumers list beside it is
// not.
func (f *cloutilityFake) itemPath(a *simAsset) string { return "/consumers/" + a.id }

func (f *cloutilityFake) tls() bool { return false }

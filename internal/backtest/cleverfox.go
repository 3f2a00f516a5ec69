package backtest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
)

// cleverfoxFake drives the CleverFox fake: assets are nightly jobs on
// devices, backups are the jobs' logs, and each device's agent checks in at
// every tick unless the device is off.
type cleverfoxFake struct {
	srv    *cleverfoxfake.Server
	kept   []*simAsset
	hidden []cleverfoxfake.Job
	off    map[int]bool
	logN   int
}

func newCleverfoxFake(seed uint64, scale int, clock *Clock) *cleverfoxFake {
	start := clock.Now()
	f := &cleverfoxFake{srv: cleverfoxfake.New(cleverfoxfake.Options{Seed: seed, Scale: scale, Now: start}), off: map[int]bool{}}
	f.srv.Update(func(d *cleverfoxfake.Data) {
		latest := map[int]cleverfoxfake.Log{}
		for _, l := range d.Logs {
			if l.AddedOn.After(latest[l.JobID].AddedOn) {
				latest[l.JobID] = l
			}
			f.logN = max(f.logN, l.ID)
		}
		devices := map[int]cleverfoxfake.Device{}
		for _, dev := range d.Devices {
			devices[dev.ID] = dev
		}
		inactiveCompany := map[int]bool{}
		for _, c := range d.Companies {
			inactiveCompany[c.ID] = c.Inactive
		}
		keep := map[int]bool{}
		var jobs []cleverfoxfake.Job
		for _, j := range d.Jobs {
			l, dev := latest[j.ID], devices[j.DeviceID]
			if j.Frequency != "Daily" || j.Inactive || dev.Inactive || inactiveCompany[dev.CompanyID] ||
				l.Status != "Completed" || start.Sub(l.Completed) > 24*time.Hour || start.Sub(dev.LastAPICheckAt) > 12*time.Hour {
				continue
			}
			// A run late by lateBy stays within the job's RPO (its interval
			// plus LateAfter plus its duration), as backups_late means; a
			// job may start 2 hours late, not 30 minutes (the month's first
			// run saw Birch LLC's late runs called missed).
			j.LateAfter = max(j.LateAfter, int((lateBy + 30*time.Minute).Minutes()))
			keep[j.ID] = true
			jobs = append(jobs, j)
			var mb float64
			for _, it := range l.Items {
				if it.FileSize != nil {
					mb += float64(*it.FileSize) / (1 << 20)
				}
			}
			// The next run starts at the job's NextRunOn (its log lasts one
			// step): one started before it would be missed, as the product
			// and the exporter read a job past NextRunOn without a log.
			sa := &simAsset{id: strconv.Itoa(j.ID), period: 24 * time.Hour, baseMB: max(mb, 100)}
			sa.schedule(j.NextRunOn.Add(step-sa.period), start)
			f.kept = append(f.kept, sa)
		}
		d.Jobs = jobs
		// Every current subscription stays paid for beyond any run, with
		// room for many more devices, and the canceled ones beside them
		// are gone: a trial ending, a lapse or a quota near its limit would
		// fire alerts no incident explains.
		d.Subscriptions = slices.DeleteFunc(d.Subscriptions, func(sub cleverfoxfake.Subscription) bool { return sub.Inactive })
		for i := range d.Subscriptions {
			sub := &d.Subscriptions[i]
			sub.Status, sub.PeriodEnd = "Active", start.AddDate(1, 0, 0)
			sub.AdditionalDevice += 1000
		}
		d.Logs = slices.DeleteFunc(d.Logs, func(l cleverfoxfake.Log) bool { return !keep[l.JobID] || l.Status != "Completed" })
		d.Devices = slices.DeleteFunc(d.Devices, func(dev cleverfoxfake.Device) bool {
			return !slices.ContainsFunc(jobs, func(j cleverfoxfake.Job) bool { return j.DeviceID == dev.ID })
		})
	})
	return f
}

func (f *cleverfoxFake) handler() http.Handler { return f.srv }

// The fake serves HTTPS only, with a self-signed certificate.
func (f *cleverfoxFake) target(name, url string) string {
	return fmt.Sprintf("  - name: %s\n    vendor: cleverfox\n    url: %s/api\n    api_key: %s\n    tls_config:\n      insecure_skip_verify: true\n",
		name, url, cleverfoxfake.DefaultAPIKey)
}

func (f *cleverfoxFake) tls() bool { return true }

func (f *cleverfoxFake) assets() []*simAsset { return f.kept }

// job returns the job of a, served or hidden: a vendor that answers with no
// inventory still runs its backups.
func (f *cleverfoxFake) job(d *cleverfoxfake.Data, a *simAsset) *cleverfoxfake.Job {
	for _, jobs := range [][]cleverfoxfake.Job{d.Jobs, f.hidden} {
		for i := range jobs {
			if strconv.Itoa(jobs[i].ID) == a.id {
				return &jobs[i]
			}
		}
	}
	return nil
}

// Check-ins move once every ten minutes, so that the data set's index is
// not rebuilt at every tick.
func (f *cleverfoxFake) tick(now time.Time) {
	if now.Minute()%10 != 0 {
		return
	}
	f.srv.Update(func(d *cleverfoxfake.Data) {
		for i := range d.Devices {
			if !f.off[d.Devices[i].ID] {
				d.Devices[i].LastAPICheckAt = now.Add(-time.Minute)
			}
		}
	})
}

func (f *cleverfoxFake) backup(a *simAsset, end time.Time, ok bool, transferredMB float64) {
	f.srv.Update(func(d *cleverfoxfake.Data) {
		j := f.job(d, a)
		if j == nil || f.off[j.DeviceID] {
			return
		}
		// A run's log appears when the simulation finishes it, so it lasts
		// one tick: a longer one would leave the job past NextRunOn with no
		// log, which the product (and the exporter) call missed.
		start := end.Add(-step)
		f.logN++
		l := cleverfoxfake.Log{ID: f.logN, JobID: j.ID, Status: "Completed", Started: start, Completed: end, AddedOn: start}
		if !ok {
			l.Status, l.Error = "Failed", "The network path was not found."
		}
		for _, it := range j.Items {
			li := cleverfoxfake.LogItem{ItemID: it.ID, Name: it.Name, Engine: it.Engine}
			if ok {
				size := int64(transferredMB * (1 << 20) / float64(len(j.Items)))
				li.FileSize = &size
			}
			l.Items = append(l.Items, li)
		}
		d.Logs = append(d.Logs, l)
		j.LastRanOn, j.NextRunOn = start, a.after(start)
		// Keep five weeks of logs: the exporter reads no further back.
		d.Logs = slices.DeleteFunc(d.Logs, func(l cleverfoxfake.Log) bool { return end.Sub(l.AddedOn) > 35*24*time.Hour })
	})
}

func (f *cleverfoxFake) setProtected(a *simAsset, protected bool) bool {
	f.srv.Update(func(d *cleverfoxfake.Data) {
		if j := f.job(d, a); j != nil {
			j.Inactive = !protected
		}
	})
	return true
}

func (f *cleverfoxFake) setInventoryEmpty(empty bool) {
	f.srv.Update(func(d *cleverfoxfake.Data) {
		if empty && f.hidden == nil {
			f.hidden, d.Jobs = d.Jobs, nil
		} else if !empty && f.hidden != nil {
			d.Jobs, f.hidden = f.hidden, nil
		}
	})
}

func (f *cleverfoxFake) setVendorAlert(*simAsset, bool, time.Time) bool { return false }

func (f *cleverfoxFake) onboard(string, int, time.Time) []*simAsset { return nil }

// setAgentOn switches the device of a on or off: off, it neither checks in
// nor runs its jobs, as a laptop shut for the weekend.
func (f *cleverfoxFake) setAgentOn(a *simAsset, on bool) bool {
	f.srv.Update(func(d *cleverfoxfake.Data) {
		if j := f.job(d, a); j != nil {
			f.off[j.DeviceID] = !on
		}
	})
	return true
}

func (f *cleverfoxFake) fillStorage(*simAsset, float64) bool { return false }

func (f *cleverfoxFake) failRestore(*simAsset, time.Time) bool { return false }

func (f *cleverfoxFake) itemPath(*simAsset) string { return "" }

package cleverfox

import (
	"strconv"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// AssetType is the asset_type of every CleverFox asset: a backup job on a
// device. (A job may mix file, folder and SQL Server items, so the items'
// engines do not give one type.)
const AssetType = "cleverfox_job"

// bytesPerGB converts a plan's StorageLimit. The API says GB; decimal GB
// (10^9 bytes) is the inference of the vendor notes, as storage is sold.
const bytesPerGB = 1e9

// mapper turns one refresh's lists into the snapshot's parts.
type mapper struct {
	inv       *inventory
	zones     *zones
	companies map[int]*Company
	plans     map[int]*Plan
	devices   map[int]*Device
	jobs      map[int]*Job
}

func newMapper(inv *inventory, z *zones) *mapper {
	return &mapper{
		inv:       inv,
		zones:     z,
		companies: byID(inv.companies, func(c *Company) int { return c.CompanyID }),
		plans:     byID(inv.plans, func(p *Plan) int { return p.PlanID }),
		devices:   byID(inv.devices, func(d *Device) int { return d.DeviceID }),
		jobs:      byID(inv.jobs, func(j *Job) int { return j.JobID }),
	}
}

func byID[T any](items []T, id func(*T) int) map[int]*T {
	m := make(map[int]*T, len(items))
	for i := range items {
		m[id(&items[i])] = &items[i]
	}
	return m
}

// active reports whether a job is scheduled to run: the job and its device
// are both active.
func (m *mapper) active(j *Job) bool {
	d := m.devices[j.DeviceID]
	return !j.IsInactive && d != nil && !d.IsInactive
}

// deviceZone is the zone of a device's "DateTime Local" fields.
func (m *mapper) deviceZone(deviceID int) *time.Location {
	if d := m.devices[deviceID]; d != nil {
		return m.zones.location(d.TimeZoneID)
	}
	return time.UTC
}

// logZone is the zone of a log's local times: the zone the log names, else
// its device's.
func (m *mapper) logZone(l *Log) *time.Location {
	if l.TimeZoneID != "" {
		return m.zones.location(l.TimeZoneID)
	}
	return m.deviceZone(l.DeviceID)
}

// assets maps every job, active or not, to an asset.
func (m *mapper) assets(h *logHistory, now time.Time) []backup.Asset {
	out := make([]backup.Asset, 0, len(m.inv.jobs))
	for i := range m.inv.jobs {
		j := &m.inv.jobs[i]
		loc := m.deviceZone(j.DeviceID)
		a := backup.Asset{
			ID:        strconv.Itoa(j.JobID),
			Name:      j.Name,
			Type:      AssetType,
			Protected: m.active(j),
		}
		if d := m.devices[j.DeviceID]; d != nil {
			a.Name = d.Name + "/" + j.Name
			a.LastSeen = d.LastAPICheckAt.In(loc)
			if c := m.companies[d.CompanyID]; c != nil {
				a.Tenant = c.Name
			}
		}
		rec := h.jobs[j.JobID]
		if rec != nil {
			a.LastAttempt = rec.lastAttempt
			a.LastStatus = rec.lastStatus
			a.LastDuration = rec.lastDuration
			a.LastTransferredBytes = rec.lastTransferred
			a.LastSuccess = rec.lastSuccess
			a.SizeBytes = rec.successSize
		}
		if a.Protected && overdue(j, loc, rec, now) {
			a.LastStatus = backup.StatusMissed
		}
		if iv := j.interval(); iv > 0 {
			// The schedule is the job's policy: a run is due every interval,
			// may start LateAfter minutes late and takes about as long as
			// the last good one, so its end is due that long after the last.
			a.RPO = iv + j.lateAfter()
			if rec != nil {
				a.RPO += rec.successDuration
			}
		}
		out = append(out, a)
	}
	return out
}

// overdue applies the product's own "missed" rule: the job is past NextRunOn
// plus LateAfter minutes and no log has started since NextRunOn.
func overdue(j *Job, loc *time.Location, rec *jobRecord, now time.Time) bool {
	if j.NextRunOn.IsZero() {
		return false
	}
	next := j.NextRunOn.In(loc)
	if !now.After(next.Add(j.lateAfter())) {
		return false
	}
	return rec == nil || rec.newestStart.Before(next)
}

// subscriptions maps each active subscription to its storage quota and its
// device figures. A limit of 0 is read as "not set" and left out.
func (m *mapper) subscriptions() ([]backup.Storage, []backup.Sample) {
	devices := map[int]int{}
	for _, d := range m.inv.devices {
		if !d.IsInactive {
			devices[d.SubscriptionID]++
		}
	}
	var storage []backup.Storage
	var samples []backup.Sample
	for _, s := range m.inv.subscriptions {
		if s.IsInactive {
			continue
		}
		id := strconv.Itoa(s.SubscriptionID)
		samples = append(samples, backup.Sample{Spec: &devicesSpec, LabelValues: []string{id}, Value: float64(devices[s.SubscriptionID])})
		p := m.plans[s.PlanID]
		if p == nil {
			continue
		}
		if limit := p.DeviceLimit + s.AdditionalDevice; p.DeviceLimit > 0 {
			samples = append(samples, backup.Sample{Spec: &deviceLimitSpec, LabelValues: []string{id}, Value: float64(limit)})
		}
		if p.StorageLimit > 0 {
			name := p.Name
			if c := m.companies[s.CompanyID]; c != nil {
				name = c.Name + " (" + p.Name + ")"
			}
			storage = append(storage, backup.Storage{
				Scope:      "subscription",
				ScopeID:    id,
				ScopeName:  name,
				LimitBytes: backup.Float(float64(p.StorageLimit) * bytesPerGB),
			})
		}
	}
	return storage, samples
}

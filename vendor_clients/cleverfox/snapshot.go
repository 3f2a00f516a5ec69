package cleverfox

import (
	"strconv"
	"strings"
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
	subs      map[int]*Subscription
	plans     map[int]*Plan
	devices   map[int]*Device
	jobs      map[int]*Job
}

func newMapper(inv *inventory, z *zones) *mapper {
	return &mapper{
		inv:       inv,
		zones:     z,
		companies: byID(inv.companies, func(c *Company) int { return c.CompanyID }),
		subs:      byID(inv.subscriptions, func(s *Subscription) int { return s.SubscriptionID }),
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

// covered reports whether a job is protected: it is active, and its
// device's company is active and its subscription has not lapsed. A
// company or subscription the lists do not hold is given the benefit of
// the doubt (the job's own state decides).
func (m *mapper) covered(j *Job, now time.Time) bool {
	if !m.active(j) {
		return false
	}
	d := m.devices[j.DeviceID]
	if c := m.companies[d.CompanyID]; c != nil && c.IsInactive {
		return false
	}
	if s := m.subs[d.SubscriptionID]; s != nil && lapsed(s, now) {
		return false
	}
	return true
}

// running counts the jobs whose newest log is running, but for those the
// "missed" rule has overtaken (a run that never ended, on a device gone
// quiet): CleverFox's jobs running now. cleverfox.md has no queue, so none
// is queued.
func (m *mapper) running(h *logHistory, now time.Time) int {
	n := 0
	for i := range m.inv.jobs {
		j := &m.inv.jobs[i]
		rec := h.jobs[j.JobID]
		if rec == nil || rec.lastStatus != backup.StatusRunning {
			continue
		}
		if m.active(j) && overdue(j, m.deviceZone(j.DeviceID), rec, now) {
			continue
		}
		n++
	}
	return n
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
			Protected: m.covered(j, now),
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

// subscriptionStates maps the Status values the exporter knows, compared
// without case, spaces or underscores, to the `status` label. The values
// are not documented; these are the ones cleverfox.md 2.6 names.
var subscriptionStates = map[string]string{
	"active":    "active",
	"trialing":  "trialing",
	"trial":     "trialing",
	"pastdue":   "past_due",
	"canceled":  "canceled",
	"cancelled": "canceled",
}

// subscriptionState returns the `status` label of a Status, "" for an empty
// one, and false for a value the exporter does not know.
func subscriptionState(s string) (string, bool) {
	key := strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(s))
	if key == "" {
		return "", true
	}
	state, ok := subscriptionStates[key]
	return state, ok
}

// lapseGrace is how long after PeriodEnd a subscription still counts as
// current: a renewing subscription's next period may be written a little
// after the old one ends, and one late update must not unprotect a
// company's every job.
const lapseGrace = 24 * time.Hour

// lapsed reports whether a subscription no longer pays for backups: it is
// inactive, its period ended (past lapseGrace), or it is canceled without a
// period still running.
func lapsed(s *Subscription, now time.Time) bool {
	end := s.PeriodEnd.UTC()
	state, _ := subscriptionState(s.Status)
	switch {
	case s.IsInactive:
		return true
	case !end.IsZero():
		return now.After(end.Add(lapseGrace))
	default:
		return state == "canceled"
	}
}

// subscriptions maps each active subscription to its storage quota and its
// device figures (a limit of 0 is read as "not set" and left out), and
// every subscription, inactive ones too, to its state: status, end of
// period and whether it lapsed. A Status the exporter does not know and a
// PeriodEnd it cannot read are left out and returned as issues.
func (m *mapper) subscriptions(now time.Time) ([]backup.Storage, []backup.Sample, []backup.Issue) {
	devices := map[int]int{}
	for _, d := range m.inv.devices {
		if !d.IsInactive {
			devices[d.SubscriptionID]++
		}
	}
	var storage []backup.Storage
	var samples []backup.Sample
	var issues []backup.Issue
	for _, s := range m.inv.subscriptions {
		id := strconv.Itoa(s.SubscriptionID)
		tenant := ""
		if c := m.companies[s.CompanyID]; c != nil {
			tenant = c.Name
		}
		if state, ok := subscriptionState(s.Status); !ok {
			issues = append(issues, backup.Issue{Reason: "unknown_subscription_status", Text: "subscription Status the exporter does not know (status left out)", Example: s.Status})
		} else if state != "" {
			samples = append(samples, backup.Sample{Spec: &subscriptionStatusSpec, LabelValues: []string{id, tenant, state}, Value: 1})
		}
		if s.PeriodEnd.Unreadable() {
			issues = append(issues, backup.Issue{Reason: "unreadable_time", Text: "subscription PeriodEnd that is not a timestamp (left out)", Example: id})
		} else if end := s.PeriodEnd.UTC(); !end.IsZero() {
			samples = append(samples, backup.Sample{Spec: &expirySpec, LabelValues: []string{id, tenant}, Value: float64(end.UnixNano()) / 1e9})
		}
		samples = append(samples, backup.Sample{Spec: &lapsedSpec, LabelValues: []string{id, tenant}, Value: boolValue(lapsed(&s, now))})
		if s.IsInactive {
			continue
		}
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
	return storage, samples, issues
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

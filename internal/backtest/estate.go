package backtest

import (
	"hash/fnv"
	"math"
	"net/http"
	"time"
)

// vendorFake is one vendor's fake as the simulation drives it: its data set
// is cut down to healthy assets at the start (so that every alert is
// explained by an incident), and then moved forward by the simulation,
// which finishes each asset's backups on its schedule.
type vendorFake interface {
	// handler serves the vendor's API.
	handler() http.Handler
	// target is the exporter's config of a target named name at url.
	target(name, url string) string
	// assets are the assets kept at the start, in a stable order.
	assets() []*simAsset
	// tick moves the data set's present to now.
	tick(now time.Time)
	// backup finishes one backup of a at end, successful or failed, moving
	// transferredMB.
	backup(a *simAsset, end time.Time, ok bool, transferredMB float64)
	// setProtected gives a its protection back, or removes it; false when
	// the vendor's assets cannot lose it.
	setProtected(a *simAsset, protected bool) bool
	// setInventoryEmpty makes the vendor answer with no assets, or with its
	// assets again.
	setInventoryEmpty(empty bool)
	// setVendorAlert raises an alert on a at now, or clears it; false when
	// the vendor has no alerts.
	setVendorAlert(a *simAsset, raised bool, now time.Time) bool
	// onboard adds n new assets to tenant, never backed up yet.
	onboard(tenant string, n int, now time.Time) []*simAsset
	// setAgentOn switches a's agent (device, node) on or off: off, it
	// neither checks in nor backs up; false when the vendor has no agents.
	setAgentOn(a *simAsset, on bool) bool
	// fillStorage sets the storage a uses to share of its quota (adding a
	// quota where it has none); false when the vendor reports no quotas.
	fillStorage(a *simAsset, share float64) bool
	// itemPath is the API path segment of a's own reads on a target that
	// reads its assets one by one (a Cloutility consumer's node, report and
	// jobs), which an item_failing incident answers 500; "" when the vendor
	// reads its assets all at once.
	itemPath(a *simAsset) string
	// failRestore finishes a failed restore of a at now; false when the
	// vendor reports no restores per asset.
	failRestore(a *simAsset, now time.Time) bool
	// tls reports whether the fake is served over HTTPS only.
	tls() bool
}

// simAsset is one asset the simulation backs up.
type simAsset struct {
	// id is the asset_id label the exporter serves; tenant is learnt from
	// the first scrape's backup_asset_info.
	id, tenant string
	// period is how often it backs up.
	period time.Duration
	// baseMB is the usual transfer of a backup.
	baseMB float64
	// next is when the next backup is due; delayed when a late-backups
	// incident has pushed it back by lateBy.
	next    time.Time
	delayed bool
}

// spread returns an offset below window, the same for an id on every run,
// so that new assets do not all back up at the same minute.
func spread(id string, window time.Duration) time.Duration {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return time.Duration(h.Sum64() % uint64(window))
}

// schedule sets a's next backup one period after its last, or (never backed
// up) within the hour after now.
func (a *simAsset) schedule(last, now time.Time) {
	if last.IsZero() {
		a.next = now.Add(spread(a.id, time.Hour)).Truncate(time.Minute)
		return
	}
	a.next = a.after(last).Truncate(time.Minute)
	for !a.next.After(now) {
		a.next = a.after(a.next)
	}
}

// after returns when the backup due one period after t is due. A period of
// whole days is counted in the calendar of t's zone, as a vendor schedules
// a daily job (CleverFox's NextRunOn is the device's local time): the job
// keeps its wall-clock time across a daylight-saving change, where adding
// 24 hours would move it an hour, and a run at 00:00 on a Sunday onto the
// Saturday or the Sunday night after.
func (a *simAsset) after(t time.Time) time.Time {
	if a.period > 0 && a.period%(24*time.Hour) == 0 {
		return t.AddDate(0, 0, int(a.period/(24*time.Hour)))
	}
	return t.Add(a.period)
}

// transfer returns the MB a backup of a moves when scheduled at at: ±30% of
// noise, and a full backup (five times the incremental) for the runs
// scheduled on a Sunday (in the schedule's zone). The schedule decides, not
// when the run starts: a Saturday run that starts late, past midnight, is
// still Saturday's incremental, as a vendor's weekly full is a schedule of
// its own (Cloutility reports a job's scheduledStart beside its
// actualStart).
func transfer(a *simAsset, at time.Time, noise float64) float64 {
	mb := a.baseMB * (1 + 0.3*noise)
	if at.Weekday() == time.Sunday {
		mb *= 5
	}
	return math.Round(mb)
}

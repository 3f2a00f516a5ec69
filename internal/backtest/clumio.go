package backtest

import (
	"fmt"
	"net/http"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// clumioFake drives the Clumio fake: backups are tasks, and the asset's
// last successful policy start and last backup follow them.
type clumioFake struct {
	srv    *clumiofake.Server
	kept   []*simAsset
	hidden []clumiofake.Asset
	taskN  int
	alertN int
}

func newClumioFake(seed uint64, scale int, clock *Clock) *clumioFake {
	start := clock.Now()
	f := &clumioFake{
		srv:   clumiofake.New(clumiofake.Options{Seed: seed, Scale: scale, Now: start, Clock: clock.Now}),
		taskN: 900000, alertN: 900000,
	}
	f.srv.Update(func(d *clumiofake.Data) {
		// An asset on a deactivated policy is not protected, whatever its
		// protection_status says (BackupPolicyDeactivated).
		deactivated := map[string]bool{}
		for _, p := range d.Policies {
			deactivated[p.ID] = p.ActivationStatus == "deactivated"
		}
		keep := map[string]bool{}
		var assets []clumiofake.Asset
		for _, a := range d.Assets {
			period := clumioPeriod(a)
			if a.Deleted || a.ProtectionStatus != "protected" || deactivated[a.PolicyID] || a.LastSuccessfulPolicyStart.IsZero() ||
				a.LastFailedPolicyStart.After(a.LastSuccessfulPolicyStart) || start.Sub(a.LastBackup) >= period {
				continue
			}
			keep[a.ID] = true
			assets = append(assets, a)
		}
		d.Assets = assets
		var tasks []clumiofake.Task
		for _, t := range d.Tasks {
			if keep[t.PrimaryEntity.ID] && t.End.Before(start) && !t.End.IsZero() && t.Status == "completed" {
				tasks = append(tasks, t)
			}
		}
		d.Tasks = tasks
		var alerts []clumiofake.Alert
		for _, al := range d.Alerts {
			if keep[al.PrimaryEntity.ID] && al.Status == "cleared" {
				alerts = append(alerts, al)
			}
		}
		d.Alerts, d.Endpoints, d.PGBackups, d.DrillReadyGroup = alerts, nil, nil, ""
		for i := range d.Assets {
			a := &d.Assets[i]
			sa := &simAsset{id: a.ID, period: clumioPeriod(*a), baseMB: 2048}
			sa.schedule(a.LastBackup, start)
			f.kept = append(f.kept, sa)
		}
	})
	return f
}

// clumioPeriod is how often a backs up: well within its policy's RPO.
func clumioPeriod(a clumiofake.Asset) time.Duration {
	if a.PolicyID == clumiofake.PolicyGold {
		return 3 * time.Hour // the gold policy's RPO is 4 h
	}
	return 18 * time.Hour // the daily policy's is 24 h
}

func (f *clumioFake) handler() http.Handler { return f.srv }

func (f *clumioFake) target(name, url string) string {
	return fmt.Sprintf("  - name: %s\n    vendor: clumio\n    url: %s\n    bearer_token: %s\n", name, url, clumiofake.DefaultToken)
}

func (f *clumioFake) assets() []*simAsset { return f.kept }

// tick keeps the continuous backups of the S3 protection groups that have
// one current: in a healthy estate they capture changes all the time, and a
// timestamp left at the fake's start would age into
// BackupContinuousBackupLagging.
func (f *clumioFake) tick(now time.Time) {
	f.srv.Update(func(d *clumiofake.Data) {
		for i := range d.Assets {
			if !d.Assets[i].LastContinuousBackup.IsZero() {
				d.Assets[i].LastContinuousBackup = now.Add(-5 * time.Minute)
			}
		}
	})
}

// find returns the record of the asset id, served or hidden: a vendor that
// answers with no inventory still runs its backups.
func (f *clumioFake) find(d *clumiofake.Data, id string) *clumiofake.Asset {
	for _, assets := range [][]clumiofake.Asset{d.Assets, f.hidden} {
		for i := range assets {
			if assets[i].ID == id {
				return &assets[i]
			}
		}
	}
	return nil
}

func (f *clumioFake) backup(a *simAsset, end time.Time, ok bool, _ float64) {
	f.srv.Update(func(d *clumiofake.Data) {
		asset := f.find(d, a.id)
		if asset == nil {
			return
		}
		start := end.Add(-10 * time.Minute)
		status := "completed"
		if ok {
			asset.LastSuccessfulPolicyStart, asset.LastBackup = start, end
		} else {
			status = "failed"
			asset.LastFailedPolicyStart = start
		}
		f.taskN++
		d.Tasks = append(d.Tasks, clumiofake.Task{
			ID: fmt.Sprint(f.taskN), Type: asset.Type + "_backup", Category: "backup", Status: status,
			Created: start.Add(-5 * time.Second), Start: start, End: end,
			PrimaryEntity: asset.Entity(), OUID: asset.OUID,
		})
	})
}

func (f *clumioFake) setProtected(a *simAsset, protected bool) bool {
	f.srv.Update(func(d *clumiofake.Data) {
		asset := f.find(d, a.id)
		if asset == nil {
			return
		}
		if protected {
			asset.ProtectionStatus, asset.PolicyID = "protected", clumiofake.PolicyDaily
		} else {
			asset.ProtectionStatus, asset.PolicyID = "unprotected", ""
		}
	})
	return true
}

func (f *clumioFake) setInventoryEmpty(empty bool) {
	f.srv.Update(func(d *clumiofake.Data) {
		if empty && f.hidden == nil {
			f.hidden, d.Assets = d.Assets, nil
		} else if !empty && f.hidden != nil {
			d.Assets, f.hidden = f.hidden, nil
		}
	})
}

func (f *clumioFake) setVendorAlert(a *simAsset, raised bool, now time.Time) bool {
	f.srv.Update(func(d *clumiofake.Data) {
		asset := f.find(d, a.id)
		if asset == nil {
			return
		}
		id := "sim-alert-" + a.id
		for i := range d.Alerts {
			if d.Alerts[i].ID == id {
				if !raised && d.Alerts[i].Status == "active" {
					d.Alerts[i].Status, d.Alerts[i].Cleared, d.Alerts[i].Updated = "cleared", now, now
				}
				return
			}
		}
		if raised {
			d.Alerts = append(d.Alerts, clumiofake.Alert{ID: id, Type: "policy_violated", Cause: "backup_failed",
				Severity: "error", Status: "active", Raised: now, Updated: now, PrimaryEntity: asset.Entity(), OUID: asset.OUID})
		}
	})
	return true
}

func (f *clumioFake) onboard(string, int, time.Time) []*simAsset { return nil }

func (f *clumioFake) setAgentOn(*simAsset, bool) bool { return false }

func (f *clumioFake) fillStorage(*simAsset, float64) bool { return false }

func (f *clumioFake) failRestore(a *simAsset, now time.Time) bool {
	f.srv.Update(func(d *clumiofake.Data) {
		asset := f.find(d, a.id)
		if asset == nil {
			return
		}
		f.taskN++
		start := now.Add(-10 * time.Minute)
		d.Tasks = append(d.Tasks, clumiofake.Task{
			ID: fmt.Sprint(f.taskN), Type: asset.Type + "_restore", Category: "restore", Status: "failed",
			Created: start.Add(-5 * time.Second), Start: start, End: now, PrimaryEntity: asset.Entity(), OUID: asset.OUID,
		})
	})
	return true
}

func (f *clumioFake) tls() bool { return false }

func (f *clumioFake) itemPath(*simAsset) string { return "" }

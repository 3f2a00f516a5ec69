package backtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
)

// The simulated estate starts healthy: every target is up, every kept
// asset is served, protected, on an active policy, within its RPO and last
// succeeded; at the short scenario's scale and at the month's.
func TestEstateStartsHealthy(t *testing.T) {
	for _, scale := range []int{20, 60} {
		t.Run(fmt.Sprintf("scale %d", scale), func(t *testing.T) { testEstateStartsHealthy(t, scale) })
	}
}

func testEstateStartsHealthy(t *testing.T, scale int) {
	sc := &Scenario{Start: t0, Duration: Duration(time.Hour), Seed: 1, Scale: scale, CacheTTL: Duration(time.Minute)}
	s, err := newSimulation(sc)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.learnTenants(); err != nil {
		t.Fatal(err)
	}
	mfs, _ := s.running[0].exp.Scrape(context.Background()).Gather()
	served := map[string]map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			l := labelMap(m.Label)
			key := l["target"] + "/" + l["asset_id"]
			if l["status"] != "" {
				key += "/" + l["status"]
			}
			if served[mf.GetName()] == nil {
				served[mf.GetName()] = map[string]float64{}
			}
			served[mf.GetName()][key] = m.GetGauge().GetValue()
		}
	}
	for _, target := range s.targets {
		if got := served["backup_up"][target+"/"]; got != 1 {
			t.Errorf("%s: backup_up %v, want 1", target, got)
		}
		if len(s.assets[target]) < 2 {
			t.Errorf("%s: %d healthy assets kept, want a few", target, len(s.assets[target]))
		}
		for _, a := range s.assets[target] {
			key := target + "/" + a.id
			if served["backup_asset_protected"][key] != 1 {
				t.Errorf("%s: not protected", key)
			}
			if active, ok := served["backup_asset_policy_active"][key]; ok && active != 1 {
				t.Errorf("%s: its policy is not active", key)
			}
			if _, ok := served["backup_asset_last_status"][key+"/success"]; !ok {
				t.Errorf("%s: last status is not success", key)
			}
			// The late-backups incidents play on CleverFox and Cloutility:
			// a run late by lateBy must stay within the RPO there.
			if rpo := served["backup_asset_rpo_seconds"][key]; (target == "cleverfox" || target == "cloutility") && rpo < (a.period+lateBy).Seconds() {
				t.Errorf("%s: RPO %gs, under its period %s and a late run's %s", key, rpo, a.period, lateBy)
			}
			age := t0.Sub(time.Unix(int64(served["backup_asset_last_success_timestamp_seconds"][key]), 0))
			if rpo := served["backup_asset_rpo_seconds"][key]; age.Seconds() > rpo {
				t.Errorf("%s: last success %s ago, past its RPO of %gs", key, age, rpo)
			}
		}
	}
}

// A vendor that answers with no inventory still runs its backups: once the
// inventory is back, the asset shows the backup it ran meanwhile.
func TestBackupsRunWhileTheInventoryIsHidden(t *testing.T) {
	f := newCloutilityFake(1, 20, NewClock(t0))
	a := f.assets()[0]
	f.setInventoryEmpty(true)
	f.backup(a, t0.Add(time.Hour), false, 100)
	f.setInventoryEmpty(false)
	f.srv.Update(func(d *cloutilityfake.Data) {
		last := lastBackup(f.consumer(d, a))
		if last == nil || !last.Completed.Equal(t0.Add(time.Hour)) || last.Status != cloutilityfake.JobFailed {
			t.Errorf("latest backup %+v, want the failed one of %s", last, t0.Add(time.Hour))
		}
	})
}

// CleverFox's subscriptions stay healthy over a month: none lapsed, none
// ending within the week, none near its device limit (the month's first
// run fired BackupSubscriptionLapsed, BackupSubscriptionEndingSoon and
// BackupQuotaNearLimit on the fake's own data).
func TestCleverfoxSubscriptionsStayHealthy(t *testing.T) {
	sc := &Scenario{Start: t0, Duration: Duration(time.Hour), Seed: 1, Scale: 60, CacheTTL: Duration(time.Minute)}
	s, err := newSimulation(sc)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	later := t0.Add(30 * 24 * time.Hour)
	s.clock.Set(later)
	mfs, _ := s.running[0].exp.Scrape(context.Background()).Gather()
	values := map[string]map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.Metric {
			l := labelMap(m.Label)
			if l["vendor"] != "cleverfox" || l["subscription_id"] == "" {
				continue
			}
			if values[mf.GetName()] == nil {
				values[mf.GetName()] = map[string]float64{}
			}
			values[mf.GetName()][l["subscription_id"]+"/"+l["status"]] = m.GetGauge().GetValue()
		}
	}
	if len(values["backup_cleverfox_subscription_lapsed"]) == 0 {
		t.Fatal("no subscription served")
	}
	for key, v := range values["backup_cleverfox_subscription_lapsed"] {
		if v != 0 {
			t.Errorf("subscription %s lapsed 30 days in", key)
		}
	}
	for key, v := range values["backup_cleverfox_subscription_expiry_timestamp_seconds"] {
		if time.Unix(int64(v), 0).Before(later.Add(7 * 24 * time.Hour)) {
			t.Errorf("subscription %s ends %s, within a week of day 30", key, time.Unix(int64(v), 0).UTC())
		}
	}
	for key, limit := range values["backup_cleverfox_device_limit"] {
		if used := values["backup_cleverfox_devices"][key]; limit > 0 && used >= 0.9*limit {
			t.Errorf("subscription %s: %g of %g devices", key, used, limit)
		}
	}
}

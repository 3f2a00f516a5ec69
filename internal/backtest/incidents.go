package backtest

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// lateBy is how late a late backup runs: within a 26 h RPO for a daily one.
const lateBy = 90 * time.Minute

// learnTenants reads each asset's tenant from a first scrape's
// backup_asset_info, as the alerts will name it.
func (s *simulation) learnTenants() error {
	mfs, _ := s.running[0].exp.Scrape(context.Background()).Gather()
	tenants := map[[2]string]string{}
	for _, mf := range mfs {
		if mf.GetName() != "backup_asset_info" {
			continue
		}
		for _, m := range mf.Metric {
			l := labelMap(m.Label)
			tenants[[2]string{l["target"], l["asset_id"]}] = l["tenant"]
		}
	}
	for target, assets := range s.assets {
		for _, a := range assets {
			t, ok := tenants[[2]string{target, a.id}]
			if !ok {
				return fmt.Errorf("target %s: asset %s is not served at the start", target, a.id)
			}
			a.tenant = t
		}
	}
	return nil
}

// resolveEntities turns each incident's target, tenant and asset index into
// the entity its alerts name.
func (s *simulation) resolveEntities() error {
	for _, inc := range s.sc.Incidents {
		e := entity{target: inc.Target, tenant: inc.Tenant}
		if inc.Target != "" {
			assets, ok := s.assets[inc.Target]
			if !ok {
				return fmt.Errorf("incident %s: unknown target %q (have %v)", inc.Name, inc.Target, s.targets)
			}
			switch {
			case inc.Asset != nil:
				if *inc.Asset < 0 || *inc.Asset >= len(assets) {
					return fmt.Errorf("incident %s: target %s has %d assets", inc.Name, inc.Target, len(assets))
				}
				a := assets[*inc.Asset]
				e.tenant, e.assetIDs = a.tenant, []string{a.id}
			case inc.Tenant != "" && inc.Kind != KindOnboard:
				for _, a := range assets {
					if a.tenant == inc.Tenant {
						e.assetIDs = append(e.assetIDs, a.id)
					}
				}
				if len(e.assetIDs) == 0 {
					return fmt.Errorf("incident %s: target %s has no asset in tenant %q", inc.Name, inc.Target, inc.Tenant)
				}
			}
		}
		s.entities[inc.Name] = e
	}
	return nil
}

// apply plays the incidents at t and finishes the backups due by t.
func (s *simulation) apply(t time.Time) error {
	offset := t.Sub(s.sc.Start)
	down := map[string]bool{}
	forbidden := map[string][]string{}
	failing := map[string][]string{}
	for i := range s.sc.Incidents {
		inc := &s.sc.Incidents[i]
		now, was := inc.active(offset), s.wasActive[inc.Name]
		s.wasActive[inc.Name] = now
		started, ended := now && !was, !now && was
		e := s.entities[inc.Name]
		fake := s.fakes[inc.Target]
		switch inc.Kind {
		case KindTargetDown:
			down[inc.Target] = down[inc.Target] || now
		case KindRefreshFailures:
			if now && s.rng.Float64() < inc.Ratio {
				down[inc.Target] = true
			}
		case KindPartForbidden:
			if now {
				forbidden[inc.Target] = append(forbidden[inc.Target], inc.Path)
			}
		case KindItemFailing:
			for _, a := range s.assetsOf(e) {
				p := fake.itemPath(a)
				if p == "" {
					return fmt.Errorf("incident %s: target %s does not read its assets one by one", inc.Name, inc.Target)
				}
				if now {
					failing[inc.Target] = append(failing[inc.Target], p)
				}
			}
		case KindProtectionLost:
			if started || ended {
				for _, a := range s.assetsOf(e) {
					if !fake.setProtected(a, ended) {
						return fmt.Errorf("incident %s: the assets of target %s cannot lose their protection", inc.Name, inc.Target)
					}
				}
			}
		case KindInventoryEmpty:
			if started || ended {
				fake.setInventoryEmpty(started)
			}
		case KindVendorAlert:
			if started || ended {
				for _, a := range s.assetsOf(e) {
					if !fake.setVendorAlert(a, started, t) {
						return fmt.Errorf("incident %s: target %s has no vendor alerts", inc.Name, inc.Target)
					}
				}
			}
		case KindAgentOff:
			if started || ended {
				for _, a := range s.assetsOf(e) {
					if !fake.setAgentOn(a, ended) {
						return fmt.Errorf("incident %s: target %s has no agents", inc.Name, inc.Target)
					}
				}
			}
		case KindStorageFilling:
			// Filling from half the quota to all of it within the first
			// two thirds of the incident, full for the last third, and
			// freed back to half when the incident ends: a quota left full
			// would ticket to the end of the run, blamed on whatever comes
			// next. Full for a while, because a Cloutility node's stored
			// bytes come from its daily report, which the exporter reads
			// once a day: a quota full only at the incident's last minute
			// is never seen full.
			if (now && t.Minute()%15 == 0) || ended {
				share := min(1, 0.5+0.75*float64(offset-inc.Start.D())/float64(inc.End.D()-inc.Start.D()))
				if ended {
					share = 0.5
				}
				for _, a := range s.assetsOf(e) {
					if !fake.fillStorage(a, share) {
						return fmt.Errorf("incident %s: target %s reports no quotas", inc.Name, inc.Target)
					}
				}
			}
		case KindRestoreFailed:
			if started {
				for _, a := range s.assetsOf(e) {
					if !fake.failRestore(a, t) {
						return fmt.Errorf("incident %s: target %s reports no restores per asset", inc.Name, inc.Target)
					}
				}
			}
		case KindOnboard:
			if started {
				added := fake.onboard(inc.Tenant, inc.Count, t)
				if len(added) != inc.Count {
					return fmt.Errorf("incident %s: target %s cannot onboard %d assets into tenant %q", inc.Name, inc.Target, inc.Count, inc.Tenant)
				}
				s.assets[inc.Target] = append(s.assets[inc.Target], added...)
				for _, a := range added {
					e.assetIDs = append(e.assetIDs, a.id)
				}
				s.entities[inc.Name] = e
			}
		case KindRestart, KindRollout:
			if started {
				instance := s.running[0].instance
				if inc.Kind == KindRollout {
					instance = instanceRollout
				}
				x, err := s.startExporter(instance)
				if err != nil {
					return err
				}
				x.upAt = t.Add(step)
				s.running[0] = x
			}
		case KindHAPair:
			if started {
				x, err := s.startExporter(instanceHA)
				if err != nil {
					return err
				}
				s.running = append(s.running, x)
			}
			if ended {
				s.running = slices.DeleteFunc(s.running, func(x *exporterInstance) bool { return x.instance == instanceHA })
			}
		}
	}
	for name, g := range s.gates {
		g.set(down[name], forbidden[name], failing[name])
	}
	for _, name := range s.targets {
		s.fakes[name].tick(t)
		for _, a := range s.assets[name] {
			s.backupsDue(name, a, t, offset)
		}
	}
	return nil
}

// assetsOf returns the simulated assets of e.
func (s *simulation) assetsOf(e entity) []*simAsset {
	var out []*simAsset
	for _, a := range s.assets[e.target] {
		if slices.Contains(e.assetIDs, a.id) {
			out = append(out, a)
		}
	}
	return out
}

// backupsDue finishes a's backups due by t, as the incidents under way
// shape them: not run (stopped, protection lost), failed, late, or tenfold.
func (s *simulation) backupsDue(target string, a *simAsset, t time.Time, offset time.Duration) {
	for !a.next.After(t) {
		var stop, fail, late, jump bool
		for i := range s.sc.Incidents {
			inc := &s.sc.Incidents[i]
			if !inc.active(offset) || inc.Target != target || !slices.Contains(s.entities[inc.Name].assetIDs, a.id) {
				continue
			}
			switch inc.Kind {
			case KindBackupsStop, KindProtectionLost:
				stop = true
			case KindBackupsFail:
				fail = true
			case KindBackupsLate:
				late = true
			case KindSizeJump:
				jump = true
			}
		}
		if late && !a.delayed {
			a.next, a.delayed = a.next.Add(lateBy), true
			continue
		}
		if !stop {
			scheduled := a.next
			if a.delayed {
				scheduled = scheduled.Add(-lateBy)
			}
			mb := transfer(a, scheduled, s.rng.Float64()*2-1)
			if jump {
				mb *= 10
			}
			s.fakes[target].backup(a, a.next, !fail, mb)
		}
		if a.delayed {
			a.next, a.delayed = a.next.Add(-lateBy), false
		}
		a.next = a.after(a.next)
	}
}

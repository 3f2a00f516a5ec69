package collector

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/backup-exporter/backup_exporter/backup"
)

// storageMetrics builds backup_storage_used_bytes and _limit_bytes. A scope
// reported twice keeps its first entry: two series with the same labels
// would make the whole scrape fail.
func storageMetrics(l labeler, in []backup.Storage, is issues) []constSample {
	type scopeKey struct{ scope, id string }
	seen := make(map[scopeKey]struct{}, len(in))
	m := metricSet{samples: make([]constSample, 0, 2*len(in))}
	for _, s := range in {
		k := scopeKey{labelKey(s.Scope), labelKey(s.ScopeID)}
		if _, dup := seen[k]; dup {
			is.add(issueDuplicateStorage, s.Scope+"/"+s.ScopeID)
			continue
		}
		seen[k] = struct{}{}
		labels := l.with("scope", s.Scope, "scope_id", s.ScopeID, "scope_name", s.ScopeName)
		if s.UsedBytes != nil {
			m.gauge(storageUsedDesc, labels, *s.UsedBytes)
		}
		if s.LimitBytes != nil {
			m.gauge(storageLimitDesc, labels, *s.LimitBytes)
		}
	}
	return m.samples
}

// alertMetrics counts the active alerts by severity and type.
func alertMetrics(l labeler, in []backup.Alert) []constSample {
	type alertKey struct {
		severity backup.Severity
		typ      string
	}
	counts := map[alertKey]int{}
	for _, a := range in {
		counts[alertKey{a.Severity, a.Type}]++
	}
	keys := make([]alertKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b alertKey) int {
		return cmp.Or(cmp.Compare(a.severity, b.severity), cmp.Compare(a.typ, b.typ))
	})
	m := metricSet{samples: make([]constSample, 0, len(keys))}
	for _, k := range keys {
		m.gauge(alertsActiveDesc, l.with("severity", string(k.severity), "alert_type", k.typ), float64(counts[k]))
	}
	return m.samples
}

// monitorMetrics builds the backup_monitor_state state set and
// backup_monitor_failing_items. A monitor id reported twice keeps its first.
func monitorMetrics(l labeler, in []backup.Monitor, is issues) []constSample {
	seen := make(map[string]struct{}, len(in))
	m := metricSet{samples: make([]constSample, 0, len(in)*(len(backup.MonitorStates)+1))}
	for _, mon := range in {
		id := labelKey(mon.ID)
		if _, dup := seen[id]; dup {
			is.add(issueDuplicateMonitor, mon.ID)
			continue
		}
		seen[id] = struct{}{}
		if !slices.Contains(backup.MonitorStates, mon.State) {
			is.add(issueMonitorState, string(mon.State))
		}
		for _, s := range backup.MonitorStates {
			m.gauge(monitorStateDesc, l.with("monitor_id", mon.ID, "monitor", mon.Name, "state", string(s)), boolValue(mon.State == s))
		}
		if mon.FailingItems < 0 {
			is.add(issueInvalidNumber, strconv.Itoa(mon.FailingItems))
			continue
		}
		m.gauge(monitorFailingItemsDesc, l.with("monitor_id", mon.ID), float64(mon.FailingItems))
	}
	return m.samples
}

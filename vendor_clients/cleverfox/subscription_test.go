package cleverfox

import (
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/backup"
)

// subNow is the clock of the subscription tests.
var subNow = time.Date(2026, 5, 14, 12, 0, 0, 0, time.UTC)

// inventoryJSON decodes the lists of one test account as the API sends them.
func inventoryJSON(t *testing.T, companies, subscriptions string) *inventory {
	t.Helper()
	inv := &inventory{errs: map[string]error{}}
	for _, l := range []struct {
		body string
		out  any
	}{
		{companies, &inv.companies},
		{subscriptions, &inv.subscriptions},
		{`[{"DeviceId": 1, "CompanyId": 1, "SubscriptionId": 10, "Name": "PC"}]`, &inv.devices},
		{`[{"JobId": 100, "DeviceId": 1, "Name": "Nightly"}]`, &inv.jobs},
	} {
		if err := json.Unmarshal([]byte(l.body), l.out); err != nil {
			t.Fatal(err)
		}
	}
	return inv
}

// TestProtectedNeedsACurrentCompanyAndSubscription fails on main, where a
// job was protected whatever its company and subscription said.
func TestProtectedNeedsACurrentCompanyAndSubscription(t *testing.T) {
	const activeCompany = `[{"CompanyId": 1, "Name": "Acme"}]`
	tests := []struct {
		name          string
		companies     string
		subscription  string
		wantProtected bool
	}{
		{"active, period running", activeCompany, `{"Status": "Active", "PeriodEnd": "2026-06-01T00:00:00.000"}`, true},
		{"active, period ended within the grace day", activeCompany, `{"Status": "Active", "PeriodEnd": "2026-05-14T00:00:00.000"}`, true},
		{"period ended two days ago", activeCompany, `{"Status": "Active", "PeriodEnd": "2026-05-12T00:00:00.000"}`, false},
		{"inactive subscription", activeCompany, `{"Status": "Active", "IsInactive": true, "PeriodEnd": "2026-06-01T00:00:00.000"}`, false},
		{"canceled, paid until next week", activeCompany, `{"Status": "Canceled", "PeriodEnd": "2026-05-20T00:00:00.000"}`, true},
		{"canceled without a period", activeCompany, `{"Status": "Canceled"}`, false},
		{"no period, no status", activeCompany, `{}`, true},
		{"unreadable period end", activeCompany, `{"Status": "Active", "PeriodEnd": "soon"}`, true},
		{"inactive company", `[{"CompanyId": 1, "Name": "Acme", "IsInactive": true}]`, `{"Status": "Active", "PeriodEnd": "2026-06-01T00:00:00.000"}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := `[` + tc.subscription[:len(tc.subscription)-1]
			if len(tc.subscription) > 2 {
				sub += ","
			}
			sub += `"SubscriptionId": 10, "CompanyId": 1}]`
			m := newMapper(inventoryJSON(t, tc.companies, sub), newZones(slog.New(slog.DiscardHandler)))
			assets := m.assets(newLogHistory(), subNow)
			if len(assets) != 1 || assets[0].Protected != tc.wantProtected {
				t.Fatalf("assets %+v, want one with protected %v", assets, tc.wantProtected)
			}
		})
	}
}

func TestSubscriptionSignals(t *testing.T) {
	subs := `[
		{"SubscriptionId": 10, "CompanyId": 1, "Status": "Trialing", "PeriodEnd": "2026-05-19T00:00:00.000"},
		{"SubscriptionId": 11, "CompanyId": 1, "Status": "Past Due", "IsInactive": true, "PeriodEnd": "2026-05-01T00:00:00.000"},
		{"SubscriptionId": 12, "CompanyId": 1, "Status": "Frozen", "PeriodEnd": "not a date"}
	]`
	m := newMapper(inventoryJSON(t, `[{"CompanyId": 1, "Name": "Acme"}]`, subs), newZones(slog.New(slog.DiscardHandler)))
	_, samples, issues := m.subscriptions(subNow)
	got := map[string]float64{}
	for _, s := range samples {
		key := s.Spec.Name
		for _, v := range s.LabelValues {
			key += "," + v
		}
		got[key] = s.Value
	}
	want := map[string]float64{
		"subscription_status,10,Acme,trialing":          1,
		"subscription_expiry_timestamp_seconds,10,Acme": float64(time.Date(2026, 5, 19, 0, 0, 0, 0, time.UTC).Unix()),
		"subscription_lapsed,10,Acme":                   0,
		"subscription_status,11,Acme,past_due":          1,
		"subscription_expiry_timestamp_seconds,11,Acme": float64(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Unix()),
		"subscription_lapsed,11,Acme":                   1,
		"subscription_lapsed,12,Acme":                   0,
		"devices,10":                                    1,
		"devices,12":                                    0,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok && k[:7] != "device_" {
			t.Errorf("unexpected sample %s = %v", k, got[k])
		}
	}
	reasons := map[string]int{}
	for _, is := range issues {
		reasons[is.Reason]++
	}
	if reasons["unknown_subscription_status"] != 1 || reasons["unreadable_time"] != 1 || len(issues) != 2 {
		t.Errorf("issues %+v, want one unknown status (Frozen) and one unreadable PeriodEnd", issues)
	}
}

// TestRunningLogs fails on main, where a running log was unknown and
// CleverFox served no running jobs.
func TestRunningLogs(t *testing.T) {
	inv := inventoryJSON(t, `[{"CompanyId": 1, "Name": "Acme"}]`, `[{"SubscriptionId": 10, "CompanyId": 1}]`)
	m := newMapper(inv, newZones(slog.New(slog.DiscardHandler)))
	h := newLogHistory()
	var logs []Log
	if err := json.Unmarshal([]byte(`[{"LogId": 2, "JobId": 100, "DeviceId": 1, "JobStatus": "Running", "JobStartedOn": "2026-05-14T11:00:00.000", "AddedOn": "2026-05-14T11:00:00.000"},
		{"LogId": 1, "JobId": 100, "DeviceId": 1, "JobStatus": "Completed", "JobStartedOn": "2026-05-13T11:00:00.000", "JobCompletedOn": "2026-05-13T11:10:00.000"}]`), &logs); err != nil {
		t.Fatal(err)
	}
	for i := range logs {
		h.add(&logs[i], time.UTC, subNow.Add(-24*time.Hour))
	}
	a := m.assets(h, subNow)
	if len(a) != 1 || a[0].LastStatus != backup.StatusRunning {
		t.Fatalf("assets %+v, want the job running", a)
	}
	if n := m.running(h, subNow); n != 1 {
		t.Errorf("running() = %d, want 1", n)
	}
}

package clumiofake

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Data is the fake's data set. Tests may reshape it with Server.Update before
// or between requests.
type Data struct {
	// OUs are the organizational units; the first is the root ("Global"),
	// the token's default OU.
	OUs []OU
	// Policies are the policy definitions.
	Policies []Policy
	// Assets are the inventory items of all five asset types.
	Assets []Asset
	// Tasks are the tasks, in creation order.
	Tasks []Task
	// Alerts are the individual alerts.
	Alerts []Alert
	// Endpoints are the S3 instant-access endpoints.
	Endpoints []Endpoint
	// PGBackups are the protection group backups (with their S3 asset's):
	// only the drill-ready group has some.
	PGBackups []PGBackup
	// DrillReadyGroup names the protection group that a restore drill can
	// restore; empty when the data set has none.
	DrillReadyGroup string
}

// OU is an organizational unit.
type OU struct {
	ID, Name string
	// ParentID is "" for the root.
	ParentID string
}

// Policy is a policy definition.
type Policy struct {
	ID, Name string
	// ActivationStatus is "activated" or "deactivated".
	ActivationStatus string
	// OUID is the OU that owns the policy.
	OUID             string
	Created, Updated time.Time
	Operations       []Operation
}

// Operation is one policy operation with a single SLA.
type Operation struct {
	// Type is the operation, such as "aws_ebs_volume_backup".
	Type string
	// RPO and Retention are the SLA's rpo_frequency and retention_duration.
	RPO, Retention Frequency
}

// Frequency is a policy duration such as {"unit":"hours","value":24}.
type Frequency struct {
	Unit  string
	Value int
}

// The asset types of the fake, as Clumio names them in tasks and alerts.
const (
	TypeEBS      = "aws_ebs_volume"
	TypeEC2      = "aws_ec2_instance"
	TypeRDS      = "aws_rds_resource"
	TypeDynamoDB = "aws_dynamodb_table"
	// TypeProtectionGroup is an S3 protection group.
	TypeProtectionGroup = "protection_group"
)

// AssetTypes lists the asset types in the order the generator cycles them.
var AssetTypes = []string{TypeEBS, TypeEC2, TypeRDS, TypeDynamoDB, TypeProtectionGroup}

// Asset is one inventory item.
type Asset struct {
	ID string
	// Type is one of the Type* constants.
	Type string
	// NativeID is the AWS id (volume, instance, resource, table); empty for
	// protection groups.
	NativeID string
	// Name may be empty: clients then show the native id.
	Name            string
	OUID            string
	EnvironmentID   string
	AccountNativeID string
	Region          string
	// ProtectionStatus is "protected", "unprotected" or "unsupported";
	// deleted assets show null.
	ProtectionStatus string
	// PolicyID is the protecting policy, "" when unprotected.
	PolicyID string
	Deleted  bool
	// LastBackup is last_backup_timestamp; zero is null.
	LastBackup time.Time
	// LastSuccessfulPolicyStart and LastFailedPolicyStart feed
	// backup_status_info; the backup status is computed from them over the
	// request's lookback_days.
	LastSuccessfulPolicyStart, LastFailedPolicyStart time.Time
	// Partial makes a failed run in the window a partial_success.
	Partial bool
	// SizeBytes is the EBS size or the protection group's backed-up bytes.
	SizeBytes int64
	// EarliestBackup and LastContinuousBackup are a protection group's
	// earliest_available_backup_timestamp and
	// last_continuous_backup_timestamp; zero is null.
	EarliestBackup, LastContinuousBackup time.Time
}

// Entity is a task's or alert's primary or parent entity.
type Entity struct {
	ID, Type, Value string
}

// Task is one task.
type Task struct {
	ID, Type string
	// Category is backup, restore, snapshot, snapshot_restore, system, …
	Category string
	// Status is queued, in_progress, completed, failed, aborting or aborted.
	Status                string
	Created, Start, End   time.Time
	PrimaryEntity, Parent Entity
	// OUID scopes the task to the OU of its asset.
	OUID string
}

// Alert is one individual alert.
type Alert struct {
	ID, Type, Cause string
	// Severity is "error" or "warning"; Status "active" or "cleared".
	Severity, Status         string
	Raised, Updated, Cleared time.Time
	PrimaryEntity, Parent    Entity
	ConsolidatedID           string
	// OUID scopes the alert to the OU of its entity.
	OUID string
}

// The policies every generated data set has.
const (
	PolicyDaily = "policy-daily-24h"
	PolicyGold  = "policy-gold-4h"
	// PolicyPaused is deactivated; the first asset of the third round of
	// cases, healthy, still says protected under it, as Clumio may leave
	// it.
	PolicyPaused = "policy-paused-24h"
)

// Case is the story of a generated asset; Generate cycles through Cases.
type Case string

// The cases of generated assets.
const (
	CaseHealthy     Case = "healthy"     // backed up within its RPO
	CaseFailed      Case = "failed"      // latest run failed; policy_violated error active
	CaseWarning     Case = "warning"     // latest run partly succeeded; warning alert active
	CaseNever       Case = "never"       // protected, never backed up
	CaseUnprotected Case = "unprotected" // no policy
	CaseRunning     Case = "running"     // a backup task is running now (some for 8 hours)
	CaseAborted     Case = "aborted"     // latest backup task was aborted
	CaseDeleted     Case = "deleted"     // is_deleted: clients must skip it
	CaseQueued      Case = "queued"      // a backup task is queued now
	CaseUnsupported Case = "unsupported" // unsupported asset: backup status unknown
)

// Cases is the cycle of cases; its length (17) is prime to the five asset
// types, so that 85 assets cover every case with every type, and 17 cover
// every case and every type.
var Cases = []Case{
	CaseHealthy, CaseFailed, CaseHealthy, CaseWarning, CaseNever, CaseHealthy,
	CaseUnprotected, CaseRunning, CaseHealthy, CaseAborted, CaseDeleted,
	CaseHealthy, CaseQueued, CaseUnsupported, CaseHealthy, CaseFailed, CaseHealthy,
}

// generator builds a data set deterministically from a seed.
type generator struct {
	rng    *rand.Rand
	now    time.Time
	d      *Data
	taskN  int
	alertN int
}

// Generate builds the data set of opts: Scale assets cycling through Cases
// and AssetTypes, their tasks and alerts, the OUs and the policies. The same
// options give the same data.
func Generate(opts Options) *Data {
	opts = opts.withDefaults()
	g := &generator{
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5deece66d)),
		now:    opts.Now.UTC().Truncate(time.Second),
		d:      &Data{},
		taskN:  100000,
		alertN: 500000,
	}
	root := OU{ID: g.uuid(), Name: "Global"}
	g.d.OUs = append(g.d.OUs, root)
	for _, name := range opts.OUs {
		g.d.OUs = append(g.d.OUs, OU{ID: g.uuid(), Name: name, ParentID: root.ID})
	}
	g.d.Policies = []Policy{
		g.policy(PolicyDaily, "daily", Frequency{"hours", 24}),
		g.policy(PolicyGold, "gold", Frequency{"hours", 4}),
		g.policy(PolicyPaused, "paused", Frequency{"hours", 24}),
	}
	g.d.Policies[2].ActivationStatus = "deactivated"
	g.d.Assets = make([]Asset, 0, opts.Scale)
	g.d.Tasks = make([]Task, 0, opts.Scale*3/2)
	for i := range opts.Scale {
		g.asset(i)
	}
	// One account-level alert, visible from the root OU only.
	g.alert(Alert{Type: "aws_account_disconnected", Cause: "role_missing", Severity: "error", Status: "active",
		Raised: g.ago(6 * time.Hour), PrimaryEntity: Entity{ID: g.uuid(), Type: "aws_environment", Value: "123456789012/us-west-2"},
		OUID: root.ID})
	g.endpoints()
	g.drillReady()
	g.protectionGroupBackups()
	return g.d
}

func (g *generator) policy(id, name string, rpo Frequency) Policy {
	p := Policy{ID: id, Name: name, ActivationStatus: "activated", OUID: g.d.OUs[0].ID,
		Created: g.now.Add(-90 * 24 * time.Hour), Updated: g.now.Add(-10 * 24 * time.Hour)}
	for _, op := range []string{"aws_ebs_volume_backup", "aws_ec2_instance_backup", "aws_rds_resource_aws_snapshot",
		"aws_dynamodb_table_backup", "protection_group_backup"} {
		p.Operations = append(p.Operations, Operation{Type: op, RPO: rpo, Retention: Frequency{"days", retentionDays}})
	}
	return p
}

// asset generates asset i with its tasks and alerts.
func (g *generator) asset(i int) {
	typ := AssetTypes[i%len(AssetTypes)]
	c := Cases[i%len(Cases)]
	ou := g.d.OUs[i%len(g.d.OUs)]
	a := Asset{
		ID:               g.uuid(),
		Type:             typ,
		OUID:             ou.ID,
		EnvironmentID:    fmt.Sprintf("env-%02d", i%4),
		AccountNativeID:  fmt.Sprintf("1234567890%02d", i%4),
		Region:           []string{"us-west-2", "us-east-1"}[i%2],
		ProtectionStatus: "protected",
		PolicyID:         []string{PolicyDaily, PolicyGold}[(i/len(Cases))%2],
	}
	a.NativeID, a.Name, a.SizeBytes = g.identity(typ, ou.Name, i)
	rpo := 24 * time.Hour
	if a.PolicyID == PolicyGold {
		rpo = 4 * time.Hour
	}
	healthyAge := func() time.Duration { return g.between(10*time.Minute, rpo*7/10) }

	switch c {
	case CaseHealthy:
		if i == 2*len(Cases) {
			a.PolicyID = PolicyPaused
		}
		age := healthyAge()
		start := g.ago(age)
		a.LastSuccessfulPolicyStart, a.LastBackup = start, start.Add(time.Minute)
		g.task(a, "backup", "completed", start, g.between(2*time.Minute, min(time.Hour, age-5*time.Minute)))
		if i%7 == 0 {
			g.task(a, "restore", "completed", g.ago(g.between(time.Hour, 20*time.Hour)), 20*time.Minute)
		}
		if i%5 == 0 && i%3 == 0 {
			g.task(a, "snapshot", "completed", g.ago(g.between(time.Hour, 20*time.Hour)), 3*time.Minute)
		}
		if i%11 == 0 {
			g.alert(Alert{Type: "policy_violated", Cause: "backup_failed", Severity: "error", Status: "cleared",
				Raised: g.ago(40 * time.Hour), Cleared: g.ago(30 * time.Hour), PrimaryEntity: a.Entity(), OUID: a.OUID})
		}
	case CaseFailed:
		ok := g.ago(g.between(50*time.Hour, 90*time.Hour))
		fail := g.ago(g.between(time.Hour, 20*time.Hour))
		a.LastSuccessfulPolicyStart, a.LastBackup, a.LastFailedPolicyStart = ok, ok.Add(2*time.Minute), fail
		g.task(a, "backup", "completed", ok, 30*time.Minute)
		g.task(a, "backup", "failed", fail, g.between(time.Minute, 30*time.Minute))
		g.alert(Alert{Type: "policy_violated", Cause: "backup_failed", Severity: "error", Status: "active",
			Raised: fail.Add(30 * time.Minute), PrimaryEntity: a.Entity(), OUID: a.OUID})
		if i%2 == 1 {
			g.task(a, "restore", "failed", g.ago(3*time.Hour), 10*time.Minute)
			g.alert(Alert{Type: "restore_failed", Cause: "permission_denied", Severity: "error", Status: "active",
				Raised: g.ago(2 * time.Hour), PrimaryEntity: a.Entity(), OUID: a.OUID})
		}
	case CaseWarning:
		ok := g.ago(g.between(30*time.Hour, 40*time.Hour))
		partial := g.ago(g.between(time.Hour, 10*time.Hour))
		a.LastSuccessfulPolicyStart, a.LastFailedPolicyStart, a.Partial = ok, partial, true
		a.LastBackup = partial.Add(5 * time.Minute)
		g.alert(Alert{Type: "policy_violated", Cause: "backup_partially_failed", Severity: "warning", Status: "active",
			Raised: partial.Add(time.Hour), PrimaryEntity: a.Entity(), OUID: a.OUID})
	case CaseNever:
		// Protected, never backed up: no timestamps, no tasks.
	case CaseUnprotected:
		a.ProtectionStatus, a.PolicyID = "unprotected", ""
		if i%2 == 0 {
			// Once protected: an old backup remains.
			a.LastBackup = g.ago(40 * 24 * time.Hour)
		}
		g.alert(Alert{Type: "tag_conflict", Cause: "multiple_policies", Severity: "warning", Status: "active",
			Raised: g.ago(12 * time.Hour), PrimaryEntity: a.Entity(), OUID: a.OUID})
		g.alert(Alert{Type: "tag_conflict", Cause: "multiple_policies", Severity: "warning", Status: "cleared",
			Raised: g.ago(72 * time.Hour), Cleared: g.ago(48 * time.Hour), PrimaryEntity: a.Entity(), OUID: a.OUID})
	case CaseRunning:
		ok := g.ago(g.between(rpo+time.Hour, rpo+3*time.Hour))
		status, started := "in_progress", 20*time.Minute
		if i%2 == 1 {
			status = "aborting"
		}
		// Stuck: an abort running for 8 hours, where the previous backup,
		// 10 hours ago, took 20 minutes.
		stuck := a.PolicyID == PolicyDaily && i%2 == 1
		if stuck {
			ok, started = g.ago(10*time.Hour), 8*time.Hour
		}
		a.LastSuccessfulPolicyStart, a.LastBackup = ok, ok.Add(time.Minute)
		g.task(a, "backup", "completed", ok, 20*time.Minute)
		g.task(a, "backup", status, g.ago(started), 0)
		if i%3 == 0 {
			g.task(a, "restore", "in_progress", g.ago(10*time.Minute), 0)
		}
	case CaseAborted:
		ok := g.ago(g.between(30*time.Hour, 40*time.Hour))
		fail := g.ago(g.between(2*time.Hour, 6*time.Hour))
		a.LastSuccessfulPolicyStart, a.LastBackup, a.LastFailedPolicyStart = ok, ok.Add(time.Minute), fail
		g.task(a, "backup", "aborted", fail, 5*time.Minute)
	case CaseDeleted:
		a.Deleted, a.ProtectionStatus = true, ""
		g.task(a, "backup", "completed", g.ago(30*time.Hour), 10*time.Minute)
	case CaseQueued:
		ok := g.ago(g.between(time.Hour, rpo*7/10))
		a.LastSuccessfulPolicyStart, a.LastBackup = ok, ok.Add(time.Minute)
		g.task(a, "backup", "completed", ok, 15*time.Minute)
		g.task(a, "backup", "queued", g.ago(2*time.Minute), 0)
	case CaseUnsupported:
		a.ProtectionStatus, a.PolicyID = "unsupported", ""
	}
	g.d.Assets = append(g.d.Assets, a)
}

// identity returns the native id, the name and the size of asset i.
func (g *generator) identity(typ, ou string, i int) (native, name string, size int64) {
	hex := fmt.Sprintf("%017x", g.rng.Uint64()>>4)
	switch typ {
	case TypeEBS:
		native, size = "vol-"+hex, int64(8+g.rng.IntN(500))<<30
		if i%4 != 0 {
			name = fmt.Sprintf("%s-data-%05d", ou, i)
		}
	case TypeEC2:
		native, name = "i-"+hex, fmt.Sprintf("%s-app-%05d", ou, i)
	case TypeRDS:
		native, name = "db-"+hex, fmt.Sprintf("%s-db-%05d", ou, i)
	case TypeDynamoDB:
		name = fmt.Sprintf("%s-table-%05d", ou, i)
		native = name
	case TypeProtectionGroup:
		name, size = fmt.Sprintf("%s-s3-group-%05d", ou, i), int64(1+g.rng.IntN(2000))<<30
	}
	return native, name, size
}

// task adds a task of asset a created at created; a finished one ends dur
// after its start.
func (g *generator) task(a Asset, category, status string, created time.Time, dur time.Duration) {
	g.taskN++
	t := Task{
		ID:            fmt.Sprint(g.taskN),
		Type:          a.Type + "_" + category,
		Category:      category,
		Status:        status,
		Created:       created,
		PrimaryEntity: a.Entity(),
		Parent:        Entity{ID: a.EnvironmentID, Type: "aws_environment", Value: a.AccountNativeID + "/" + a.Region},
		OUID:          a.OUID,
	}
	if status != "queued" {
		t.Start = created.Add(5 * time.Second)
	}
	switch status {
	case "completed", "failed", "aborted":
		t.End = t.Start.Add(dur)
	}
	g.d.Tasks = append(g.d.Tasks, t)
}

func (g *generator) alert(a Alert) {
	g.alertN++
	a.ID = fmt.Sprint(g.alertN)
	a.ConsolidatedID = fmt.Sprintf("c-%s-%s", a.Type, a.Cause)
	if a.Updated.IsZero() {
		a.Updated = a.Raised
	}
	g.d.Alerts = append(g.d.Alerts, a)
}

// Entity is the asset as a task's or alert's primary entity.
func (a Asset) Entity() Entity {
	v := a.NativeID
	if v == "" {
		v = a.Name
	}
	return Entity{ID: a.ID, Type: a.Type, Value: v}
}

func (g *generator) uuid() string {
	hi, lo := g.rng.Uint64(), g.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

func (g *generator) ago(d time.Duration) time.Time { return g.now.Add(-d).Truncate(time.Second) }

// between returns a random duration in [lo, hi), in whole seconds as the
// API's timestamps are.
func (g *generator) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return (lo + time.Duration(g.rng.Int64N(int64(hi-lo)))).Truncate(time.Second)
}

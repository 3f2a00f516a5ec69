package cloutilityfake

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// profile is the case a generated consumer shows, so that every dashboard
// panel and alert has something to show.
type profile int

const (
	healthy        profile = iota // daily successful backups
	withWarnings                  // the latest backup completed with warnings
	failing                       // the latest backups failed
	missed                        // the latest schedules were missed
	neverBackedUp                 // an active node that never backed up
	filespaceOnly                 // backups outside schedules: no job, a filespace backup
	running                       // a backup running now, a restore queued
	decommissioned                // a decommissioned node with old jobs
	locked                        // a locked node whose backups stopped
	overQuota                     // stored data above the consumer's limit
	pendingState                  // a consumer still pending: no node, no report
	newConsumer                   // first job two days ago
	numProfiles
)

// profileWeights are the shares of the profiles past the first
// numProfiles consumers (which show one profile each).
var profileWeights = [numProfiles]int{60, 8, 6, 5, 3, 3, 5, 3, 2, 3, 1, 1}

// defaultWarningTypes are the simulated NodeWarningTypes. [I]
var defaultWarningTypes = []WarningType{
	{ID: 1, Name: "No activity", UsesLimit: true},
	{ID: 2, Name: "Storage above limit", UsesLimit: true},
	{ID: 3, Name: "Failed files", UsesLimit: false},
	{ID: 4, Name: "Schedule missed", UsesLimit: false},
}

var (
	bunitNames = []string{"Acme AB", "Nordic Health", "Umea Kommun", "Polar Data", "Granit Bygg", "Fjord Logistics", "Lake Labs", "Birch Media"}
	hostNames  = []string{"web", "db", "file", "mail", "app", "erp", "vm", "nas"}
)

// generator holds the state of one Generate call.
type generator struct {
	rng    *rand.Rand
	now    time.Time
	today  time.Time
	jobSeq int
}

// Generate builds a data set of scale consumers (at least one of each
// profile) in bunits business units (default scale/20, at least 1) below
// one root, the user's business unit. The same arguments give the same data.
func Generate(seed int64, scale, bunits int, now time.Time) *Data {
	scale = max(scale, int(numProfiles))
	if bunits <= 0 {
		bunits = max(1, scale/20)
	}
	g := &generator{
		rng:    rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		now:    now.UTC().Truncate(time.Second),
		jobSeq: 100000,
	}
	g.today = g.now.Truncate(24 * time.Hour)
	d := &Data{Now: g.now, RootID: 1000, WarningTypes: defaultWarningTypes}
	for i := range bunits {
		b := &BusinessUnit{ID: 1000 + i, Name: "Safespring Reseller", Created: g.today.AddDate(-2, 0, 0)}
		if i > 0 {
			b.ParentID = 1000 + g.rng.IntN(i)
			b.Name = bunitNames[(i-1)%len(bunitNames)]
			if i > len(bunitNames) {
				b.Name += fmt.Sprintf(" %d", (i-1)/len(bunitNames)+1)
			}
		}
		d.BusinessUnits = append(d.BusinessUnits, b)
	}
	for i := range scale {
		p := profile(i)
		if i >= int(numProfiles) {
			p = g.pick()
		}
		b := 1000
		if bunits > 1 {
			b = 1001 + g.rng.IntN(bunits-1)
			if i < int(numProfiles) {
				b = 1001 + i%(bunits-1)
			}
		}
		d.Consumers = append(d.Consumers, g.consumer(i, p, b))
	}
	g.limitBunits(d)
	return d
}

// pick draws a profile by profileWeights.
func (g *generator) pick() profile {
	total := 0
	for _, w := range profileWeights {
		total += w
	}
	n := g.rng.IntN(total)
	for p, w := range profileWeights {
		if n < w {
			return profile(p)
		}
		n -= w
	}
	return healthy
}

// consumer generates consumer number i with profile p in business unit b.
func (g *generator) consumer(i int, p profile, b int) *Consumer {
	name := fmt.Sprintf("%s-%03d", hostNames[g.rng.IntN(len(hostNames))], i)
	c := &Consumer{
		ID:             5000 + i,
		BusinessUnitID: b,
		Name:           name,
		State:          StateActive,
		Created:        g.today.AddDate(0, 0, -60-g.rng.IntN(600)),
	}
	sizeMB := float64(10000+g.rng.IntN(790000)) + 0.5
	if g.rng.IntN(2) == 0 {
		c.LimitHighStorageGB = ptr(math.Ceil(sizeMB/1024*1.5) + 100)
	}
	switch p {
	case pendingState:
		c.State = StatePending
		c.Created = g.today.AddDate(0, 0, -1)
		return c
	case decommissioned:
		c.State = StateDecommissioned
	case newConsumer:
		c.Created = g.today.AddDate(0, 0, -2)
	case overQuota:
		c.LimitHighStorageGB = ptr(math.Floor(sizeMB / 1024 * 0.8))
	case missed:
		// Every other idle unit is one the customer allows to idle.
		c.AllowNoActivity = i%2 == 0
	}

	c.Node = &Node{
		ID:                  9000 + i,
		Name:                strings.ToUpper(name),
		Locked:              p == locked,
		Decommissioned:      p == decommissioned,
		LastAccess:          g.now.Add(-time.Duration(g.rng.IntN(6*3600)) * time.Second),
		ClientVersion:       clientVersions[i%len(clientVersions)],
		BackupRetentionDays: 30,
	}
	c.Jobs = g.jobs(p)
	c.LatestRestorePoint = latestBackup(c.Jobs)
	c.Node.Filespaces = g.filespaces(i, p, c.Jobs)
	switch p {
	case neverBackedUp:
		c.Node.LastAccess = time.Time{}
	case decommissioned:
		c.Node.LastAccess = g.today.AddDate(0, 0, -50)
	case locked:
		c.Node.LastAccess = g.today.AddDate(0, 0, -5)
	}
	c.Report = g.report(i, p, sizeMB, c.Jobs)
	return c
}

// jobs generates a consumer's jobs, oldest first: a nightly backup at 22:00
// over its history, an occasional restore or archive, and the profile's
// latest outcomes.
func (g *generator) jobs(p profile) []Job {
	first, last := 40, 0 // days ago
	switch p {
	case neverBackedUp, filespaceOnly:
		return nil
	case newConsumer:
		first = 2
	case decommissioned:
		first, last = 90, 50
	case locked:
		last = 5
	}
	var jobs []Job
	for ago := first; ago >= last; ago-- {
		sched := g.today.AddDate(0, 0, -ago).Add(22 * time.Hour)
		if sched.After(g.now) {
			continue
		}
		j := g.job(JobBackup, sched)
		recent := ago <= last+2
		switch {
		case p == failing && recent:
			j.Status, j.Result, j.FailedFiles = JobFailed, 12, 40+g.rng.IntN(100)
			j.TransferredMB = nil
		case p == missed && ago <= last+1:
			j = Job{ID: j.ID, Type: JobBackup, Status: JobMissed, ScheduledStart: sched}
		case p == withWarnings && ago == last+1:
			j.Status, j.Result, j.FailedFiles = JobCompletedWithWarnings, 8, 12
		case g.rng.IntN(15) == 0:
			// Completed, but the result code says files were skipped.
			j.Result, j.FailedFiles = 4, 1+g.rng.IntN(5)
		}
		jobs = append(jobs, j)
		if ago%9 == 4 {
			jobs = append(jobs, g.job(JobRestore, sched.Add(-10*time.Hour)))
		}
		if ago%7 == 3 && g.rng.IntN(3) == 0 {
			jobs = append(jobs, g.job(JobArchive, sched.Add(-4*time.Hour)))
		}
	}
	if p == running {
		g.jobSeq++
		jobs = append(jobs, Job{ID: g.jobSeq, Type: JobBackup, Status: JobInProgress, ScheduledStart: g.now.Add(-time.Hour), ActualStart: g.now.Add(-time.Hour + time.Minute)})
		g.jobSeq++
		jobs = append(jobs, Job{ID: g.jobSeq, Type: JobRestore, Status: JobPending, ScheduledStart: g.now.Add(-10 * time.Minute)})
	}
	return jobs
}

// clientVersions are the Storage Protect client versions the generated
// nodes run, an outdated one among them.
var clientVersions = []string{"8.1.23.0", "8.1.21.0", "8.1.23.0", "7.1.8.0"}

// latestBackup is the completion of the newest backup job that backed data
// up: the consumer's latest restore point.
func latestBackup(jobs []Job) time.Time {
	var latest time.Time
	for _, j := range jobs {
		if j.Type == JobBackup && (j.Status == JobCompleted || j.Status == JobCompletedWithWarnings) && j.Completed.After(latest) {
			latest = j.Completed
		}
	}
	return latest
}

// job generates one completed job of type t scheduled at sched. It
// examines a number of files derived from its id, not drawn from the
// random source, so that the rest of the data set stays as it was.
func (g *generator) job(t JobType, sched time.Time) Job {
	g.jobSeq++
	start := sched.Add(time.Duration(g.rng.IntN(300)) * time.Second)
	end := start.Add(time.Duration(600+g.rng.IntN(7200)) * time.Second)
	if end.After(g.now) {
		end = g.now
	}
	return Job{
		ID:             g.jobSeq,
		Type:           t,
		Status:         JobCompleted,
		ScheduledStart: sched,
		ActualStart:    start,
		Completed:      end,
		ExaminedFiles:  2000 + (g.jobSeq*7919)%50000,
		TransferredMB:  ptr(float64(100+g.rng.IntN(20000)) + 0.25),
		NoDuration:     g.rng.IntN(10) == 0,
	}
}

// filespaces generates a node's file spaces; their last backup is the last
// successful backup job's, or ten hours ago for a node without jobs.
func (g *generator) filespaces(i int, p profile, jobs []Job) []Filespace {
	var lastStart, lastEnd time.Time
	for _, j := range jobs {
		if j.Type == JobBackup && (j.Status == JobCompleted || j.Status == JobCompletedWithWarnings) {
			lastStart, lastEnd = j.ActualStart, j.Completed
		}
	}
	if p == filespaceOnly {
		lastEnd = g.now.Add(-10 * time.Hour)
		lastStart = lastEnd.Add(-40 * time.Minute)
	}
	var fs []Filespace
	for k, name := range []string{"/", "/home", "/var"}[:1+g.rng.IntN(3)] {
		fs = append(fs, Filespace{
			ID:              (9000+i)*10 + k,
			Name:            name,
			LastBackupStart: lastStart,
			LastBackupEnd:   lastEnd,
			CapacityMB:      float64(20000 + g.rng.IntN(200000)),
		})
	}
	return fs
}

// report generates a consumer's latest node report.
func (g *generator) report(i int, p profile, sizeMB float64, jobs []Job) *Report {
	r := &Report{ID: 80000 + i, Date: g.today, Status: Ok, MegaBytes: ptr(sizeMB)}
	var backupMB float64
	for _, j := range jobs {
		if j.Type == JobBackup && j.TransferredMB != nil && !j.Completed.Before(g.today.Add(-24*time.Hour)) {
			backupMB += *j.TransferredMB
		}
	}
	r.TransferredBackupMB = ptr(backupMB)
	if g.rng.IntN(4) != 0 {
		r.TransferredRestoreMB = ptr(float64(g.rng.IntN(3)) * 512)
	}
	warn := func(typeID int, status ErrorStatus, days int, byID bool) {
		r.Warnings = append(r.Warnings, ReportWarning{ID: 70000 + i*10 + len(r.Warnings), TypeID: typeID, Status: status, Days: days, Limit: 1, TypeByID: byID})
	}
	switch p {
	case withWarnings:
		r.Status = OkWithWarnings
		warn(3, OkWithWarnings, 1, false)
	case failing:
		r.Status = Error
		warn(3, Error, 3, false)
	case missed:
		r.Status = Warning
		warn(4, Warning, 2, false)
	case neverBackedUp:
		r.Status, r.MegaBytes, r.TransferredBackupMB = Error, nil, nil
		warn(1, Error, 30, false)
	case decommissioned:
		r.Status, r.Date = Ignored, g.today.AddDate(0, 0, -50)
		warn(1, Ignored, 50, false)
	case locked:
		r.Status = Error
		warn(1, Error, 5, false)
	case overQuota:
		r.Status = Warning
		// An enum as an integer: the warning's type is its bare id.
		warn(2, Warning, 1, true)
	case newConsumer:
		r.Status = Pending
	}
	return r
}

// limitBunits sets storage limits on every third business unit, above its
// usage (descendants included), and below it on the first child unit, so
// that one unit is over quota.
func (g *generator) limitBunits(d *Data) {
	usedMB := map[int]float64{}
	parent := map[int]int{}
	for _, b := range d.BusinessUnits {
		parent[b.ID] = b.ParentID
	}
	for _, c := range d.Consumers {
		if c.Report == nil || c.Report.MegaBytes == nil {
			continue
		}
		for b := c.BusinessUnitID; b != 0; b = parent[b] {
			usedMB[b] += *c.Report.MegaBytes
		}
	}
	nodes := activeNodes(d, parent)
	for i, b := range d.BusinessUnits {
		usedGB := usedMB[b.ID] / 1024
		switch {
		case i == 1:
			b.StorageLimitGB = max(1, int(usedGB*0.8))
			b.NodeLimit = max(1, nodes[b.ID]) // every node allowed in use
		case i%3 == 1:
			b.StorageLimitGB = int(usedGB*1.3) + 100
			b.NodeLimit = nodes[b.ID]*2 + 1
			b.TransferLimitGB = 1000
		}
	}
}

// activeNodes counts each business unit's active nodes, its descendants'
// included: the use of its nodeLimit.
func activeNodes(d *Data, parent map[int]int) map[int]int {
	n := map[int]int{}
	for _, c := range d.Consumers {
		if c.State != StateActive || c.Node == nil || c.Node.Locked || c.Node.Decommissioned {
			continue
		}
		for b := c.BusinessUnitID; b != 0; b = parent[b] {
			n[b]++
		}
	}
	return n
}

func ptr[T any](v T) *T { return &v }

package cleverfoxfake

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Data is the fake's account: what the partner sees. Times are instants; the
// server writes them as the API does, without a zone, in UTC or in the
// device's zone depending on the field. Tests may reshape it with
// Server.Update.
type Data struct {
	Companies     []Company
	Subscriptions []Subscription
	Plans         []Plan
	Devices       []Device
	Jobs          []Job
	Logs          []Log
}

// Company is a customer of the partner.
type Company struct {
	ID       int
	Name     string
	Inactive bool
	AddedOn  time.Time
}

// Subscription ties a company to a plan.
type Subscription struct {
	ID               int
	CompanyID        int
	PlanID           int
	Status           string
	Inactive         bool
	AdditionalDevice int
	PeriodStart      time.Time
	PeriodEnd        time.Time
}

// Plan is a price plan.
type Plan struct {
	ID           int
	Name         string
	Inactive     bool
	DeviceLimit  int
	StorageLimit int // GB
}

// Device is a PC with the agent.
type Device struct {
	ID             int
	CompanyID      int
	SubscriptionID int
	Name           string
	// TimeZoneID is a Windows zone name; see Zones.
	TimeZoneID     string
	Inactive       bool
	LastAPICheckAt time.Time
}

// Job is a backup schedule of a device.
type Job struct {
	ID        int
	DeviceID  int
	Name      string
	Inactive  bool
	Frequency string
	Every     int
	Days      []time.Weekday // weekly jobs
	NextRunOn time.Time
	LastRanOn time.Time
	LateAfter int // minutes
	Items     []JobItem
}

// JobItem is one thing a job backs up.
type JobItem struct {
	ID     int
	Name   string
	Engine string // File, Folder or SqlServer
}

// Log is one run of a job.
type Log struct {
	ID        int
	JobID     int
	Status    string // Completed, Failed, Missed, Running
	Started   time.Time
	Completed time.Time
	AddedOn   time.Time
	Error     string
	// Items are the per-item results; nil is sent as "LogItems": null.
	Items []LogItem
}

// LogItem is one job item's result in a run.
type LogItem struct {
	ID       int
	ItemID   int
	Name     string
	Engine   string
	FileSize *int64
}

// The kinds of job history the generator draws from.
type jobKind int

const (
	healthy   jobKind = iota
	failing           // the newest runs failed, an older one succeeded
	neverGood         // every run failed
	missedLog         // the newest run has a Missed log
	overdue           // the newest run has no log and is past LateAfter
	neverRun          // no log at all: a job created recently
	running           // the newest run is still running
)

// generate builds the data set of opts. The same options give the same data.
func generate(opts Options) *Data {
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5deece66d))
	now := opts.Now.UTC().Truncate(time.Second)
	nJobs := max(opts.Scale, 1)
	nDevices := max(nJobs*2/5, 1)
	nCompanies := max(nDevices/5, 1)
	d := &Data{Plans: plans()}

	for c := 1; c <= nCompanies; c++ {
		d.Companies = append(d.Companies, Company{
			ID:       c,
			Name:     fmt.Sprintf("%s %s", companyWords[c%len(companyWords)], companySuffix[(c/len(companyWords))%len(companySuffix)]),
			Inactive: c%29 == 0,
			AddedOn:  now.AddDate(0, 0, -400+c%300),
		})
		plan := d.Plans[c%len(d.Plans)]
		if plan.Inactive {
			// A company that moved off a retired plan: a canceled
			// subscription beside its current one.
			d.Subscriptions = append(d.Subscriptions, Subscription{
				ID: len(d.Subscriptions) + 1, CompanyID: c, PlanID: plan.ID, Status: "Canceled", Inactive: true,
				PeriodStart: now.AddDate(0, -13, 0), PeriodEnd: now.AddDate(0, -1, 0),
			})
			plan = d.Plans[0]
		}
		sub := Subscription{
			ID: len(d.Subscriptions) + 1, CompanyID: c, PlanID: plan.ID,
			Status:           subscriptionStatus[c%len(subscriptionStatus)],
			AdditionalDevice: c % 3,
			PeriodStart:      now.AddDate(0, 0, -c%28), PeriodEnd: now.AddDate(0, 1, -c%28),
		}
		switch sub.Status {
		case "Trialing":
			// A trial ends within the week (the ending-soon alert).
			sub.PeriodStart, sub.PeriodEnd = now.AddDate(0, 0, -25), now.AddDate(0, 0, 2+c%5)
		case "PastDue":
			// Unpaid: the period ended days ago and was not renewed, so
			// the subscription lapsed and its company's jobs are not
			// protected.
			sub.PeriodStart, sub.PeriodEnd = now.AddDate(0, -1, -3), now.AddDate(0, 0, -3)
		}
		d.Subscriptions = append(d.Subscriptions, sub)
	}
	subOf := map[int]int{}
	for _, s := range d.Subscriptions {
		if !s.Inactive {
			subOf[s.CompanyID] = s.ID
		}
	}

	for i := 1; i <= nDevices; i++ {
		company := (i-1)%nCompanies + 1
		dev := Device{
			ID: i, CompanyID: company, SubscriptionID: subOf[company],
			Name:           fmt.Sprintf("PC-%04d", i),
			TimeZoneID:     Zones[i%len(Zones)].Windows,
			Inactive:       i%20 == 7,
			LastAPICheckAt: now.Add(-time.Duration(rng.IntN(25*60)) * time.Second),
		}
		if i%15 == 4 {
			// An agent that has not checked in for days.
			dev.LastAPICheckAt = now.Add(-time.Duration(2+rng.IntN(8))*24*time.Hour - time.Duration(rng.IntN(3600))*time.Second)
		}
		if dev.Inactive {
			dev.LastAPICheckAt = now.AddDate(0, 0, -20-rng.IntN(40))
		}
		d.Devices = append(d.Devices, dev)
	}

	itemID := 0
	for i := 1; i <= nJobs; i++ {
		dev := &d.Devices[(i-1)%nDevices]
		j := Job{ID: i, DeviceID: dev.ID, Every: 1, LateAfter: []int{30, 60, 120, 0, 240}[i%5]}
		switch r := i % 40; {
		case r < 4:
			j.Frequency, j.Every, j.Name = "Hourly", 4, "Every 4 hours"
		case r < 10:
			j.Frequency, j.Name = "Weekly", "Weekly full"
			j.Days = []time.Weekday{time.Weekday(i % 7)}
			if i%3 == 0 {
				j.Days = append(j.Days, time.Weekday((i+3)%7))
			}
		case r == 10:
			j.Frequency, j.Name = "Monthy", "Monthly archive" // the docs' spelling
		case r == 11:
			j.Frequency, j.Name = "Monthly", "Monthly archive"
		case r == 12:
			j.Frequency, j.Name = "One Time", "Migration copy"
		default:
			j.Frequency, j.Name = "Daily", "Nightly"
		}
		engine := []string{"File", "Folder", "SqlServer"}[i%3]
		if engine == "SqlServer" {
			j.Name += " SQL"
		}
		for k := 0; k <= i%2; k++ {
			itemID++
			j.Items = append(j.Items, JobItem{ID: itemID, Name: fmt.Sprintf("%s item %d", engine, k+1), Engine: engine})
		}
		j.Inactive = i%23 == 5
		kind := pickKind(i)
		d.Logs = append(d.Logs, history(rng, &j, dev, kind, now)...)
		d.Jobs = append(d.Jobs, j)
	}
	slices.SortStableFunc(d.Logs, func(a, b Log) int { return a.AddedOn.Compare(b.AddedOn) })
	logItemID := 0
	for i := range d.Logs {
		d.Logs[i].ID = i + 1
		for k := range d.Logs[i].Items {
			logItemID++
			d.Logs[i].Items[k].ID = logItemID
		}
	}
	return d
}

// pickKind spreads the job histories: mostly healthy, with every other kind
// present from a handful of jobs on.
func pickKind(i int) jobKind {
	switch i % 17 {
	case 1, 9:
		return failing
	case 2:
		return missedLog
	case 3:
		return overdue
	case 4:
		return neverRun
	case 5:
		return neverGood
	case 6:
		if i%2 == 0 {
			return running
		}
	}
	return healthy
}

// step moves t by n periods of the job's schedule, in the device's calendar.
func step(j *Job, t time.Time, n int) time.Time {
	switch j.Frequency {
	case "Hourly":
		return t.Add(time.Duration(n*j.Every) * time.Hour)
	case "Weekly":
		return t.AddDate(0, 0, 7*n*j.Every)
	case "Monthy", "Monthly":
		return t.AddDate(0, n*j.Every, 0)
	}
	return t.AddDate(0, 0, n*j.Every)
}

// history writes a job's logs and sets its NextRunOn and LastRanOn.
func history(rng *rand.Rand, j *Job, dev *Device, kind jobKind, now time.Time) []Log {
	loc := Location(dev.TimeZoneID)
	local := now.In(loc)
	hour := j.ID % 24
	if j.Frequency == "Hourly" {
		hour = local.Hour()
	}
	last := time.Date(local.Year(), local.Month(), local.Day(), hour, (j.ID*7)%60, 0, 0, loc)
	if j.Frequency == "Weekly" {
		last = last.AddDate(0, 0, int(j.Days[0])-int(last.Weekday()))
	}
	for last.After(now) {
		last = step(j, last, -1)
	}
	for !step(j, last, 1).After(now) {
		last = step(j, last, 1)
	}
	j.NextRunOn = step(j, last, 1)

	runs := map[string]int{"Hourly": 12, "Daily": 8, "Weekly": 3, "Monthy": 2, "Monthly": 2}[j.Frequency]
	if j.Frequency == "One Time" {
		// A one-time job ran once, a while ago; its NextRunOn is that run.
		last = now.AddDate(0, 0, -3).Add(-time.Duration(j.ID%600) * time.Minute)
		j.NextRunOn, runs = last, 1
		if kind == overdue || kind == running {
			kind = healthy
		}
	}
	// Runs of an inactive job or device end some days back.
	stop := now
	if j.Inactive || dev.Inactive {
		stop = now.AddDate(0, 0, -3)
	}
	offline := dev.LastAPICheckAt.Before(now.Add(-24 * time.Hour))

	var logs []Log
	if kind == neverRun {
		j.NextRunOn = now.Add(time.Duration(1+j.ID%20) * time.Hour)
		return nil
	}
	first := 0
	if kind == overdue {
		// The scheduler has not moved on: the run it waits for is due.
		j.NextRunOn = last
		first = 1
	}
	for k := first; k < runs; k++ {
		occ := step(j, last, -k)
		if occ.After(stop) {
			continue
		}
		start := occ.Add(time.Duration(rng.IntN(90)) * time.Second)
		end := start.Add(time.Duration(60+rng.IntN(3600)) * time.Second)
		l := Log{JobID: j.ID, Status: "Completed", Started: start, Completed: end, AddedOn: start}
		switch {
		case offline && occ.After(dev.LastAPICheckAt):
			l = missed(j, occ)
		case k == 0 && kind == missedLog:
			l = missed(j, occ)
		case k == 0 && kind == running:
			l.Status, l.Completed = "Running", time.Time{}
			if end.Before(now) {
				start = now.Add(-time.Duration(5+rng.IntN(50)) * time.Minute)
				l.Started, l.AddedOn = start, start
			}
		case kind == neverGood, kind == failing && k < 1+j.ID%3:
			l.Status, l.Error = "Failed", failures[j.ID%len(failures)]
		}
		if l.Status != "Running" && l.Completed.After(now) {
			continue // not finished yet
		}
		if l.Status == "Completed" || l.Status == "Failed" {
			l.Items = logItems(rng, j, l.Status)
		}
		if j.LastRanOn.Before(l.Started) {
			j.LastRanOn = l.Started
		}
		logs = append(logs, l)
	}
	return logs
}

// missed is the log the service writes for a run that did not happen.
func missed(j *Job, occ time.Time) Log {
	return Log{JobID: j.ID, Status: "Missed", AddedOn: occ.Add(time.Duration(j.LateAfter) * time.Minute), Error: "The job did not run within its late-after window."}
}

// logItems are a run's per-item results. Every 7th job's logs come with
// LogItems null, as list answers may; failed items have no file.
func logItems(rng *rand.Rand, j *Job, status string) []LogItem {
	if j.ID%7 == 0 {
		return nil
	}
	out := make([]LogItem, 0, len(j.Items))
	for _, it := range j.Items {
		li := LogItem{ItemID: it.ID, Name: it.Name, Engine: it.Engine}
		if status == "Completed" {
			size := int64(1<<20 + rng.IntN(4<<30))
			li.FileSize = &size
		}
		out = append(out, li)
	}
	return out
}

func plans() []Plan {
	return []Plan{
		{ID: 1, Name: "Starter", DeviceLimit: 3, StorageLimit: 100},
		{ID: 2, Name: "Business", DeviceLimit: 10, StorageLimit: 500},
		{ID: 3, Name: "Professional", DeviceLimit: 50, StorageLimit: 2000},
		{ID: 4, Name: "Legacy", Inactive: true, DeviceLimit: 5, StorageLimit: 250},
		{ID: 5, Name: "Enterprise"}, // no limits set
	}
}

var (
	companyWords       = []string{"Acme", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen", "Maple"}
	companySuffix      = []string{"LLC", "Ltd", "GmbH", "Inc", "AB", "Pty"}
	subscriptionStatus = []string{"Active", "Active", "Active", "Trialing", "PastDue"}
	failures           = []string{
		"The network path was not found.",
		"Login failed for user 'backup'.",
		"There is not enough space on the disk.",
	}
)

// sortData puts every list in id order, as the server expects.
func sortData(d *Data) {
	slices.SortFunc(d.Companies, func(a, b Company) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Subscriptions, func(a, b Subscription) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Plans, func(a, b Plan) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Devices, func(a, b Device) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Jobs, func(a, b Job) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Logs, func(a, b Log) int { return cmp.Compare(a.ID, b.ID) })
}

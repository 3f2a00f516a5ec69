package cloverdxfake

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Data is the fake server's data set. Tests may reshape it with
// Server.Update before or between requests.
type Data struct {
	// Dashboards are the Operations Dashboards, each with its monitors.
	Dashboards []Dashboard
	// Executions are served newest first (by RunID, highest first); Update
	// restores that order.
	Executions []Execution
	// PhantomExecutions is added to the executions' @totalItems without
	// any page returning them, as when executions are deleted between the
	// count and the read: the pages past the real ones come back empty.
	PhantomExecutions int
	// ObjectEnums writes monitor states and alert levels as objects,
	// {"name": "FAILING"}, instead of strings.
	ObjectEnums bool
}

// Execution is one run of a job file.
type Execution struct {
	// RunID identifies the run; later submissions have higher ones.
	RunID int64
	// Sandbox is the sandbox code and JobFile the path within it.
	Sandbox, JobFile string
	// Status is the wire value, such as "FINISHED_OK" or "N_A".
	Status string
	// ExecutionType is STANDALONE for graphs and JOBFLOW for jobflows.
	ExecutionType string
	// ParentRunID is the run that started this one (a jobflow's graph
	// step); 0 for a run of its own.
	ParentRunID int64
	// parent is the index in the generated runs of the parent, before the
	// RunIDs are given.
	parent *Execution
	// Submitted, Started and Ended are zero when not (yet) known.
	Submitted, Started, Ended time.Time
	// ErrorMessage is set on failed runs.
	ErrorMessage string
	// EpochMillis writes this run's times as epoch milliseconds, the
	// encoding of the jobflow RunStatus records, instead of ISO-8601.
	EpochMillis bool
}

// Dashboard is one Operations Dashboard.
type Dashboard struct {
	ID       int
	Name     string
	Monitors []Monitor
}

// Monitor watches items of a dashboard.
type Monitor struct {
	ID   int
	Name string
	// State is the wire value, normally PASSING or FAILING, written as is.
	State string
	// Warning marks a monitor that failed, recovered and is not yet
	// acknowledged.
	Warning bool
	// AlertLevel is the wire value, such as HIGH or VERY_LOW.
	AlertLevel string
	// Items are the schedules, event listeners and data services watched.
	Items []MonitorItem
}

// MonitorItem is one watched schedule, event listener or data service.
type MonitorItem struct {
	// Type is SCHEDULE, EVENT_LISTENER or DATA_SERVICE.
	Type    string
	ID      int
	Name    string
	Sandbox string
	// State is PASSING or FAILING; AlertLevel as Monitor's.
	State, AlertLevel string
	// FailingSince is set while the item fails.
	FailingSince time.Time
	// ErrorMessage is set while failing, WarningMessage once recovered but
	// not acknowledged.
	ErrorMessage, WarningMessage string
}

// sandboxes are the sandboxes the generated job files live in.
var sandboxes = []string{"etl", "finance", "marketing", "warehouse"}

// jobNames name the generated job files.
var jobNames = []string{"Orders", "Customers", "Invoices", "Ledger", "Campaigns", "Leads", "Inventory", "Shipments", "Payroll", "Returns"}

// profile is how a generated job file behaves.
type profile int

// The profiles, assigned to job files in turn so that every case the
// dashboards and alerts need is present at any scale of 10 or more.
const (
	healthy profile = iota
	healthy2
	healthy3
	healthy4
	healthy5
	failingNow     // succeeded before, fails now (TIMEOUT, then ERROR)
	neverSucceeded // ERROR, UNKNOWN and ABORTED only
	missed         // stopped running four days ago
	runningNow     // RUNNING, and a newer run WAITING
	queuedNow      // ENQUEUED, READY and N_A runs waiting
	profiles
)

// historyDays is how far back the generated executions go.
const historyDays = 10

// generate builds the data set of scale job files from seed, as of now.
func generate(seed uint64, scale int, now time.Time) Data {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var runs []Execution
	for i := range max(scale, int(profiles)) {
		runs = append(runs, jobRuns(rng, i, now)...)
	}
	slices.SortStableFunc(runs, func(a, b Execution) int { return a.Submitted.Compare(b.Submitted) })
	for i := range runs {
		runs[i].RunID = int64(1000 + i)
	}
	// A child is submitted after its parent, so its parent is numbered.
	parentRun := map[[2]any]int64{}
	for i := range runs {
		if runs[i].parent != nil {
			runs[i].ParentRunID = parentRun[[2]any{runs[i].parent.JobFile, runs[i].parent.Submitted}]
			runs[i].parent = nil
			continue
		}
		parentRun[[2]any{runs[i].JobFile, runs[i].Submitted}] = runs[i].RunID
	}
	slices.Reverse(runs)
	return Data{Dashboards: dashboards(now), Executions: runs}
}

// jobRuns generates the executions of the i-th job file.
func jobRuns(rng *rand.Rand, i int, now time.Time) []Execution {
	sandbox := sandboxes[i%len(sandboxes)]
	name := fmt.Sprintf("%s%d", jobNames[i%len(jobNames)], i/len(jobNames)+1)
	jobFile, execType := "graph/Load"+name+".grf", "STANDALONE"
	if i%3 == 2 {
		jobFile, execType = "jobflow/Nightly"+name+".jbf", "JOBFLOW"
	}
	cadence := 24 * time.Hour
	if i%2 == 1 {
		cadence = 6 * time.Hour
	}
	p := profile(i % int(profiles))
	// The newest scheduled start lies one to two hours back, so that a
	// finished run has ended by now.
	newest := now.Add(-time.Hour - time.Duration(rng.Int64N(int64(time.Hour)))).Truncate(time.Second)
	if p == missed {
		newest = newest.Add(-4 * 24 * time.Hour)
	}
	var runs []Execution
	for k := 0; ; k++ {
		start := newest.Add(-time.Duration(k) * cadence)
		if start.Before(now.Add(-historyDays * 24 * time.Hour)) {
			break
		}
		took := 30*time.Second + time.Duration(rng.Int64N(int64(20*time.Minute)))
		e := Execution{
			Sandbox: sandbox, JobFile: jobFile, ExecutionType: execType,
			Submitted: start.Add(-time.Duration(rng.Int64N(5000)) * time.Millisecond),
			Started:   start, Ended: start.Add(took),
			Status: finishedStatus(p, k),
		}
		if e.Status != "FINISHED_OK" {
			e.ErrorMessage = "Component DB_INPUT_TABLE0 finished with status ERROR"
		}
		runs = append(runs, e)
		if execType == "JOBFLOW" && k < 2 {
			// The jobflow's graph step runs as its child, with its outcome:
			// part of the jobflow's run, not a job of its own.
			step := e
			step.JobFile, step.ExecutionType, step.parent = "graph/Step"+name+".grf", "STANDALONE", &e
			step.Submitted, step.Started = e.Started.Add(time.Second), e.Started.Add(2*time.Second)
			runs = append(runs, step)
		}
	}
	// Active runs were submitted within the last hour.
	for k, status := range activeStatuses(p) {
		e := Execution{
			Sandbox: sandbox, JobFile: jobFile, ExecutionType: execType, Status: status,
			Submitted: now.Add(-time.Duration(10*(k+1)) * time.Minute),
		}
		if status == "RUNNING" || status == "WAITING" {
			e.Started = e.Submitted.Add(2 * time.Second)
		}
		runs = append(runs, e)
	}
	return runs
}

// finishedStatus is the status of the k-th newest finished run of a job file
// with profile p.
func finishedStatus(p profile, k int) string {
	switch p {
	case failingNow:
		switch k {
		case 0:
			return "ERROR"
		case 1:
			return "TIMEOUT"
		}
	case neverSucceeded:
		return []string{"ERROR", "UNKNOWN", "ABORTED"}[k%3]
	}
	// Healthy jobs fail now and then, in every failed way.
	if k%7 == 3 {
		return []string{"ERROR", "ABORTED", "UNKNOWN", "TIMEOUT"}[(k/7)%4]
	}
	return "FINISHED_OK"
}

// activeStatuses are the runs of a job file with profile p that are waiting
// or running now, oldest first.
func activeStatuses(p profile) []string {
	switch p {
	case runningNow:
		return []string{"WAITING", "RUNNING"}
	case queuedNow:
		return []string{"N_A", "READY", "ENQUEUED"}
	}
	return nil
}

// dashboards are the fixed dashboards: passing, failing and warning
// monitors at every alert level, over schedules, listeners and services.
// repeatDashboards returns n dashboards (at least those of base): the base
// ones, then copies of their monitors under the ids that follow.
func repeatDashboards(base []Dashboard, n int) []Dashboard {
	out := base
	for i := len(base); i < n; i++ {
		d := base[i%len(base)]
		d.ID, d.Name = i+1, fmt.Sprintf("%s %d", d.Name, i+1)
		d.Monitors = slices.Clone(d.Monitors)
		out = append(out, d)
	}
	return out
}

func dashboards(now time.Time) []Dashboard {
	failing := func(typ string, id int, name, sandbox, level string, since time.Duration) MonitorItem {
		return MonitorItem{Type: typ, ID: id, Name: name, Sandbox: sandbox, State: "FAILING", AlertLevel: level,
			FailingSince: now.Add(-since).Truncate(time.Second), ErrorMessage: "Component DB_INPUT_TABLE0 finished with status ERROR"}
	}
	passing := func(typ string, id int, name, sandbox, level string) MonitorItem {
		return MonitorItem{Type: typ, ID: id, Name: name, Sandbox: sandbox, State: "PASSING", AlertLevel: level}
	}
	recovered := passing("EVENT_LISTENER", 21, "warehouse-file-arrived", "warehouse", "MEDIUM")
	recovered.WarningMessage = "Listener failed 3 times in a row, recovered since"
	return []Dashboard{
		{ID: 1, Name: "Main dashboard", Monitors: []Monitor{
			{ID: 7, Name: "Nightly finance load", State: "FAILING", AlertLevel: "HIGH", Items: []MonitorItem{
				failing("SCHEDULE", 42, "finance-nightly", "finance", "HIGH", 3*time.Hour),
				passing("SCHEDULE", 43, "finance-hourly", "finance", "MEDIUM"),
				passing("SCHEDULE", 44, "ledger-close", "finance", "HIGH"),
			}},
			{ID: 8, Name: "Warehouse listeners", State: "PASSING", Warning: true, AlertLevel: "MEDIUM", Items: []MonitorItem{
				recovered,
				passing("EVENT_LISTENER", 22, "warehouse-stock-updated", "warehouse", "LOW"),
			}},
			{ID: 9, Name: "Marketing schedules", State: "PASSING", AlertLevel: "LOW", Items: []MonitorItem{
				passing("SCHEDULE", 45, "campaign-export", "marketing", "LOW"),
			}},
		}},
		{ID: 2, Name: "Data services", Monitors: []Monitor{
			{ID: 10, Name: "Public API", State: "FAILING", AlertLevel: "CRITICAL", Items: []MonitorItem{
				failing("DATA_SERVICE", 61, "orders-api", "etl", "CRITICAL", 40*time.Minute),
				failing("DATA_SERVICE", 62, "customers-api", "etl", "MEDIUM", 2*time.Hour),
				passing("DATA_SERVICE", 63, "health-api", "etl", "HIGH"),
			}},
			{ID: 11, Name: "Partner feed", State: "FAILING", AlertLevel: "VERY_LOW", Items: []MonitorItem{
				failing("DATA_SERVICE", 64, "partner-feed", "marketing", "VERY_LOW", 26*time.Hour),
			}},
			{ID: 12, Name: "Internal lookups", State: "FAILING", AlertLevel: "LOW", Items: []MonitorItem{
				failing("EVENT_LISTENER", 23, "lookup-refresh", "etl", "LOW", 5*time.Hour),
			}},
		}},
		{ID: 3, Name: "Operations", Monitors: []Monitor{
			{ID: 13, Name: "Housekeeping", State: "PASSING", AlertLevel: "MEDIUM", Items: []MonitorItem{
				passing("SCHEDULE", 46, "purge-old-runs", "etl", "MEDIUM"),
			}},
		}},
	}
}

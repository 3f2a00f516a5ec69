package collector

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// jobSource is one vendor's fake, shaped for the bad-input cases: finish
// makes one new job (a new id in the vendor's scheme) end at end, listed
// twice across pages; reReport gives that same job a new end time.
type jobSource struct {
	target   config.Target
	finish   func(end time.Time)
	reReport func(end time.Time)
}

// pageOfOne makes every list one item a page, so that a job listed twice
// in a row is on two pages, and lets each refresh come a second after the
// one before, so that no job of the golden data leaves the window meanwhile.
func pageOfOne(t *config.Target) {
	t.PageSize = 1
	t.CacheTTL = time.Second
}

// jobSources are the four vendors' job sources, each with its id scheme.
var jobSources = map[string]func(tb testing.TB, clock *fakeClock) jobSource{
	// Clumio task ids are strings; tasks are listed newest first from a
	// created_timestamp watermark, so a task whose end moves is read again.
	"clumio": func(tb testing.TB, clock *fakeClock) jobSource {
		srv := clumiofake.New(clumiofake.Options{Seed: 1, Scale: clumioGoldenScale, Now: clock.Now()})
		var task clumiofake.Task
		return jobSource{
			target: startClumio(tb, srv, "clumio", pageOfOne),
			finish: func(end time.Time) {
				srv.Update(func(d *clumiofake.Data) {
					i := slices.IndexFunc(d.Tasks, func(t clumiofake.Task) bool { return t.Category == "backup" && t.Status == "completed" })
					task = d.Tasks[i]
					task.ID, task.Created, task.Start, task.End = "task-bad-input", end.Add(-2*time.Minute), end.Add(-time.Minute), end
					d.Tasks = append(d.Tasks, task, task)
				})
			},
			reReport: func(end time.Time) {
				srv.Update(func(d *clumiofake.Data) {
					for i := range d.Tasks {
						if d.Tasks[i].ID == task.ID {
							d.Tasks[i].End = end
						}
					}
				})
			},
		}
	},
	// CleverFox log ids are integers; logs are listed newest (highest id)
	// first and read down to the watermark.
	"cleverfox": func(tb testing.TB, clock *fakeClock) jobSource {
		srv := cleverfoxfake.NewWithData(cleverfoxfake.Options{}, cleverfoxGoldenData())
		id := 0
		return jobSource{
			target: startCleverFox(tb, srv, pageOfOne),
			finish: func(end time.Time) {
				srv.Update(func(d *cleverfoxfake.Data) {
					id = d.Logs[len(d.Logs)-1].ID + 1
					l := cleverfoxfake.Log{ID: id, JobID: 1, Status: "Completed", Started: end.Add(-time.Minute), Completed: end, AddedOn: end.Add(-time.Minute)}
					d.Logs = append(d.Logs, l, l)
				})
			},
			reReport: func(end time.Time) {
				srv.Update(func(d *cleverfoxfake.Data) {
					for i := range d.Logs {
						if d.Logs[i].ID == id {
							d.Logs[i].Completed = end
						}
					}
				})
			},
		}
	},
	// Cloutility job ids are integers per portal; every refresh reads each
	// consumer's whole window in one list.
	"cloutility": func(tb testing.TB, clock *fakeClock) jobSource {
		srv := cloutilityfake.New(cloutilityfake.Options{Data: cloutilityfake.Cases(clock.Now()), Now: clock.Now(), Clock: clock.Now})
		const id = 99001
		return jobSource{
			target: startCloutility(tb, srv, "safespring", pageOfOne),
			finish: func(end time.Time) {
				srv.Update(func(d *cloutilityfake.Data) {
					c := d.Consumers[0]
					j := cloutilityfake.Job{ID: id, Type: cloutilityfake.JobBackup, Status: cloutilityfake.JobCompleted,
						ScheduledStart: end.Add(-time.Minute), ActualStart: end.Add(-time.Minute), Completed: end}
					c.Jobs = append(c.Jobs, j, j)
				})
			},
			reReport: func(end time.Time) {
				srv.Update(func(d *cloutilityfake.Data) {
					c := d.Consumers[0]
					for i := range c.Jobs {
						if c.Jobs[i].ID == id {
							c.Jobs[i].Completed = end
						}
					}
				})
			},
		}
	},
	// CloverDX run ids are integers; executions are listed newest first and
	// read down to the oldest run still active.
	"cloverdx": func(tb testing.TB, clock *fakeClock) jobSource {
		srv := newCloverDXGolden(0)
		var run int64
		return jobSource{
			target: startCloverDX(tb, srv, pageOfOne),
			finish: func(end time.Time) {
				srv.Update(func(d *cloverdxfake.Data) {
					run = d.Executions[0].RunID + 1
					e := cloverdxfake.Execution{RunID: run, Sandbox: "etl", JobFile: "graph/LoadOrders.grf", Status: "FINISHED_OK",
						Submitted: end.Add(-time.Minute), Started: end.Add(-time.Minute), Ended: end}
					d.Executions = append(d.Executions, e, e)
				})
			},
			reReport: func(end time.Time) {
				srv.Update(func(d *cloverdxfake.Data) {
					for i := range d.Executions {
						if d.Executions[i].RunID == run {
							d.Executions[i].Ended = end
						}
					}
				})
			},
		}
	},
}

// TestJobsBadInput feeds each vendor's client and the engine a job listed
// twice across pages, then the same job again with a new end time: it is
// counted once, and held once in the window gauge.
func TestJobsBadInput(t *testing.T) {
	for vendor, source := range jobSources {
		t.Run(vendor, func(t *testing.T) {
			clock := newClock()
			src := source(t, clock)
			e, _ := newTestExporter(t, clock, src.target)
			name := src.target.Name
			first := jobSeries(t, e, name)
			if sum(first["backup_jobs_total"]) != 0 {
				t.Fatalf("first refresh counted %v, want the baseline: nothing", first["backup_jobs_total"])
			}
			window := sum(first["backup_jobs_recent"])
			steps := []struct {
				name   string
				change func()
			}{
				{"a new job listed twice across pages", func() { src.finish(clock.Now().Add(time.Second)) }},
				{"the same job with a new end time", func() { src.reReport(clock.Now().Add(1500 * time.Millisecond)) }},
				{"nothing new", func() {}},
			}
			for _, s := range steps {
				s.change()
				clock.Advance(2 * time.Second) // past cache_ttl
				got := jobSeries(t, e, name)
				if n := sum(got["backup_jobs_total"]); n != 1 || got["backup_jobs_total"]["backup/success"]+got["backup_jobs_total"]["other/success"] != 1 {
					t.Errorf("%s: counted %v, want the one success", s.name, got["backup_jobs_total"])
				}
				if n := sum(got["backup_jobs_recent"]); n != window+1 {
					t.Errorf("%s: %s jobs in the window, want %v", s.name, strconv.FormatFloat(n, 'f', -1, 64), window+1)
				}
			}
		})
	}
}

package backtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
)

// cloverdxFake drives the CloverDX fake: assets are job files whose every
// run succeeded, backups are their executions, and every monitor passes.
type cloverdxFake struct {
	srv    *cloverdxfake.Server
	kept   []*simAsset
	files  map[string]cloverdxfake.Execution
	hidden []cloverdxfake.Execution
	runN   int64
}

// cloverdxID is the asset_id the exporter gives an execution's job file.
func cloverdxID(e cloverdxfake.Execution) string {
	return e.Sandbox + "/" + strings.TrimPrefix(e.JobFile, "/")
}

func newCloverdxFake(seed uint64, scale int, clock *Clock) *cloverdxFake {
	start := clock.Now()
	f := &cloverdxFake{srv: cloverdxfake.New(cloverdxfake.Options{Seed: seed, Scale: scale, Now: start}), files: map[string]cloverdxfake.Execution{}}
	f.srv.Update(func(d *cloverdxfake.Data) {
		// Executions are newest first: the first of a job file is its latest.
		runs := map[string][]cloverdxfake.Execution{}
		var order []string
		for _, e := range d.Executions {
			f.runN = max(f.runN, e.RunID)
			if e.ParentRunID != 0 {
				continue
			}
			id := cloverdxID(e)
			if runs[id] == nil {
				order = append(order, id)
			}
			runs[id] = append(runs[id], e)
		}
		keep := map[string]bool{}
		for _, id := range order {
			rs := runs[id]
			// The latest run succeeded within its cadence; older failures
			// are dropped below, as the other fakes' are.
			if len(rs) < 2 || rs[0].Status != "FINISHED_OK" || start.Sub(rs[0].Ended) >= rs[0].Started.Sub(rs[1].Started) {
				continue
			}
			keep[id] = true
			f.files[id] = rs[0]
			sa := &simAsset{id: id, period: rs[0].Started.Sub(rs[1].Started), baseMB: 100}
			sa.schedule(rs[0].Ended, start)
			f.kept = append(f.kept, sa)
		}
		// Only the kept files' successful runs stay, a jobflow's steps with it.
		kept := map[int64]bool{}
		for _, e := range d.Executions {
			if e.ParentRunID == 0 && keep[cloverdxID(e)] && e.Status == "FINISHED_OK" {
				kept[e.RunID] = true
			}
		}
		d.Executions = slices.DeleteFunc(d.Executions, func(e cloverdxfake.Execution) bool {
			return !kept[e.RunID] && !kept[e.ParentRunID]
		})
		for i := range d.Dashboards {
			for j := range d.Dashboards[i].Monitors {
				m := &d.Dashboards[i].Monitors[j]
				m.State, m.Warning = "PASSING", false
				for k := range m.Items {
					it := &m.Items[k]
					it.State, it.FailingSince, it.ErrorMessage, it.WarningMessage = "PASSING", time.Time{}, "", ""
				}
			}
		}
	})
	return f
}

func (f *cloverdxFake) handler() http.Handler { return f.srv }

func (f *cloverdxFake) target(name, url string) string {
	return fmt.Sprintf("  - name: %s\n    vendor: cloverdx\n    url: %s%s\n    username: %s\n    password: %s\n",
		name, url, cloverdxfake.Root, cloverdxfake.DefaultUsername, cloverdxfake.DefaultPassword)
}

func (f *cloverdxFake) assets() []*simAsset { return f.kept }

func (f *cloverdxFake) tick(time.Time) {}

func (f *cloverdxFake) backup(a *simAsset, end time.Time, ok bool, _ float64) {
	model, known := f.files[a.id]
	if !known {
		return
	}
	f.srv.Update(func(d *cloverdxfake.Data) {
		// A vendor that answers with no executions still runs its jobs.
		runs := &d.Executions
		if f.hidden != nil {
			runs = &f.hidden
		}
		f.runN++
		start := end.Add(-step)
		e := cloverdxfake.Execution{RunID: f.runN, Sandbox: model.Sandbox, JobFile: model.JobFile, ExecutionType: model.ExecutionType,
			Status: "FINISHED_OK", Submitted: start.Add(-time.Second), Started: start, Ended: end}
		if !ok {
			e.Status, e.ErrorMessage = "ERROR", "Component DB_OUTPUT_TABLE0 finished with status ERROR"
		}
		// Keep five weeks of runs: the exporter reads no further back.
		*runs = slices.DeleteFunc(append(*runs, e), func(e cloverdxfake.Execution) bool {
			return !e.Ended.IsZero() && end.Sub(e.Ended) > 35*24*time.Hour
		})
	})
}

// Every job file is protected: CloverDX has no schedules to lose.
func (f *cloverdxFake) setProtected(*simAsset, bool) bool { return false }

func (f *cloverdxFake) setInventoryEmpty(empty bool) {
	f.srv.Update(func(d *cloverdxfake.Data) {
		if empty && f.hidden == nil {
			f.hidden, d.Executions = d.Executions, []cloverdxfake.Execution{}
		} else if !empty && f.hidden != nil {
			d.Executions, f.hidden = f.hidden, nil
		}
	})
}

func (f *cloverdxFake) setVendorAlert(*simAsset, bool, time.Time) bool { return false }

func (f *cloverdxFake) onboard(string, int, time.Time) []*simAsset { return nil }

func (f *cloverdxFake) setAgentOn(*simAsset, bool) bool { return false }

func (f *cloverdxFake) fillStorage(*simAsset, float64) bool { return false }

func (f *cloverdxFake) failRestore(*simAsset, time.Time) bool { return false }

func (f *cloverdxFake) tls() bool { return false }

func (f *cloverdxFake) itemPath(*simAsset) string { return "" }

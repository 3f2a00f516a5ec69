package cloverdxfake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// restPath is the REST base below the host.
const restPath = Root + "/api/rest/v1"

// serverZone is the fake server's time zone: its ISO-8601 times carry a
// +02:00 offset, as the vendor's examples do.
var serverZone = time.FixedZone("CEST", 2*60*60)

// executions answers GET /executions, newest first.
func (s *Server) executions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := readPage(w, r, len(s.data.Executions), len(s.data.Executions)+s.data.PhantomExecutions)
	if !ok {
		s.mu.Unlock()
		return
	}
	members := make([]any, 0, p.hi-p.lo)
	for i := p.lo; i < p.hi; i++ {
		if s.opts.OldestFirst {
			i := len(s.data.Executions) - 1 - i
			members = append(members, executionJSON(r, s.data.Executions[i]))
			continue
		}
		members = append(members, executionJSON(r, s.data.Executions[i]))
	}
	s.mu.Unlock()
	p.write(w, r, "ExecutionCollection", members)
}

// execution answers GET /executions/{runId}.
func (s *Server) execution(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("runId"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid runId: "+r.PathValue("runId"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.data.Executions {
		if e.RunID == id {
			fakejson.Write(w, http.StatusOK, executionJSON(r, e))
			return
		}
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("Execution %d not found", id))
}

// dashboards answers GET /dashboards.
func (s *Server) dashboards(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := readPage(w, r, len(s.data.Dashboards), len(s.data.Dashboards))
	if !ok {
		s.mu.Unlock()
		return
	}
	members := make([]any, 0, p.hi-p.lo)
	for _, d := range s.data.Dashboards[p.lo:p.hi] {
		members = append(members, map[string]any{
			"@self": self(r, fmt.Sprintf("%s/dashboards/%d", restPath, d.ID)), "@type": "Dashboard",
			"id": d.ID, "name": d.Name,
		})
	}
	s.mu.Unlock()
	p.write(w, r, "DashboardCollection", members)
}

// monitors answers GET /dashboards/{id}/monitors.
func (s *Server) monitors(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d := s.dashboard(r.PathValue("id"))
	if d == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Dashboard "+r.PathValue("id")+" not found")
		return
	}
	p, ok := readPage(w, r, len(d.Monitors), len(d.Monitors))
	if !ok {
		s.mu.Unlock()
		return
	}
	members := make([]any, 0, p.hi-p.lo)
	for _, m := range d.Monitors[p.lo:p.hi] {
		members = append(members, s.monitorJSON(r, d.ID, m))
	}
	s.mu.Unlock()
	p.write(w, r, "MonitorCollection", members)
}

// monitor answers GET /dashboards/{id}/monitors/{monitorId}.
func (s *Server) monitor(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.dashboard(r.PathValue("id")); d != nil {
		for _, m := range d.Monitors {
			if strconv.Itoa(m.ID) == r.PathValue("monitorId") {
				fakejson.Write(w, http.StatusOK, s.monitorJSON(r, d.ID, m))
				return
			}
		}
	}
	writeError(w, http.StatusNotFound, "Monitor "+r.PathValue("monitorId")+" not found on dashboard "+r.PathValue("id"))
}

// dashboard finds a dashboard by its id; the caller holds the lock.
func (s *Server) dashboard(id string) *Dashboard {
	for i := range s.data.Dashboards {
		if strconv.Itoa(s.data.Dashboards[i].ID) == id {
			return &s.data.Dashboards[i]
		}
	}
	return nil
}

// executionJSON is the wire form of e: times as ISO-8601 with an offset (or
// epoch milliseconds), null when unknown, and the duration in milliseconds.
func executionJSON(r *http.Request, e Execution) map[string]any {
	at := func(t time.Time) any {
		switch {
		case t.IsZero():
			return nil
		case e.EpochMillis:
			return t.UnixMilli()
		}
		return t.In(serverZone).Format("2006-01-02T15:04:05.000Z07:00")
	}
	var duration, durationString any
	if !e.Ended.IsZero() && !e.Started.IsZero() {
		d := e.Ended.Sub(e.Started)
		duration = d.Milliseconds()
		durationString = fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	}
	var errorMessage any
	if e.ErrorMessage != "" {
		errorMessage = e.ErrorMessage
	}
	return map[string]any{
		"@self": self(r, fmt.Sprintf("%s/executions/%d", restPath, e.RunID)), "@type": "Execution",
		"runId": e.RunID, "status": e.Status, "sandboxCode": e.Sandbox, "jobFile": e.JobFile,
		"executionType": e.ExecutionType, "executor": "worker", "executedBy": "scheduler",
		"parentRunId": parentRun(e),
		"submitTime":  at(e.Submitted), "startTime": at(e.Started), "endTime": at(e.Ended),
		"duration": duration, "durationString": durationString, "errorMessage": errorMessage,
	}
}

// monitorJSON is the wire form of a monitor, with its item counts.
func (s *Server) monitorJSON(r *http.Request, dashboardID int, m Monitor) map[string]any {
	items := make([]any, len(m.Items))
	failing := 0
	for i, it := range m.Items {
		if strings.EqualFold(it.State, "FAILING") {
			failing++
		}
		var since, errMsg, warnMsg any
		if !it.FailingSince.IsZero() {
			since = it.FailingSince.In(serverZone).Format(time.RFC3339)
		}
		if it.ErrorMessage != "" {
			errMsg = it.ErrorMessage
		}
		if it.WarningMessage != "" {
			warnMsg = it.WarningMessage
		}
		items[i] = map[string]any{
			"type": it.Type, "id": it.ID, "name": it.Name, "sandboxCode": it.Sandbox,
			"state": s.enum(it.State), "alertLevel": s.enum(it.AlertLevel),
			"failingSince": since, "errorMessage": errMsg, "warningMessage": warnMsg,
		}
	}
	return map[string]any{
		"@self": self(r, fmt.Sprintf("%s/dashboards/%d/monitors/%d", restPath, dashboardID, m.ID)), "@type": "Monitor",
		"id": m.ID, "dashboardId": dashboardID, "name": m.Name,
		"state": s.enum(m.State), "warning": m.Warning, "alertLevel": s.enum(m.AlertLevel),
		"failingItemsCount": failing, "passingItemsCount": len(m.Items) - failing,
		"items": items,
	}
}

// enum writes an enumeration value as a string, or as {"name": v} when the
// data set asks for objects; the caller holds the lock.
func (s *Server) enum(v string) any {
	if s.data.ObjectEnums {
		return map[string]string{"name": v}
	}
	return v
}

// parentRun is the wire parentRunId: the parent's run, or null for a run
// of its own.
func parentRun(e Execution) any {
	if e.ParentRunID == 0 {
		return nil
	}
	return e.ParentRunID
}

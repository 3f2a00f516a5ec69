package cloutilityfake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

func (s *Server) handleMe(w http.ResponseWriter, _ *http.Request, d *Data) {
	o := obj{"id": 1, "name": "Monitoring", "username": s.opts.Username, "href": "/v1/me"}
	if b := d.bunit(d.RootID); b != nil {
		o["businessUnit"] = obj{"id": b.ID, "name": b.Name, "href": bunitHref(b.ID)}
	}
	fakejson.Write(w, http.StatusOK, o)
}

func (s *Server) handleWarningTypes(w http.ResponseWriter, _ *http.Request, d *Data) {
	items := make([]obj, 0, len(d.WarningTypes))
	for _, t := range d.WarningTypes {
		items = append(items, obj{"id": t.ID, "name": t.Name, "usesLimit": t.UsesLimit})
	}
	fakejson.Write(w, http.StatusOK, collection("NodeWarningType", "/v1/nodewarningtypes", items))
}

// handleTree serves /v1/bunits: the user's business unit with all its
// descendants, as one SimpleBusinessUnit.
func (s *Server) handleTree(w http.ResponseWriter, _ *http.Request, d *Data) {
	root := d.bunit(d.RootID)
	if root == nil {
		apiError(w, http.StatusNotFound, "NotFound", "The user has no business unit.")
		return
	}
	fakejson.Write(w, http.StatusOK, simpleBunit(d, root))
}

// bunitOf resolves {b} to a business unit, or answers 404.
func bunitOf(w http.ResponseWriter, r *http.Request, d *Data) *BusinessUnit {
	id, err := strconv.Atoi(r.PathValue("b"))
	if b := d.bunit(id); err == nil && b != nil {
		return b
	}
	apiError(w, http.StatusNotFound, "NotFound", "Business unit not found.")
	return nil
}

func (s *Server) handleBunit(w http.ResponseWriter, r *http.Request, d *Data) {
	if b := bunitOf(w, r, d); b != nil {
		fakejson.Write(w, http.StatusOK, fullBunit(d, b))
	}
}

func (s *Server) handleChildBunits(w http.ResponseWriter, r *http.Request, d *Data) {
	b := bunitOf(w, r, d)
	if b == nil {
		return
	}
	var items []obj
	for _, c := range d.BusinessUnits {
		if c.ParentID == b.ID && c.ID != b.ID {
			items = append(items, simpleBunit(d, c))
		}
	}
	fakejson.Write(w, http.StatusOK, collection("SimpleBusinessUnit", bunitHref(b.ID)+"/bunits", items))
}

func (s *Server) handleConsumers(w http.ResponseWriter, r *http.Request, d *Data) {
	b := bunitOf(w, r, d)
	if b == nil {
		return
	}
	var items []obj
	for _, c := range d.Consumers {
		if c.BusinessUnitID == b.ID {
			items = append(items, slimConsumer(c))
		}
	}
	fakejson.Write(w, http.StatusOK, collection("Consumer", bunitHref(b.ID)+"/consumers", items))
}

func (s *Server) handleConsumer(w http.ResponseWriter, _ *http.Request, d *Data, c *Consumer) {
	fakejson.Write(w, http.StatusOK, fullConsumer(d, c))
}

func (s *Server) handleNode(w http.ResponseWriter, _ *http.Request, _ *Data, c *Consumer) {
	if c.Node == nil {
		apiError(w, http.StatusNotFound, "NotFound", "The consumer has no node.")
		return
	}
	fakejson.Write(w, http.StatusOK, renderNode(c))
}

func (s *Server) handleFilespaces(w http.ResponseWriter, _ *http.Request, _ *Data, c *Consumer) {
	if c.Node == nil {
		apiError(w, http.StatusNotFound, "NotFound", "The consumer has no node.")
		return
	}
	items := make([]obj, 0, len(c.Node.Filespaces))
	for _, f := range c.Node.Filespaces {
		items = append(items, renderFilespace(c, f))
	}
	fakejson.Write(w, http.StatusOK, collection("Filespace", consumerHref(c)+"/node/filespaces", items))
}

// handleLatestReport serves /reports/latest, without status and warnings.
func (s *Server) handleLatestReport(w http.ResponseWriter, _ *http.Request, d *Data, c *Consumer) {
	if c.Report == nil {
		apiError(w, http.StatusNotFound, "NotFound", "The consumer has no report.")
		return
	}
	// The status and warnings switches are documented for the ranged
	// /reports only (cloutility.md 3.4): the latest report is served
	// without either, whatever the query.
	fakejson.Write(w, http.StatusOK, renderReport(d, c, false, false))
}

// handleReports serves the reports of a period; the fake keeps only the
// latest report of each consumer.
func (s *Server) handleReports(w http.ResponseWriter, r *http.Request, d *Data, c *Consumer) {
	q := r.URL.Query()
	from, errFrom := optionalTime(q, "startDate", time.Time{})
	to, errTo := optionalTime(q, "endDate", d.Now)
	if errFrom != nil || errTo != nil {
		apiError(w, http.StatusBadRequest, "BadRequest", "startDate and endDate must be ISO-8601 dates.")
		return
	}
	var items []obj
	if rep := c.Report; rep != nil && !rep.Date.Before(from) && !rep.Date.After(to) {
		items = append(items, renderReport(d, c, flag(q, "status"), flag(q, "warnings")))
	}
	fakejson.Write(w, http.StatusOK, collection("NodeReport", consumerHref(c)+"/reports", items))
}

// handleJobs serves the ranged jobs call, `/jobs?startTime&endTime`.
func (s *Server) handleJobs(w http.ResponseWriter, r *http.Request, d *Data, c *Consumer) {
	if s.opts.RangedJobsOnFirstOnly {
		apiError(w, http.StatusNotFound, "NotFound", "No HTTP resource was found that matches the request URI.")
		return
	}
	s.rangedJobs(w, r, d, c)
}

// handleFirstJob serves `/jobs/first`: with startTime or endTime it is the
// ranged call of Safespring's guide; without, the consumer's first job,
// where only `completed` is meaningful.
func (s *Server) handleFirstJob(w http.ResponseWriter, r *http.Request, d *Data, c *Consumer) {
	q := r.URL.Query()
	if (q.Has("startTime") || q.Has("endTime")) && !s.opts.FirstJobIgnoresRange {
		s.rangedJobs(w, r, d, c)
		return
	}
	first, ok := c.firstCompleted()
	if !ok {
		apiError(w, http.StatusNotFound, "NotFound", "The consumer has no job.")
		return
	}
	fakejson.Write(w, http.StatusOK, firstJobQuirk(first))
}

// rangedJobs answers the jobs in [startTime, endTime], by default the last
// 24 hours. The start must not precede the first job's completion; the
// API's answer to that is not documented, the fake's is 400. [I]
func (s *Server) rangedJobs(w http.ResponseWriter, r *http.Request, d *Data, c *Consumer) {
	q := r.URL.Query()
	to, errTo := optionalTime(q, "endTime", d.Now)
	from, errFrom := optionalTime(q, "startTime", to.Add(-24*time.Hour))
	if errFrom != nil || errTo != nil {
		apiError(w, http.StatusBadRequest, "BadRequest", "startTime and endTime must be ISO-8601 dates.")
		return
	}
	if first, ok := c.firstCompleted(); ok && q.Has("startTime") && from.Before(first) {
		apiError(w, http.StatusBadRequest, "BadRequest", "startTime must not precede the completion of the first job ("+date(first)+").")
		return
	}
	var items []obj
	for _, j := range c.Jobs {
		if at := j.at(); !at.Before(from) && !at.After(to) {
			items = append(items, renderJob(c, j))
		}
	}
	fakejson.Write(w, http.StatusOK, collection("Job", consumerHref(c)+"/jobs", items))
}

// flag reads a boolean query switch.
func flag(q url.Values, key string) bool { return strings.EqualFold(q.Get(key), "true") }

// optionalTime reads an ISO-8601 query parameter, def when it is absent.
func optionalTime(q url.Values, key string, def time.Time) (time.Time, error) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	_, err := time.Parse(time.RFC3339Nano, v)
	return time.Time{}, err
}

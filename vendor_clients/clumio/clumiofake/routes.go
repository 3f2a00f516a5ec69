package clumiofake

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/fakejson"
)

// The media types of the resources the fake serves (clumio.md 1.1).
const (
	acceptTasks            = "application/api.clumio.tasks=v1+json"
	acceptAlerts           = "application/api.clumio.individual-alerts=v1+json"
	acceptPolicies         = "application/api.clumio.policy-definitions=v1+json"
	acceptOUs              = "application/api.clumio.organizational-units=v2+json"
	acceptEBS              = "application/api.clumio.aws-ebs-volumes=v1+json"
	acceptEC2              = "application/api.clumio.aws-ec2-instances=v1+json"
	acceptRDS              = "application/api.clumio.aws-rds-resources=v1+json"
	acceptDynamoDB         = "application/api.clumio.aws-dynamodb-tables=v1+json"
	acceptProtectionGroups = "application/api.clumio.protection-groups=v1+json"
)

// assetPaths and assetAccepts are each asset type's inventory endpoint and
// media type.
var (
	assetPaths = map[string]string{
		TypeEBS:             "/datasources/aws/ebs-volumes",
		TypeEC2:             "/datasources/aws/ec2-instances",
		TypeRDS:             "/datasources/aws/rds-resources",
		TypeDynamoDB:        "/datasources/aws/dynamodb-tables",
		TypeProtectionGroup: "/datasources/protection-groups",
	}
	assetAccepts = map[string]string{
		TypeEBS:             acceptEBS,
		TypeEC2:             acceptEC2,
		TypeRDS:             acceptRDS,
		TypeDynamoDB:        acceptDynamoDB,
		TypeProtectionGroup: acceptProtectionGroups,
	}
)

// Error codes of the errors envelope. 359 is Clumio's (missing token); the
// others are the fake's choice [I].
const (
	codeMissingToken = 359
	codeInvalidToken = 360
)

// handlerFunc serves one request once auth, Accept and the OU are checked;
// visible holds the OU ids the request may see. It runs under the data's
// read lock.
type handlerFunc func(w http.ResponseWriter, r *http.Request, visible map[string]bool)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.handle(mux, "/tasks", acceptTasks, s.listTasks)
	s.handle(mux, "/tasks/{id}", acceptTasks, s.getTask)
	s.handle(mux, "/alerts/individual", acceptAlerts, s.listAlerts)
	s.handle(mux, "/alerts/individual/{id}", acceptAlerts, s.getAlert)
	s.handle(mux, "/policies/definitions", acceptPolicies, s.listPolicies)
	s.handle(mux, "/policies/definitions/{id}", acceptPolicies, s.getPolicy)
	s.handle(mux, "/organizational-units", acceptOUs, s.listOUs)
	s.handle(mux, "/organizational-units/{id}", acceptOUs, s.getOU)
	s.handle(mux, endpointsPath, acceptEndpoints, s.listEndpoints)
	s.handleCreate(mux, endpointsPath, acceptEndpoints, s.createEndpoint)
	s.handle(mux, "/backups/protection-groups", acceptPGBackups, s.listPGBackups)
	s.handle(mux, "/backups/protection-groups/s3-assets", acceptS3AssetBackups, s.listS3AssetBackups)
	for typ, path := range assetPaths {
		s.handle(mux, path, assetAccepts[typ], s.listAssets(typ))
		s.handle(mux, path+"/{id}", assetAccepts[typ], s.getAsset(typ))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such resource: "+r.URL.Path)
	})
	return mux
}

// handle registers pattern with the checks every Clumio resource makes: GET
// only, the bearer token, the resource's Accept media type and the OU header.
func (s *Server) handle(mux *http.ServeMux, pattern, accept string, h handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed")
			return
		}
		if !s.authorized(w, r, accept) {
			return
		}
		if s.pendingRuns.Load() > 0 {
			s.mu.Lock()
			s.advance()
			s.mu.Unlock()
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		visible, ok := s.visibleOUs(r)
		if !ok {
			writeError(w, http.StatusNotFound, "organizational unit not found")
			return
		}
		h(w, r, visible)
	})
}

// authorized checks the bearer token and the Accept media type, and answers
// the refusal when one fails.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, accept string) bool {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, token, _ := strings.Cut(auth, " ")
	isBearer := strings.EqualFold(scheme, "Bearer")
	switch {
	case auth == "" || (isBearer && strings.TrimSpace(token) == ""):
		writeCodedError(w, http.StatusForbidden, codeMissingToken, "The authentication token is missing")
		return false
	case !isBearer || strings.TrimSpace(token) != s.token:
		writeCodedError(w, http.StatusUnauthorized, codeInvalidToken, "The authentication token is invalid or expired")
		return false
	}
	if !acceptable(r.Header.Get("Accept"), accept) {
		writeError(w, http.StatusNotAcceptable, "Accept must be "+accept)
		return false
	}
	return true
}

// acceptable reports whether the Accept header lists want.
//
// Quirk: the media type carries the resource and its version, so a header
// naming another resource (or version) is refused.
func acceptable(header, want string) bool {
	for _, v := range strings.Split(header, ",") {
		if strings.TrimSpace(v) == want {
			return true
		}
	}
	return false
}

// writeError writes the errors envelope with the HTTP status as error code.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeCodedError(w, status, status, msg)
}

func writeCodedError(w http.ResponseWriter, status, code int, msg string) {
	fakejson.Write(w, status, map[string]any{
		"errors": []map[string]any{{"error_code": code, "error_message": msg}},
	})
}

func notFound(w http.ResponseWriter, what, id string) {
	writeError(w, http.StatusNotFound, what+" "+id+" not found")
}

// getOne serves /{resource}/{id}: the first visible item with that id.
func getOne[T any](w http.ResponseWriter, r *http.Request, items []T, what string, match func(*T, string) bool, render func(*T) any) {
	id := r.PathValue("id")
	for i := range items {
		if match(&items[i], id) {
			fakejson.Write(w, http.StatusOK, render(&items[i]))
			return
		}
	}
	notFound(w, what, id)
}

var taskSpec = listSpec[Task]{
	fields: map[string]field[Task]{
		"status":               {kindString, "$in", func(t *Task) any { return t.Status }},
		"type":                 {kindString, "$in", func(t *Task) any { return t.Type }},
		"category":             {kindString, "$in", func(t *Task) any { return t.Category }},
		"genre":                {kindString, "$in", func(t *Task) any { return genre(t.Category) }},
		"id":                   {kindString, "$in", func(t *Task) any { return t.ID }},
		"primary_entity.id":    {kindString, "$contains", func(t *Task) any { return t.PrimaryEntity.ID }},
		"primary_entity.value": {kindString, "$contains", func(t *Task) any { return t.PrimaryEntity.Value }},
		"created_timestamp":    {kindTime, "$gte $lte", func(t *Task) any { return t.Created }},
	},
}

// listTasks serves the tasks newest first, as the console lists them, from
// the copy sorted when the data changed.
func (s *Server) listTasks(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	serveList(w, r, &s.selections, s.tasksNewestFirst, func(t *Task) bool { return visible[t.OUID] }, taskSpec, renderTask)
}

// sortTasks refreshes tasksNewestFirst; it runs under the write lock.
func (s *Server) sortTasks() {
	s.tasksNewestFirst = slices.Clone(s.data.Tasks)
	slices.SortFunc(s.tasksNewestFirst, func(a, b Task) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID))
	})
}

func (s *Server) getTask(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	getOne(w, r, s.data.Tasks, "task", func(t *Task, id string) bool { return t.ID == id && visible[t.OUID] }, renderTask)
}

func byTime(get func(*Alert) time.Time) func(a, b *Alert) int {
	return func(a, b *Alert) int { return cmp.Or(get(a).Compare(get(b)), cmp.Compare(a.ID, b.ID)) }
}

var alertSpec = listSpec[Alert]{
	fields: map[string]field[Alert]{
		"type":                  {kindString, "$in", func(a *Alert) any { return a.Type }},
		"status":                {kindString, "$in", func(a *Alert) any { return a.Status }},
		"severity":              {kindString, "$in", func(a *Alert) any { return a.Severity }},
		"raised_timestamp":      {kindTime, "$gte $lte", func(a *Alert) any { return a.Raised }},
		"updated_timestamp":     {kindTime, "$gte $lte", func(a *Alert) any { return a.Updated }},
		"cleared_timestamp":     {kindTime, "$gte $lte", func(a *Alert) any { return a.Cleared }},
		"consolidated_alert_id": {kindString, "$eq", func(a *Alert) any { return a.ConsolidatedID }},
		"primary_entity.id":     {kindString, "$eq", func(a *Alert) any { return a.PrimaryEntity.ID }},
		"primary_entity.type":   {kindString, "$eq", func(a *Alert) any { return a.PrimaryEntity.Type }},
		"primary_entity.value":  {kindString, "$contains", func(a *Alert) any { return a.PrimaryEntity.Value }},
	},
	sorts: map[string]func(a, b *Alert) int{
		"raised_timestamp":  byTime(func(a *Alert) time.Time { return a.Raised }),
		"updated_timestamp": byTime(func(a *Alert) time.Time { return a.Updated }),
		"cleared_timestamp": byTime(func(a *Alert) time.Time { return a.Cleared }),
	},
	defaultSort: "-raised_timestamp",
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	serveList(w, r, &s.selections, s.data.Alerts, func(a *Alert) bool { return visible[a.OUID] }, alertSpec, renderAlert)
}

func (s *Server) getAlert(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	getOne(w, r, s.data.Alerts, "alert", func(a *Alert, id string) bool { return a.ID == id && visible[a.OUID] }, renderAlert)
}

var policySpec = listSpec[Policy]{
	fields: map[string]field[Policy]{
		"activation_status": {kindString, "$eq", func(p *Policy) any { return p.ActivationStatus }},
	},
}

// listPolicies serves /policies/definitions.
//
// Quirk: this list is not paged: no limit or start, and no total_count.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	pred, err := compileFilter(r.URL.Query().Get("filter"), policySpec.fields)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	p := page{Embedded: embedded{Items: []any{}}, Links: map[string]*link{"_self": {Href: r.URL.RequestURI(), Type: "get"}},
		Start: "1", FilterApplied: r.URL.Query().Get("filter")}
	for i := range s.data.Policies {
		if pol := &s.data.Policies[i]; visible[pol.OUID] && pred(pol) {
			p.Embedded.Items = append(p.Embedded.Items, renderPolicy(pol))
		}
	}
	p.CurrentCount, p.Limit = len(p.Embedded.Items), len(p.Embedded.Items)
	fakejson.Write(w, http.StatusOK, p)
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	getOne(w, r, s.data.Policies, "policy", func(p *Policy, id string) bool { return p.ID == id && visible[p.OUID] }, renderPolicy)
}

func (s *Server) listOUs(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	serveList(w, r, &s.selections, s.data.OUs, func(o *OU) bool { return visible[o.ID] }, listSpec[OU]{}, s.renderOU)
}

func (s *Server) getOU(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
	getOne(w, r, s.data.OUs, "organizational unit", func(o *OU, id string) bool { return o.ID == id && visible[o.ID] }, s.renderOU)
}

// assetFields are the inventory filters the fake honours.
var assetFields = map[string]field[Asset]{
	"protection_status":         {kindString, "$eq $in", func(a *Asset) any { return a.ProtectionStatus }},
	"is_deleted":                {kindBool, "$eq $in", func(a *Asset) any { return a.Deleted }},
	"environment_id":            {kindString, "$eq", func(a *Asset) any { return a.EnvironmentID }},
	"account_native_id":         {kindString, "$eq", func(a *Asset) any { return a.AccountNativeID }},
	"name":                      {kindString, "$eq $contains", func(a *Asset) any { return a.Name }},
	"protection_info.policy_id": {kindString, "$eq", func(a *Asset) any { return a.PolicyID }},
	"organizational_unit_id":    {kindString, "$in", func(a *Asset) any { return a.OUID }},
}

func (s *Server) listAssets(typ string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
		days, ok := lookbackDays(w, r)
		if !ok {
			return
		}
		serveList(w, r, &s.selections, s.data.Assets, func(a *Asset) bool { return a.Type == typ && visible[a.OUID] },
			listSpec[Asset]{fields: assetFields}, s.assetRenderer(days))
	}
}

func (s *Server) getAsset(typ string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, visible map[string]bool) {
		days, ok := lookbackDays(w, r)
		if !ok {
			return
		}
		getOne(w, r, s.data.Assets, typ, func(a *Asset, id string) bool {
			return a.ID == id && a.Type == typ && visible[a.OUID]
		}, s.assetRenderer(days))
	}
}

package main

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/backup-exporter/backup_exporter/backup"
	"github.com/backup-exporter/backup_exporter/collector"
)

// landingPolicy is the landing page's Content-Security-Policy: no script,
// frame, image or connection of any origin, only its own inline style and
// forms to itself. The page needs nothing else, so even markup that came
// through unescaped could not run.
const landingPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// dashboard is one of the dashboards under dashboards/, linked from the
// landing page when --web.grafana-url is set. Each has a target variable,
// so that a target's row links to it filtered to that target.
type dashboard struct {
	uid, title string
	// short names it in a target's row.
	short string
}

// dashboards are the dashboards the landing page links to, by their uid.
var dashboards = []dashboard{
	{uid: "backup-overview", title: "Backup overview", short: "overview"},
	{uid: "backup-slo", title: "Backup SLOs", short: "SLOs"},
	{uid: "backup-asset-detail", title: "Backup asset detail", short: "assets"},
	{uid: "backup-exporter-internals", title: "Backup exporter internals", short: "internals"},
}

// The states of a target on the landing page.
const (
	statePending = "pending" // its first refresh has not ended
	stateUp      = "up"      // the latest refresh read its assets
	stateDown    = "down"    // the latest refresh did not
)

// wholeRefreshFailed says which parts failed when the refresh failed
// before any part could be told apart: a first refresh refused at login.
const wholeRefreshFailed = "every part (the refresh failed)"

// link is an anchor of the landing page.
type link struct {
	Text string
	URL  string
}

// targetRow is one target as the landing page shows it.
type targetRow struct {
	collector.TargetStatus
	// State is statePending, stateUp or stateDown.
	State string
	// FailedParts lists the failed parts for its cell.
	FailedParts string
	// LastRefreshAge, LastSuccessAge and DataAge are how long ago the
	// latest refresh ended, the latest fully successful one ended and the
	// oldest data served was fetched; empty when never.
	LastRefreshAge, LastSuccessAge, DataAge string
	// Probe links to the target's own metrics; Dashboards to the
	// dashboards filtered to it.
	Probe      string
	Dashboards []link
}

// landingData is what the targets' part of the landing page shows.
type landingData struct {
	Now time.Time
	// Waiting says what a pending target waits for.
	Waiting    string
	Targets    []targetRow
	Counts     map[string]int
	Dashboards []link
}

// targetsSection renders the targets below the landing page's links.
// html/template escapes every value: names and errors come from the config
// and from upstream APIs.
var targetsSection = template.Must(template.New("targets").Funcs(template.FuncMap{
	"utc": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(`<h2>Targets</h2>
<p class="counts">{{len .Targets}} target(s): <span class="up">{{index .Counts "up"}} up</span>, <span class="down">{{index .Counts "down"}} down</span>, <span class="pending">{{index .Counts "pending"}} pending</span>, as of {{utc .Now}}.</p>
<table id="targets">
<thead><tr><th>Target</th><th>Vendor</th><th>State</th><th>Last refresh</th><th>Last success</th><th>Data age</th><th>Parts failing</th><th>Assets</th><th>Failing</th><th>Past RPO</th><th>Last error</th><th>Links</th></tr></thead>
<tbody>
{{range .Targets}}<tr class="target {{.State}}">
<td class="name">{{.Name}}</td>
<td class="vendor">{{.Vendor}}</td>
<td class="state">{{.State}}</td>
{{if .Refreshed}}<td class="last-refresh"><time datetime="{{utc .LastRefresh}}">{{.LastRefreshAge}} ago</time></td>
<td class="last-success">{{if .LastSuccessAge}}<time datetime="{{utc .LastSuccess}}">{{.LastSuccessAge}} ago</time>{{else}}never{{end}}</td>
<td class="data-age">{{if .DataAge}}{{.DataAge}}{{else}}no data{{end}}</td>
<td class="failed-parts">{{if .FailedParts}}{{.FailedParts}}{{else}}none{{end}}</td>
<td class="assets">{{.Assets}}</td>
<td class="assets-failing">{{.AssetsFailing}}</td>
<td class="assets-past-rpo">{{.AssetsPastRPO}}</td>
<td class="last-error">{{.LastError}}</td>
{{else}}<td class="last-refresh" colspan="8">{{$.Waiting}}</td>
{{end}}<td class="links"><a href="{{.Probe}}">metrics</a>{{range .Dashboards}} <a href="{{.URL}}">{{.Text}}</a>{{end}}</td>
</tr>
{{else}}<tr><td colspan="12">No targets configured.</td></tr>
{{end}}</tbody>
</table>
{{with .Dashboards}}<h2>Dashboards</h2>
<ul class="dashboards">{{range .}}<li><a href="{{.URL}}">{{.Text}}</a></li>{{end}}</ul>
{{end}}`))

// landingCSS styles the targets table: a state reads at a glance.
const landingCSS = `table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
td.assets,td.assets-failing,td.assets-past-rpo{text-align:right}
tr.down td.state{background:#f8d7da;font-weight:bold}tr.up td.state{background:#d4edda}tr.pending td.state{background:#fff3cd}
td.last-error{max-width:40em;overflow-wrap:anywhere;white-space:pre-line}`

// landingPage is the exporter-toolkit landing page plus the live target
// table: the operator's first look.
type landingPage struct {
	telemetryPath string
	// grafanaURL is --web.grafana-url, without a trailing slash; empty
	// when the dashboards are not linked.
	grafanaURL string
	// probeOnly is --web.probe-only: a target is refreshed only once it is
	// probed, so a pending one waits for its first probe.
	probeOnly bool
	reloader  *reloader
}

func newLandingPage(telemetryPath, grafanaURL string, probeOnly bool, r *reloader) (*landingPage, error) {
	lp := &landingPage{telemetryPath: telemetryPath, grafanaURL: strings.TrimSuffix(grafanaURL, "/"), probeOnly: probeOnly, reloader: r}
	// Build once at start-up so that a broken template fails early.
	if _, err := lp.render(); err != nil {
		return nil, err
	}
	return lp, nil
}

// parseGrafanaURL checks --web.grafana-url: an absolute http or https URL,
// or empty for none.
func parseGrafanaURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--web.grafana-url %q: want an absolute http or https URL, such as https://grafana.example.com", raw)
	}
	return raw, nil
}

func (lp *landingPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, err := lp.render()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", landingPolicy)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	h.ServeHTTP(w, r)
}

func (lp *landingPage) render() (*web.LandingPageHandler, error) {
	var section bytes.Buffer
	if err := targetsSection.Execute(&section, lp.data()); err != nil {
		return nil, err
	}
	return web.NewLandingPage(web.LandingConfig{
		Name:        exporterName,
		Description: "Backup health across backup vendors' APIs",
		Version:     version.Info(),
		Profiling:   "false",
		ExtraHTML:   section.String(),
		ExtraCSS:    landingCSS,
		Form: web.LandingForm{
			Action: "/probe",
			Inputs: []web.LandingFormInput{{Label: "Probe target", Type: "text", Name: "target", Placeholder: "target name"}},
		},
		Links: []web.LandingLinks{
			{Address: lp.telemetryPath, Text: "Metrics", Description: "every target and the exporter's own metrics"},
			{Address: "/config", Text: "Configuration", Description: "the configuration being served, secrets masked"},
			{Address: "/-/healthy", Text: "Health"},
			{Address: "/-/ready", Text: "Readiness", Description: "503 until every target's first refresh has ended"},
		},
	})
}

// data gathers what the targets' section shows, as of now.
func (lp *landingPage) data() landingData {
	now := time.Now()
	d := landingData{Now: now, Waiting: "first refresh in progress", Counts: map[string]int{}}
	if lp.probeOnly {
		d.Waiting = "not probed yet (--web.probe-only)"
	}
	for _, st := range lp.reloader.Exporter().Targets() {
		row := targetRow{TargetStatus: st, Probe: "probe?" + url.Values{"target": {st.Name}}.Encode()}
		switch {
		case !st.Refreshed:
			row.State = statePending
		case st.Up:
			row.State = stateUp
		default:
			row.State = stateDown
		}
		d.Counts[row.State]++
		if st.Refreshed {
			row.LastRefreshAge = age(now.Sub(st.LastRefresh))
		}
		if !st.LastSuccess.IsZero() {
			row.LastSuccessAge = age(now.Sub(st.LastSuccess))
		}
		if !st.DataFetchedAt.IsZero() {
			row.DataAge = age(now.Sub(st.DataFetchedAt))
		}
		row.FailedParts = joinParts(st.FailedParts)
		if row.FailedParts == "" && st.LastError != "" {
			row.FailedParts = wholeRefreshFailed
		}
		row.Dashboards = lp.dashboardLinks(st.Name)
		d.Targets = append(d.Targets, row)
	}
	d.Dashboards = lp.dashboardLinks("")
	return d
}

// dashboardLinks links to the dashboards in Grafana, filtered to target
// when it is not empty; nil without --web.grafana-url.
func (lp *landingPage) dashboardLinks(target string) []link {
	if lp.grafanaURL == "" {
		return nil
	}
	out := make([]link, 0, len(dashboards))
	for _, db := range dashboards {
		if target == "" {
			out = append(out, link{Text: db.title, URL: lp.grafanaURL + "/d/" + db.uid})
			continue
		}
		out = append(out, link{Text: db.short, URL: lp.grafanaURL + "/d/" + db.uid + "?" + url.Values{"var-target": {target}}.Encode()})
	}
	return out
}

// joinParts lists failed parts for a table cell.
func joinParts(parts []backup.Part) string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// age says how long ago something was, to the second under a minute, to
// the minute under a day, and in days and hours beyond: "42s", "3h5m",
// "2d4h".
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < 24*time.Hour:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	default:
		d = d.Round(time.Hour)
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	}
}

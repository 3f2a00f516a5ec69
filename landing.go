package main

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
)

// targetsTable renders each target's state below the landing page's links.
// html/template escapes every value: names and errors come from config and
// upstream APIs.
var targetsTable = template.Must(template.New("targets").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339)
	},
}).Parse(`<h2>Targets</h2>
<table>
<tr><th>Target</th><th>Vendor</th><th>Up</th><th>Assets</th><th>Last refresh</th><th>Last success</th><th>Last error</th><th></th></tr>
{{range .}}<tr><td>{{.Name}}</td><td>{{.Vendor}}</td><td>{{if .Up}}up{{else}}<b>down</b>{{end}}</td><td>{{.Assets}}</td><td>{{when .LastRefresh}}</td><td>{{when .LastSuccess}}</td><td>{{.LastError}}</td><td><a href="probe?target={{.Name}}">metrics</a></td></tr>
{{else}}<tr><td colspan="8">No targets configured.</td></tr>
{{end}}</table>`))

// landingPage is the exporter-toolkit landing page plus the live target table.
type landingPage struct {
	telemetryPath string
	reloader      *reloader
}

func newLandingPage(telemetryPath string, r *reloader) (*landingPage, error) {
	lp := &landingPage{telemetryPath: telemetryPath, reloader: r}
	// Build once at start-up so that a broken template fails early.
	if _, err := lp.render(); err != nil {
		return nil, err
	}
	return lp, nil
}

func (lp *landingPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, err := lp.render()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h.ServeHTTP(w, r)
}

func (lp *landingPage) render() (*web.LandingPageHandler, error) {
	var table bytes.Buffer
	if err := targetsTable.Execute(&table, lp.reloader.Exporter().Targets()); err != nil {
		return nil, err
	}
	return web.NewLandingPage(web.LandingConfig{
		Name:        exporterName,
		Description: "Backup health across backup vendors' APIs",
		Version:     version.Info(),
		Profiling:   "false",
		ExtraHTML:   table.String(),
		ExtraCSS:    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}",
		Links: []web.LandingLinks{
			{Address: lp.telemetryPath, Text: "Metrics", Description: "every target and the exporter's own metrics"},
			{Address: "/config", Text: "Configuration", Description: "the configuration being served, secrets masked"},
			{Address: "/-/healthy", Text: "Health"},
		},
	})
}

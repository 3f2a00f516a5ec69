// Command backtest scores the alert rules on a scenario: it runs the real
// collector against the vendor fakes in simulated time, backfills what it
// served into the pinned Prometheus, replays every alert and the example
// Alertmanager configuration, and prints each alert's precision, recall,
// detection delay and notifications per week (`make backtest`).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kingpin/v2"

	"github.com/backup-exporter/backup_exporter/internal/backtest"
)

func main() {
	app := kingpin.New("backtest", "Scores the alert rules on a scenario played by the exporter's own code in simulated time.")
	var (
		scenario     = app.Flag("scenario", "The scenario file: estate, incidents and the alerts that should catch them.").Default("internal/backtest/testdata/month.yml").String()
		rules        = app.Flag("rules", "The rule file to score.").Default("alerts/backup_exporter.rules.yml").String()
		alertmanager = app.Flag("alertmanager", "The Alertmanager configuration whose inhibitions and grouping count the notifications.").Default("alerts/alertmanager.example.yml").String()
		promtool     = app.Flag("promtool", "The pinned promtool.").Envar("PROMTOOL").Required().String()
		prometheus   = app.Flag("prometheus", "The pinned prometheus.").Envar("PROMETHEUS").Required().String()
		dir          = app.Flag("dir", "Scratch directory for the TSDB (default: a temporary one, removed after).").String()
		reuse        = app.Flag("reuse", "Score the data an earlier run of the same scenario left in --dir/data (a copy: rules are added to it) instead of simulating again.").Bool()
		skip         = app.Flag("skip-recording", "Leave out the recording rules whose names match this regular expression, and what reads them, where their backfill would take hours.").Regexp()
	)
	kingpin.MustParse(app.Parse(os.Args[1:]))
	os.Exit(run(backtest.Options{Scenario: *scenario, Rules: *rules, Alertmanager: *alertmanager,
		Promtool: *promtool, Prometheus: *prometheus, Dir: *dir, Reuse: *reuse, SkipRecording: *skip, Progress: os.Stderr}))
}

// run scores the rules and prints the table; it returns the exit code.
func run(o backtest.Options) int {
	if o.Dir == "" && o.Reuse {
		fmt.Fprintln(os.Stderr, "backtest: --reuse needs --dir")
		return 1
	}
	work := o.Dir
	if work == "" {
		tmp, err := os.MkdirTemp("", "backtest-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	// An interrupt stops the run between stages, and with it the Prometheus
	// server it started.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o.Dir = work
	r, err := backtest.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "backtest:", err)
		return 1
	}
	r.Print(os.Stdout)
	return 0
}

// Command backup_exporter serves the health of backups across several backup
// vendors' REST APIs as Prometheus metrics.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/backup-exporter/backup_exporter/collector"
)

const exporterName = "backup_exporter"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, so that tests can drive it.
func run(args []string, stdout, stderr *os.File) int {
	app := kingpin.New(exporterName, "Prometheus exporter for the health of backups across backup vendors' APIs.")
	app.UsageWriter(stderr)
	app.ErrorWriter(stderr)
	var (
		configFile    = app.Flag("config.file", "Path to the exporter's configuration file.").Default("exporter.yml").String()
		configCheck   = app.Flag("config.check", "Validate the configuration, print a summary of the targets and exit.").Bool()
		telemetryPath = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
		maxRequests   = app.Flag("web.max-requests", "Scrapes served at once; past it the exporter answers 503. 0 means no limit.").Default("40").Int()
		probeOnly     = app.Flag("web.probe-only", "Serve only the exporter's own metrics on the telemetry path; targets are fetched only through /probe.").Bool()
		timeoutOffset = app.Flag("web.scrape-timeout-offset", "Subtracted from Prometheus' X-Prometheus-Scrape-Timeout-Seconds, to leave time to answer.").Default("500ms").Duration()
		restoreDrills = app.Flag("restore-drills.enabled", "Run the targets' restore_drills (they create self-expiring restore endpoints). Enable it on one replica of an HA pair only.").Bool()
		writeTimeout  = app.Flag("web.write-timeout", "Longest time to answer one request, a scrape's refresh included; past it a client that reads slowly is cut off and its scrape slot freed. Keep it above the longest target timeout.").Default("2m").Duration()
		webFlags      = kingpinflag.AddFlags(app, ":9860")
		grafanaURL    = app.Flag("web.grafana-url", "Grafana's base URL (https://grafana.example.com), where the dashboards of dashboards/ are provisioned: the landing page links them, per target too. Empty, the default, links none.").String()
		healthAddress = app.Flag("web.health-listen-address", "Address of a second listener that serves only /-/healthy and /-/ready, over plain HTTP and without the authentication of --web.config.file, for probes that carry no credentials (kubelet's). Empty, the default, opens none.").String()
	)
	logConfig := &promslog.Config{}
	promslogflag.AddFlags(app, logConfig)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	if _, err := app.Parse(args); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", exporterName, err)
		return 2
	}
	logConfig.Writer = stderr
	logger := promslog.New(logConfig)
	grafana, err := parseGrafanaURL(*grafanaURL)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", exporterName, err)
		return 2
	}

	if *configCheck {
		return checkConfig(*configFile, stdout, stderr)
	}

	logger.Info("Starting "+exporterName, "version", version.Info())
	logger.Info("Build context", "build_context", version.BuildContext())

	selfRegistry := prometheus.NewRegistry()
	selfGatherer := withRuntimeMetrics(selfRegistry)
	reloader, err := newReloader(*configFile, logger, selfRegistry, collector.Options{
		Logger:        logger,
		Registerer:    selfRegistry,
		UserAgent:     exporterName + "/" + version.Version,
		RestoreDrills: *restoreDrills,
		WarmUp:        !*probeOnly,
	})
	if err != nil {
		logger.Error("Cannot start with this configuration", "err", err)
		return 1
	}

	srv := &server{
		reloader:      reloader,
		selfGatherer:  selfGatherer,
		logger:        logger,
		probeOnly:     *probeOnly,
		timeoutOffset: *timeoutOffset,
		slots:         newSlots(*maxRequests),
		telemetryPath: *telemetryPath,
		grafanaURL:    grafana,
	}
	mux, err := srv.routes()
	if err != nil {
		logger.Error("Cannot build the HTTP routes", "err", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go reloadOnHangup(ctx, reloader, logger)

	listeners := []listener{{server: newHTTPServer(mux, *writeTimeout), flags: webFlags}}
	if *healthAddress != "" {
		listeners = append(listeners, plainListener(newHTTPServer(srv.healthRoutes(), *writeTimeout), *healthAddress))
	}
	if err := serveAll(ctx, logger, listeners...); err != nil {
		logger.Error("HTTP server stopped", "err", err)
		return 1
	}
	return 0
}

// reloadOnHangup reloads the configuration on every SIGHUP.
func reloadOnHangup(ctx context.Context, r *reloader, logger *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := r.Reload(); err != nil {
				logger.Error("Reload on SIGHUP failed; the previous configuration keeps serving", "err", err)
			}
		}
	}
}

package main

import (
	"fmt"
	"io"

	"github.com/backup-exporter/backup_exporter/collector"
	"github.com/backup-exporter/backup_exporter/config"
)

// checkConfig implements --config.check: it loads the file, builds every
// target's client (so TLS files and vendor settings are checked too) and
// prints a summary, without contacting any API.
func checkConfig(path string, stdout, stderr io.Writer) int {
	cfg, warnings, err := config.Load(path)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	if _, err := collector.NewExporter(cfg, collector.Options{}); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: OK, %d target(s)\n%s", path, len(cfg.Targets), cfg.Summary())
	return 0
}

// Command gen writes the generated Grafana dashboards into a directory
// (default: the current one). Run it from the dashboards directory after
// changing the code: go run ./cmd/gen
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/backup-exporter/backup_exporter/dashboards"
)

func main() {
	dir := flag.String("dir", ".", "directory to write the dashboard JSON files into")
	flag.Parse()
	files, err := dashboards.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(*dir, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

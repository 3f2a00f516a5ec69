package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/backup-exporter/backup_exporter/config"
)

// TestFuzzTargetsCoverEveryVendor holds the Makefile's FUZZ_TARGETS to
// config's vendor table: each vendor's client has the two fuzz targets every
// client has (its list decoding and its value reading), and `make fuzz`
// must run them.
func TestFuzzTargetsCoverEveryVendor(t *testing.T) {
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vendors() {
		for _, target := range []string{"FuzzDecodeList", "FuzzReadValue"} {
			entry := regexp.MustCompile(`\./vendor_clients/` + regexp.QuoteMeta(v) + `:` + target + `\b`)
			if !entry.Match(makefile) {
				t.Errorf("FUZZ_TARGETS lacks ./vendor_clients/%s:%s", v, target)
			}
		}
	}
}

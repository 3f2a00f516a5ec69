package main

import (
	"slices"
	"testing"

	"github.com/alecthomas/kingpin/v2"

	"github.com/backup-exporter/backup_exporter/config"
)

// TestEveryVendorHasAFake holds the simulator's fakes to config's vendor
// table, so that a new vendor cannot be added to one and forgotten in the
// other (make demo and the e2e suite serve every fake vendorsim lists).
func TestEveryVendorHasAFake(t *testing.T) {
	var names []string
	for _, f := range registerFakes(kingpin.New("vendorsim", "")) {
		names = append(names, f.name)
	}
	if want := config.Vendors(); !slices.Equal(names, want) {
		t.Errorf("vendorsim serves fakes %v, config knows vendors %v", names, want)
	}
}

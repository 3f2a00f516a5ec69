package collector

import (
	"maps"
	"slices"
	"testing"

	"github.com/backup-exporter/backup_exporter/config"
)

// TestRegistryMatchesConfigVendors holds the collector's registry to
// config's vendor table: a vendor config accepts must have a client, and a
// client no config can select is dead code.
func TestRegistryMatchesConfigVendors(t *testing.T) {
	// The engine tests register fakeVendor beside the real ones.
	registered := slices.DeleteFunc(slices.Sorted(maps.Keys(vendors)), func(name string) bool { return name == fakeVendor })
	accepted := slices.Sorted(slices.Values(config.Vendors()))
	if !slices.Equal(registered, accepted) {
		t.Errorf("collector registers %v, config accepts %v", registered, accepted)
	}
	for name, v := range vendors {
		if v.New == nil {
			t.Errorf("vendor %q has no constructor", name)
		}
	}
}

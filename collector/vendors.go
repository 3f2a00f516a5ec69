package collector

// vendors maps a target's `vendor` key to its client.
var vendors = map[string]Vendor{}

// KnownVendor reports whether name is a vendor the engine can watch.
func KnownVendor(name string) bool {
	_, ok := vendors[name]
	return ok
}

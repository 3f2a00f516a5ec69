package config

// This file is everything config knows about a vendor: its name, the target
// keys only it takes, and how its credentials are read and checked. A new
// vendor is one row of vendorTable here, one package under vendor_clients/
// and one entry of collector/vendors.go (a test checks that the two lists
// agree).

// Vendor names accepted in a target's `vendor` key.
const (
	VendorClumio     = "clumio"
	VendorCleverFox  = "cleverfox"
	VendorCloutility = "cloutility"
	VendorCloverDX   = "cloverdx"
)

// vendorSpec is one vendor as config sees it.
type vendorSpec struct {
	// name is the `vendor` value.
	name string
	// keys are the target keys that belong to this vendor (and to any other
	// vendor whose row also lists them); set on another vendor's target they
	// are an error rather than silently unused.
	keys []string
	// credentials reads the secrets into t and checks the keys the vendor
	// requires, reporting each problem by its path.
	credentials func(l *loader, path string, r *rawTarget, t *Target)
	// defaults are the settings in which the vendor differs from
	// DefaultSettings (vendordefaults.go); zero for none.
	defaults vendorDefault
}

// vendorTable lists the vendors in the order messages name them.
var vendorTable = []vendorSpec{
	{
		name: VendorClumio,
		keys: []string{"bearer_token", "bearer_token_file", "organizational_unit", "restore_drills"},
		credentials: func(l *loader, path string, r *rawTarget, t *Target) {
			t.BearerToken = l.secret(path, "bearer_token", r.BearerToken, r.BearerTokenFile)
		},
	},
	{
		name: VendorCleverFox,
		keys: []string{"api_key", "api_key_file"},
		credentials: func(l *loader, path string, r *rawTarget, t *Target) {
			t.APIKey = l.secret(path, "api_key", r.APIKey, r.APIKeyFile)
		},
	},
	{
		name: VendorCloutility,
		keys: []string{"client_id", "origin", "business_units", "username", "password", "password_file"},
		credentials: func(l *loader, path string, r *rawTarget, t *Target) {
			l.required(path+".client_id", r.ClientID)
			l.required(path+".origin", r.Origin)
			l.required(path+".username", r.Username)
			t.Password = l.secret(path, "password", r.Password, r.PasswordFile)
			l.checkNonEmpty(path+".business_units", r.BusinessUnits)
		},
		defaults: cloutilityDefaults,
	},
	{
		name: VendorCloverDX,
		keys: []string{"username", "password", "password_file"},
		credentials: func(l *loader, path string, r *rawTarget, t *Target) {
			l.required(path+".username", r.Username)
			t.Password = l.secret(path, "password", r.Password, r.PasswordFile)
		},
		defaults: cloverDXDefaults,
	},
}

// Vendors returns the valid `vendor` values, in the order messages name them.
func Vendors() []string {
	names := make([]string, len(vendorTable))
	for i, v := range vendorTable {
		names[i] = v.name
	}
	return names
}

// vendorSpecOf returns the row of a vendor, or false for an unknown name.
func vendorSpecOf(name string) (vendorSpec, bool) {
	for _, v := range vendorTable {
		if v.name == name {
			return v, true
		}
	}
	return vendorSpec{}, false
}

// vendorsWithKey returns the vendors whose row lists key.
func vendorsWithKey(key string) []string {
	var out []string
	for _, v := range vendorTable {
		for _, k := range v.keys {
			if k == key {
				out = append(out, v.name)
			}
		}
	}
	return out
}

// vendorOnlyKeys returns every vendor-specific key once, in table order.
func vendorOnlyKeys() []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vendorTable {
		for _, k := range v.keys {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

package dashboards

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// TestCommittedJSONPassesSDKSchema reads every committed dashboard back
// through the Foundation SDK's strict decoder, which fails on an unknown or
// mistyped field, a required field missing or null, at every level: the
// dashboard, each panel, its options and field config (by the panel type's
// schema) and each query (by the Prometheus data source's schema). Then it
// runs the SDK's Validate(), the schemas' constraints, on the dashboard, its
// panels and queries, and each panel's options. Our own tests read only the
// fields they know; this holds the whole file to Grafana's schema.
func TestCommittedJSONPassesSDKSchema(t *testing.T) {
	// Without the plugins registered, options and queries would be decoded
	// loosely, as any.
	plugins.RegisterDefaultPlugins()
	files, err := filepath.Glob("*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no committed dashboards")
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := decodeStrict(&dashboard.Dashboard{}, data); err != nil {
				t.Fatalf("strict decoding:\n%v", err)
			}
			// The strict decoder finds every error but keeps no panel (see
			// decodeStrict), so what Validate reads is decoded again, through
			// the same registered schemas, now known to hold.
			var d dashboard.Dashboard
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			if err := d.Validate(); err != nil {
				t.Fatalf("Validate:\n%v", err)
			}
			if d.Editable == nil || *d.Editable {
				t.Error("the dashboard is editable; provisioned dashboards are read-only (editable: false)")
			}
			panels := 0
			for _, p := range d.Panels {
				if p.Panel == nil {
					continue
				}
				panels++
				if _, ok := cog.ConfigForPanelcfgVariant(p.Panel.Type); !ok {
					t.Errorf("panel %q: type %q has no schema in the SDK, so its options were not checked", title(p.Panel), p.Panel.Type)
				}
				if options, ok := p.Panel.Options.(interface{ Validate() error }); !ok {
					t.Errorf("panel %q: options decoded as %T, not by the panel type's schema", title(p.Panel), p.Panel.Options)
				} else if err := options.Validate(); err != nil {
					t.Errorf("panel %q: options: %v", title(p.Panel), err)
				}
				if len(p.Panel.Targets) == 0 {
					t.Errorf("panel %q: no queries decoded", title(p.Panel))
				}
				for i, q := range p.Panel.Targets {
					if _, ok := q.(*prometheus.Dataquery); !ok {
						t.Errorf("panel %q: query %d decoded as %T, not as a Prometheus query", title(p.Panel), i, q)
					}
				}
			}
			if panels == 0 {
				t.Error("no panels decoded")
			}
		})
	}
}

// TestStrictDecodingCatchesMistakes proves that the decoder the test above
// relies on rejects what a hand edit could slip into a dashboard.
func TestStrictDecodingCatchesMistakes(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	data, err := os.ReadFile("backup-overview.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(d map[string]any){
		"unknown dashboard field": func(d map[string]any) { d["editabel"] = false },
		"unknown panel option": func(d map[string]any) {
			firstPanel(d, "timeseries")["options"].(map[string]any)["legendd"] = true
		},
		"mistyped query field": func(d map[string]any) {
			firstPanel(d, "timeseries")["targets"].([]any)[0].(map[string]any)["expr"] = 42
		},
		"missing panel type": func(d map[string]any) { delete(firstPanel(d, "stat"), "type") },
	} {
		t.Run(name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			mutate(d)
			broken, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var got dashboard.Dashboard
			if err := decodeStrict(&got, broken); err == nil {
				t.Error("decoded without error")
			}
		})
	}
}

// decodeStrict decodes a dashboard with the SDK's strict decoder. In v0.0.22
// every strict decoder returns its list of errors even when the list is
// empty (a nil cog.BuildErrors in a non-nil error): only a non-empty list is
// an error. Each level adds its children's non-empty lists to its own, so
// every error reaches the top; but a panel whose decoder "failed" so is
// dropped, which is why d is not used for anything else.
func decodeStrict(d *dashboard.Dashboard, data []byte) error {
	err := d.UnmarshalJSONStrict(data)
	var errs cog.BuildErrors
	if errors.As(err, &errs) && len(errs) == 0 {
		return nil
	}
	return err
}

// firstPanel returns the first panel of the given type of a decoded dashboard.
func firstPanel(d map[string]any, typ string) map[string]any {
	for _, p := range d["panels"].([]any) {
		if p := p.(map[string]any); p["type"] == typ {
			return p
		}
	}
	panic("no " + typ + " panel")
}

func title(p *dashboard.Panel) string {
	if p.Title == nil {
		return ""
	}
	return *p.Title
}

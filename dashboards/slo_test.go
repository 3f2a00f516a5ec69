package dashboards

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSLOTenantTable pins what issue 13 asks of the tenants table: the worst
// error budget first, and each tenant linking to the Backup overview filtered
// to it.
func TestSLOTenantTable(t *testing.T) {
	files, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title       string `json:"title"`
			FieldConfig struct {
				Overrides []struct {
					Matcher struct {
						Options string `json:"options"`
					} `json:"matcher"`
					Properties []struct {
						ID    string          `json:"id"`
						Value json.RawMessage `json:"value"`
					} `json:"properties"`
				} `json:"overrides"`
			} `json:"fieldConfig"`
			Options struct {
				SortBy []struct {
					DisplayName string `json:"displayName"`
					Desc        bool   `json:"desc"`
				} `json:"sortBy"`
			} `json:"options"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(files["backup-slo.json"], &d); err != nil {
		t.Fatal(err)
	}
	if d.UID != "backup-slo" {
		t.Errorf("uid %q, want backup-slo", d.UID)
	}
	for _, p := range d.Panels {
		if p.Title != "Tenants by error budget left" {
			continue
		}
		if len(p.Options.SortBy) != 1 || p.Options.SortBy[0].DisplayName != "Budget left (30 d)" || p.Options.SortBy[0].Desc {
			t.Errorf("sorted by %+v, want the budget left, ascending", p.Options.SortBy)
		}
		for _, o := range p.FieldConfig.Overrides {
			for _, prop := range o.Properties {
				if o.Matcher.Options == "Tenant" && prop.ID == "links" &&
					strings.Contains(string(prop.Value), "/d/backup-overview/") && strings.Contains(string(prop.Value), "var-tenant=${__value.raw}") {
					return
				}
			}
		}
		t.Fatal("the tenant column has no link to the Backup overview filtered to the tenant")
	}
	t.Fatal("no panel \"Tenants by error budget left\"")
}

package clumio

import (
	"context"
)

var orgUnitsResource = resource{
	name:   "organizational units",
	path:   "/organizational-units",
	accept: "application/api.clumio.organizational-units=v2+json",
}

// fetchOUNames maps each visible organizational unit's id to its name, the
// `tenant` users route alerts on.
func (c *Client) fetchOUNames(ctx context.Context) (map[string]string, error) {
	ous, err := list[orgUnit](ctx, c, orgUnitsResource, listQuery{})
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ous))
	for _, ou := range ous {
		if ou.Name != "" {
			names[ou.ID] = ou.Name
		}
	}
	return names, nil
}

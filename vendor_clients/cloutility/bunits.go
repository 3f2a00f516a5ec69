package cloutility

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// bunit is one business unit to read, with what the refresh learnt of it.
type bunit struct {
	id     ID
	name   string
	parent *bunit
	// storageLimit is from /v1/bunits/{b}, in GB; nil or 0 means none.
	storageLimit *float64
	// transferLimit (GB) and nodeLimit are the unit's other quotas, also
	// from /v1/bunits/{b}; nil or 0 means none.
	transferLimit, nodeLimit *float64
	consumers                []consumer
	err                      error
}

// bunitTree is the answer of /v1/bunits: the descendant tree of the active
// profile's business unit. It is read as one root object, an array of roots
// or a collection of roots.
type bunitTree []simpleBusinessUnit

// UnmarshalJSON accepts a single unit, an array or a collection.
func (t *bunitTree) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var probe struct {
			Items json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(b, &probe); err != nil {
			return err
		}
		if probe.Items == nil {
			var root simpleBusinessUnit
			if err := json.Unmarshal(b, &root); err != nil {
				return err
			}
			*t = bunitTree{root}
			return nil
		}
	}
	var l list[simpleBusinessUnit]
	if err := l.UnmarshalJSON(b); err != nil {
		return err
	}
	*t = bunitTree(l.List)
	return nil
}

// businessUnits returns the business units to read: each configured one (by
// default the user's own, from /v1/me) and all its descendants, each once,
// parents before children. One /v1/bunits call gives the whole tree.
func (c *Client) businessUnits(ctx context.Context) ([]*bunit, error) {
	roots := c.roots
	if len(roots) == 0 {
		if c.userBunit == "" {
			var u me
			if err := c.get(ctx, "/me", "/me", nil, &u); err != nil {
				return nil, fmt.Errorf("cloutility: read the current user: %w", err)
			}
			if u.BusinessUnit == nil || u.BusinessUnit.ID.zero() {
				return nil, errors.New("cloutility: /v1/me names no business unit; set business_units")
			}
			c.userBunit = u.BusinessUnit.ID
		}
		roots = []ID{c.userBunit}
	}
	var tree bunitTree
	if err := c.get(ctx, "/bunits", "/bunits", nil, &tree); err != nil {
		return nil, fmt.Errorf("cloutility: read the business-unit tree: %w", err)
	}
	var (
		out     []*bunit
		seen    = map[ID]bool{}
		missing []string
	)
	var add func(u simpleBusinessUnit, parent *bunit)
	add = func(u simpleBusinessUnit, parent *bunit) {
		if seen[u.ID] {
			return
		}
		seen[u.ID] = true
		b := &bunit{id: u.ID, name: u.Name, parent: parent}
		out = append(out, b)
		for _, child := range u.BusinessUnits.List {
			add(child, b)
		}
	}
	for _, id := range roots {
		u, ok := findBunit(tree, id)
		if !ok {
			missing = append(missing, string(id))
			continue
		}
		add(u, nil)
	}
	if len(missing) > 0 {
		err := fmt.Errorf("cloutility: business unit(s) %s not in the user's business-unit tree", strings.Join(missing, ", "))
		if len(out) == 0 {
			return nil, err
		}
		// The others are still read; the caller marks every part failed.
		return out, err
	}
	return out, nil
}

// findBunit finds unit id anywhere in tree.
func findBunit(tree []simpleBusinessUnit, id ID) (simpleBusinessUnit, bool) {
	for _, u := range tree {
		if u.ID == id {
			return u, true
		}
		if found, ok := findBunit(u.BusinessUnits.List, id); ok {
			return found, true
		}
	}
	return simpleBusinessUnit{}, false
}

// readBunit reads a business unit's limits and its consumers: one call for
// all of its consumers rather than one per consumer.
func (c *Client) readBunit(ctx context.Context, b *bunit) {
	path := "/bunits/" + string(b.id)
	var detail businessUnit
	if err := c.get(ctx, "/bunits/{bunit}", path, nil, &detail); err != nil {
		b.err = fmt.Errorf("cloutility: business unit %s: %w", b.id, err)
		return
	}
	b.storageLimit = detail.StorageLimit
	b.transferLimit, b.nodeLimit = detail.TransferLimit, detail.NodeLimit
	if b.name == "" {
		b.name = detail.Name
	}
	var consumers list[consumer]
	if err := c.get(ctx, "/bunits/{bunit}/consumers", path+"/consumers", nil, &consumers); err != nil {
		b.err = fmt.Errorf("cloutility: consumers of business unit %s: %w", b.id, err)
		return
	}
	b.consumers = consumers.List
}

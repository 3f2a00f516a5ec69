package cleverfox

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// eachPage reads the pages of a list resource in order (newest id first) and
// hands each to fn, until fn returns false or a page is short. There is no
// total count: a page of fewer than PageSize items, or none, is the last.
func eachPage[T any](ctx context.Context, c *Client, resource string, fn func(items []T) bool) error {
	route := "/" + resource
	for pageNo := 1; ; pageNo++ {
		var p listPage[T]
		req := httpapi.Request{
			Path:   route,
			Route:  route,
			Header: c.header,
			Query: url.Values{
				"PageNo":   {strconv.Itoa(pageNo)},
				"PageSize": {strconv.Itoa(c.pageSize)},
			},
		}
		if err := c.api.GetJSON(ctx, req, &p); err != nil {
			return fmt.Errorf("cleverfox: list %s page %d: %w", resource, pageNo, err)
		}
		// A server that ignored PageNo would serve page 1 forever.
		if p.PageNo != 0 && p.PageNo != pageNo {
			return fmt.Errorf("cleverfox: list %s page %d: the API answered page %d", resource, pageNo, p.PageNo)
		}
		if !fn(p.Data) {
			return nil
		}
		// The echoed page_size is the one that counts: a server that caps
		// PageSize below ours sends full pages shorter than we asked for,
		// and comparing with our own size would stop after the first.
		size := c.pageSize
		if p.PageSize > 0 && p.PageSize < size {
			size = p.PageSize
		}
		if len(p.Data) < size {
			return nil
		}
	}
}

// listAll reads every item of a list resource.
func listAll[T any](ctx context.Context, c *Client, resource string) ([]T, error) {
	var all []T
	err := eachPage(ctx, c, resource, func(items []T) bool {
		all = append(all, items...)
		return true
	})
	return all, err
}

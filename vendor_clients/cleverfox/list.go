package cleverfox

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// eachPage reads the pages of a list resource in order (newest id first) and
// hands each to fn, until fn returns false or a page is short. There is no
// total count: a page of fewer than PageSize items, or none, is the last.
//
// Pages are requested in windows that grow 1, 1, 2, 4, … up to the
// client's concurrency: a list of one page costs one request (two when it
// is exactly one full page), and a long list is read max_concurrency pages
// at a time, at the price of at most that many pages read past its end or
// past the page where fn stops.
func eachPage[T any](ctx context.Context, c *Client, resource string, fn func(items []T) bool) error {
	limit := max(c.api.MaxConcurrency(), 1)
	next, window := 1, 1
	for {
		pages := make([]listPage[T], window)
		errs := make([]error, window)
		var wg sync.WaitGroup
		for i := range window {
			wg.Go(func() { errs[i] = c.getPage(ctx, resource, next+i, &pages[i]) })
		}
		wg.Wait()
		for i := range window {
			if errs[i] != nil {
				return errs[i]
			}
			p := &pages[i]
			// A server that ignored PageNo would serve page 1 forever.
			if p.PageNo != 0 && p.PageNo != next+i {
				return fmt.Errorf("cleverfox: list %s page %d: the API answered page %d", resource, next+i, p.PageNo)
			}
			if !fn(p.Data.List) {
				return nil
			}
			// The echoed page_size is the one that counts: a server that
			// caps PageSize below ours sends full pages shorter than we
			// asked for, and comparing with our own size would stop after
			// the first.
			size := c.pageSize
			if p.PageSize > 0 && p.PageSize < size {
				size = p.PageSize
			}
			if p.Data.Sent() < size {
				return nil
			}
		}
		next += window
		if next > 2 {
			window = min(window*2, limit)
		}
	}
}

// getPage reads page pageNo of a list resource into p.
func (c *Client) getPage(ctx context.Context, resource string, pageNo int, p any) error {
	route := "/" + resource
	req := httpapi.Request{
		Path:   route,
		Route:  route,
		Header: c.header,
		Query: url.Values{
			"PageNo":   {strconv.Itoa(pageNo)},
			"PageSize": {strconv.Itoa(c.pageSize)},
		},
	}
	if err := c.api.GetJSON(ctx, req, p); err != nil {
		return fmt.Errorf("cleverfox: list %s page %d: %w", resource, pageNo, err)
	}
	return nil
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

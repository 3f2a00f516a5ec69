package clumio

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// resource is one Clumio collection endpoint.
type resource struct {
	// name names the collection in errors.
	name string
	// path is both the request path and the route template: the paths the
	// client lists carry no ids.
	path string
	// accept is the resource's versioned media type.
	//
	// Quirk: Clumio versions each resource separately through the Accept
	// header (application/api.clumio.<resource>=v<N>+json) instead of the
	// path, and rejects a request whose Accept names another resource.
	accept string
}

// maxFanOutPages bounds the pages read in parallel from one answer's
// total_pages_count, so that a bogus count cannot make the client allocate
// without bound; past it the client follows _next one page at a time.
const maxFanOutPages = 10000

// list reads every page of r for q.
//
// Page 1 tells how many pages there are (total_pages_count); when its _next
// link is page 2, pages 2..N are read in parallel, within the client's
// concurrency. The client then follows _next from the last page read, as the
// official SDK paginator does, so that it stays correct if the server's
// numbering differs from the count, and stops when _next is absent. A _next
// link back to a page already read is an error, never a loop.
func list[T any](ctx context.Context, c *Client, r resource, q listQuery) ([]T, error) {
	first, err := getPage[T](ctx, c, r, q, "1")
	if err != nil {
		return nil, fmt.Errorf("clumio: list %s page 1: %w", r.name, err)
	}
	pages := []*listPage[T]{first}
	seen := map[string]bool{"1": true}
	next, err := nextStart(first)
	if err != nil {
		return nil, fmt.Errorf("clumio: list %s page 1: %w", r.name, err)
	}

	if n := first.TotalPagesCount; next == "2" && n != nil && *n > 2 && *n <= maxFanOutPages {
		rest := make([]*listPage[T], *n-1)
		err := httpapi.ForEach(ctx, len(rest), c.api.MaxConcurrency(), func(ctx context.Context, i int) error {
			start := strconv.Itoa(i + 2)
			p, err := getPage[T](ctx, c, r, q, start)
			if err != nil {
				return fmt.Errorf("clumio: list %s page %s: %w", r.name, start, err)
			}
			rest[i] = p
			return nil
		})
		if err != nil {
			return nil, err
		}
		for i := range rest {
			seen[strconv.Itoa(i+2)] = true
		}
		pages = append(pages, rest...)
		if next, err = nextStart(rest[len(rest)-1]); err != nil {
			return nil, fmt.Errorf("clumio: list %s page %d: %w", r.name, len(pages), err)
		}
	}

	for next != "" {
		if seen[next] {
			return nil, fmt.Errorf("clumio: list %s: page %d links back to page %s as the next one; stopping", r.name, len(pages), next)
		}
		seen[next] = true
		p, err := getPage[T](ctx, c, r, q, next)
		if err != nil {
			return nil, fmt.Errorf("clumio: list %s page %s: %w", r.name, next, err)
		}
		pages = append(pages, p)
		if next, err = nextStart(p); err != nil {
			return nil, fmt.Errorf("clumio: list %s page %s: %w", r.name, p.Start, err)
		}
	}

	total := 0
	for _, p := range pages {
		total += len(p.Embedded.Items.List)
	}
	items := make([]T, 0, total)
	for _, p := range pages {
		items = append(items, p.Embedded.Items.List...)
	}
	return items, nil
}

// getPage reads one page; start "" reads an unpaged collection.
func getPage[T any](ctx context.Context, c *Client, r resource, q listQuery, start string) (*listPage[T], error) {
	limit := c.pageSize
	if start == "" {
		limit = 0
	}
	var p listPage[T]
	err := c.api.GetJSON(ctx, httpapi.Request{
		Path:   r.path,
		Route:  r.path,
		Query:  q.values(limit, start),
		Header: c.headers[r.accept],
	}, &p)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// nextStart returns the page number in the page's _next link, or "" on the
// last page.
func nextStart[T any](p *listPage[T]) (string, error) {
	next := p.Links.Next
	if next == nil || next.Href == "" {
		return "", nil
	}
	u, err := url.Parse(next.Href)
	if err != nil {
		return "", fmt.Errorf("_next link: %w", err)
	}
	start := u.Query().Get("start")
	if start == "" {
		return "", fmt.Errorf("_next link %q has no start parameter", next.Href)
	}
	return start, nil
}

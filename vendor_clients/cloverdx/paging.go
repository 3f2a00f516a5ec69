package cloverdx

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// page is one fetched page of a collection, or the error that stopped it.
type page[T any] struct {
	members httpapi.Items[T]
	err     error
}

// pageAll reads the collection at path page by page and hands the members of
// each page to visit, in collection order, until visit returns false, a page
// comes back empty or the reported total is reached.
//
// The first page is fetched alone. Once its @totalItems gives the number of
// pages, the rest are fetched in parallel in a sliding window of
// MaxConcurrency requests: a new page is asked for only when visit has taken
// the oldest one and wants more, so a collection that is read only up to a
// horizon (executions, newest first) costs at most the window's pages past
// it, never the whole history. Without a total the pages are read one by one
// until one comes back short.
func pageAll[T any](ctx context.Context, c *Client, route, path string, visit func([]T) bool) error {
	first, err := getPage[T](ctx, c, route, path, 0)
	if err != nil {
		return fmt.Errorf("%s page 1: %w", route, err)
	}
	if first.Members.Sent() == 0 || !visit(first.Members.List) {
		return nil
	}
	// step is the server's real page size, which the first page shows: a
	// server may cap pageSize (or ignore it), and offsets must follow it.
	step := first.Members.Sent()
	if first.TotalItems == nil {
		return pageSequential(ctx, c, route, path, step, visit)
	}
	pages := (*first.TotalItems + step - 1) / step
	if pages <= 1 {
		return nil
	}

	// Only an error cancels the pages in flight; a visit that has seen
	// enough lets them finish, so that they are not counted as failures.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	launch := func(n int) chan page[T] {
		ch := make(chan page[T], 1)
		wg.Go(func() {
			p, err := getPage[T](ctx, c, route, path, n*step)
			ch <- page[T]{members: p.Members, err: err}
		})
		return ch
	}
	window := make([]chan page[T], 0, c.api.MaxConcurrency())
	next := 1
	for ; next < pages && len(window) < cap(window); next++ {
		window = append(window, launch(next))
	}
	for n := 1; len(window) > 0; n++ {
		p := <-window[0]
		window = window[1:]
		if p.err != nil {
			cancel()
			return fmt.Errorf("%s page %d: %w", route, n+1, p.err)
		}
		// Quirk: a page can come back empty before @totalItems is reached
		// (items deleted since the total was counted); that is the end.
		if p.members.Sent() == 0 || !visit(p.members.List) {
			return nil
		}
		if next < pages {
			window = append(window, launch(next))
			next++
		}
	}
	return nil
}

// pageSequential reads the pages after the first one by one, for a server
// that sends no @totalItems, until a page comes back short.
func pageSequential[T any](ctx context.Context, c *Client, route, path string, step int, visit func([]T) bool) error {
	for n := 1; ; n++ {
		p, err := getPage[T](ctx, c, route, path, n*step)
		if err != nil {
			return fmt.Errorf("%s page %d: %w", route, n+1, err)
		}
		if p.Members.Sent() == 0 || !visit(p.Members.List) || p.Members.Sent() < step {
			return nil
		}
	}
}

// getPage fetches the page of path that starts at startIndex.
func getPage[T any](ctx context.Context, c *Client, route, path string, startIndex int) (collection[T], error) {
	var out collection[T]
	err := c.getJSON(ctx, route, path, url.Values{
		"pageSize":   {strconv.Itoa(c.pageSize)},
		"startIndex": {strconv.Itoa(startIndex)},
	}, &out)
	return out, err
}

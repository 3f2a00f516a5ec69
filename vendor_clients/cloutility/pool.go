package cloutility

import (
	"sync"
	"sync/atomic"
)

// forEach calls fn(i) for every i in [0, n) on at most workers goroutines.
// Every call runs: a consumer whose reads fail does not stop the others,
// its errors are recorded by fn. It bounds the client's own goroutines;
// httpapi bounds the requests in flight.
func forEach(n, workers int, fn func(i int)) {
	workers = max(1, min(workers, n))
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

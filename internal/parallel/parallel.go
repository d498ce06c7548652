// Package parallel spreads a loop over every processor.
package parallel

import (
	"runtime"
	"sync"
)

// For calls f(i) for every i in [0, n) and returns once every call has returned. The
// indexes are dealt round-robin to up to GOMAXPROCS goroutines, each given at least
// grain of them (a loop of fewer than 2 × grain indexes runs on the caller's
// goroutine). The calls of f for different indexes may run at the same time.
func For(n, grain int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/max(grain, 1))
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// Package heappeak samples the heap while a benchmark runs: what this module's
// benchmarks report as their peak heap.
package heappeak

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Start collects garbage, then samples the heap in use (runtime.MemStats.HeapAlloc)
// every millisecond until the returned function is called, which stops the sampling
// and returns the highest value seen, in bytes.
func Start() (stop func() uint64) {
	var peak atomic.Uint64
	quit, done := make(chan struct{}), make(chan struct{})
	runtime.GC()
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	return func() uint64 {
		close(quit)
		<-done
		return peak.Load()
	}
}

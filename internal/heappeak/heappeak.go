// Package heappeak samples the heap while a benchmark or a test runs: what this
// module's benchmarks report as their peak heap, and what the hostile-upload tests
// hold to their bound.
package heappeak

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// heapInUse is the metric sampled: the bytes of heap objects, live or not yet swept
// (runtime.MemStats.HeapAlloc, read without stopping the world).
const heapInUse = "/memory/classes/heap/objects:bytes"

// Start collects garbage and notes the heap in use then (base), then samples the heap
// in use every millisecond until stop is called. stop ends the sampling and returns
// the highest heap in use seen, a last reading at stop included, and base; both in
// bytes.
func Start() (stop func() (peak, base uint64)) {
	runtime.GC()
	base := read()
	var highest atomic.Uint64
	note := func(v uint64) {
		if v > highest.Load() {
			highest.Store(v)
		}
	}
	note(base)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: heapInUse}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				metrics.Read(s)
				note(s[0].Value.Uint64())
			}
		}
	}()
	return func() (uint64, uint64) {
		close(quit)
		<-done
		note(read())
		return highest.Load(), base
	}
}

// Of runs f between Start and stop: the highest heap in use while f ran, and the
// heap in use before it began, right after a collection.
func Of(f func()) (peak, base uint64) {
	stop := Start()
	f()
	return stop()
}

// read returns the heap in use now.
func read() uint64 {
	s := []metrics.Sample{{Name: heapInUse}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

package importexport

// ahead runs a producer on a goroutine of its own, which hands what it emits over in
// chunks while the caller works on earlier ones: decoding a sheet (import) or
// formatting its cells (export) runs beside what the caller does with each row,
// excelize's side of either using one processor. The caller takes the values with
// next and must call close, when it is done or to stop early.
type ahead[T any] struct {
	ch         chan []T
	stop, done chan struct{}
	cur        []T
}

// aheadChunk is how many values the producer hands over at a time.
const aheadChunk = 256

// runAhead starts produce, which must return once emit reports false (the caller
// closed the pipeline).
func runAhead[T any](produce func(emit func(T) bool)) *ahead[T] {
	a := &ahead[T]{ch: make(chan []T, 8), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		defer close(a.ch)
		// The first chunks are small, so that a short sheet costs little; they grow
		// to aheadChunk.
		chunk := make([]T, 0, 16)
		send := func() bool {
			select {
			case a.ch <- chunk:
				chunk = make([]T, 0, min(2*cap(chunk), aheadChunk))
				return true
			case <-a.stop:
				return false
			}
		}
		open := true
		produce(func(v T) bool {
			chunk = append(chunk, v)
			if len(chunk) == cap(chunk) {
				open = send()
			}
			return open
		})
		if open && len(chunk) > 0 {
			send()
		}
	}()
	return a
}

// next returns the next value; false once the producer has returned and every value
// is taken.
func (a *ahead[T]) next() (T, bool) {
	for len(a.cur) == 0 {
		c, ok := <-a.ch
		if !ok {
			var zero T
			return zero, false
		}
		a.cur = c
	}
	v := a.cur[0]
	a.cur = a.cur[1:]
	return v, true
}

// close stops the producer and waits for its goroutine to end.
func (a *ahead[T]) close() {
	close(a.stop)
	<-a.done
}

package parallel

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

// For calls f exactly once per index, whatever the grain.
func TestFor(t *testing.T) {
	for _, n := range []int{0, 1, 7, 64, 1000} {
		for _, grain := range []int{0, 1, 64, 5000} {
			calls := make([]atomic.Int32, n)
			For(n, grain, func(i int) { calls[i].Add(1) })
			for i := range calls {
				assert.EqualValues(t, 1, calls[i].Load(), "n=%d grain=%d index %d", n, grain, i)
			}
		}
	}
}

package slab

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSlabSizesItsAllocations(t *testing.T) {
	var s Slab[int]
	a, b := s.New(3), s.New(2)
	assert.Same(t, &s.free[0], s.New(1), "three values asked for, three allocated together")
	*a, *b = 1, 2
	assert.Equal(t, 1, *a, "every value is its own")
	assert.Empty(t, s.free)
	c := s.New(0)
	assert.Zero(t, *c, "at least one is allocated")
	assert.Empty(t, s.free)
	s.New(10 * Size)
	assert.Len(t, s.free, Size-1, "never more than Size together")
}

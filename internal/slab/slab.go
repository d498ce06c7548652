// Package slab allocates many values of one type together: a slice of values is one
// object for the garbage collector to mark, where as many separate values are one
// each. The directory's large change sets (a seed, an import) keep their member
// records this way.
package slab

// Size is the most values a Slab allocates together. A slab stays alive while any of
// its values does, so slabs are kept small.
const Size = 256

// Slab hands out pointers to zero values allocated up to Size at a time. The zero
// Slab is ready to use; it is not safe for concurrent use.
type Slab[T any] struct{ free []T }

// New returns a pointer to a zero T of its own. When the values allocated so far are
// used up, it allocates min(Size, want) more, want being how many values the caller
// still expects to ask for, this one included (at least 1 is allocated): a short run
// allocates no more than it uses.
func (s *Slab[T]) New(want int) *T {
	if len(s.free) == 0 {
		s.free = make([]T, min(Size, max(want, 1)))
	}
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}

// Package persist holds the persistent (immutable, structure-sharing) collections that
// directory snapshots are made of. An edit goes through a Builder, which copies only
// what it touches; Freeze turns it back into an immutable value. A snapshot of a
// 100,000-member directory is therefore derived from its predecessor in time
// proportional to the edit, not to the directory.
package persist

import "iter"

// maxOverlay bounds the overlay of a Map: past it, Freeze folds the overlay into a new
// base. Each edit copies at most this many entries; folding costs O(n) once every
// maxOverlay edits.
const maxOverlay = 1024

// Map is an immutable map made of a large shared base and a small overlay of recent
// changes. The zero Map is empty and ready to use.
type Map[K comparable, V any] struct {
	base map[K]slot[V] // never holds deleted slots
	over map[K]slot[V]
	n    int
}

type slot[V any] struct {
	v       V
	deleted bool
}

// Len returns the number of keys.
func (m Map[K, V]) Len() int { return m.n }

// Get returns the value for k.
func (m Map[K, V]) Get(k K) (V, bool) {
	if s, ok := m.over[k]; ok {
		return s.v, !s.deleted
	}
	s, ok := m.base[k]
	return s.v, ok
}

// All yields every key and value, in no particular order.
func (m Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for k, s := range m.over {
			if !s.deleted && !yield(k, s.v) {
				return
			}
		}
		for k, s := range m.base {
			if _, shadowed := m.over[k]; shadowed {
				continue
			}
			if !yield(k, s.v) {
				return
			}
		}
	}
}

// Edit starts a builder; m itself never changes.
func (m Map[K, V]) Edit() *MapBuilder[K, V] { return &MapBuilder[K, V]{m: m} }

// MapBuilder edits a Map in place until Freeze. It is not safe for concurrent use.
type MapBuilder[K comparable, V any] struct {
	m     Map[K, V]
	owned bool // the overlay is this builder's own copy
}

func (b *MapBuilder[K, V]) own() {
	if b.owned {
		return
	}
	over := make(map[K]slot[V], len(b.m.over)+8)
	for k, s := range b.m.over {
		over[k] = s
	}
	b.m.over = over
	b.owned = true
}

// Grow makes room for n more keys.
func (b *MapBuilder[K, V]) Grow(n int) {
	if !b.owned {
		over := make(map[K]slot[V], len(b.m.over)+n)
		for k, s := range b.m.over {
			over[k] = s
		}
		b.m.over = over
		b.owned = true
	}
}

// Get returns the value for k.
func (b *MapBuilder[K, V]) Get(k K) (V, bool) { return b.m.Get(k) }

// Len returns the number of keys.
func (b *MapBuilder[K, V]) Len() int { return b.m.n }

// All yields every key and value as edited so far; do not edit while iterating.
func (b *MapBuilder[K, V]) All() iter.Seq2[K, V] { return b.m.All() }

// Set sets k to v.
func (b *MapBuilder[K, V]) Set(k K, v V) {
	b.own()
	if _, ok := b.m.Get(k); !ok {
		b.m.n++
	}
	b.m.over[k] = slot[V]{v: v}
}

// SetNew sets k, which must not be in the map yet, to v: Set without the lookup.
func (b *MapBuilder[K, V]) SetNew(k K, v V) {
	b.own()
	b.m.n++
	b.m.over[k] = slot[V]{v: v}
}

// Delete removes k.
func (b *MapBuilder[K, V]) Delete(k K) {
	if _, ok := b.m.Get(k); !ok {
		return
	}
	b.own()
	b.m.n--
	if _, inBase := b.m.base[k]; inBase {
		b.m.over[k] = slot[V]{deleted: true}
	} else {
		delete(b.m.over, k)
	}
}

// Freeze returns the edited Map. The builder must not be used afterwards.
func (b *MapBuilder[K, V]) Freeze() Map[K, V] {
	m := b.m
	switch {
	case len(m.base) == 0 && len(m.over) > maxOverlay:
		// a map built from nothing (a snapshot loaded from records) adopts its overlay
		// as its base; with no base there are no deleted slots in it
		m = Map[K, V]{base: m.over, n: m.n}
	case len(m.over) > maxOverlay:
		base := make(map[K]slot[V], m.n)
		for k, v := range m.All() {
			base[k] = slot[V]{v: v}
		}
		m = Map[K, V]{base: base, n: m.n}
	}
	b.m = Map[K, V]{}
	return m
}

// chunkBits sets the chunk size of a Vec (512 elements).
const chunkBits = 9

const chunkSize = 1 << chunkBits

// chunk is a Vec's unit of storage and of copying. A Vec's spine holds pointers to
// chunks, 8 bytes a chunk, so that an edit's copy of the spine stays small: 1.6 KB for
// 100,000 elements.
type chunk[T any] = [chunkSize]T

// Vec is an immutable, append-friendly vector stored in fixed-size chunks: an edit
// copies the one chunk it touches. The zero Vec is empty.
type Vec[T any] struct {
	chunks []*chunk[T] // the last one may be partly filled: elements from n on are unused
	n      int
}

// Len returns the number of elements.
func (v Vec[T]) Len() int { return v.n }

// At returns element i, 0 ≤ i < Len().
func (v Vec[T]) At(i int) T { return v.chunks[i>>chunkBits][i&(chunkSize-1)] }

// All yields the elements in order with their indexes.
func (v Vec[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for c, ch := range v.chunks {
			base := c << chunkBits
			for k := range min(chunkSize, v.n-base) {
				if !yield(base+k, ch[k]) {
					return
				}
			}
		}
	}
}

// Changed yields, in ascending order, the indexes below min(old.Len(), cur.Len())
// whose elements differ between old and cur, where cur was edited from old (directly
// or through other Vecs). A chunk the two share is skipped without being read: frozen
// chunks never change, so the cost follows the chunks edits copied, not the length.
func Changed[T comparable](old, cur Vec[T]) iter.Seq[int] {
	return func(yield func(int) bool) {
		n := min(old.n, cur.n)
		for c := 0; c<<chunkBits < n; c++ {
			a, b := old.chunks[c], cur.chunks[c]
			if a == b {
				continue // shared: the common prefix is the same elements
			}
			for k := range min(chunkSize, n-c<<chunkBits) {
				if a[k] != b[k] && !yield(c<<chunkBits|k) {
					return
				}
			}
		}
	}
}

// Edit starts a builder; v itself never changes.
func (v Vec[T]) Edit() *VecBuilder[T] { return &VecBuilder[T]{v: v} }

// VecBuilder edits a Vec until Freeze. It is not safe for concurrent use.
//
// A builder writes only to the chunks it made itself (owned, by chunk index) and to
// a spine it copied: chunks and spines of frozen Vecs are shared, never written,
// whether or not their slots past Len are used.
type VecBuilder[T any] struct {
	v     Vec[T]
	owned []uint64 // bitset of the chunks owned, by index; nil until the spine is copied
}

func (b *VecBuilder[T]) ownSpine() {
	if b.owned == nil {
		b.v.chunks = append(make([]*chunk[T], 0, len(b.v.chunks)+1), b.v.chunks...)
		b.owned = make([]uint64, (len(b.v.chunks)+64)>>6)
	}
}

func (b *VecBuilder[T]) ownChunk(c int) *chunk[T] {
	b.ownSpine()
	if b.owned[c>>6]&(1<<(c&63)) == 0 {
		nc := new(chunk[T])
		*nc = *b.v.chunks[c]
		b.v.chunks[c] = nc
		b.owned[c>>6] |= 1 << (c & 63)
	}
	return b.v.chunks[c]
}

// Len returns the number of elements.
func (b *VecBuilder[T]) Len() int { return b.v.n }

// At returns element i.
func (b *VecBuilder[T]) At(i int) T { return b.v.At(i) }

// Set replaces element i, 0 ≤ i < Len().
func (b *VecBuilder[T]) Set(i int, e T) {
	if uint(i) >= uint(b.v.n) {
		panic("persist: Vec index out of range")
	}
	b.ownChunk(i >> chunkBits)[i&(chunkSize-1)] = e
}

// Append adds e at the end and returns its index.
func (b *VecBuilder[T]) Append(e T) int {
	i := b.v.n
	c := i >> chunkBits
	if c == len(b.v.chunks) {
		b.ownSpine()
		b.v.chunks = append(b.v.chunks, new(chunk[T]))
		if c>>6 == len(b.owned) {
			b.owned = append(b.owned, 0)
		}
		b.owned[c>>6] |= 1 << (c & 63)
	}
	b.ownChunk(c)[i&(chunkSize-1)] = e
	b.v.n++
	return i
}

// Freeze returns the edited Vec. The builder must not be used afterwards.
func (b *VecBuilder[T]) Freeze() Vec[T] {
	v := b.v
	*b = VecBuilder[T]{}
	return v
}

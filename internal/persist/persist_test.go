package persist

import (
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMapMatchesBuiltin drives Maps and a plain map with the same random edits, keeping
// every frozen version, and checks that old versions never change.
func TestMapMatchesBuiltin(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var m Map[int, int]
	ref := map[int]int{}
	type version struct {
		m   Map[int, int]
		ref map[int]int
	}
	var versions []version
	for round := 0; round < 300; round++ {
		b := m.Edit()
		for range r.IntN(20) + 1 {
			k := r.IntN(3000)
			if r.IntN(4) == 0 {
				b.Delete(k)
				delete(ref, k)
			} else {
				b.Set(k, round)
				ref[k] = round
			}
		}
		m = b.Freeze()
		versions = append(versions, version{m, maps.Clone(ref)})
	}
	for i, v := range versions {
		require.Equal(t, len(v.ref), v.m.Len(), "version %d", i)
		got := maps.Collect(v.m.All())
		assert.Equal(t, v.ref, got, "version %d", i)
		for k, want := range v.ref {
			x, ok := v.m.Get(k)
			assert.True(t, ok)
			assert.Equal(t, want, x)
		}
	}
}

func TestVecSharesAndIsolates(t *testing.T) {
	var v Vec[int]
	b := v.Edit()
	for i := range 2000 {
		assert.Equal(t, i, b.Append(i))
	}
	v1 := b.Freeze()
	b = v1.Edit()
	b.Set(5, -5)
	b.Append(2000)
	v2 := b.Freeze()
	assert.Equal(t, 2000, v1.Len())
	assert.Equal(t, 2001, v2.Len())
	assert.Equal(t, 5, v1.At(5))
	assert.Equal(t, -5, v2.At(5))
	assert.Equal(t, 2000, v2.At(2000))
	n := 0
	for i, e := range v1.All() {
		assert.Equal(t, i, e)
		n++
	}
	assert.Equal(t, 2000, n)
	// an untouched chunk is shared, not copied
	assert.Same(t, v1.chunks[1], v2.chunks[1])
	// builders from one frozen Vec append into the shared, partly filled last chunk
	// each on a copy of their own
	b1, b2 := v2.Edit(), v2.Edit()
	b1.Append(1)
	b2.Append(2)
	v3, v4 := b1.Freeze(), b2.Freeze()
	assert.Equal(t, 1, v3.At(2001))
	assert.Equal(t, 2, v4.At(2001))
	assert.Equal(t, 2001, v2.Len())
	assert.Panics(t, func() { v2.Edit().Set(2001, 0) }, "a slot past the end is not an element")
}

// TestChangedFindsEveryEdit edits Vecs through chains of builders at random (sets,
// sets back to the old value, appends) and checks that Changed between any two
// versions yields exactly the indexes whose elements differ.
func TestChangedFindsEveryEdit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var versions []Vec[int]
	var v Vec[int]
	b := v.Edit()
	for i := range 1500 {
		b.Append(i)
	}
	versions = append(versions, b.Freeze())
	for range 30 {
		b := versions[r.IntN(len(versions))].Edit() // branch from any version
		for range r.IntN(6) {
			switch i := r.IntN(b.Len()); r.IntN(3) {
			case 0:
				b.Set(i, -r.IntN(100))
			case 1:
				b.Set(i, b.At(i)) // copies the chunk, changes nothing
			default:
				b.Append(r.IntN(100))
			}
		}
		versions = append(versions, b.Freeze())
	}
	for _, old := range versions {
		for _, cur := range versions {
			var want []int
			for i := range min(old.Len(), cur.Len()) {
				if old.At(i) != cur.At(i) {
					want = append(want, i)
				}
			}
			var got []int
			for i := range Changed(old, cur) {
				got = append(got, i)
			}
			require.Equal(t, want, got)
		}
	}
}

package visibility

import (
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPerfectHash checks newPHF on sets of many sizes: every key gets its own
// position, which pos finds again, and the map built on it finds every key's value
// and no other key.
func TestPerfectHash(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 17, 1000, 20000} {
		keys := make([][16]byte, n)
		values := make([]int32, n)
		for i := range keys {
			rand.Read(keys[i][:])
			values[i] = int32(i * 7)
		}
		f, pos := newPHF(keys)
		require.GreaterOrEqual(t, f.size, uint64(n))
		seen := make(map[uint32]bool, n)
		for i := range keys {
			require.Less(t, uint64(pos[i]), f.size)
			require.False(t, seen[pos[i]], "two keys share position %d", pos[i])
			seen[pos[i]] = true
			require.Equal(t, uint64(pos[i]), f.pos(&keys[i]))
		}
		m := newIDMap(keys, values)
		for i := range keys {
			require.Equal(t, values[i], m.get(&keys[i]))
		}
		var other [16]byte
		require.Equal(t, int32(-1), m.get(&other), "the zero key")
		for range 1000 {
			rand.Read(other[:])
			require.Equal(t, int32(-1), m.get(&other))
		}
	}
}

// TestPerfectHashRetries: a bucket whose keys cannot be told apart (equal hashes)
// makes fill fail, so that newPHF starts again with new seeds.
func TestPerfectHashRetries(t *testing.T) {
	f := phf{pilots: make([]uint16, 1), size: 4}
	require.False(t, f.fill([]uint64{42, 42}, make([]uint32, 2)))
	require.True(t, f.fill([]uint64{42, 43}, make([]uint32, 2)))
}

// TestPerfectHashRefusesDuplicates: a key given twice panics instead of looping.
func TestPerfectHashRefusesDuplicates(t *testing.T) {
	keys := make([][16]byte, 3)
	rand.Read(keys[0][:])
	keys[2] = keys[0]
	require.PanicsWithValue(t, "visibility: an ID is given twice to the perfect hash", func() { newPHF(keys) })
}

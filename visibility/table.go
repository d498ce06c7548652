package visibility

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// The hot paths turn IDs into dense positions. Go maps keyed by 16-byte IDs cost
// 70–80 ns per random look-up at 100,000 entries, and an open-addressing table tens of
// nanoseconds more than the memory it touches: its probe loops end at random places,
// which the processor mispredicts. A perfect hash function has no loop: a key's hash
// picks a bucket, the bucket's pilot (2 bytes, from a small array that stays in cache)
// places the key, and the record at that position holds the key itself, compared in
// full. A look-up is two multiplications, one read of the pilot array and one read of
// the record; an ID outside the set lands on a record holding another key (or none)
// and is not found.

// phf is a perfect hash function over a fixed set of distinct 16-byte keys: every key
// of the set has its own position in [0, size); any other key gets some position.
type phf struct {
	seed   [2]uint64
	pilots []uint16 // by bucket
	size   uint64   // positions: a few percent more than keys
}

const (
	phfBucketKeys = 3 // keys per bucket on average
	pilotMul      = 0x9E3779B97F4A7C15
	placeMul      = 0xD6E8FEB86659FD93
	maxPilot      = 1<<16 - 1
)

// hash mixes the key's 128 bits into 64 with the seed (the folded 128-bit product of
// its two halves).
func (f *phf) hash(k *[16]byte) uint64 {
	hi, lo := bits.Mul64(binary.LittleEndian.Uint64(k[0:8])^f.seed[0], binary.LittleEndian.Uint64(k[8:16])^f.seed[1])
	return hi ^ lo
}

// bucket maps a hash to a bucket: the high bits of hash × buckets.
func (f *phf) bucket(h uint64) uint64 {
	b, _ := bits.Mul64(h, uint64(len(f.pilots)))
	return b
}

// place maps a hash and a pilot to a position.
func (f *phf) place(h uint64, pilot uint16) uint64 {
	p, _ := bits.Mul64((h^uint64(pilot)*pilotMul)*placeMul, f.size)
	return p
}

// pos returns the position of key k.
func (f *phf) pos(k *[16]byte) uint64 {
	h := f.hash(k)
	return f.place(h, f.pilots[f.bucket(h)])
}

// newPHF builds the function for keys, which must be distinct, and returns each key's
// position. Buckets are placed largest first, each with the first pilot that sends all
// its keys to free, distinct positions; should a bucket find none (two keys with the
// same 64-bit hash), the build starts again with new seeds. Distinct keys need a
// second attempt with odds of about n²/2⁶⁵; a key given twice never succeeds, and
// after 16 attempts newPHF panics rather than loop forever.
func newPHF(keys [][16]byte) (phf, []uint32) {
	n := len(keys)
	hs := make([]uint64, n)
	pos := make([]uint32, n)
	for attempt := 0; ; attempt++ {
		if attempt == 16 {
			panic("visibility: an ID is given twice to the perfect hash")
		}
		f := phf{seed: [2]uint64{rand.Uint64(), rand.Uint64()},
			pilots: make([]uint16, max(1, (n+phfBucketKeys-1)/phfBucketKeys)),
			size:   uint64(max(1, n+n/16))}
		for i := range keys {
			hs[i] = f.hash(&keys[i])
		}
		if f.fill(hs, pos) {
			return f, pos
		}
	}
}

// fill chooses the pilots for the hashes and records each key's position; it reports
// false when some bucket has no pilot.
func (f *phf) fill(hs []uint64, pos []uint32) bool {
	nb := len(f.pilots)
	// keys grouped by bucket (a counting sort), buckets ordered by size, largest first
	start := make([]int32, nb+1)
	for _, h := range hs {
		start[f.bucket(h)+1]++
	}
	largest := int32(0)
	for b := range nb {
		largest = max(largest, start[b+1])
		start[b+1] += start[b]
	}
	byBucket := make([]int32, len(hs))
	next := slices.Clone(start[:nb])
	for i, h := range hs {
		b := f.bucket(h)
		byBucket[next[b]] = int32(i)
		next[b]++
	}
	order := make([]int32, 0, nb)
	for size := largest; size > 0; size-- {
		for b := range int32(nb) {
			if start[b+1]-start[b] == size {
				order = append(order, b)
			}
		}
	}
	taken := newBitset(int(f.size))
	var at []uint64
	for _, b := range order {
		members := byBucket[start[b]:start[b+1]]
		found := false
		for pilot := 0; pilot <= maxPilot && !found; pilot++ {
			at = at[:0]
			found = true
			for _, i := range members {
				p := f.place(hs[i], uint16(pilot))
				if taken.has(int32(p)) || slices.Contains(at, p) {
					found = false
					break
				}
				at = append(at, p)
			}
			if found {
				f.pilots[b] = uint16(pilot)
				for j, i := range members {
					taken.set(int32(at[j]))
					pos[i] = uint32(at[j])
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// idMap maps a fixed set of IDs to int32 values: node IDs to pre-order positions,
// org admins and post holders to the offsets of their posts. The record at a key's
// position holds the key and its value.
type idMap struct {
	f  phf
	at []idEntry // by position
}

type idEntry struct {
	key [16]byte
	v1  int32 // value plus one; zero marks a position no key has
}

// newIDMap maps keys[i] to values[i]; the keys must be distinct.
func newIDMap(keys [][16]byte, values []int32) idMap {
	f, pos := newPHF(keys)
	m := idMap{f: f, at: make([]idEntry, f.size)}
	for i, p := range pos {
		m.at[p] = idEntry{keys[i], values[i] + 1}
	}
	return m
}

// get returns the key's value, or -1.
func (m *idMap) get(k *[16]byte) int32 {
	e := &m.at[m.f.pos(k)]
	if e.key == *k {
		return e.v1 - 1 // -1 at a free position, which holds the zero key
	}
	return -1
}

// bitset is a fixed set of small non-negative integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)>>6) }

func (b bitset) has(i int32) bool {
	w := int(uint32(i) >> 6)
	return w < len(b) && b[w]&(1<<(uint32(i)&63)) != 0
}

func (b bitset) set(i int32) { b[uint32(i)>>6] |= 1 << (uint32(i) & 63) }

func (b bitset) clear(i int32) { b[uint32(i)>>6] &^= 1 << (uint32(i) & 63) }

// put sets bit i to v. A bitset not owned (*owned false: shared with the index this
// one is derived from) is copied first, grown to hold n members; the copy is owned.
// Setting a bit to the value it has writes nothing, so a derived index shares every
// bitset its edit leaves as it was.
func (b *bitset) put(i int32, v bool, owned *bool, n int) {
	if b.has(i) == v {
		return
	}
	if !*owned {
		*b, *owned = b.grow(n), true
	}
	if v {
		b.set(i)
	} else {
		b.clear(i)
	}
}

// grow returns a copy of b that can hold n members.
func (b bitset) grow(n int) bitset {
	c := make(bitset, max(len(b), (n+63)>>6))
	copy(c, b)
	return c
}

// each calls f for every member in ascending order until f returns false.
func (b bitset) each(f func(int32) bool) {
	for w, word := range b {
		for word != 0 {
			i := int32(w<<6 + bits.TrailingZeros64(word))
			if !f(i) {
				return
			}
			word &= word - 1
		}
	}
}

package visibility

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// The hot path turns IDs into dense positions. Go maps keyed by 16-byte IDs cost
// 70–80 ns per random lookup at 100k entries (the hash plus two cache misses); the
// open-addressing tables below cost about 20 ns: one multiply of the ID's two halves
// picks a bucket and the key sits beside its value, so a hit is usually one cache line.

const fib = 0x9E3779B97F4A7C15

// tableSize returns a power of two holding n keys at a load of at most 0.8: with
// buckets of 8 to 20 bytes, the few extra probes of a full table cost less than the
// cache misses of a larger one.
func tableSize(n int) (size int, shift uint8) {
	size = 16
	for size*4 < n*5 {
		size <<= 1
	}
	return size, uint8(64 - bits.TrailingZeros(uint(size)))
}

// memberTable maps member IDs to slots. A bucket is 16 bytes: a 39-bit fingerprint
// of the ID, a "holds a post" bit and the slot plus one (zero marks an empty bucket),
// then a 64-bit check — both from hashes keyed with seeds drawn when the table is
// built. A hit is one cache line, with no second look-up to confirm the ID: an ID
// that is no member matches a member's 103 bits only with probability 2⁻¹⁰³ per
// look-up, far below the odds of two UUIDs colliding. find, used off the hot
// paths, also compares the full ID.
type memberTable struct {
	e        []mbucket
	ids      [][16]byte // by slot
	seed     [3]uint64
	shift    uint8 // bucket = hash >> shift
	slotBits uint8 // low bits: slot+1; the next bit: holds a post; the rest: fingerprint
}

type mbucket struct{ meta, check uint64 }

func newMemberTable(ids [][16]byte) memberTable {
	size, shift := tableSize(len(ids))
	t := memberTable{e: make([]mbucket, size), ids: ids, shift: shift,
		slotBits: uint8(max(24, bits.Len(uint(len(ids)+1)))),
		seed:     [3]uint64{rand.Uint64(), rand.Uint64(), rand.Uint64()}}
	for s := range ids {
		t.add(&ids[s], s)
	}
	return t
}

// check is the second, independent keyed hash of an ID.
func (t *memberTable) check(k *[16]byte) uint64 {
	hi, lo := bits.Mul64(binary.LittleEndian.Uint64(k[0:8])^t.seed[1], binary.LittleEndian.Uint64(k[8:16])^t.seed[2])
	return hi ^ lo
}

// add puts the member with the slot in the table.
func (t *memberTable) add(k *[16]byte, slot int) {
	h := hash64(k, t.seed[0])
	mask := uint64(len(t.e) - 1)
	i := h >> t.shift
	for t.e[i].meta != 0 {
		i = (i + 1) & mask
	}
	t.e[i] = mbucket{h<<(t.slotBits+1) | uint64(slot+1), t.check(k)}
}

// markPost records that the member in slot s holds a post.
func (t *memberTable) markPost(s int) {
	k := &t.ids[s]
	mask := uint64(len(t.e) - 1)
	for i := hash64(k, t.seed[0]) >> t.shift; ; i = (i + 1) & mask {
		if int(t.e[i].meta&(1<<t.slotBits-1)) == s+1 {
			t.e[i].meta |= 1 << t.slotBits
			return
		}
	}
}

// probe returns the slot of the member whose fingerprint and check match the ID (-1
// when none does) and whether it holds a post.
func (t *memberTable) probe(k *[16]byte) (int32, bool) {
	h := hash64(k, t.seed[0])
	c := t.check(k)
	fpShift := t.slotBits + 1
	fp := h << fpShift
	mask := uint64(len(t.e) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		e := &t.e[i]
		if e.meta == 0 {
			return -1, false
		}
		if e.meta>>fpShift<<fpShift == fp && e.check == c {
			return int32(e.meta&(1<<t.slotBits-1)) - 1, e.meta&(1<<t.slotBits) != 0
		}
	}
}

// find is probe confirmed against the full ID.
func (t *memberTable) find(k *[16]byte) (int32, bool) {
	s, holds := t.probe(k)
	if s >= 0 && t.ids[s] == *k {
		return s, holds
	}
	return -1, false
}

func hash64(k *[16]byte, seed uint64) uint64 {
	lo := binary.LittleEndian.Uint64(k[0:8])
	hi := binary.LittleEndian.Uint64(k[8:16])
	return ((lo^seed)*fib ^ hi) * fib
}

// keyTable is an exact set of IDs with an int32 value each: the post holders with the
// offset of their posts, the org admins. Small (a few thousand keys), so it stays in
// cache; the key sits beside its value.
type keyTable struct {
	e     []keyEntry
	seed  uint64
	shift uint8
}

type keyEntry struct {
	key [16]byte
	v1  int32 // value plus one; zero marks an empty bucket
}

func newKeyTable(n int) keyTable {
	size, shift := tableSize(2 * n) // at most half full: short probes
	return keyTable{e: make([]keyEntry, size), seed: rand.Uint64(), shift: shift}
}

func (t *keyTable) put(k *[16]byte, v int32) {
	mask := uint64(len(t.e) - 1)
	for i := hash64(k, t.seed) >> t.shift; ; i = (i + 1) & mask {
		if e := &t.e[i]; e.v1 == 0 || e.key == *k {
			e.key, e.v1 = *k, v+1
			return
		}
	}
}

// get returns the key's value, or -1.
func (t *keyTable) get(k *[16]byte) int32 {
	mask := uint64(len(t.e) - 1)
	for i := hash64(k, t.seed) >> t.shift; ; i = (i + 1) & mask {
		e := &t.e[i]
		if e.v1 == 0 {
			return -1
		}
		if e.key == *k {
			return e.v1 - 1
		}
	}
}

// nodeEntry maps a node ID (a live node, or a merged one redirecting to it) to the
// node's pre-order position plus one (zero marks an empty bucket).
type nodeEntry struct {
	key  [16]byte
	pre1 int32
}

type nodeTable struct {
	e     []nodeEntry
	seed  uint64
	shift uint8
}

func newNodeTable(n int) nodeTable {
	size, shift := tableSize(n)
	return nodeTable{e: make([]nodeEntry, size), seed: rand.Uint64(), shift: shift}
}

func (t *nodeTable) insert(k [16]byte, pre int32) {
	mask := uint64(len(t.e) - 1)
	for h := hash64(&k, t.seed) >> t.shift; ; h = (h + 1) & mask {
		e := &t.e[h]
		if e.pre1 == 0 || e.key == k {
			e.key, e.pre1 = k, pre+1
			return
		}
	}
}

// find returns the pre-order position, or -1.
func (t *nodeTable) find(k *[16]byte) int32 {
	mask := uint64(len(t.e) - 1)
	for h := hash64(k, t.seed) >> t.shift; ; h = (h + 1) & mask {
		e := &t.e[h]
		if e.key == *k && e.pre1 != 0 {
			return e.pre1 - 1
		}
		if e.pre1 == 0 {
			return -1
		}
	}
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

package directory

import (
	"bytes"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Transliterator gives the readings of text in Latin letters, so that names written in
// Chinese characters can be found by their pinyin ("zhangsan", "zs" → 张三). The
// package github.com/orgkit/orgkit/pinyin provides one; hosts that do not need it do
// not load its dictionary.
type Transliterator interface {
	// Readings returns one element per rune of s, in order: every reading of that rune
	// in lower-case ASCII letters, most common first (a polyphonic character has
	// several: 曾 → zeng, ceng), or nil when the rune has no reading (letters, digits,
	// punctuation).
	Readings(s string) [][]string
}

// Search is a query for members and nodes.
//
// Members are found by system name (every language form), full name, employee
// number, mobile and email; nodes by name (every language form) and code. Text is
// compared after normalization (NFKC, case folded, white space collapsed). A query
// that looks like a phone number ("139 0000 0000", "+86-139…") is compared, digits
// only, with the mobiles in both international and national form. With a
// Transliterator, a query of Latin letters also finds names by their full readings
// ("zhangsan", "zhang san", or a prefix such as "zhangs"; from any syllable on, e.g.
// "san", as a substring) and by their initials ("zs"), each polyphonic character with
// every reading (up to 16 reading combinations per name, fewest uncommon readings
// first). Names made only of ASCII characters are not transliterated.
type Search struct {
	// Text is what the user typed.
	Text string
	// Limit is the number of members and the number of nodes returned at most: zero
	// means 20, at most 200.
	Limit int
	// SkipMembers and SkipNodes leave members or nodes out of the search.
	SkipMembers, SkipNodes bool
	// IncludeInactive finds inactive members and nodes too; by default only active
	// ones are found. Retired nodes are never found.
	IncludeInactive bool
	// Within limits the search to a node's subtree (members affiliated to it, primary
	// or secondary, and the nodes in it); zero means the whole directory.
	Within orgkit.NodeID
	// Transliterator, when set, finds names by their readings (pinyin).
	Transliterator Transliterator
}

// Rank orders hits: every exact hit comes before every prefix hit, and those before
// every substring hit.
type Rank uint8

// The ranks.
const (
	// Exact: the whole value (or its whole reading, or its initials) equals the query.
	Exact Rank = iota
	// Prefix: the value starts with the query.
	Prefix
	// Substring: the value contains the query elsewhere.
	Substring
)

// String returns "exact", "prefix" or "substring".
func (r Rank) String() string {
	switch r {
	case Exact:
		return "exact"
	case Prefix:
		return "prefix"
	case Substring:
		return "substring"
	}
	return "unknown"
}

// Via says how a hit matched.
type Via uint8

// The ways a value matches.
const (
	// ViaText: the value's text.
	ViaText Via = iota
	// ViaReading: the value's full reading (pinyin), e.g. "zhangsan".
	ViaReading
	// ViaInitials: the initials of the value's reading, e.g. "zs".
	ViaInitials
)

// String returns "text", "reading" or "initials".
func (v Via) String() string {
	switch v {
	case ViaText:
		return "text"
	case ViaReading:
		return "reading"
	case ViaInitials:
		return "initials"
	}
	return "unknown"
}

// Range is a matched part of Match.Value in byte offsets: Value[Start:End].
type Range struct {
	Start, End int // byte offsets: Value[Start:End] matched
}

// Match is how a hit matched, with what to highlight.
type Match struct {
	Rank Rank // exact, prefix or substring
	Via  Via  // text, reading or initials
	// Lang is the language tag of the name form that matched; "" for the default form
	// and for fields other than names.
	Lang string
	// Value is the matched field's value as stored (the name form, the E.164 mobile…).
	Value string
	// Ranges are the parts of Value to highlight, in byte offsets, ascending and not
	// overlapping. For a reading match they cover the characters whose readings
	// matched (both characters of 张三 for "zs").
	Ranges []Range
}

// MemberHit is a member found by a search.
type MemberHit struct {
	member *member.Member // shared: Member copies
	// Field is the field that matched: SystemNameField, FullNameField,
	// EmployeeNumberField, MobileField or EmailField.
	Field member.Field
	Match
}

// Member returns a copy of the member found.
func (h MemberHit) Member() member.Member { return *h.member.Clone() }

// ID returns the ID of the member found.
func (h MemberHit) ID() orgkit.MemberID { return h.member.ID }

// NodeHit is a node found by a search.
type NodeHit struct {
	node *orgtree.Node // shared: Node copies
	// Field is orgtree.NameField or orgtree.CodeField.
	Field orgtree.Field
	Match
}

// Node returns a copy of the node found.
func (h NodeHit) Node() orgtree.Node { return *h.node.Clone() }

// ID returns the ID of the node found.
func (h NodeHit) ID() orgkit.NodeID { return h.node.ID }

// SearchResult holds the best hits, best first: by Rank; then by field (system name,
// full name, employee number, email, mobile for members; name, code for nodes; text
// before readings before initials); then exact hits and substring hits of text in
// creation order (members) or tree order (nodes), and prefix hits and substring hits
// of readings by the value matched (in code-point order, so "zhang" before
// "zhangsan" before "zhao"). Each member or node is listed once, with its best match.
type SearchResult struct {
	Members []MemberHit // at most Search.Limit, best first
	Nodes   []NodeHit   // at most Search.Limit, best first
	// MoreMembers and MoreNodes report that more hits than Limit exist.
	MoreMembers, MoreNodes bool
}

const (
	defaultSearchLimit = 20
	maxSearchLimit     = 200
	maxCombos          = 16
)

// Index groups, in rank order within a class. Each group is one haystack.
const (
	gSysName = iota // member system name, every form
	gFullName
	gEmpNo
	gEmail
	gNodeName
	gNodeCode
	gMobile // digits
	gSysNameRead
	gFullNameRead
	gNodeNameRead
	gSysNameInit
	gFullNameInit
	gNodeNameInit
	groupCount
	firstReadingGroup = gSysNameRead
)

func nodeGroup(g int) bool {
	return g == gNodeName || g == gNodeCode || g == gNodeNameRead || g == gNodeNameInit
}

// entry is one indexed value.
type entry struct {
	owner int32 // member slot, or node position in tree order
	form  uint8 // name form: 0 default, k the k-th language tag; mobile: 0 international, 1 national
	part  uint8 // reading suffix entries: the syllable the suffix starts at
	combo uint8 // reading entries: the reading combination
}

// hay is one group's keys: every key followed by a 0 byte (for substring scans), and
// the keys' order (for exact and prefix lookups by binary search).
type hay struct {
	buf    []byte
	off    []int32 // off[i] is where key i starts; a final element closes the last key
	ent    []entry
	sorted []int32 // entry indexes by key, then by index
	freq   [256]int32
}

func (h *hay) add(key []byte, e entry) {
	if len(key) == 0 {
		return
	}
	h.off = append(h.off, int32(len(h.buf)))
	h.buf = append(h.buf, key...)
	h.buf = append(h.buf, 0)
	h.ent = append(h.ent, e)
}

func (h *hay) key(i int32) []byte {
	if int(i)+1 == len(h.off) { // the last key, before seal
		return h.buf[h.off[i] : len(h.buf)-1]
	}
	return h.buf[h.off[i] : h.off[i+1]-1]
}

// has reports whether one of the entries from index first on has the key.
func (h *hay) has(first int, key []byte) bool {
	for j := first; j < len(h.ent); j++ {
		if bytes.Equal(h.key(int32(j)), key) {
			return true
		}
	}
	return false
}

// seal closes the last key, counts the bytes and sorts the keys.
func (h *hay) seal() {
	h.close()
	h.sorted = h.sortKeys()
}

// close closes the last key and counts the bytes.
func (h *hay) close() {
	h.off = append(h.off, int32(len(h.buf)))
	for _, c := range h.buf {
		h.freq[c]++
	}
}

// sortKeys returns the entry indexes ordered by key, then by index: a stable radix
// sort on the keys' first 8 bytes, then a stable sort of each run that shares them
// by the rest of the keys. A few keys (the changed members' of a derived index) are
// sorted by comparison instead.
func (h *hay) sortKeys() []int32 {
	type headed struct {
		head uint64 // the key's first 8 bytes, big-endian, zero-padded
		i    int32
	}
	n := len(h.ent)
	if n == 0 {
		return nil
	}
	if n < 256 {
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(i)
		}
		slices.SortStableFunc(out, func(x, y int32) int { return bytes.Compare(h.key(x), h.key(y)) })
		return out
	}
	a, b := make([]headed, n), make([]headed, n)
	long := false
	for i := range a {
		k := h.key(int32(i))
		var head uint64
		for j := 0; j < 8; j++ {
			head <<= 8
			if j < len(k) {
				head |= uint64(k[j])
			}
		}
		a[i] = headed{head, int32(i)}
		long = long || len(k) > 8
	}
	count := make([]int32, 1<<16)
	for shift := 0; shift < 64; shift += 16 {
		clear(count)
		for _, x := range a {
			count[x.head>>shift&0xffff]++
		}
		if count[a[0].head>>shift&0xffff] == int32(n) {
			continue // every key has the same digit here
		}
		sum := int32(0)
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, x := range a {
			d := x.head >> shift & 0xffff
			b[count[d]] = x
			count[d]++
		}
		a, b = b, a
	}
	out := make([]int32, n)
	for i, x := range a {
		out[i] = x.i
	}
	if !long {
		return out
	}
	rest := func(i int32) []byte {
		k := h.key(i)
		return k[min(8, len(k)):]
	}
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && a[hi].head == a[lo].head {
			hi++
		}
		if hi-lo > 1 {
			slices.SortStableFunc(out[lo:hi], func(x, y int32) int { return bytes.Compare(rest(x), rest(y)) })
		}
		lo = hi
	}
	return out
}

// prefixRange returns the positions in sorted of the keys starting with q: those
// equal to q first, from lo to eq, then the longer ones up to hi.
func (h *hay) prefixRange(q []byte) (lo, eq, hi int) {
	n := len(h.sorted)
	lo = sort.Search(n, func(i int) bool { return bytes.Compare(h.key(h.sorted[i]), q) >= 0 })
	hi = lo + sort.Search(n-lo, func(i int) bool { return !bytes.HasPrefix(h.key(h.sorted[lo+i]), q) })
	eq = lo + sort.Search(hi-lo, func(i int) bool { return len(h.key(h.sorted[lo+i])) > len(q) })
	return lo, eq, hi
}

// hays holds one haystack per group; an index fills only its own groups.
type hays [groupCount]hay

func (h *hays) seal() {
	for g := range h {
		h[g].seal()
	}
}

// searchIndex is a snapshot's text index; readingIndex adds one transliterator's.
// Each is layered: see memberLayers.
type searchIndex struct {
	layered
	nodes []*orgtree.Node // tree order
}

type readingIndex struct {
	once  sync.Once
	ready atomic.Bool // built: snapshots derived later may derive from it
	layered
}

// layered is an index's haystacks: the member groups' in layers, the node groups'
// (a few entries per node, rebuilt whenever the tree changes) whole.
type layered struct {
	members  *memberLayers
	nodeHays *hays
}

// memberLayers are the member groups' haystacks in two layers. base holds every
// member's entries as of some snapshot and is shared with the snapshots derived from
// it; top holds the entries of the members changed since (changed; nil when none),
// whose entries in base are stale (dead). A search reads both layers and merges them
// in the order of one haystack built from scratch, so layering never shows in
// results. Once more than compactAfter members changed, the layers are merged into a
// new base (mergeHay: linear, no key is computed again).
type memberLayers struct {
	base    *hays
	top     *hays
	changed []int32 // ascending
	dead    bitmap  // changed, as a bitmap
}

// compactAfter is how many changed members the top layer holds at most before it is
// merged into a new base.
func compactAfter(members int) int { return members/256 + 64 }

// layer is one haystack a group is searched in, with the owners whose entries in it
// are stale.
type layer struct {
	h    *hay
	dead bitmap
}

// layers returns the haystacks group g is searched in: one or two.
func (x *layered) layers(g int) [2]layer {
	if nodeGroup(g) {
		return [2]layer{{h: &x.nodeHays[g]}}
	}
	m := x.members
	ls := [2]layer{{h: &m.base[g], dead: m.dead}}
	if m.top != nil {
		ls[1].h = &m.top[g]
	}
	return ls
}

// deriveMembers returns the member layers of snapshot s from an older snapshot's (nil:
// none) and the slots changed since; build adds the entries of the members in slots
// (every member when nil) to a haystack set.
func deriveMembers(s *Snapshot, old *memberLayers, diff []int32, build func(h *hays, slots []int32)) *memberLayers {
	n := s.members.Len()
	var changed []int32
	if old != nil {
		if len(diff) == 0 {
			return old
		}
		changed = unionSlots(old.changed, diff)
	}
	if old == nil || len(changed) > maxDiffSlots(n) {
		base := &hays{}
		build(base, nil)
		base.seal()
		return &memberLayers{base: base}
	}
	top := &hays{}
	build(top, diff)
	top.seal()
	if old.top != nil { // the older top, without the members changed again
		top = mergeHays(old.top, bitmapOf(diff, n), top)
	}
	dead := bitmapOf(changed, n)
	if len(changed) > compactAfter(n) {
		return &memberLayers{base: mergeHays(old.base, dead, top)}
	}
	return &memberLayers{base: old.base, top: top, changed: changed, dead: dead}
}

// bitmapOf returns the slots as a bitmap over n slots.
func bitmapOf(slots []int32, n int) bitmap {
	b := newBitmap(n)
	for _, i := range slots {
		b.set(int(i))
	}
	return b
}

// mergeHays merges every group with mergeHay.
func mergeHays(a *hays, drop bitmap, b *hays) *hays {
	c := &hays{}
	for g := range c {
		c[g] = mergeHay(&a[g], drop, &b[g])
	}
	return c
}

// mergeHay returns the haystack holding a's entries but those of the owners in drop,
// and b's entries (b's owners are all in drop), exactly as one built from scratch
// would hold them: entries by owner, sorted by key, then entry. Both are sealed, with
// their entries by owner. It copies runs of entries in bulk and finds where each of
// b's keys goes in a's order by binary search, so merging a few changed members into
// a large haystack costs little more than copying it.
func mergeHay(a *hay, drop bitmap, b *hay) hay {
	na, nb := len(a.ent), len(b.ent)
	c := hay{
		buf:  make([]byte, 0, len(a.buf)+len(b.buf)),
		off:  make([]int32, 0, na+nb+1),
		ent:  make([]entry, 0, na+nb),
		freq: a.freq,
	}
	at, bt := make([]int32, na), make([]int32, nb)   // entry in a or b → entry in c, -1 dropped
	run := func(h *hay, from, to int, idx []int32) { // appends h's entries [from, to)
		shift := int32(len(c.buf)) - h.off[from]
		for i := from; i < to; i++ {
			idx[i] = int32(len(c.off))
			c.off = append(c.off, h.off[i]+shift)
		}
		c.ent = append(c.ent, h.ent[from:to]...)
		c.buf = append(c.buf, h.buf[h.off[from]:h.off[to]]...)
	}
	dropped := func(i int) bool { return drop.has(int(a.ent[i].owner)) }
	for i, j := 0, 0; i < na || j < nb; {
		switch {
		case i < na && dropped(i):
			at[i] = -1
			for _, x := range a.buf[a.off[i]:a.off[i+1]] {
				c.freq[x]--
			}
			i++
		case j < nb && (i == na || b.ent[j].owner < a.ent[i].owner): // b's entries of one owner
			r := j + 1
			for r < nb && b.ent[r].owner == b.ent[j].owner {
				r++
			}
			run(b, j, r, bt)
			j = r
		default: // a's entries kept before b's next owner
			r := i + 1
			for r < na && !dropped(r) && (j == nb || a.ent[r].owner < b.ent[j].owner) {
				r++
			}
			run(a, i, r, at)
			i = r
		}
	}
	c.off = append(c.off, int32(len(c.buf)))
	for i, x := range b.freq {
		c.freq[i] += x
	}
	// sorted: a's order, without the dropped entries, with each of b's entries put
	// after a's entries of smaller (key, owner)
	c.sorted = make([]int32, 0, len(c.ent))
	i := 0
	for _, y := range b.sorted {
		ky, oy := b.key(y), b.ent[y].owner
		p := i + sort.Search(len(a.sorted)-i, func(k int) bool {
			x := a.sorted[i+k]
			cmp := bytes.Compare(a.key(x), ky)
			return cmp > 0 || cmp == 0 && a.ent[x].owner > oy
		})
		for ; i < p; i++ {
			if n := at[a.sorted[i]]; n >= 0 {
				c.sorted = append(c.sorted, n)
			}
		}
		c.sorted = append(c.sorted, bt[y])
	}
	for ; i < len(a.sorted); i++ {
		if n := at[a.sorted[i]]; n >= 0 {
			c.sorted = append(c.sorted, n)
		}
	}
	return c
}

func (s *Snapshot) textIndex() *searchIndex {
	d := s.derived()
	d.text.Do(func() {
		d.search.Store(buildTextIndex(s, d.source().text))
		d.mu.Lock()
		d.from.text = source[*searchIndex]{} // built: the older index may go
		d.mu.Unlock()
	})
	return d.search.Load()
}

func (s *Snapshot) readingIndex(t Transliterator) *readingIndex {
	if !isComparable(t) {
		ri := &readingIndex{}
		buildReadingIndex(s, ri, t, source[*readingCache]{})
		return ri
	}
	d := s.derived()
	cache := d.readingCache()
	v, _ := cache.m.LoadOrStore(t, &readingIndex{})
	ri := v.(*readingIndex)
	ri.once.Do(func() {
		buildReadingIndex(s, ri, t, d.source().pinyin)
		ri.ready.Store(true)
		cache.used.Store(true)
	})
	return ri
}

// keyScratch builds keys without allocating.
type keyScratch struct {
	b, forms []byte
	ends     []int
}

// nameForms calls f with each form of a name (default first, then by sorted tag)
// whose key differs from the forms before it. The key is valid during the call.
func (sc *keyScratch) nameForms(n orgkit.Names, f func(form uint8, value string, key []byte)) {
	sc.forms = appendKey(sc.forms[:0], n.Default)
	sc.ends = append(sc.ends[:0], len(sc.forms))
	f(0, n.Default, sc.forms)
	if len(n.ByLang) == 0 {
		return
	}
	for i, tag := range n.Tags() {
		if i >= 254 {
			break
		}
		v := n.ByLang[tag]
		start := len(sc.forms)
		sc.forms = appendKey(sc.forms, v)
		k := sc.forms[start:]
		seen := false
		for j, from := 0, 0; j < len(sc.ends) && !seen; j++ {
			seen = bytes.Equal(sc.forms[from:sc.ends[j]], k)
			from = sc.ends[j]
		}
		if seen {
			sc.forms = sc.forms[:start]
			continue
		}
		sc.ends = append(sc.ends, len(sc.forms))
		f(uint8(i+1), v, k)
	}
}

// membersIn yields the members in the slots, or every member when slots is nil.
func membersIn(s *Snapshot, slots []int32) iter.Seq2[int, *member.Member] {
	if slots == nil {
		return s.members.All()
	}
	return func(yield func(int, *member.Member) bool) {
		for _, i := range slots {
			if !yield(int(i), s.members.At(int(i))) {
				return
			}
		}
	}
}

// buildTextIndex builds the text index of s, from an older snapshot's when src has one.
func buildTextIndex(s *Snapshot, src source[*searchIndex]) *searchIndex {
	idx := &searchIndex{}
	var old *memberLayers
	var diff []int32
	if src.index != nil {
		old, diff = src.index.members, src.diff.slots
	}
	idx.members = deriveMembers(s, old, diff, func(h *hays, slots []int32) { addMemberText(s, h, slots) })
	if src.index != nil && !src.diff.nodes {
		idx.nodes, idx.nodeHays = src.index.nodes, src.index.nodeHays
		return idx
	}
	h := &hays{}
	var sc keyScratch
	if s.tree != nil {
		for n := range s.tree.Shared().All() {
			e := entry{owner: int32(len(idx.nodes))}
			idx.nodes = append(idx.nodes, n)
			sc.nameForms(n.Name, func(form uint8, _ string, key []byte) {
				e.form = form
				h[gNodeName].add(key, e)
			})
			e.form = 0
			h[gNodeCode].add(appendKey(sc.b[:0], n.Code), e)
		}
	}
	h.seal()
	idx.nodeHays = h
	return idx
}

// addMemberText adds the text entries of the members in slots (all when nil).
func addMemberText(s *Snapshot, h *hays, slots []int32) {
	var sc keyScratch
	var sys []byte
	for slot, m := range membersIn(s, slots) {
		e := entry{owner: int32(slot)}
		sc.nameForms(m.SystemName, func(form uint8, _ string, key []byte) {
			if form == 0 {
				sys = append(sys[:0], key...)
			}
			e.form = form
			h[gSysName].add(key, e)
		})
		e.form = 0
		if sc.b = appendKey(sc.b[:0], m.FullName); !bytes.Equal(sc.b, sys) {
			h[gFullName].add(sc.b, e)
		}
		h[gEmpNo].add(appendKey(sc.b[:0], m.EmployeeNumber), e)
		h[gEmail].add(appendKey(sc.b[:0], m.Email), e)
		if sc.b = appendDigits(sc.b[:0], m.Mobile); len(sc.b) > 0 {
			h[gMobile].add(sc.b, e)
			if cc := callingCodeLen(sc.b); cc > 0 && cc < len(sc.b) {
				e.form = 1
				h[gMobile].add(sc.b[cc:], e)
			}
		}
	}
}

// buildReadingIndex builds ri, the reading index of s for t, from an older
// snapshot's when src has one for t.
func buildReadingIndex(s *Snapshot, ri *readingIndex, t Transliterator, src source[*readingCache]) {
	var old *readingIndex
	if src.index != nil {
		if v, ok := src.index.m.Load(t); ok && v.(*readingIndex).ready.Load() {
			old = v.(*readingIndex)
		}
	}
	var oldMembers *memberLayers
	var diff []int32
	if old != nil {
		oldMembers, diff = old.members, src.diff.slots
	}
	ri.members = deriveMembers(s, oldMembers, diff, func(h *hays, slots []int32) { addMemberReadings(s, h, t, slots) })
	if old != nil && !src.diff.nodes {
		ri.nodeHays = old.nodeHays
		return
	}
	h := &hays{}
	rb := readingBuilder{t: t, h: h}
	for pos, n := range s.textIndex().nodes {
		rb.addName(gNodeNameRead, gNodeNameInit, int32(pos), n.Name)
	}
	h.seal()
	ri.nodeHays = h
}

// addMemberReadings adds the reading entries of the members in slots (all when nil).
func addMemberReadings(s *Snapshot, h *hays, t Transliterator, slots []int32) {
	rb := readingBuilder{t: t, h: h}
	var sys []byte
	for slot, m := range membersIn(s, slots) {
		rb.addName(gSysNameRead, gSysNameInit, int32(slot), m.SystemName)
		if m.FullName != "" {
			sys = appendKey(sys[:0], m.SystemName.Default)
			if rb.ks.b = appendKey(rb.ks.b[:0], m.FullName); !bytes.Equal(rb.ks.b, sys) {
				rb.addName(gFullNameRead, gFullNameInit, int32(slot), orgkit.Name(m.FullName))
			}
		}
	}
}

// readingBuilder adds names' reading entries to haystacks.
type readingBuilder struct {
	t  Transliterator
	h  *hays
	sc readingScratch
	ks keyScratch
}

// addName adds every form of a name to the full-reading group full and the initials
// group init.
func (rb *readingBuilder) addName(full, init int, owner int32, n orgkit.Names) {
	rb.ks.nameForms(n, func(form uint8, value string, _ []byte) {
		rb.sc.add(rb.t, value, entry{owner: owner, form: form}, &rb.h[full], &rb.h[init])
	})
}

// readingScratch reuses buffers while building reading entries.
type readingScratch struct {
	syl    []syllable
	combos []uint8 // len(syl) per combination
	b      []byte
}

// add indexes value's full readings (with their suffixes from each later syllable) and
// initials, one entry per distinct string.
func (sc *readingScratch) add(t Transliterator, value string, e entry, full, init *hay) {
	if !hasNonASCII(value) {
		return
	}
	var ok bool
	if sc.syl, ok = appendSyllables(sc.syl[:0], t, value); !ok {
		return
	}
	syl := sc.syl
	sc.combos = appendCombos(sc.combos[:0], syl, maxCombos)
	firstFull, firstInit := len(full.ent), len(init.ent)
	for ci := 0; ci*len(syl) < len(sc.combos); ci++ {
		c := sc.combos[ci*len(syl) : (ci+1)*len(syl)]
		e.combo = uint8(ci)
		for part := range syl {
			sc.b = sc.b[:0]
			for k := part; k < len(syl); k++ {
				sc.b = append(sc.b, syl[k].readings[c[k]]...)
			}
			if !full.has(firstFull, sc.b) {
				e.part = uint8(part)
				full.add(sc.b, e)
			}
		}
		e.part = 0
		sc.b = sc.b[:0]
		for k := range syl {
			sc.b = append(sc.b, syl[k].readings[c[k]][0])
		}
		if !init.has(firstInit, sc.b) {
			init.add(sc.b, e)
		}
	}
}

// syllable is a unit of a reading: one transliterated character, or one word of
// letters and digits; start and end are its byte offsets in the value.
type syllable struct {
	readings   []string
	start, end int
}

// appendSyllables splits a value into syllables; ok reports whether any rune had a
// reading. At most 255 syllables are kept.
func appendSyllables(out []syllable, t Transliterator, s string) (_ []syllable, ok bool) {
	rs := t.Readings(s)
	k := 0
	word := -1 // start of the current word, or -1
	flush := func(end int) {
		if word >= 0 {
			out = append(out, syllable{readings: []string{strings.ToLower(s[word:end])}, start: word, end: end})
		}
		word = -1
	}
	for i, r := range s {
		var rd []string
		if k < len(rs) {
			rd = rs[k]
		}
		k++
		if len(rd) > 0 {
			if rd = cleanReadings(rd); len(rd) > 0 {
				flush(i)
				out = append(out, syllable{readings: rd, start: i, end: i + utf8.RuneLen(r)})
				ok = true
				continue
			}
		}
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if word < 0 {
				word = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	if len(out) > 255 {
		out = out[:255]
	}
	return out, ok
}

// cleanReadings returns the readings as distinct, non-empty lower-case ASCII letter
// strings ("ü" written "v"); rd itself when it already is.
func cleanReadings(rd []string) []string {
	clean := true
	for i, x := range rd {
		if x == "" {
			clean = false
		}
		for j := 0; j < len(x) && clean; j++ {
			clean = x[j] >= 'a' && x[j] <= 'z'
		}
		for j := 0; j < i && clean; j++ {
			clean = rd[j] != x
		}
	}
	if clean {
		return rd
	}
	var out []string
	for _, x := range rd {
		if x = asciiLetters(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// asciiLetters lower-cases s and keeps its ASCII letters ("ü" becomes "v").
func asciiLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r == 'ü' || r == 'Ü':
			b.WriteByte('v')
		}
	}
	return b.String()
}

// appendCombos appends reading combinations (one reading index per syllable, each
// combination len(syl) bytes), those using fewer uncommon readings first, at most
// limit of them.
func appendCombos(out []uint8, syl []syllable, limit int) []uint8 {
	n := len(syl)
	if n == 0 {
		return out
	}
	maxSum := 0
	for _, s := range syl {
		maxSum += min(len(s.readings), 256) - 1
	}
	cur := make([]uint8, n)
	count := 0
	var rec func(k, rem int)
	rec = func(k, rem int) {
		if count >= limit {
			return
		}
		if k == n {
			if rem == 0 {
				out = append(out, cur...)
				count++
			}
			return
		}
		m := min(len(syl[k].readings), 256)
		for i := 0; i < m && i <= rem; i++ {
			cur[k] = uint8(i)
			rec(k+1, rem-i)
		}
		cur[k] = 0
	}
	for d := 0; d <= maxSum && count < limit; d++ {
		rec(0, d)
	}
	return out
}

// Search finds members and nodes; see Search for what is compared and SearchResult for
// the order. The index it searches is made once per snapshot (and once more per
// transliterator) on first use: built from every member and node when loaded, or
// derived from the predecessor's in time proportional to the members changed (node
// edits rebuild the nodes' part). An unknown or retired Within node is
// orgkit.ErrNotFound.
func (s *Snapshot) Search(q Search) (SearchResult, error) {
	var res SearchResult
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)
	var scope bitmap
	nodeLo, nodeHi := 0, int(^uint(0)>>1)
	if !q.Within.IsZero() {
		var err error
		if scope, _, err = s.scopeBits(q.Within, false, false); err != nil {
			return res, err
		}
		t := denseTree(s.tree)
		i, _ := t.Index(q.Within)
		nodeLo, nodeHi = t.Interval(i)
	}
	text := normKey(q.Text)
	if text == "" {
		return res, nil
	}
	queries := [groupCount][]byte{}
	for g := range firstReadingGroup {
		queries[g] = []byte(text)
	}
	queries[gMobile] = []byte(phoneQuery(q.Text))
	idx := s.textIndex()
	var ri *readingIndex
	if q.Transliterator != nil {
		if rq := readingQuery(q.Text); rq != "" {
			ri = s.readingIndex(q.Transliterator)
			for g := firstReadingGroup; g < groupCount; g++ {
				queries[g] = []byte(rq)
			}
		}
	}
	var layers [groupCount][2]layer // nil haystacks: not searched
	for g := range firstReadingGroup {
		layers[g] = idx.layers(g)
	}
	if ri != nil {
		for g := firstReadingGroup; g < groupCount; g++ {
			layers[g] = ri.layers(g)
		}
	}
	mem := collector{limit: limit, skip: q.SkipMembers, ok: func(owner int32) bool {
		m := s.members.At(int(owner))
		return (q.IncludeInactive || m.Status == orgkit.Active) && (scope == nil || scope.has(int(owner)))
	}}
	nod := collector{limit: limit, skip: q.SkipNodes, ok: func(owner int32) bool {
		n := idx.nodes[owner]
		return (q.IncludeInactive || n.Status == orgkit.Active) && int(owner) >= nodeLo && int(owner) < nodeHi
	}}
	col := func(g int) *collector {
		if nodeGroup(g) {
			return &nod
		}
		return &mem
	}
	// Pass 1: exact. Pass 2: prefix. Pass 3: substring. Groups in rank order; the
	// first hit found for an owner is its best.
	var ranges [groupCount][2][3]int // per layer: lo, eq, hi
	for g := range layers {
		for k, l := range layers[g] {
			if l.h != nil && len(queries[g]) > 0 {
				lo, eq, hi := l.h.prefixRange(queries[g])
				ranges[g][k] = [3]int{lo, eq, hi}
			}
		}
	}
	span := func(g, from, to int) [2][2]int {
		r := &ranges[g]
		return [2][2]int{{r[0][from], r[0][to]}, {r[1][from], r[1][to]}}
	}
	for pass := Exact; pass <= Substring; pass++ {
		for g := range layers {
			ls, c, qb := &layers[g], col(g), queries[g]
			if ls[0].h == nil || len(qb) == 0 || c.full() {
				continue
			}
			switch pass {
			case Exact:
				collect(c, uint8(g), Exact, ls, span(g, 0, 1), false)
			case Prefix:
				collect(c, uint8(g), Prefix, ls, span(g, 1, 2), false)
			case Substring:
				if g < firstReadingGroup {
					scanSubstrings(qb, c, uint8(g), ls)
				} else {
					collect(c, uint8(g), Substring, ls, span(g, 0, 2), true)
				}
			}
		}
	}
	res.MoreMembers, res.MoreNodes = len(mem.hits) > limit, len(nod.hits) > limit
	res.Members = make([]MemberHit, 0, min(limit, len(mem.hits)))
	res.Nodes = make([]NodeHit, 0, min(limit, len(nod.hits)))
	for _, h := range mem.hits[:min(limit, len(mem.hits))] {
		res.Members = append(res.Members, s.memberHit(h, layers[h.group][h.layer].h, queries[h.group], q.Transliterator))
	}
	for _, h := range nod.hits[:min(limit, len(nod.hits))] {
		res.Nodes = append(res.Nodes, nodeHit(idx.nodes[h.owner], h, layers[h.group][h.layer].h, queries[h.group], q.Transliterator))
	}
	return res, nil
}

// hit is a found owner with the entry that matched.
type hit struct {
	rank  Rank
	group uint8
	layer uint8 // the layer holding the entry
	owner int32
	entry int32
}

type collector struct {
	limit int
	skip  bool
	ok    func(owner int32) bool
	seen  map[int32]bool
	hits  []hit
}

func (c *collector) full() bool { return c.skip || len(c.hits) > c.limit }

func (c *collector) add(h hit) {
	if c.seen[h.owner] || c.full() || !c.ok(h.owner) {
		return
	}
	if c.seen == nil {
		c.seen = map[int32]bool{}
	}
	c.seen[h.owner] = true
	c.hits = append(c.hits, h)
}

// collect adds the entries at sorted positions [span[k][0], span[k][1]) of each layer
// k: those of the whole value (part 0), or with suffixes the reading suffixes (part >
// 0); stale entries left out. It takes them in the order of one haystack holding both
// layers: by key, then by owner (no owner has entries in both).
func collect(c *collector, g uint8, rank Rank, ls *[2]layer, span [2][2]int, suffixes bool) {
	a, b := ls[0], ls[1]
	i, j := span[0][0], span[1][0]
	for !c.full() {
		i, j = a.next(i, span[0][1], suffixes), b.next(j, span[1][1], suffixes)
		inA, inB := i < span[0][1], j < span[1][1]
		switch {
		case inA && (!inB || a.before(i, b, j)):
			e := a.h.sorted[i]
			c.add(hit{rank: rank, group: g, owner: a.h.ent[e].owner, entry: e})
			i++
		case inB:
			e := b.h.sorted[j]
			c.add(hit{rank: rank, group: g, layer: 1, owner: b.h.ent[e].owner, entry: e})
			j++
		default:
			return
		}
	}
}

// next returns the first sorted position from k on (end when none before it) whose
// entry counts: not stale, and a reading suffix exactly when suffixes.
func (l layer) next(k, end int, suffixes bool) int {
	for ; k < end; k++ {
		e := l.h.ent[l.h.sorted[k]]
		if (e.part != 0) == suffixes && !l.dead.has(int(e.owner)) {
			break
		}
	}
	return k
}

// before reports whether the entry at sorted position i of l comes before the one at
// position j of m: by key, then by owner.
func (l layer) before(i int, m layer, j int) bool {
	x, y := l.h.sorted[i], m.h.sorted[j]
	k := bytes.Compare(l.h.key(x), m.h.key(y))
	return k < 0 || k == 0 && l.h.ent[x].owner < m.h.ent[y].owner
}

// scanSubstrings adds the entries whose keys contain q other than at their start, in
// the order of one haystack holding both layers (by owner); stale entries left out.
func scanSubstrings(q []byte, c *collector, g uint8, ls *[2]layer) {
	var pending []hit // the top layer's hits, by owner
	if top := ls[1].h; top != nil {
		top.substrings(q, func(e int32) bool {
			pending = append(pending, hit{rank: Substring, group: g, layer: 1, owner: top.ent[e].owner, entry: e})
			return true
		})
	}
	flush := func(before int32) {
		for len(pending) > 0 && pending[0].owner < before {
			c.add(pending[0])
			pending = pending[1:]
		}
	}
	base := ls[0]
	base.h.substrings(q, func(e int32) bool {
		owner := base.h.ent[e].owner
		if base.dead.has(int(owner)) {
			return true
		}
		flush(owner)
		c.add(hit{rank: Substring, group: g, owner: owner, entry: e})
		return !c.full()
	})
	flush(math.MaxInt32)
}

// substrings calls f with each entry whose key contains q other than at its start, in
// entry order, until f returns false. It looks for q's rarest byte in this haystack
// with bytes.IndexByte and compares q around each occurrence.
func (h *hay) substrings(q []byte, f func(e int32) bool) {
	r := 0
	for i := range q {
		if h.freq[q[i]] < h.freq[q[r]] {
			r = i
		}
	}
	if h.freq[q[r]] == 0 {
		return
	}
	if int(h.freq[q[r]])*32 > len(h.buf) && len(q) > 1 {
		// no rare byte: bytes.Index, which turns to a vectorized search of the whole
		// of q when its first byte is common, is faster
		h.substringsIndex(q, f)
		return
	}
	b, pos, e := q[r], r, 0
	for pos < len(h.buf) {
		j := bytes.IndexByte(h.buf[pos:], b)
		if j < 0 {
			return
		}
		p := pos + j - r // where q would start
		pos += j + 1
		if p+len(q) > len(h.buf) || !bytes.Equal(h.buf[p:p+len(q)], q) {
			continue
		}
		for int(h.off[e+1]) <= p {
			e++
		}
		if p == int(h.off[e]) {
			continue // a prefix: found by the prefix pass
		}
		if !f(int32(e)) {
			return
		}
		pos = max(pos, int(h.off[e+1])+r) // on to the next key
	}
}

// substringsIndex is substrings with bytes.Index.
func (h *hay) substringsIndex(q []byte, f func(e int32) bool) {
	pos, e := 0, 0
	for pos < len(h.buf) {
		j := bytes.Index(h.buf[pos:], q)
		if j < 0 {
			return
		}
		p := int32(pos + j)
		for h.off[e+1] <= p {
			e++
		}
		if p != h.off[e] {
			if !f(int32(e)) {
				return
			}
			pos = int(h.off[e+1])
			continue
		}
		pos = int(p) + 1
	}
}

func groupVia(g uint8) Via {
	switch {
	case g >= gSysNameInit:
		return ViaInitials
	case g >= firstReadingGroup:
		return ViaReading
	}
	return ViaText
}

func formOf(n orgkit.Names, form uint8) (lang, value string) {
	if form == 0 {
		return "", n.Default
	}
	tags := n.Tags()
	if int(form) > len(tags) {
		return "", n.Default
	}
	return tags[form-1], n.ByLang[tags[form-1]]
}

func (s *Snapshot) memberHit(h hit, hy *hay, q []byte, t Transliterator) MemberHit {
	m := s.members.At(int(h.owner))
	e := hy.ent[h.entry]
	out := MemberHit{member: m, Match: Match{Rank: h.rank, Via: groupVia(h.group)}}
	switch h.group {
	case gSysName, gSysNameRead, gSysNameInit:
		out.Field = member.SystemNameField
		out.Lang, out.Value = formOf(m.SystemName, e.form)
	case gFullName, gFullNameRead, gFullNameInit:
		out.Field, out.Value = member.FullNameField, m.FullName
	case gEmpNo:
		out.Field, out.Value = member.EmployeeNumberField, m.EmployeeNumber
	case gEmail:
		out.Field, out.Value = member.EmailField, m.Email
	case gMobile:
		out.Field, out.Value = member.MobileField, m.Mobile
	}
	out.Ranges = highlight(out.Value, h, e, q, t)
	return out
}

func nodeHit(n *orgtree.Node, h hit, hy *hay, q []byte, t Transliterator) NodeHit {
	e := hy.ent[h.entry]
	out := NodeHit{node: n, Match: Match{Rank: h.rank, Via: groupVia(h.group)}}
	if h.group == gNodeCode {
		out.Field, out.Value = orgtree.CodeField, n.Code
	} else {
		out.Field = orgtree.NameField
		out.Lang, out.Value = formOf(n.Name, e.form)
	}
	out.Ranges = highlight(out.Value, h, e, q, t)
	return out
}

// highlight computes the byte ranges of value that matched.
func highlight(value string, h hit, e entry, q []byte, t Transliterator) []Range {
	whole := []Range{{0, len(value)}}
	switch {
	case h.group == gMobile:
		var pos []int
		var d []byte
		for i := 0; i < len(value); i++ {
			if value[i] >= '0' && value[i] <= '9' {
				d = append(d, value[i])
				pos = append(pos, i)
			}
		}
		from := 0
		if e.form == 1 {
			from = callingCodeLen(d)
		}
		j := bytes.Index(d[from:], q)
		if j < 0 {
			return whole
		}
		j += from
		return []Range{{pos[j], pos[j+len(q)-1] + 1}}
	case h.group < firstReadingGroup:
		key, start, end := keyMap(value)
		j := strings.Index(key, string(q))
		if h.rank != Substring && !strings.HasPrefix(key, string(q)) {
			j = -1
		}
		if j < 0 {
			return whole
		}
		return []Range{{start[j], end[j+len(q)-1]}}
	}
	if t == nil {
		return whole
	}
	syl, _ := appendSyllables(nil, t, value)
	cs := appendCombos(nil, syl, maxCombos)
	if (int(e.combo)+1)*len(syl) > len(cs) {
		return whole
	}
	c := cs[int(e.combo)*len(syl) : (int(e.combo)+1)*len(syl)]
	var out []Range
	mark := func(k int) {
		r := Range{syl[k].start, syl[k].end}
		if n := len(out); n > 0 && out[n-1].End == r.Start {
			out[n-1].End = r.End
			return
		}
		out = append(out, r)
	}
	if groupVia(h.group) == ViaInitials {
		for k := 0; k < len(q) && k < len(syl); k++ {
			mark(k)
		}
		return out
	}
	for k, n := int(e.part), 0; k < len(syl) && n < len(q); k++ {
		mark(k)
		n += len(syl[k].readings[c[k]])
	}
	return out
}

// normKey is the comparison form of a value; see appendKey.
func normKey(s string) string { return string(appendKey(nil, s)) }

// appendKey appends the comparison form of s: textnorm.Key (NFKC, case folded, white
// space collapsed), computed rune by rune for ASCII and CJK text, which normalization
// leaves as it is, and with control characters taken as spaces.
func appendKey(dst []byte, s string) []byte {
	start, space := len(dst), false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c <= ' ' || c == 0x7f {
				space = len(dst) > start
				continue
			}
			if space {
				dst, space = append(dst, ' '), false
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !stableRune(r) {
			key, _, _ := keyMap(s)
			return append(dst[:start], key...)
		}
		if space {
			dst, space = append(dst, ' '), false
		}
		dst = append(dst, s[i:i+size]...)
		i += size
	}
	return dst
}

// stableRune reports whether NFKC and case folding leave r as it is (CJK ideographs,
// kana, Hangul syllables).
func stableRune(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0x20000 && r <= 0x2A6DF ||
		r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA || r >= 0xAC00 && r <= 0xD7A3 || r == 0xB7
}

// keyMap returns the comparison form of s built rune by rune, with, for each byte of
// the key, the byte offsets in s of the rune it came from.
func keyMap(s string) (key string, start, end []int) {
	var b []byte
	var fold cases.Caser
	folded := false
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		rEnd := i + size
		var piece string
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			piece = string(rune(c))
		case stableRune(r):
			piece = string(r)
		default:
			if !folded {
				fold, folded = cases.Fold(), true
			}
			piece = fold.String(norm.NFKC.String(string(r)))
		}
		for _, pr := range piece {
			if unicode.IsSpace(pr) || unicode.IsControl(pr) {
				space = len(b) > 0
				continue
			}
			if space {
				b = append(b, ' ')
				start, end = append(start, i), append(end, i)
				space = false
			}
			n := len(b)
			b = utf8.AppendRune(b, pr)
			for range len(b) - n {
				start, end = append(start, i), append(end, rEnd)
			}
		}
		i = rEnd
	}
	return string(b), start, end
}

func appendDigits(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			dst = append(dst, s[i])
		}
	}
	return dst
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// phoneQuery returns the digits of a query that looks like a phone number (digits
// and the usual separators, at least three digits; "00" before a country calling
// code dropped), or "".
func phoneQuery(s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '+' || r == '-' || r == ' ' || r == '(' || r == ')' || r == '.' || r == '/':
		default:
			return ""
		}
	}
	if n < 3 {
		return ""
	}
	d := string(appendDigits(nil, s))
	if strings.HasPrefix(s, "00") && len(d) >= 8 && d[2] != '0' { // an international prefix
		d = d[2:]
	}
	return d
}

// readingQuery returns a query as reading text (lower-case ASCII letters; spaces and
// apostrophes dropped), or "" when it has other characters.
func readingQuery(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c == ' ' || c == '\'' || c == '\t':
		default:
			return ""
		}
	}
	return string(b)
}

// callingCodeLen returns the length of the country calling code that starts the
// digits of an E.164 number (ITU-T E.164 codes are prefix-free), or 0.
func callingCodeLen(d []byte) int {
	if len(d) < 4 {
		return 0
	}
	switch d[0] {
	case '1', '7':
		return 1
	}
	switch string(d[:2]) {
	case "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
		"51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
		"81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98":
		return 2
	}
	return 3
}

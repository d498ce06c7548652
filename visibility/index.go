package visibility

import (
	"slices"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgtree"
)

// Index is the compiled visibility policy of one directory.Snapshot. It is immutable
// and safe for concurrent use; Update derives the index of a later snapshot without
// touching this one, so readers are never blocked. Hosts get one from Compile, or
// current with the directory from a Keeper.
//
// The zero Index (and a nil *Index) knows no member and no node: every check answers
// no, every list is empty, and Update compiles the given snapshot afresh.
//
// Nodes are addressed by their pre-order position in the tree (a subtree is the
// interval [pre, end)), members by their dense slot in the snapshot.
type Index struct {
	snap *directory.Snapshot
	np   *nodePart
	mp   *memberPart
}

// nodePart is everything derived from the tree (and from the member IDs the tree
// names): it is rebuilt only when the tree changes in a way that matters here.
type nodePart struct {
	tree  *orgtree.Tree
	nodes idMap           // node IDs (live ones, and merged ones redirecting to them) to positions
	at    []*orgtree.Node // by pre-order position
	end   []int32         // end of the subtree (exclusive)
	up    []int32         // pre-order position of the parent; -1 for the root
	// nearest ancestor-or-self that hides from outside / restricts the contact view:
	// an index into hiders / restrictors, or -1.
	hideAt    []int32
	contactAt []int32
	// nearest ancestor-or-self restricting reception / isolated: a pre-order
	// position, or -1.
	recvAt []int32
	isoAt  []int32

	hiders      []hider
	restrictors []restrictor

	// post holders (manager first, then assistants) and observers per node, as slots.
	holderOff, holders     []int32
	observerOff, observers []int32

	// members known when the part was built (slots [0, known)): their perfect hash
	// (memberPart.entries holds the record at each position) and their posts:
	// postAt[slot] is the offset in posts of readN, writeN, readN merged [pre, end)
	// intervals of the subtrees they may read, then writeN positions of the nodes
	// they hold a post at, ascending; 0 for members with no post.
	members phf
	postAt  []int32
	posts   []int32
	known   int
}

// hider is a node that hides itself and its people from outside.
type hider struct {
	pre, end int32
	outer    int32 // next hiding ancestor, or -1
	wl       whitelist
}

// restrictor is a node whose people's contact view is restricted.
type restrictor struct {
	pre, end int32
	outer    int32 // next restricting ancestor, or -1
	view     orgtree.ContactView
	wl       whitelist
}

// whitelist is a compiled orgtree.Whitelist: member entries as sorted slots, node
// entries as sorted, disjoint [start, end) pre-order intervals.
type whitelist struct {
	members      []int32
	starts, ends []int32
	src          *orgtree.Whitelist
}

const (
	chunkShift = 10
	chunkSize  = 1 << chunkShift
	chunkMask  = chunkSize - 1
)

// memberPart is everything derived from the member records. Per-member data lives in
// chunks, so that an update copies only the chunks of the members it touches.
type memberPart struct {
	n    int
	recs [][]mrec
	ids  [][]orgkit.MemberID
	// entries holds, by position in nodePart.members, the ID, slot and affiliation of each
	// member known to it: the contact checks find a member and what they need of it in
	// one read.
	entries [][]memberEntry
	active  bitset
	admin   bitset
	// privileged maps the ID of every org admin and post holder to the offset of its
	// posts (0 for none), with privAdmin set for admins: the data-scope checks look
	// members up here, in a map small enough to stay in cache.
	privileged idMap
	// hidden: every affiliation lies in a node hidden from outside (one that does not
	// leaves the member visible through it); restricted: an affiliation lies in a node
	// restricting the contact view. Bitsets (12.5 KB per 100,000 members) stay in
	// cache, so most checks never look further.
	hidden, restricted bitset
	more               map[int32][]int32 // affiliations of members with more than three
	// atNode holds, by pre-order position, the slots affiliated to the node itself,
	// ascending; in chunks of 256 nodes, so that an update copies only the chunks it
	// touches.
	atNode [][][]int32
	extra  map[orgkit.MemberID]int32
}

// memberEntry is a member's record at its position in the member hash.
type memberEntry struct {
	id    orgkit.MemberID
	slot1 int32 // slot plus one; zero marks a position no member has
	aff   int32 // see who.aff
}

// who is a member as the contact checks read it: its slot (-1 for an unknown member)
// and in aff[0] its affiliation when it has exactly one, or affNone or affSeveral
// (then memberPart.affs has them).
type who struct {
	slot int32
	aff  [1]int32
}

const (
	affNone    = -1
	affSeveral = -2
)

// mrec is one member's affiliations as pre-order positions (ascending; affN is 255
// when there are more than three, kept in memberPart.more), and the position of the
// node owning its data.
type mrec struct {
	aff   [3]int32
	affN  uint8
	owner int32
}

// Compile builds the visibility index of a snapshot.
func Compile(snap *directory.Snapshot) *Index {
	np := buildNodes(snap)
	return &Index{snap: snap, np: np, mp: buildMembers(snap, np)}
}

// Snapshot returns the snapshot the index answers for; nil for the zero Index.
func (x *Index) Snapshot() *directory.Snapshot {
	if x == nil {
		return nil
	}
	return x.snap
}

// empty reports whether x is a nil or zero Index, which knows no member and no node:
// every check says no, every list is empty, every explanation names an unknown
// member or node.
func (x *Index) empty() bool { return x == nil || x.mp == nil }

func buildNodes(snap *directory.Snapshot) *nodePart {
	np := &nodePart{tree: snap.Tree()}
	t := treeOf(np.tree)
	live := 0
	for i := range t.Len() {
		if pre, _ := t.Interval(i); pre >= 0 {
			live++
		}
	}
	np.at = make([]*orgtree.Node, live)
	np.end = make([]int32, live)
	np.up = make([]int32, live)
	for i := range t.Len() {
		pre, end := t.Interval(i)
		if pre < 0 {
			continue
		}
		np.at[pre], np.end[pre], np.up[pre] = t.At(i), int32(end), -1
		if p := t.ParentIndex(i); p >= 0 {
			pp, _ := t.Interval(p)
			np.up[pre] = int32(pp)
		}
	}
	var keys [][16]byte
	var positions []int32
	for i := range t.Len() {
		rec := t.At(i)
		j, ok := t.Index(rec.ID)
		if !ok {
			continue
		}
		if pre, _ := t.Interval(j); pre >= 0 {
			keys, positions = append(keys, rec.ID), append(positions, int32(pre))
		}
	}
	np.nodes = newIDMap(keys, positions)

	ms := membersOf(snap)
	n := ms.Count()
	ids := make([][16]byte, n)
	for s := range n {
		ids[s] = [16]byte(ms.At(s).ID)
	}
	var pos []uint32
	np.members, pos = newPHF(ids)
	np.known = n
	slotAt := make([]int32, np.members.size)
	for s, p := range pos {
		slotAt[p] = int32(s) + 1
	}
	slot := func(id orgkit.MemberID) int32 {
		if s := slotAt[np.members.pos((*[16]byte)(&id))] - 1; s >= 0 && ids[s] == id {
			return s
		}
		return -1
	}

	np.hideAt = make([]int32, live)
	np.contactAt = make([]int32, live)
	np.recvAt = make([]int32, live)
	np.isoAt = make([]int32, live)
	np.holderOff = make([]int32, live+1)
	np.observerOff = make([]int32, live+1)
	postCount := make([]int32, n)
	for pre, nd := range np.at {
		p := np.up[pre]
		h, c, r, iso := int32(-1), int32(-1), int32(-1), int32(-1)
		if p >= 0 {
			h, c, r, iso = np.hideAt[p], np.contactAt[p], np.recvAt[p], np.isoAt[p]
		}
		is := &nd.Isolation
		if is.HideFromOutside {
			np.hiders = append(np.hiders, hider{pre: int32(pre), end: np.end[pre], outer: h,
				wl: np.compileWhitelist(&is.VisibilityWhitelist, slot)})
			h = int32(len(np.hiders) - 1)
		}
		if is.ContactView != orgtree.Unrestricted {
			np.restrictors = append(np.restrictors, restrictor{pre: int32(pre), end: np.end[pre], outer: c,
				view: is.ContactView, wl: np.compileWhitelist(&is.ContactWhitelist, slot)})
			c = int32(len(np.restrictors) - 1)
		}
		if is.Reception == orgtree.OnlyThisNode {
			r = int32(pre)
		}
		if is.Isolated() {
			iso = int32(pre)
		}
		np.hideAt[pre], np.contactAt[pre], np.recvAt[pre], np.isoAt[pre] = h, c, r, iso

		start := len(np.holders)
		add := func(id orgkit.MemberID) {
			if s := slot(id); s >= 0 && !slices.Contains(np.holders[start:], s) {
				np.holders = append(np.holders, s)
				postCount[s]++
			}
		}
		if !nd.Manager.IsZero() {
			add(nd.Manager)
		}
		for _, a := range nd.Assistants {
			add(a)
		}
		np.holderOff[pre+1] = int32(len(np.holders))
		start = len(np.observers)
		for _, o := range nd.Observers {
			if s := slot(o); s >= 0 && !slices.Contains(np.observers[start:], s) {
				np.observers = append(np.observers, s)
			}
		}
		np.observerOff[pre+1] = int32(len(np.observers))
	}

	// Posts per member: node positions ascending (nodes were visited in pre-order),
	// then merged into the disjoint subtrees they cover.
	off := make([]int32, n+1)
	for s, c := range postCount {
		off[s+1] = off[s] + c
	}
	pres := make([]int32, off[n])
	fill := slices.Clone(off[:n])
	for pre := range np.at {
		for _, s := range np.holders[np.holderOff[pre]:np.holderOff[pre+1]] {
			pres[fill[s]] = int32(pre)
			fill[s]++
		}
	}
	np.postAt = make([]int32, n)
	np.posts = []int32{0} // offset 0 means "no post"

	for s := range n {
		mine := pres[off[s]:off[s+1]]
		if len(mine) == 0 {
			continue
		}
		at := int32(len(np.posts))
		np.postAt[s] = at
		np.posts = append(np.posts, 0, int32(len(mine)))
		reach := int32(-1)
		for _, p := range mine {
			if p < reach {
				continue // inside a subtree already covered
			}
			reach = np.end[p]
			np.posts = append(np.posts, p, reach)
			np.posts[at]++
		}
		np.posts = append(np.posts, mine...)
	}
	return np
}

func (np *nodePart) compileWhitelist(w *orgtree.Whitelist, slot func(orgkit.MemberID) int32) whitelist {
	c := whitelist{src: w}
	for _, id := range w.Members {
		if s := slot(id); s >= 0 {
			c.members = append(c.members, s)
		}
	}
	slices.Sort(c.members)
	c.members = slices.Compact(c.members)
	var pres []int32
	for _, id := range w.Nodes {
		if p := np.nodes.get((*[16]byte)(&id)); p >= 0 {
			pres = append(pres, p)
		}
	}
	slices.Sort(pres)
	reach := int32(-1)
	for _, p := range pres {
		if p < reach {
			continue
		}
		reach = np.end[p]
		c.starts = append(c.starts, p)
		c.ends = append(c.ends, reach)
	}
	return c
}

// who finds a member (see who); members that joined after the member hash was
// built are found in memberPart.extra.
func (x *Index) who(id *orgkit.MemberID) who { return x.mp.who(x.np, id) }

func (mp *memberPart) who(np *nodePart, id *orgkit.MemberID) who {
	p := np.members.pos((*[16]byte)(id))
	if e := &mp.entries[p>>chunkShift][p&chunkMask]; e.id == *id {
		return who{e.slot1 - 1, [1]int32{e.aff}} // slot -1 at a free position, which holds the zero ID
	}
	if len(mp.extra) > 0 {
		if s, ok := mp.extra[*id]; ok {
			return mp.whoAt(s)
		}
	}
	return who{-1, [1]int32{affNone}}
}

// whoAt returns the member in slot s.
func (mp *memberPart) whoAt(s int32) who {
	r := &mp.recs[s>>chunkShift][s&chunkMask]
	switch r.affN {
	case 0:
		return who{s, [1]int32{affNone}}
	case 1:
		return who{s, [1]int32{r.aff[0]}}
	}
	return who{s, [1]int32{affSeveral}}
}

// reads returns the read intervals of the posts at offset off in posts (see postAt):
// disjoint [pre, end) pairs, ascending.
func (np *nodePart) reads(off int32) []int32 {
	return np.posts[off+2 : off+2+2*np.posts[off]]
}

// writes returns the positions of the nodes the posts at offset off are held at,
// ascending.
func (np *nodePart) writes(off int32) []int32 {
	start := off + 2 + 2*np.posts[off]
	return np.posts[start : start+np.posts[off+1]]
}

// lookup returns the member's slot (-1 when unknown) and the offset of its posts in
// nodePart.posts (0 when it holds none; members that joined after the member hash
// was built hold none).
func (x *Index) lookup(id *orgkit.MemberID) (int32, int32) {
	s := x.who(id).slot
	if s >= 0 && int(s) < len(x.np.postAt) {
		return s, x.np.postAt[s]
	}
	return s, 0
}

func (x *Index) slot(id orgkit.MemberID) int32 {
	s, _ := x.lookup(&id)
	return s
}

func (x *Index) node(id orgkit.NodeID) int32 { return x.np.nodes.get((*[16]byte)(&id)) }

func buildMembers(snap *directory.Snapshot, np *nodePart) *memberPart {
	n := snap.MemberCount()
	mp := &memberPart{n: n, active: newBitset(n), admin: newBitset(n), hidden: newBitset(n), restricted: newBitset(n),
		atNode: make([][][]int32, (len(np.at)+nodeChunk-1)/nodeChunk)}
	for k := range mp.atNode {
		mp.atNode[k] = make([][]int32, min(nodeChunk, len(np.at)-k*nodeChunk))
	}
	chunks := (n + chunkMask) >> chunkShift
	mp.recs = make([][]mrec, chunks)
	mp.ids = make([][]orgkit.MemberID, chunks)
	for c := range chunks {
		size := min(chunkSize, n-c<<chunkShift)
		mp.recs[c] = make([]mrec, size, chunkSize)
		mp.ids[c] = make([]orgkit.MemberID, size, chunkSize)
	}
	mp.entries = make([][]memberEntry, (np.members.size+chunkMask)>>chunkShift)
	for c := range mp.entries {
		mp.entries[c] = make([]memberEntry, min(chunkSize, int(np.members.size)-c<<chunkShift))
	}
	counts := make([]int32, len(np.at))
	var buf []int32
	own := allOwned
	for s := range n {
		m := membersOf(snap).At(s)
		mp.ids[s>>chunkShift][s&chunkMask] = m.ID
		buf = mp.setRec(snap, np, int32(s), buf, &own)
		for _, a := range mp.affs(int32(s)) {
			counts[a]++
		}
	}
	flat := make([]int32, 0, sumInt32(counts))
	for pre, c := range counts {
		mp.atNode[pre/nodeChunk][pre%nodeChunk] = flat[len(flat) : len(flat) : len(flat)+int(c)]
		flat = flat[:len(flat)+int(c)]
	}
	for s := range n {
		for _, a := range mp.affs(int32(s)) {
			l := &mp.atNode[a/nodeChunk][a%nodeChunk]
			*l = append(*l, int32(s))
		}
	}
	for s := np.known; s < n; s++ { // members the member hash does not know (see Update)
		if mp.extra == nil {
			mp.extra = map[orgkit.MemberID]int32{}
		}
		mp.extra[mp.id(int32(s))] = int32(s)
	}
	mp.setAdmins(snap, np)
	mp.indexPrivileged(np)
	return mp
}

func sumInt32(xs []int32) int {
	t := 0
	for _, x := range xs {
		t += int(x)
	}
	return t
}

// bitsOwned says which of a memberPart's bitsets are its own (writable): all of a
// built one, none of an updated one until it changes a bit (bitset.put).
type bitsOwned struct{ active, hidden, restricted, admin bool }

// allOwned is the bitsOwned of a memberPart built from scratch.
var allOwned = bitsOwned{true, true, true, true}

// setRec computes the record and the active, hidden and restricted bits of the member
// in slot s.
func (mp *memberPart) setRec(snap *directory.Snapshot, np *nodePart, s int32, buf []int32, own *bitsOwned) []int32 {
	m := membersOf(snap).At(int(s))
	mp.active.put(s, m.Status == orgkit.Active, &own.active, mp.n)
	buf = buf[:0]
	if !m.Primary.IsZero() {
		if p := np.nodes.get((*[16]byte)(&m.Primary)); p >= 0 {
			buf = append(buf, p)
		}
	}
	for _, id := range m.Secondary {
		if p := np.nodes.get((*[16]byte)(&id)); p >= 0 && !slices.Contains(buf, p) {
			buf = append(buf, p)
		}
	}
	slices.Sort(buf)
	r := &mp.recs[s>>chunkShift][s&chunkMask]
	*r = mrec{affN: uint8(min(len(buf), 255)), owner: 0}
	if len(buf) <= len(r.aff) {
		copy(r.aff[:], buf)
		if mp.more != nil {
			delete(mp.more, s)
		}
	} else {
		r.affN = 255
		if mp.more == nil {
			mp.more = map[int32][]int32{}
		}
		mp.more[s] = slices.Clone(buf)
	}
	open, restricted := len(buf) == 0, false
	for _, a := range buf {
		open = open || np.hideAt[a] < 0
		restricted = restricted || np.contactAt[a] >= 0
	}
	mp.hidden.put(s, !open, &own.hidden, mp.n)
	mp.restricted.put(s, restricted, &own.restricted, mp.n)
	if d := snap.AffiliatedDepartment(m); !d.IsZero() {
		if p := np.nodes.get((*[16]byte)(&d)); p >= 0 {
			r.owner = p
		}
	}
	if int(s) < np.known {
		p := np.members.pos((*[16]byte)(&m.ID))
		mp.entries[p>>chunkShift][p&chunkMask] = memberEntry{m.ID, s + 1, mp.whoAt(s).aff[0]}
	}
	return buf
}

// setAdmins recomputes the admin bits: every active holder of the org-admin role.
func (mp *memberPart) setAdmins(snap *directory.Snapshot, np *nodePart) {
	clear(mp.admin)
	role := snap.Settings().AdminRole
	for a := range snap.Assignments() {
		if a.Holds(role) {
			if s := mp.who(np, &a.Member).slot; s >= 0 && mp.active.has(s) {
				mp.admin.set(s)
			}
		}
	}
}

// privAdmin marks an org admin in memberPart.privileged.
const privAdmin = 1 << 30

// indexPrivileged builds memberPart.privileged from the admin bits and the posts.
func (mp *memberPart) indexPrivileged(np *nodePart) {
	var keys [][16]byte
	var offs []int32
	for s, off := range np.postAt {
		if off > 0 && !mp.admin.has(int32(s)) {
			keys, offs = append(keys, mp.id(int32(s))), append(offs, off)
		}
	}
	mp.admin.each(func(s int32) bool {
		off := int32(0)
		if int(s) < len(np.postAt) {
			off = np.postAt[s]
		}
		keys, offs = append(keys, mp.id(s)), append(offs, off|privAdmin)
		return true
	})
	mp.privileged = newIDMap(keys, offs)
}

const nodeChunk = 256

// at returns the slots affiliated to the node at position p, ascending.
func (mp *memberPart) at(p int32) []int32 { return mp.atNode[p/nodeChunk][p%nodeChunk] }

func (mp *memberPart) rec(s int32) *mrec { return &mp.recs[s>>chunkShift][s&chunkMask] }

func (mp *memberPart) id(s int32) orgkit.MemberID { return mp.ids[s>>chunkShift][s&chunkMask] }

// affs returns the member's affiliations as pre-order positions, ascending.
func (mp *memberPart) affs(s int32) []int32 {
	r := &mp.recs[s>>chunkShift][s&chunkMask]
	if r.affN == 255 {
		return mp.more[s]
	}
	return r.aff[:r.affN]
}

// affsOf returns the member's affiliations as pre-order positions, ascending.
func (mp *memberPart) affsOf(w *who) []int32 {
	switch w.aff[0] {
	case affNone:
		return nil
	case affSeveral:
		return mp.affs(w.slot)
	}
	return w.aff[:]
}

// inside reports whether member w is inside the subtree [pre, end): one of its
// affiliations lies in it; a member with no affiliation is inside the root only.
func (mp *memberPart) inside(w *who, pre, end int32) bool {
	if w.aff[0] == affNone {
		return pre == 0
	}
	for _, a := range mp.affsOf(w) {
		if a >= pre && a < end {
			return true
		}
	}
	return false
}

// admits reports whether the whitelist admits member w: a member entry names it, or
// a node entry has it inside.
func (mp *memberPart) admits(wl *whitelist, w *who) bool {
	if len(wl.members) > 0 {
		if _, found := slices.BinarySearch(wl.members, w.slot); found {
			return true
		}
	}
	if len(wl.starts) == 0 {
		return false
	}
	if w.aff[0] == affNone {
		return wl.starts[0] == 0
	}
	for _, a := range mp.affsOf(w) {
		i, found := slices.BinarySearch(wl.starts, a)
		if found || i > 0 && a < wl.ends[i-1] {
			return true
		}
	}
	return false
}

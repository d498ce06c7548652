package directory

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"iter"
	"math/bits"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// StatusFilter narrows a member list by status (the employee list's
// scenarios). Filters are bits: combined with |, a member must pass every one set. The
// zero value, StatusAll, lets everyone through.
type StatusFilter uint8

const (
	// StatusAll lets every member through, active and inactive.
	StatusAll StatusFilter = 0
	// StatusActive: active members only.
	StatusActive StatusFilter = 1 << iota
	// StatusInactive: inactive (deactivated or resigned) members only.
	StatusInactive
	// StatusLoginBlocked: members whose login is blocked.
	StatusLoginBlocked
	// StatusNoReportingManager: members with no reporting manager.
	StatusNoReportingManager
	// StatusUnassignedPrimary: members with no primary department.
	StatusUnassignedPrimary
)

// passes returns the filters the member passes, as a StatusFilter: a member passes
// a filter f exactly when passes(m)&f == f. Snapshots keep it per slot, so that a
// list filtered by status scans a byte per member, not the members themselves.
func passes(m *member.Member) StatusFilter {
	var f StatusFilter
	switch m.Status {
	case orgkit.Active:
		f |= StatusActive
	case orgkit.Inactive:
		f |= StatusInactive
	}
	if m.LoginBlocked {
		f |= StatusLoginBlocked
	}
	if m.ReportingManager.IsZero() {
		f |= StatusNoReportingManager
	}
	if m.Primary.IsZero() {
		f |= StatusUnassignedPrimary
	}
	return f
}

// List is a query for a page of members: scope × affiliation × status × role (the
// employee list's scenarios and the "select by role" picker).
type List struct {
	// Node is the node listed; zero means the whole directory. Merged nodes' IDs
	// resolve to the node they were merged into.
	Node orgkit.NodeID
	// NodeOnly lists the members affiliated to Node itself ("current department
	// only"); the default is Node's whole subtree. The whole directory, and the root's
	// subtree, include the members with no department.
	NodeOnly bool
	// PrimaryOnly counts only primary departments ("primary department only"); the
	// default counts secondary departments too.
	PrimaryOnly bool
	// Status filters by status; zero lets every member through.
	Status StatusFilter
	// Role, when set, keeps only the members holding that role.
	Role orgkit.RoleID
	// Cursor continues a listing: Page.Next of the previous page; "" starts at the
	// beginning.
	Cursor string
	// Limit is the page size: zero means 50; at most 1000.
	Limit int
}

// Page is one page of a member list: a read-only view whose methods hand out copies.
// Its members are in creation order (a member's slot, which never changes).
type Page struct {
	members []*member.Member // shared: the methods copy
	// Next is the cursor of the next page, "" when this is the last one. Cursors stay
	// valid across versions: the order is creation order, so a later page of a newer
	// snapshot continues where this one stopped (members created since come last).
	Next string
}

// Len returns the number of members on the page.
func (p Page) Len() int { return len(p.members) }

// Member returns a copy of the i-th member of the page, 0 ≤ i < Len().
func (p Page) Member(i int) member.Member { return *p.members[i].Clone() }

// Members yields a copy of every member of the page, in order.
func (p Page) Members() iter.Seq[member.Member] { return copies(slices.Values(p.members)) }

// IDs returns the IDs of the page's members, in order.
func (p Page) IDs() []orgkit.MemberID {
	ids := make([]orgkit.MemberID, len(p.members))
	for i, m := range p.members {
		ids[i] = m.ID
	}
	return ids
}

const (
	defaultListLimit = 50
	maxListLimit     = 1000
)

// List returns one page of the members the query selects, in creation order.
//
// Paging is by cursor and costs time in proportion to the page, not to its position:
// the scope is a bitmap over member slots and a cursor is the last slot returned. The
// bitmap is made once per snapshot and scope: in time proportional to the scope's
// members, or, on a snapshot that follows an edit of members only, copied from the
// predecessor's with the changed members tested again.
//
// Errors: an unknown or retired node or role (orgkit.ErrNotFound), an invalid cursor
// or a contradictory status filter (StatusActive|StatusInactive) (orgkit.ErrInvalid).
func (s *Snapshot) List(q List) (Page, error) {
	sel, err := s.selection(q)
	if err != nil {
		return Page{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	limit = min(limit, maxListLimit)
	// One allocation for a page of the usual sizes; larger limits grow as they fill,
	// so a large limit on a small selection costs nothing up front.
	p := Page{members: make([]*member.Member, 0, min(limit, 2*defaultListLimit))}
	last := 0
	for slot, m := range sel.from(s, sel.start) {
		if len(p.members) == limit { // one more exists: there is a next page
			p.Next = encodeCursor(last)
			break
		}
		p.members = append(p.members, m)
		last = slot
	}
	return p, nil
}

// ListAll yields a copy of every member the query selects (from its Cursor on,
// ignoring Limit), in creation order. A query that List would refuse yields nothing.
func (s *Snapshot) ListAll(q List) iter.Seq[member.Member] { return copies(s.listAll(q)) }

// listAll is ListAll without the copies.
func (s *Snapshot) listAll(q List) iter.Seq[*member.Member] {
	return func(yield func(*member.Member) bool) {
		sel, err := s.selection(q)
		if err != nil {
			return
		}
		for _, m := range sel.from(s, sel.start) {
			if !yield(m) {
				return
			}
		}
	}
}

// Count returns how many members the query selects from its Cursor on (Limit is
// ignored). Errors are those of List.
func (s *Snapshot) Count(q List) (int, error) {
	sel, err := s.selection(q)
	if err != nil {
		return 0, err
	}
	if q.Status == StatusAll && sel.start == 0 && sel.role == nil && sel.primary == nil {
		if sel.scope == nil {
			return s.members.Len(), nil
		}
		n := 0
		for _, w := range sel.scope {
			n += bits.OnesCount64(w)
		}
		return n, nil
	}
	n := 0
	for range sel.from(s, sel.start) {
		n++
	}
	return n, nil
}

// selection is a resolved query: bitmaps (nil = everyone), the primary-department
// test (nil = none) and the status filter.
type selection struct {
	scope, role bitmap
	primary     func(*member.Member) bool
	status      StatusFilter
	start       int
}

func (s *Snapshot) selection(q List) (selection, error) {
	sel := selection{status: q.Status}
	if q.Status&StatusActive != 0 && q.Status&StatusInactive != 0 {
		return sel, fmt.Errorf("directory: list: status filters active and inactive exclude each other: %w", orgkit.ErrInvalid)
	}
	if q.Cursor != "" {
		slot, err := decodeCursor(q.Cursor)
		if err != nil {
			return sel, err
		}
		sel.start = slot + 1
	}
	var err error
	if sel.scope, sel.primary, err = s.scopeBits(q.Node, q.NodeOnly, q.PrimaryOnly); err != nil {
		return sel, err
	}
	if !q.Role.IsZero() {
		if sel.role, err = s.roleBits(q.Role); err != nil {
			return sel, err
		}
	}
	return sel, nil
}

// from yields the selected members with slots >= start.
func (sel selection) from(s *Snapshot, start int) iter.Seq2[int, *member.Member] {
	return func(yield func(int, *member.Member) bool) {
		n := s.members.Len()
		for w := start >> 6; w<<6 < n; w++ {
			word := ^uint64(0)
			if sel.scope != nil {
				word = sel.scope.word(w)
			}
			if sel.role != nil {
				word &= sel.role.word(w)
			}
			if w == start>>6 {
				word &= ^uint64(0) << (start & 63)
			}
			for word != 0 {
				i := w<<6 | bits.TrailingZeros64(word)
				word &= word - 1
				if i >= n {
					return
				}
				if s.passes.At(i)&sel.status != sel.status {
					continue
				}
				m := s.members.At(i)
				if (sel.primary == nil || sel.primary(m)) && !yield(i, m) {
					return
				}
			}
		}
	}
}

// bitmap is a set of member slots.
type bitmap []uint64

func newBitmap(n int) bitmap { return make(bitmap, (n+63)>>6) }

func (b bitmap) set(i int) { b[i>>6] |= 1 << (i & 63) }

func (b bitmap) has(i int) bool { return i>>6 < len(b) && b[i>>6]&(1<<(i&63)) != 0 }

func (b bitmap) word(w int) uint64 {
	if w < len(b) {
		return b[w]
	}
	return 0
}

type scopeKey struct {
	node     orgkit.NodeID
	nodeOnly bool
}

// scopeBits returns the slots of the members affiliated (primary or secondary) to the
// node or its subtree, or nil for everyone; with primaryOnly also a test of the
// member's primary department (the bitmap, shared by both, is a superset).
func (s *Snapshot) scopeBits(node orgkit.NodeID, nodeOnly, primaryOnly bool) (bitmap, func(*member.Member) bool, error) {
	assigned := func(m *member.Member) bool { return !m.Primary.IsZero() }
	if node.IsZero() {
		switch {
		case nodeOnly:
			node = s.settings.Root
		case primaryOnly:
			return nil, assigned, nil
		default:
			return nil, nil, nil
		}
	}
	if s.tree == nil {
		return nil, nil, fmt.Errorf("directory: node %s: %w", node, orgkit.ErrNotFound)
	}
	t := denseTree(s.tree)
	i, ok := t.Index(node)
	if !ok {
		return nil, nil, fmt.Errorf("directory: node %s: %w", node, orgkit.ErrNotFound)
	}
	pre, end := t.Interval(i)
	if pre < 0 {
		return nil, nil, fmt.Errorf("directory: node %s is retired: %w", node, orgkit.ErrNotFound)
	}
	nd := t.At(i)
	var primary func(*member.Member) bool
	switch {
	case primaryOnly && nodeOnly:
		primary = func(m *member.Member) bool { return m.Primary == nd.ID }
	case primaryOnly && nd.Parent.IsZero():
		return nil, assigned, nil
	case primaryOnly:
		primary = func(m *member.Member) bool {
			j, ok := t.Index(m.Primary)
			if !ok {
				return false
			}
			p, _ := t.Interval(j)
			return p >= pre && p < end
		}
	case nd.Parent.IsZero() && !nodeOnly:
		return nil, nil, nil // the root's subtree: everyone, the unaffiliated included
	}
	key := scopeKey{nd.ID, nodeOnly}
	d := s.derived()
	cache := d.scopeCache()
	if b, ok := cache.m.Load(key); ok {
		return b.(bitmap), primary, nil
	}
	b, ok := deriveBitmap(d.source().scopes, key, s.members.Len(), func(slot int32) bool {
		return s.affiliatedWithin(s.members.At(int(slot)), nd.ID, nodeOnly, pre, end)
	})
	if !ok {
		b = newBitmap(s.members.Len())
		add := func(id orgkit.NodeID) {
			slots, _ := s.byNode.Get(id)
			for _, sl := range slots {
				b.set(int(sl))
			}
		}
		if nodeOnly {
			add(nd.ID)
		} else {
			for n := range s.tree.Shared().Subtree(nd.ID) {
				add(n.ID)
			}
		}
	}
	v, _ := cache.m.LoadOrStore(key, b)
	cache.used.Store(true)
	return v.(bitmap), primary, nil
}

// affiliatedWithin reports whether one of the member's departments (primary or
// secondary, as recorded) is the node (nodeOnly) or a live node of the subtree whose
// pre-order interval is [pre, end): the test scopeBits's bitmap answers for every slot.
func (s *Snapshot) affiliatedWithin(m *member.Member, node orgkit.NodeID, nodeOnly bool, pre, end int) bool {
	t := denseTree(s.tree)
	test := func(a orgkit.NodeID) bool {
		if a.IsZero() {
			return false
		}
		if nodeOnly {
			return a == node
		}
		i, ok := t.Index(a)
		if !ok || t.At(i).ID != a { // unknown, or retired and merged away
			return false
		}
		p, _ := t.Interval(i)
		return p >= pre && p < end
	}
	if test(m.Primary) {
		return true
	}
	return slices.ContainsFunc(m.Secondary, test)
}

// roleBits returns the slots of the members holding the role.
func (s *Snapshot) roleBits(id orgkit.RoleID) (bitmap, error) {
	r, ok := s.Role(id)
	if !ok || r.Status == orgkit.Retired {
		return nil, fmt.Errorf("directory: role %s: %w", id, orgkit.ErrNotFound)
	}
	d := s.derived()
	cache := d.roleCache()
	if b, ok := cache.m.Load(id); ok {
		return b.(bitmap), nil
	}
	// Holding a role depends on assignments only, so an older bitmap stays right
	// until roles or assignments change.
	b, ok := deriveBitmap(d.source().roles, id, s.members.Len(), nil)
	if !ok {
		b = newBitmap(s.members.Len())
		for mid, a := range s.assigned.All() {
			if a.Holds(id) {
				if sl, ok := s.slots.Get(mid); ok {
					b.set(int(sl))
				}
			}
		}
	}
	v, _ := cache.m.LoadOrStore(id, b)
	cache.used.Store(true)
	return v.(bitmap), nil
}

const cursorVersion = 1

// encodeCursor returns the opaque cursor after the slot.
func encodeCursor(slot int) string {
	var a [1 + binary.MaxVarintLen64]byte
	a[0] = cursorVersion
	buf := binary.AppendUvarint(a[:1], uint64(slot))
	return base64.RawURLEncoding.EncodeToString(buf)
}

func decodeCursor(c string) (int, error) {
	buf, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(buf) > 1 && buf[0] == cursorVersion {
		v, n := binary.Uvarint(buf[1:])
		if n == len(buf)-1 && v < 1<<31 {
			return int(v), nil
		}
	}
	return 0, fmt.Errorf("directory: list: cursor %q is not valid: %w", c, orgkit.ErrInvalid)
}

// derivedIndexes are the indexes a snapshot builds lazily for lists and searches.
// Snapshots are immutable, so each index, once built, stays right for the snapshot.
//
// A snapshot frozen from another one does not start from nothing: from holds, per
// kind of index, an older snapshot's index and what changed since (indexDiff), and
// the first use derives from it in time proportional to the change: a scope bitmap is
// shared, or copied with the changed slots tested again; a role bitmap is shared
// until roles or assignments change; the search indexes keep their shared base and
// index only the changed members (memberLayers). Node changes rebuild what depends on
// the tree: scope bitmaps and the node part of the search indexes.
//
// No chains: a source is the predecessor's index when the predecessor built that
// kind, else the predecessor's own source, with the two diffs merged. It points at
// index values only (never at a Snapshot or a derivedIndexes), and those hold no
// sources, so a snapshot keeps at most one older generation of each index alive; the
// text index's source is dropped once the text index is built. A diff that grows past
// maxDiffSlots drops the source: rebuilding from scratch is then as cheap.
type derivedIndexes struct {
	scopes atomic.Pointer[bitmapCache] // scopeKey → bitmap; nil until first used
	roles  atomic.Pointer[bitmapCache] // orgkit.RoleID → bitmap
	text   sync.Once
	search atomic.Pointer[searchIndex]
	pinyin atomic.Pointer[readingCache] // by Transliterator (comparable ones only)

	mu   sync.Mutex
	from sources
}

// The caches are separate values (not fields) so that a source holding one keeps
// nothing else of its snapshot alive; made on first use, the zero derivedIndexes is
// ready to use.
func (d *derivedIndexes) scopeCache() *bitmapCache    { return made(&d.scopes) }
func (d *derivedIndexes) roleCache() *bitmapCache     { return made(&d.roles) }
func (d *derivedIndexes) readingCache() *readingCache { return made(&d.pinyin) }

// made returns *p, set to a new T first if nil.
func made[T any](p *atomic.Pointer[T]) *T {
	if v := p.Load(); v != nil {
		return v
	}
	p.CompareAndSwap(nil, new(T))
	return p.Load()
}

// bitmapCache holds a snapshot's bitmaps by key. Each is built once and never changed,
// so snapshots derived later may share it.
type bitmapCache struct {
	m    sync.Map
	used atomic.Bool // some bitmap was built
}

// readingCache holds a snapshot's reading indexes by transliterator.
type readingCache struct {
	m    sync.Map    // Transliterator → *readingIndex
	used atomic.Bool // some reading index was built
}

// sources are what a snapshot's indexes not built yet may be derived from.
type sources struct {
	scopes, roles source[*bitmapCache]
	text          source[*searchIndex]
	pinyin        source[*readingCache]
}

// source is an index of an older snapshot and what changed since that snapshot; the
// zero source has neither.
type source[T comparable] struct {
	index T
	diff  *indexDiff
}

// indexDiff is what changed between two snapshots, as far as derived indexes care.
type indexDiff struct {
	slots []int32 // slots of the members changed or added, ascending
	nodes bool    // node records changed: the tree is another one
	roles bool    // roles, role groups or assignments changed
}

// derived returns the snapshot's lazily built indexes.
func (s *Snapshot) derived() *derivedIndexes { return s.lazy }

// source returns what the indexes may be derived from.
func (d *derivedIndexes) source() sources {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.from
}

// derivable reports whether a successor's indexes could derive from these: some
// index is built, or has a source.
func (d *derivedIndexes) derivable() bool {
	if d.scopes.Load().built() || d.roles.Load().built() || d.search.Load() != nil || d.pinyin.Load().built() {
		return true
	}
	return d.source() != sources{}
}

// built reports whether the cache holds a bitmap (false for nil).
func (c *bitmapCache) built() bool { return c != nil && c.used.Load() }

// built reports whether the cache holds a built reading index (false for nil).
func (c *readingCache) built() bool { return c != nil && c.used.Load() }

// next returns the (empty) indexes of a successor snapshot with the members given
// that differs from this one by diff (nil: too much for deriving to pay).
func (d *derivedIndexes) next(diff *indexDiff, members int) *derivedIndexes {
	n := &derivedIndexes{}
	if diff == nil {
		return n
	}
	from := d.source()
	var u unions
	scopes, roles, pinyin, idx := d.scopes.Load(), d.roles.Load(), d.pinyin.Load(), d.search.Load()
	n.from.scopes = carry(scopes, scopes.built(), from.scopes, diff, &u, members)
	n.from.roles = carry(roles, roles.built(), from.roles, diff, &u, members)
	n.from.text = carry(idx, idx != nil, from.text, diff, &u, members)
	n.from.pinyin = carry(pinyin, pinyin.built(), from.pinyin, diff, &u, members)
	return n
}

// carry returns a successor's source for one kind of index: this snapshot's own
// index when built, else this snapshot's source with diff merged in (none when the
// merged diff is too large).
func carry[T comparable](own T, built bool, old source[T], diff *indexDiff, u *unions, members int) source[T] {
	if built {
		return source[T]{own, diff}
	}
	if old.diff == nil {
		return source[T]{}
	}
	merged := u.merge(old.diff, diff, members)
	if merged == nil {
		return source[T]{}
	}
	return source[T]{old.index, merged}
}

// unions merges diffs, once per distinct older diff (the sources of one snapshot
// usually share theirs).
type unions []struct{ old, merged *indexDiff }

func (u *unions) merge(old, diff *indexDiff, members int) *indexDiff {
	for _, x := range *u {
		if x.old == old {
			return x.merged
		}
	}
	var merged *indexDiff
	if slots := unionSlots(old.slots, diff.slots); len(slots) <= maxDiffSlots(members) {
		merged = &indexDiff{slots: slots, nodes: old.nodes || diff.nodes, roles: old.roles || diff.roles}
	}
	*u = append(*u, struct{ old, merged *indexDiff }{old, merged})
	return merged
}

// maxDiffSlots is how many changed members a derived index absorbs at most; past it,
// building from scratch costs about as much.
func maxDiffSlots(members int) int { return members/4 + 64 }

// unionSlots returns the ascending union of two ascending slot lists (one of them
// when the other is empty).
func unionSlots(a, b []int32) []int32 {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0:
		return a
	}
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// deriveBitmap returns the bitmap under key for a snapshot of n members from an older
// snapshot's, and whether there was one to derive from. in, when set, tells whether
// a changed slot belongs now (nil: a role bitmap, which only role or assignment
// changes affect); node changes rule scope bitmaps out.
func deriveBitmap(src source[*bitmapCache], key any, n int, in func(slot int32) bool) (bitmap, bool) {
	if src.index == nil || in != nil && src.diff.nodes || in == nil && src.diff.roles {
		return nil, false
	}
	v, ok := src.index.m.Load(key)
	if !ok {
		return nil, false
	}
	b := v.(bitmap)
	if in == nil {
		return b, true
	}
	copied := false
	for _, slot := range src.diff.slots {
		i := int(slot)
		if want := in(slot); want != b.has(i) {
			if !copied { // b is shared: copy it first (members only ever grow)
				nb := newBitmap(n)
				copy(nb, b)
				b, copied = nb, true
			}
			if want {
				b.set(i)
			} else {
				b[i>>6] &^= 1 << (i & 63)
			}
		}
	}
	return b, true
}

// isComparable reports whether v may be a map key.
func isComparable(v any) bool {
	return v != nil && reflect.TypeOf(v).Comparable()
}

package directory

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"iter"
	"math/bits"
	"reflect"
	"sync"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// StatusFilter narrows a member list by status (the employee list's scenarios, 003
// §4.2). Filters are bits: combined with |, a member must pass every one set. The
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

func (f StatusFilter) match(m *member.Member) bool {
	switch {
	case f&StatusActive != 0 && m.Status != orgkit.Active,
		f&StatusInactive != 0 && m.Status != orgkit.Inactive,
		f&StatusLoginBlocked != 0 && !m.LoginBlocked,
		f&StatusNoReportingManager != 0 && !m.ReportingManager.IsZero(),
		f&StatusUnassignedPrimary != 0 && !m.Primary.IsZero():
		return false
	}
	return true
}

// List is a query for a page of members: scope × affiliation × status × role (DESIGN
// §3 "Members": the employee list's scenarios and the "select by role" picker).
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

// Page is one page of a member list.
type Page struct {
	// Members in creation order (a member's slot, which never changes).
	Members []*member.Member
	// Next is the cursor of the next page, "" when this is the last one. Cursors stay
	// valid across versions: the order is creation order, so a later page of a newer
	// snapshot continues where this one stopped (members created since come last).
	Next string
}

const (
	defaultListLimit = 50
	maxListLimit     = 1000
)

// List returns one page of the members the query selects, in creation order.
//
// Paging is by cursor and costs time in proportion to the page, not to its position:
// the scope is a bitmap over member slots (built once per snapshot and scope, in time
// proportional to the scope's members) and a cursor is the last slot returned.
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
	var p Page
	last := 0
	for slot, m := range sel.from(s, sel.start) {
		if len(p.Members) == limit { // one more exists: there is a next page
			p.Next = encodeCursor(last)
			break
		}
		p.Members = append(p.Members, m)
		last = slot
	}
	return p, nil
}

// ListAll yields every member the query selects (from its Cursor on, ignoring Limit),
// in creation order. A query that List would refuse yields nothing.
func (s *Snapshot) ListAll(q List) iter.Seq[*member.Member] {
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
				m := s.members.At(i)
				if sel.status.match(m) && (sel.primary == nil || sel.primary(m)) && !yield(i, m) {
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
	i, ok := s.tree.Index(node)
	if !ok {
		return nil, nil, fmt.Errorf("directory: node %s: %w", node, orgkit.ErrNotFound)
	}
	pre, end := s.tree.Interval(i)
	if pre < 0 {
		return nil, nil, fmt.Errorf("directory: node %s is retired: %w", node, orgkit.ErrNotFound)
	}
	nd := s.tree.At(i)
	var primary func(*member.Member) bool
	switch {
	case primaryOnly && nodeOnly:
		primary = func(m *member.Member) bool { return m.Primary == nd.ID }
	case primaryOnly && nd.Parent.IsZero():
		return nil, assigned, nil
	case primaryOnly:
		primary = func(m *member.Member) bool {
			j, ok := s.tree.Index(m.Primary)
			if !ok {
				return false
			}
			p, _ := s.tree.Interval(j)
			return p >= pre && p < end
		}
	case nd.Parent.IsZero() && !nodeOnly:
		return nil, nil, nil // the root's subtree: everyone, the unaffiliated included
	}
	key := scopeKey{nd.ID, nodeOnly}
	d := s.derived()
	if b, ok := d.scopes.Load(key); ok {
		return b.(bitmap), primary, nil
	}
	b := newBitmap(s.members.Len())
	add := func(id orgkit.NodeID) {
		slots, _ := s.byNode.Get(id)
		for _, sl := range slots {
			b.set(int(sl))
		}
	}
	if nodeOnly {
		add(nd.ID)
	} else {
		for n := range s.tree.Subtree(nd.ID) {
			add(n.ID)
		}
	}
	v, _ := d.scopes.LoadOrStore(key, b)
	return v.(bitmap), primary, nil
}

// roleBits returns the slots of the members holding the role.
func (s *Snapshot) roleBits(id orgkit.RoleID) (bitmap, error) {
	r, ok := s.Role(id)
	if !ok || r.Status == orgkit.Retired {
		return nil, fmt.Errorf("directory: role %s: %w", id, orgkit.ErrNotFound)
	}
	d := s.derived()
	if b, ok := d.roles.Load(id); ok {
		return b.(bitmap), nil
	}
	b := newBitmap(s.members.Len())
	for mid, a := range s.assigned.All() {
		if a.Holds(id) {
			if sl, ok := s.slots.Get(mid); ok {
				b.set(int(sl))
			}
		}
	}
	v, _ := d.roles.LoadOrStore(id, b)
	return v.(bitmap), nil
}

const cursorVersion = 1

// encodeCursor returns the opaque cursor after the slot.
func encodeCursor(slot int) string {
	buf := binary.AppendUvarint([]byte{cursorVersion}, uint64(slot))
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
type derivedIndexes struct {
	scopes sync.Map // scopeKey → bitmap
	roles  sync.Map // orgkit.RoleID → bitmap
	text   sync.Once
	search *searchIndex
	pinyin sync.Map // Transliterator → *readingIndex (comparable transliterators only)
}

// derived returns the snapshot's lazily built indexes.
func (s *Snapshot) derived() *derivedIndexes { return s.lazy }

// isComparable reports whether v may be a map key.
func isComparable(v any) bool {
	return v != nil && reflect.TypeOf(v).Comparable()
}

package directory

import (
	"slices"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/persist"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// working is the mutable copy of a snapshot that one batch (or one replay of committed
// change sets) edits. Every write goes through a put… method, which keeps the indexes
// and records the change; freeze turns it into the next Snapshot.
type working struct {
	base     *Snapshot
	settings store.DirectoryRecord

	// nodes is nil until the first node write; then a full map of node records.
	nodes     map[orgkit.NodeID]*orgtree.Node
	children  map[orgkit.NodeID][]orgkit.NodeID // live (not retired) children
	nodeOrder []orgkit.NodeID                   // record order for the next tree

	members  *persist.VecBuilder[*member.Member]
	passes   *persist.VecBuilder[StatusFilter] // in step with members
	slots    *persist.MapBuilder[orgkit.MemberID, int32]
	unique   [uniqueCount]*persist.MapBuilder[string, orgkit.MemberID]
	byNode   *persist.MapBuilder[orgkit.NodeID, []int32]
	reports  *persist.MapBuilder[orgkit.MemberID, []orgkit.MemberID]
	assigned *persist.MapBuilder[orgkit.MemberID, *role.Assignment]
	roles    []*role.Role
	groups   []*role.Group
	rolesOwn bool

	quiet      bool                     // replaying committed records: keep no change list
	lazyUnique bool                     // loading from records: the unique indexes are built on first use
	ownAff     map[orgkit.NodeID]bool   // byNode slices this working made (safe to append to)
	ownRep     map[orgkit.MemberID]bool // reports slices this working made

	changes []store.Change
	changed map[changeKey]touch // every record changed: its change, the last command
	cmd     int                 // index of the command being run; -1 outside commands
}

// touch locates a record's change: its index in changes, and the index of the
// command that last touched the record (-1: none).
type touch struct{ at, cmd int32 }

type changeKey struct {
	kind store.RecordKind
	id   uuid.UUID
}

func newWorking(base *Snapshot) *working {
	w := &working{
		base:     base,
		settings: base.settings,
		members:  base.members.Edit(),
		passes:   base.passes.Edit(),
		slots:    base.slots.Edit(),
		byNode:   base.byNode.Edit(),
		reports:  base.reports.Edit(),
		assigned: base.assigned.Edit(),
		roles:    base.roles,
		groups:   base.groups,
		changed:  map[changeKey]touch{},
		ownAff:   map[orgkit.NodeID]bool{},
		ownRep:   map[orgkit.MemberID]bool{},
		cmd:      -1,
	}
	for i, m := range base.uniqueMaps() {
		w.unique[i] = m.Edit()
	}
	return w
}

// record notes that a record changed: the first time keeps its before-image.
func (w *working) record(kind store.RecordKind, id uuid.UUID, before, after any) {
	if w.quiet {
		return
	}
	k := changeKey{kind, id}
	if t, ok := w.changed[k]; ok {
		w.changes[t.at].After = after
		w.changed[k] = touch{t.at, int32(w.cmd)}
		return
	}
	w.changed[k] = touch{int32(len(w.changes)), int32(w.cmd)}
	w.changes = append(w.changes, store.Change{Kind: kind, Before: before, After: after})
}

// --- settings ---

func (w *working) putSettings(d store.DirectoryRecord) {
	before := w.settings
	w.settings = d
	after := d
	w.record(store.KindSettings, d.ID.UUID(), &before, &after)
}

// --- nodes ---

func (w *working) ensureNodes() {
	if w.nodes != nil {
		return
	}
	t := w.base.tree
	if t == nil {
		w.nodes = map[orgkit.NodeID]*orgtree.Node{}
		w.children = map[orgkit.NodeID][]orgkit.NodeID{}
		return
	}
	w.nodes = make(map[orgkit.NodeID]*orgtree.Node, t.Len())
	w.children = make(map[orgkit.NodeID][]orgkit.NodeID, t.Len())
	w.nodeOrder = make([]orgkit.NodeID, 0, t.Len()+1)
	for n := range t.Shared().Records() {
		w.nodes[n.ID] = n
		w.nodeOrder = append(w.nodeOrder, n.ID)
	}
	for n := range t.Shared().All() {
		if !n.Parent.IsZero() {
			w.children[n.Parent] = append(w.children[n.Parent], n.ID)
		}
	}
}

// nodeRecord returns the node stored under id, without following redirects.
func (w *working) nodeRecord(id orgkit.NodeID) (*orgtree.Node, bool) {
	if w.nodes != nil {
		n, ok := w.nodes[id]
		return n, ok
	}
	if w.base.tree == nil {
		return nil, false
	}
	return w.base.tree.Shared().Record(id)
}

// node returns the node id stands for, following merge redirects.
func (w *working) node(id orgkit.NodeID) (*orgtree.Node, bool) {
	n, ok := w.nodeRecord(id)
	for hops := 0; ok && n.Status == orgkit.Retired && !n.MergedInto.IsZero() && hops < 64; hops++ {
		n, ok = w.nodeRecord(n.MergedInto)
	}
	return n, ok
}

// childrenOf returns the live children of a node.
func (w *working) childrenOf(id orgkit.NodeID) []orgkit.NodeID {
	if w.children != nil || w.base.tree == nil {
		return w.children[id]
	}
	var out []orgkit.NodeID
	for c := range w.base.tree.Shared().Children(id) {
		out = append(out, c.ID)
	}
	return out
}

// nodeRecords yields every node record (retired ones too).
func (w *working) nodeRecords(yield func(*orgtree.Node) bool) {
	if w.nodes == nil && w.base.tree != nil {
		for n := range w.base.tree.Shared().Records() {
			if !yield(n) {
				return
			}
		}
		return
	}
	for _, id := range w.nodeOrder {
		if n, ok := w.nodes[id]; ok && !yield(n) {
			return
		}
	}
}

func (w *working) putNode(n *orgtree.Node) {
	w.ensureNodes()
	old, existed := w.nodes[n.ID]
	if !existed {
		w.nodeOrder = append(w.nodeOrder, n.ID)
	}
	oldLive := existed && old.Status != orgkit.Retired && !old.Parent.IsZero()
	newLive := n.Status != orgkit.Retired && !n.Parent.IsZero()
	if oldLive && (!newLive || old.Parent != n.Parent) {
		// the children map is this working's own (never published), so edit in place
		w.children[old.Parent] = slices.DeleteFunc(w.children[old.Parent], func(c orgkit.NodeID) bool { return c == n.ID })
	}
	if newLive && (!oldLive || old.Parent != n.Parent) {
		w.children[n.Parent] = append(w.children[n.Parent], n.ID)
	}
	w.nodes[n.ID] = n
	var before any
	if w.base.tree != nil {
		if b, ok := w.base.tree.Shared().Record(n.ID); ok {
			before = b
		}
	}
	w.record(store.KindNode, n.ID.UUID(), before, n)
}

// --- members ---

func (w *working) member(id orgkit.MemberID) (*member.Member, bool) {
	i, ok := w.slots.Get(id)
	if !ok {
		return nil, false
	}
	return w.members.At(int(i)), true
}

func (w *working) putMember(m *member.Member) {
	slot, existed := w.slots.Get(m.ID)
	var old *member.Member
	if existed {
		old = w.members.At(int(slot))
		w.members.Set(int(slot), m)
		if f := passes(m); f != w.passes.At(int(slot)) { // most edits leave it: share its chunk
			w.passes.Set(int(slot), f)
		}
	} else {
		slot = int32(w.members.Append(m))
		w.passes.Append(passes(m))
		w.slots.Set(m.ID, slot)
	}
	for k, f := range member.UniqueFields {
		newKey := member.UniqueKey(f, m)
		if old != nil {
			oldKey := member.UniqueKey(f, old)
			if oldKey == newKey {
				continue
			}
			if owner, ok := w.unique[k].Get(oldKey); ok && oldKey != "" && owner == m.ID {
				w.unique[k].Delete(oldKey)
			}
		}
		if newKey != "" {
			w.unique[k].Set(newKey, m.ID)
		}
	}
	var oldAff []orgkit.NodeID
	if old != nil {
		oldAff = old.Affiliations()
	}
	newAff := m.Affiliations()
	for _, n := range oldAff {
		if !slices.Contains(newAff, n) {
			cur := ownSlice(w.byNode, w.ownAff, n)
			w.byNode.Set(n, slices.DeleteFunc(cur, func(s int32) bool { return s == slot }))
		}
	}
	for _, n := range newAff {
		if !slices.Contains(oldAff, n) {
			w.byNode.Set(n, append(ownSlice(w.byNode, w.ownAff, n), slot))
		}
	}
	var oldMgr orgkit.MemberID
	if old != nil {
		oldMgr = old.ReportingManager
	}
	if oldMgr != m.ReportingManager {
		if !oldMgr.IsZero() {
			cur := ownSlice(w.reports, w.ownRep, oldMgr)
			w.reports.Set(oldMgr, slices.DeleteFunc(cur, func(r orgkit.MemberID) bool { return r == m.ID }))
		}
		if !m.ReportingManager.IsZero() {
			mgr := m.ReportingManager
			w.reports.Set(mgr, append(ownSlice(w.reports, w.ownRep, mgr), m.ID))
		}
	}
	var before any
	if b, ok := w.base.member(m.ID); ok {
		before = b
	}
	w.record(store.KindMember, m.ID.UUID(), before, m)
}

// loadMembers adds the members of a directory being loaded from its records: the same
// indexes putMember keeps, built in bulk.
func (w *working) loadMembers(ms []*member.Member) {
	w.slots.Grow(len(ms))
	byNode := map[orgkit.NodeID][]int32{}
	reports := map[orgkit.MemberID][]orgkit.MemberID{}
	for _, m := range ms {
		slot := int32(w.members.Append(m))
		w.passes.Append(passes(m))
		w.slots.SetNew(m.ID, slot)
		if !m.Primary.IsZero() {
			byNode[m.Primary] = append(byNode[m.Primary], slot)
		}
		for _, n := range m.Secondary {
			byNode[n] = append(byNode[n], slot)
		}
		if !m.ReportingManager.IsZero() {
			reports[m.ReportingManager] = append(reports[m.ReportingManager], m.ID)
		}
	}
	w.byNode.Grow(len(byNode))
	for n, s := range byNode {
		w.byNode.SetNew(n, s)
	}
	w.reports.Grow(len(reports))
	for m, r := range reports {
		w.reports.SetNew(m, r)
	}
}

// ownSlice returns the slice stored under k, copied the first time this working
// touches it, so that later edits may change it in place.
func ownSlice[K comparable, E any](m *persist.MapBuilder[K, []E], owned map[K]bool, k K) []E {
	cur, _ := m.Get(k)
	if !owned[k] {
		cur = slices.Clone(cur)
		owned[k] = true
	}
	return cur
}

// --- roles ---

func (w *working) ownRoles() {
	if !w.rolesOwn {
		w.roles = slices.Clone(w.roles)
		w.groups = slices.Clone(w.groups)
		w.rolesOwn = true
	}
}

func roleID(r *role.Role) orgkit.RoleID        { return r.ID }
func groupID(g *role.Group) orgkit.RoleGroupID { return g.ID }

// find returns the element of list with the key, and its index (nil and -1 when absent).
func find[T any, K comparable](list []*T, k K, key func(*T) K) (*T, int) {
	for i, e := range list {
		if key(e) == k {
			return e, i
		}
	}
	return nil, -1
}

// upsert replaces the element of list with v's key by v, or appends v.
func upsert[T any, K comparable](list []*T, v *T, key func(*T) K) []*T {
	if _, i := find(list, key(v), key); i >= 0 {
		list[i] = v
		return list
	}
	return append(list, v)
}

func (w *working) role(id orgkit.RoleID) (*role.Role, int) { return find(w.roles, id, roleID) }

func (w *working) group(id orgkit.RoleGroupID) (*role.Group, int) { return find(w.groups, id, groupID) }

func (w *working) putRole(r *role.Role) {
	w.ownRoles()
	before, _ := find(w.base.roles, r.ID, roleID)
	w.roles = upsert(w.roles, r, roleID)
	w.record(store.KindRole, r.ID.UUID(), recordOrNil(before), r)
}

func (w *working) putGroup(g *role.Group) {
	w.ownRoles()
	before, _ := find(w.base.groups, g.ID, groupID)
	w.groups = upsert(w.groups, g, groupID)
	w.record(store.KindRoleGroup, g.ID.UUID(), recordOrNil(before), g)
}

// recordOrNil turns a nil record pointer into an untyped nil before-image.
func recordOrNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

func (w *working) assignment(m orgkit.MemberID) *role.Assignment {
	a, _ := w.assigned.Get(m)
	return a
}

func (w *working) putAssignment(a *role.Assignment) {
	w.assigned.Set(a.Member, a)
	var before any
	if b := w.base.assignment(a.Member); b != nil {
		before = b
	}
	w.record(store.KindAssignment, a.Member.UUID(), before, a)
}

// put writes any record image (used when replaying committed change sets).
func (w *working) put(c store.Change) {
	switch a := c.After.(type) {
	case *store.DirectoryRecord:
		w.putSettings(*a)
	case *orgtree.Node:
		w.putNode(a)
	case *member.Member:
		w.putMember(a)
	case *role.Role:
		w.putRole(a)
	case *role.Group:
		w.putGroup(a)
	case *role.Assignment:
		w.putAssignment(a)
	}
}

// freeze makes the next snapshot at the given version.
func (w *working) freeze(version uint64) (*Snapshot, error) {
	lazy := w.nextIndexes() // before the builders are frozen
	s := &Snapshot{
		version:  version,
		settings: w.settings,
		tree:     w.base.tree,
		rules:    w.base.rules,
		members:  w.members.Freeze(),
		passes:   w.passes.Freeze(),
		slots:    w.slots.Freeze(),
		byNode:   w.byNode.Freeze(),
		reports:  w.reports.Freeze(),
		assigned: w.assigned.Freeze(),
		roles:    w.roles,
		groups:   w.groups,
	}
	s.unique, s.lazy = &uniqueIndex{}, lazy
	if !w.lazyUnique {
		for i := range w.unique {
			s.unique.maps[i] = w.unique[i].Freeze()
		}
		s.unique.once.Do(func() {}) // built already
	}
	if w.nodes != nil {
		recs := make([]*orgtree.Node, len(w.nodeOrder))
		for i, id := range w.nodeOrder {
			recs[i] = w.nodes[id]
		}
		t, err := orgtree.Build(recs)
		if err != nil {
			return nil, err
		}
		s.tree = t
	}
	return s, nil
}

// nextIndexes returns the derived indexes of the snapshot being frozen: none built
// yet, but derivable from the base snapshot's (see derivedIndexes). It reads the
// builders, so it runs before they are frozen.
func (w *working) nextIndexes() *derivedIndexes {
	prev := w.base.lazy
	if prev == nil || !prev.derivable() {
		return &derivedIndexes{}
	}
	return prev.next(w.indexDiff(), w.members.Len())
}

// indexDiff returns what changed since the base snapshot as derived indexes need it,
// or nil when more members changed than deriving pays for (maxDiffSlots).
func (w *working) indexDiff() *indexDiff {
	d := &indexDiff{nodes: w.nodes != nil}
	limit := maxDiffSlots(w.members.Len())
	if w.quiet {
		// Replaying committed records keeps no change list. A changed member is a new
		// record, so compare the records slot by slot; roles are taken as changed.
		d.roles = true
		n := w.base.members.Len()
		for i := range w.members.Len() {
			if i >= n || w.members.At(i) != w.base.members.At(i) {
				if d.slots = append(d.slots, int32(i)); len(d.slots) > limit {
					return nil
				}
			}
		}
		return d
	}
	for _, c := range w.changes {
		switch c.Kind {
		case store.KindMember:
			if m, ok := c.After.(*member.Member); ok {
				if slot, ok := w.slots.Get(m.ID); ok {
					if d.slots = append(d.slots, slot); len(d.slots) > limit {
						return nil
					}
				}
			}
		case store.KindRole, store.KindRoleGroup, store.KindAssignment:
			d.roles = true
		}
	}
	slices.Sort(d.slots)
	d.slots = slices.Compact(d.slots)
	return d
}

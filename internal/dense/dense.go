// Package dense is the one view this module's packages have of the dense positions
// behind orgtree.Tree and directory.Snapshot, which their public APIs do not offer:
// every node of a tree has an index in [0, Len), with a pre-order interval and a
// parent index; every member of a snapshot has a slot in [0, Count). visibility builds
// its index over them, and directory lists and searches by them.
//
// The views are concrete values, not interfaces, so that their methods inline in the
// hot loops that call them once per node or member. orgtree and directory lend them
// when they are initialized (LendTree, LendMembers); the views share the trees' and
// snapshots' own records, which must never be modified.
package dense

import (
	"iter"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/persist"
)

// Tree is the dense view of an orgtree.Tree over its node records N (*orgtree.Node).
// It is made once per tree (NewTree) and never changes.
type Tree[N any] struct {
	nodes    []N
	ids      map[orgkit.NodeID]int32
	resolved []int32
	parent   []int32
	pre, end []int32
}

// NewTree returns the view of a tree's nodes: ids maps every node's ID (retired ones
// included) to its index; resolved gives, by index, the index a node resolves to
// (itself, or for a node merged away the live node its merges lead to); parent, pre
// and end give by index the parent's index and the pre-order interval (-1 for the
// root's parent and for retired nodes). The slices are the tree's own and are kept.
func NewTree[N any](nodes []N, ids map[orgkit.NodeID]int32, resolved, parent, pre, end []int32) *Tree[N] {
	return &Tree[N]{nodes: nodes, ids: ids, resolved: resolved, parent: parent, pre: pre, end: end}
}

// Len is the number of nodes, retired ones included.
func (t *Tree[N]) Len() int { return len(t.nodes) }

// At returns the node with index i: the tree's own record.
func (t *Tree[N]) At(i int) N { return t.nodes[i] }

// Index returns the index of the node id resolves to (following merges).
func (t *Tree[N]) Index(id orgkit.NodeID) (int, bool) {
	i, ok := t.ids[id]
	if !ok {
		return 0, false
	}
	return int(t.resolved[i]), true
}

// Interval returns the pre-order position of node i and the end of its subtree: node
// j is in i's subtree exactly when pre(i) <= pre(j) < end(i). Retired nodes have
// (-1, -1).
func (t *Tree[N]) Interval(i int) (pre, end int) { return int(t.pre[i]), int(t.end[i]) }

// ParentIndex returns the index of node i's parent, or -1 for the root and retired
// nodes.
func (t *Tree[N]) ParentIndex(i int) int { return int(t.parent[i]) }

// Members is the dense view of a directory.Snapshot's members over their records M
// (*member.Member). Slots are stable from a snapshot to its successors: a member keeps
// its slot, and new members get new slots at the end. It is a small value, made on
// demand from the snapshot's own persistent vectors.
type Members[M comparable] struct {
	records persist.Vec[M]
	slots   persist.Map[orgkit.MemberID, int32]
}

// NewMembers returns the view of a snapshot's member records by slot and its map from
// member ID to slot.
func NewMembers[M comparable](records persist.Vec[M], slots persist.Map[orgkit.MemberID, int32]) Members[M] {
	return Members[M]{records: records, slots: slots}
}

// Count is the number of members (slots).
func (m Members[M]) Count() int { return m.records.Len() }

// At returns the member in slot i: the snapshot's own record.
func (m Members[M]) At(i int) M { return m.records.At(i) }

// Slot returns the slot of the member with the ID.
func (m Members[M]) Slot(id orgkit.MemberID) (int, bool) {
	i, ok := m.slots.Get(id)
	return int(i), ok
}

// Changed yields, in ascending order, the slots below min(m.Count(), old.Count())
// whose records are not the same as old's, where old is an earlier snapshot of the
// same directory: slots whose storage the two snapshots share are skipped without
// being read, so the cost follows what changed, not the directory's size.
func (m Members[M]) Changed(old Members[M]) iter.Seq[int] {
	return persist.Changed(old.records, m.records)
}

var treeOf, membersOf any // func(T) *Tree[N] and func(S) Members[M], lent

// LendTree is called once, by package orgtree, with the function that gives a tree's
// dense view.
func LendTree[T, N any](f func(T) *Tree[N]) struct{} {
	treeOf = f
	return struct{}{}
}

// TreeOf returns the dense view of t: TreeOf[*orgtree.Tree, *orgtree.Node](t).
func TreeOf[T, N any](t T) *Tree[N] { return treeOf.(func(T) *Tree[N])(t) }

// LendMembers is called once, by package directory, with the function that gives a
// snapshot's dense member view.
func LendMembers[S any, M comparable](f func(S) Members[M]) struct{} {
	membersOf = f
	return struct{}{}
}

// MembersOf returns the dense member view of s:
// MembersOf[*directory.Snapshot, *member.Member](s).
func MembersOf[S any, M comparable](s S) Members[M] { return membersOf.(func(S) Members[M])(s) }

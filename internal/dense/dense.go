// Package dense is the one view this module's packages have of the dense positions
// behind orgtree.Tree and directory.Snapshot, which their public APIs do not offer:
// every node of a tree has an index in [0, Len), with a pre-order interval and a
// parent index; every member of a snapshot has a slot in [0, Count). visibility builds
// its index over them, and directory lists and searches by them.
//
// orgtree and directory lend their views when they are initialized (LendTree,
// LendMembers); the views share the trees' and snapshots' own records, which must
// never be modified.
package dense

import "github.com/orgkit/orgkit"

// Tree is the dense view of an orgtree.Tree over its node records N (*orgtree.Node).
type Tree[N any] interface {
	// Len is the number of nodes, retired ones included.
	Len() int
	// At returns the node with index i: the tree's own record.
	At(i int) N
	// Index returns the index of the node id resolves to (following merges).
	Index(id orgkit.NodeID) (int, bool)
	// Interval returns the pre-order position of node i and the end of its subtree:
	// node j is in i's subtree exactly when pre(i) <= pre(j) < end(i). Retired nodes
	// have (-1, -1).
	Interval(i int) (pre, end int)
	// ParentIndex returns the index of node i's parent, or -1 for the root and
	// retired nodes.
	ParentIndex(i int) int
}

// Members is the dense view of a directory.Snapshot's members over their records M
// (*member.Member). Slots are stable from a snapshot to its successors: a member
// keeps its slot, and new members get new slots at the end.
type Members[M any] interface {
	// Count is the number of members (slots).
	Count() int
	// At returns the member in slot i: the snapshot's own record.
	At(i int) M
	// Slot returns the slot of the member with the ID.
	Slot(id orgkit.MemberID) (int, bool)
}

var treeOf, membersOf any // func(T) Tree[N] and func(S) Members[M], lent

// LendTree is called once, by package orgtree, with the function that gives a tree's
// dense view.
func LendTree[T, N any](f func(T) Tree[N]) struct{} {
	treeOf = f
	return struct{}{}
}

// TreeOf returns the dense view of t: TreeOf[*orgtree.Tree, *orgtree.Node](t).
func TreeOf[T, N any](t T) Tree[N] { return treeOf.(func(T) Tree[N])(t) }

// LendMembers is called once, by package directory, with the function that gives a
// snapshot's dense member view.
func LendMembers[S, M any](f func(S) Members[M]) struct{} {
	membersOf = f
	return struct{}{}
}

// MembersOf returns the dense member view of s:
// MembersOf[*directory.Snapshot, *member.Member](s).
func MembersOf[S, M any](s S) Members[M] { return membersOf.(func(S) Members[M])(s) }

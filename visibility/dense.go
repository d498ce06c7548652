package visibility

import (
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/dense"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// treeOf returns the dense view of a tree: node indexes, pre-order intervals and the
// tree's own records.
func treeOf(t *orgtree.Tree) *dense.Tree[*orgtree.Node] {
	return dense.TreeOf[*orgtree.Tree, *orgtree.Node](t)
}

// membersOf returns the dense view of a snapshot's members: slots and the snapshot's
// own records.
func membersOf(s *directory.Snapshot) dense.Members[*member.Member] {
	return dense.MembersOf[*directory.Snapshot, *member.Member](s)
}

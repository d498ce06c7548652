package orgtree

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/dense"
	"github.com/orgkit/orgkit/internal/textnorm"
)

// Tree is an immutable, indexed view of one directory's nodes. Ancestor tests are
// O(1) through pre-order intervals; lookups by ID, code and external ID are map
// lookups. Retired nodes are kept (their IDs redirect and their codes stay reserved)
// but are outside the hierarchy. A Tree is safe for concurrent use.
type Tree struct {
	nodes    []*Node
	index    map[orgkit.NodeID]int32
	parent   []int32
	pre, end []int32 // pre-order position and end of subtree (exclusive); -1 when retired
	preorder []int32 // dense indexes in pre-order
	children [][]int32
	depth    []int32
	byCode   map[string]int32
	byExt    map[string]int32
	root     int32
	dense    *dense.Tree[*Node] // the view internal/dense lends; resolved indexes in it
}

// Build indexes nodes into a Tree. It reports an error when the nodes do not form one
// tree: no or several roots, a missing parent, or a cycle.
func Build(nodes []*Node) (*Tree, error) {
	n := len(nodes)
	t := &Tree{
		nodes:    nodes,
		index:    make(map[orgkit.NodeID]int32, n),
		parent:   make([]int32, n),
		pre:      make([]int32, n),
		end:      make([]int32, n),
		children: make([][]int32, n),
		depth:    make([]int32, n),
		byCode:   make(map[string]int32),
		byExt:    make(map[string]int32),
		root:     -1,
	}
	for i, nd := range nodes {
		if _, dup := t.index[nd.ID]; dup {
			return nil, fmt.Errorf("orgtree: node %s appears twice", nd.ID)
		}
		t.index[nd.ID] = int32(i)
	}
	for i, nd := range nodes {
		t.parent[i], t.pre[i], t.end[i] = -1, -1, -1
		if nd.Code != "" {
			t.byCode[CodeKey(nd.Code)] = int32(i)
		}
		if nd.Status == orgkit.Retired {
			continue
		}
		if nd.ExternalID != "" {
			t.byExt[nd.ExternalID] = int32(i)
		}
		if nd.Parent.IsZero() {
			if t.root >= 0 {
				return nil, fmt.Errorf("orgtree: two roots, %s and %s", nodes[t.root].ID, nd.ID)
			}
			t.root = int32(i)
			continue
		}
		p, ok := t.index[nd.Parent]
		if !ok || nodes[p].Status == orgkit.Retired {
			return nil, fmt.Errorf("orgtree: node %s has a missing or retired parent %s", nd.ID, nd.Parent)
		}
		t.parent[i] = p
		t.children[p] = append(t.children[p], int32(i))
	}
	if t.root < 0 {
		return nil, fmt.Errorf("orgtree: no root")
	}
	keys := make([]string, n) // normalized default names, computed once for sorting
	for i := range t.children {
		if len(t.children[i]) < 2 {
			continue
		}
		for _, c := range t.children[i] {
			keys[c] = textnorm.Key(nodes[c].Name.Default)
		}
		slices.SortFunc(t.children[i], func(a, b int32) int {
			na, nb := nodes[a], nodes[b]
			if c := cmp.Compare(na.Order, nb.Order); c != 0 {
				return c
			}
			if c := strings.Compare(keys[a], keys[b]); c != 0 {
				return c
			}
			return na.ID.Compare(nb.ID)
		})
	}
	t.preorder = make([]int32, 0, n)
	stack := []int32{t.root}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		if t.pre[i] >= 0 { // second visit: the subtree is done
			stack = stack[:len(stack)-1]
			t.end[i] = int32(len(t.preorder))
			continue
		}
		t.pre[i] = int32(len(t.preorder))
		t.preorder = append(t.preorder, i)
		if p := t.parent[i]; p >= 0 {
			t.depth[i] = t.depth[p] + 1
		}
		kids := t.children[i]
		for k := len(kids) - 1; k >= 0; k-- {
			stack = append(stack, kids[k])
		}
	}
	for i, nd := range nodes {
		if nd.Status != orgkit.Retired && t.pre[i] < 0 {
			return nil, fmt.Errorf("orgtree: node %s is in a cycle", nd.ID)
		}
	}
	resolved := make([]int32, n)
	for i := range nodes {
		resolved[i] = t.follow(int32(i))
	}
	t.dense = dense.NewTree(nodes, t.index, resolved, t.parent, t.pre, t.end)
	return t, nil
}

// follow returns the index node i resolves to: i itself, or for a node merged away
// the node its merges lead to (as far as they lead within the tree).
func (t *Tree) follow(i int32) int32 {
	for hops := 0; t.nodes[i].Status == orgkit.Retired && !t.nodes[i].MergedInto.IsZero() && hops < len(t.nodes); hops++ {
		j, ok := t.index[t.nodes[i].MergedInto]
		if !ok {
			break
		}
		i = j
	}
	return i
}

// Len returns the number of nodes, retired ones included.
func (t *Tree) Len() int { return len(t.nodes) }

// Reading a tree: every method of Tree returns nodes as values, copies that share
// nothing with the tree (names and slices included), so a caller may change what it
// gets freely. Shared is the zero-copy path for hot loops.

// Root returns the company root.
func (t *Tree) Root() Node { return *t.nodes[t.root].Clone() }

// Node returns the node with the ID, following merge redirects.
func (t *Tree) Node(id orgkit.NodeID) (Node, bool) { return valueOf(t.Shared().Node(id)) }

// Resolve returns the ID that id stands for now: itself, or the node it was merged into.
func (t *Tree) Resolve(id orgkit.NodeID) (orgkit.NodeID, bool) {
	i, ok := t.indexOf(id)
	if !ok {
		return id, false
	}
	return t.nodes[i].ID, true
}

// Record returns the node stored under id as it is, without following redirects.
func (t *Tree) Record(id orgkit.NodeID) (Node, bool) { return valueOf(t.Shared().Record(id)) }

// indexOf returns the dense index of the node id resolves to, in [0, Len()).
// Dense indexes are stable for one Tree only.
func (t *Tree) indexOf(id orgkit.NodeID) (int, bool) { return denseOf(t).Index(id) }

// denseOf returns the tree as internal/dense shows it to this module's packages; a
// zero Tree shows no nodes.
func denseOf(t *Tree) *dense.Tree[*Node] {
	if t.dense == nil {
		return &noNodes
	}
	return t.dense
}

// noNodes is the view of a zero Tree; nothing writes to it.
var noNodes dense.Tree[*Node]

var _ = dense.LendTree(denseOf)

// Contains reports whether node b is a or lies below a. Both IDs are resolved.
func (t *Tree) Contains(a, b orgkit.NodeID) bool {
	i, ok1 := t.indexOf(a)
	j, ok2 := t.indexOf(b)
	if !ok1 || !ok2 || t.pre[i] < 0 || t.pre[j] < 0 {
		return false
	}
	return t.pre[i] <= t.pre[j] && t.pre[j] < t.end[i]
}

// IsAncestor reports whether a lies strictly above b.
func (t *Tree) IsAncestor(a, b orgkit.NodeID) bool {
	ra, _ := t.Resolve(a)
	rb, _ := t.Resolve(b)
	return ra != rb && t.Contains(a, b)
}

// Depth returns the number of edges from the root to the node (the root has depth 0).
func (t *Tree) Depth(id orgkit.NodeID) int {
	i, ok := t.indexOf(id)
	if !ok {
		return -1
	}
	return int(t.depth[i])
}

// Parent returns the node's parent; false for the root and unknown or retired nodes.
func (t *Tree) Parent(id orgkit.NodeID) (Node, bool) { return valueOf(t.Shared().Parent(id)) }

// Path returns the nodes from the root down to the node, both included.
func (t *Tree) Path(id orgkit.NodeID) []Node { return values(t.Shared().Path(id)) }

// PathString returns the path as names in the language best matching tag, joined by
// "/" ("Acme/Beijing R&D/Product").
func (t *Tree) PathString(id orgkit.NodeID, tag language.Tag) string {
	var parts []string
	for _, nd := range t.Shared().Path(id) {
		parts = append(parts, nd.Name.In(tag))
	}
	return strings.Join(parts, "/")
}

// Children yields the node's children (active and inactive) ordered by Order, then
// by default name.
func (t *Tree) Children(id orgkit.NodeID) iter.Seq[Node] { return valueSeq(t.Shared().Children(id)) }

// ChildrenIn yields the node's children ordered by Order, then by their names in the
// language best matching tag, collated for that language (pinyin order for Chinese).
func (t *Tree) ChildrenIn(id orgkit.NodeID, tag language.Tag) iter.Seq[Node] {
	return func(yield func(Node) bool) {
		kids := slices.Collect(t.Shared().Children(id))
		col := collate.New(tag, collate.IgnoreCase, collate.IgnoreWidth)
		slices.SortStableFunc(kids, func(a, b *Node) int {
			if c := cmp.Compare(a.Order, b.Order); c != 0 {
				return c
			}
			return col.CompareString(a.Name.In(tag), b.Name.In(tag))
		})
		valueSeq(slices.Values(kids))(yield)
	}
}

// Subtree yields the node and everything below it in pre-order (a parent before its
// children, siblings in order).
func (t *Tree) Subtree(id orgkit.NodeID) iter.Seq[Node] { return valueSeq(t.Shared().Subtree(id)) }

// All yields every node of the hierarchy (not the retired ones) in pre-order.
func (t *Tree) All() iter.Seq[Node] { return valueSeq(t.Shared().All()) }

// Records yields every node record, retired ones included, in no particular order.
func (t *Tree) Records() iter.Seq[Node] { return valueSeq(t.Shared().Records()) }

// ByCode returns the node with the code (compared case-insensitively); retired nodes
// are found too, since their codes stay reserved.
func (t *Tree) ByCode(code string) (Node, bool) { return valueOf(t.Shared().ByCode(code)) }

// ByExternalID returns the live node bound to the external ID.
func (t *Tree) ByExternalID(ext string) (Node, bool) {
	return valueOf(t.Shared().ByExternalID(ext))
}

// ByPath finds a node by its path of names separated by "/", starting with the root's
// name ("Acme/Beijing R&D/Product"). Names are compared in the language best matching
// tag after normalization; a segment matching no child in that language is also tried
// against the default names.
func (t *Tree) ByPath(path string, tag language.Tag) (Node, bool) {
	parts := strings.Split(path, "/")
	cur := t.root
	if !nameMatches(t.nodes[cur], parts[0], tag) {
		return Node{}, false
	}
	for _, part := range parts[1:] {
		next := int32(-1)
		for _, c := range t.children[cur] {
			if nameMatches(t.nodes[c], part, tag) {
				next = c
				break
			}
		}
		if next < 0 {
			return Node{}, false
		}
		cur = next
	}
	return *t.nodes[cur].Clone(), true
}

// Shared is the zero-copy way to read a Tree, for loops over many nodes where copying
// each one would cost: the *Node it hands out are the tree's own records, shared
// with every later tree, every snapshot and the store, and read by other goroutines
// without locks. Never modify such a node or anything it references (its Name.ByLang
// map, its Assistants, Observers and whitelist slices), not even for a moment; Clone
// it to get a node of your own. Its methods otherwise answer as Tree's do.
type Shared struct{ t *Tree }

// Shared returns the tree's zero-copy read path; see Shared.
func (t *Tree) Shared() Shared { return Shared{t} }

// Root returns the company root's record.
func (s Shared) Root() *Node { return s.t.nodes[s.t.root] }

// Node returns the record of the node with the ID, following merge redirects.
func (s Shared) Node(id orgkit.NodeID) (*Node, bool) {
	i, ok := s.t.indexOf(id)
	if !ok {
		return nil, false
	}
	return s.t.nodes[i], true
}

// Record returns the record stored under id, without following redirects.
func (s Shared) Record(id orgkit.NodeID) (*Node, bool) {
	i, ok := s.t.index[id]
	if !ok {
		return nil, false
	}
	return s.t.nodes[i], true
}

// Parent returns the record of the node's parent; false for the root and unknown or
// retired nodes.
func (s Shared) Parent(id orgkit.NodeID) (*Node, bool) {
	i, ok := s.t.indexOf(id)
	if !ok || s.t.parent[i] < 0 {
		return nil, false
	}
	return s.t.nodes[s.t.parent[i]], true
}

// Path returns the records from the root down to the node, both included, in a
// fresh slice.
func (s Shared) Path(id orgkit.NodeID) []*Node {
	t := s.t
	i, ok := t.indexOf(id)
	if !ok || t.pre[i] < 0 {
		return nil
	}
	path := make([]*Node, t.depth[i]+1)
	for k := int32(i); k >= 0; k = t.parent[k] {
		path[t.depth[k]] = t.nodes[k]
	}
	return path
}

// Children yields the records of the node's children in sibling order.
func (s Shared) Children(id orgkit.NodeID) iter.Seq[*Node] {
	t := s.t
	return func(yield func(*Node) bool) {
		i, ok := t.indexOf(id)
		if !ok {
			return
		}
		for _, c := range t.children[i] {
			if !yield(t.nodes[c]) {
				return
			}
		}
	}
}

// Subtree yields the records of the node and everything below it in pre-order.
func (s Shared) Subtree(id orgkit.NodeID) iter.Seq[*Node] {
	t := s.t
	return func(yield func(*Node) bool) {
		i, ok := t.indexOf(id)
		if !ok || t.pre[i] < 0 {
			return
		}
		for _, k := range t.preorder[t.pre[i]:t.end[i]] {
			if !yield(t.nodes[k]) {
				return
			}
		}
	}
}

// All yields the record of every node of the hierarchy (not the retired ones) in
// pre-order.
func (s Shared) All() iter.Seq[*Node] { return s.Subtree(s.Root().ID) }

// Records yields every node record, retired ones included, in no particular order.
func (s Shared) Records() iter.Seq[*Node] { return slices.Values(s.t.nodes) }

// ByCode returns the record of the node with the code (compared case-insensitively),
// retired nodes included.
func (s Shared) ByCode(code string) (*Node, bool) {
	i, ok := s.t.byCode[CodeKey(code)]
	if !ok {
		return nil, false
	}
	return s.t.nodes[i], true
}

// ByExternalID returns the record of the live node bound to the external ID.
func (s Shared) ByExternalID(ext string) (*Node, bool) {
	i, ok := s.t.byExt[ext]
	if !ok {
		return nil, false
	}
	return s.t.nodes[i], true
}

// valueOf returns a copy of the node a lookup found.
func valueOf(n *Node, ok bool) (Node, bool) {
	if !ok {
		return Node{}, false
	}
	return *n.Clone(), true
}

// values returns copies of the nodes.
func values(ns []*Node) []Node {
	if ns == nil {
		return nil
	}
	out := make([]Node, len(ns))
	for i, n := range ns {
		out[i] = *n.Clone()
	}
	return out
}

// valueSeq yields copies of the nodes seq yields.
func valueSeq(seq iter.Seq[*Node]) iter.Seq[Node] {
	return func(yield func(Node) bool) {
		for n := range seq {
			if !yield(*n.Clone()) {
				return
			}
		}
	}
}

func nameMatches(n *Node, segment string, tag language.Tag) bool {
	k := textnorm.Key(segment)
	return textnorm.Key(n.Name.In(tag)) == k || textnorm.Key(n.Name.Default) == k
}

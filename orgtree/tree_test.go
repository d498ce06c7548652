package orgtree_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/orgtree"
)

func node(kind orgtree.Kind, parent orgkit.NodeID, name string) *orgtree.Node {
	return &orgtree.Node{ID: orgkit.NewNodeID(), Kind: kind, Parent: parent, Name: orgkit.Name(name)}
}

func TestBuildRefusesBrokenTrees(t *testing.T) {
	root := node(orgtree.Company, orgkit.NodeID{}, "Acme")
	a := node(orgtree.Department, root.ID, "A")
	b := node(orgtree.Department, a.ID, "B")
	_, err := orgtree.Build([]*orgtree.Node{root, a, b})
	require.NoError(t, err)

	orphan := node(orgtree.Department, orgkit.NewNodeID(), "Orphan")
	_, err = orgtree.Build([]*orgtree.Node{root, orphan})
	assert.ErrorContains(t, err, "missing or retired parent")

	_, err = orgtree.Build([]*orgtree.Node{root, node(orgtree.Company, orgkit.NodeID{}, "Second")})
	assert.ErrorContains(t, err, "two roots")

	x, y := node(orgtree.Department, orgkit.NodeID{}, "X"), node(orgtree.Department, orgkit.NodeID{}, "Y")
	x.Parent, y.Parent = y.ID, x.ID
	_, err = orgtree.Build([]*orgtree.Node{root, x, y})
	assert.ErrorContains(t, err, "cycle")

	_, err = orgtree.Build([]*orgtree.Node{a})
	assert.Error(t, err)
}

func TestIntervals(t *testing.T) {
	root := node(orgtree.Company, orgkit.NodeID{}, "Acme")
	nodes := []*orgtree.Node{root}
	parents := []*orgtree.Node{root}
	for i := range 200 {
		p := parents[i%len(parents)]
		n := node(orgtree.Department, p.ID, fmt.Sprint("D", i))
		nodes = append(nodes, n)
		parents = append(parents, n)
	}
	tr, err := orgtree.Build(nodes)
	require.NoError(t, err)
	// Contains agrees with walking parents
	for _, a := range nodes {
		for _, b := range nodes {
			want := false
			for cur, ok := *b, true; ok; cur, ok = tr.Parent(cur.ID) {
				if cur.ID == a.ID {
					want = true
					break
				}
			}
			require.Equal(t, want, tr.Contains(a.ID, b.ID))
		}
	}
	n := 0
	for range tr.All() {
		n++
	}
	assert.Equal(t, len(nodes), n)
}

func TestRedirects(t *testing.T) {
	root := node(orgtree.Company, orgkit.NodeID{}, "Acme")
	target := node(orgtree.Department, root.ID, "Product")
	old := node(orgtree.Department, root.ID, "QA")
	old.Status, old.MergedInto, old.Code = orgkit.Retired, target.ID, "QA-1"
	tr, err := orgtree.Build([]*orgtree.Node{root, target, old})
	require.NoError(t, err)
	n, ok := tr.Node(old.ID)
	require.True(t, ok)
	assert.Equal(t, target.ID, n.ID)
	rec, _ := tr.Record(old.ID)
	assert.Equal(t, orgkit.Retired, rec.Status)
	byCode, ok := tr.ByCode("qa-1")
	require.True(t, ok)
	assert.Equal(t, old.ID, byCode.ID, "codes of retired nodes stay reserved")
	assert.True(t, tr.Contains(root.ID, old.ID), "an old ID is inside wherever its target is")
	assert.Len(t, slices.Collect(tr.Children(root.ID)), 1, "retired nodes are outside the hierarchy")
	assert.Equal(t, "Acme/Product", tr.PathString(old.ID, language.English))
}

func TestValidCode(t *testing.T) {
	for _, ok := range []string{"BJ-RD", "bj_rd.2", "A", "0123"} {
		assert.True(t, orgtree.ValidCode(ok), ok)
	}
	for _, bad := range []string{"", "-x", ".x", "a b", "研发", "=cmd", "a/b"} {
		assert.False(t, orgtree.ValidCode(bad), bad)
	}
	assert.Equal(t, orgtree.CodeKey("BJ-RD"), orgtree.CodeKey(" bj-rd "))
}

func FuzzValidCode(f *testing.F) {
	for _, s := range []string{"BJ-RD", "-x", "研发", "a b", "=1+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !orgtree.ValidCode(s) {
			return
		}
		if len(s) > orgtree.MaxCodeLen || s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' {
			t.Fatalf("ValidCode accepted %q", s)
		}
		if orgtree.CodeKey(s) != orgtree.CodeKey(orgtree.CodeKey(s)) {
			t.Fatalf("CodeKey not idempotent for %q", s)
		}
	})
}

// Children is an iterator like the tree's other listings: it yields copies in sibling
// order and stops when the caller does.
func TestChildrenIterates(t *testing.T) {
	root := node(orgtree.Company, orgkit.NodeID{}, "Acme")
	a, b, c := node(orgtree.Department, root.ID, "A"), node(orgtree.Department, root.ID, "B"), node(orgtree.Department, root.ID, "C")
	a.Order, b.Order, c.Order = 3, 1, 2
	tr, err := orgtree.Build([]*orgtree.Node{root, a, b, c})
	require.NoError(t, err)
	var names []string
	for n := range tr.Children(root.ID) {
		names = append(names, n.Name.Default)
		n.Name.Default = "changed by the caller"
		if len(names) == 2 {
			break
		}
	}
	assert.Equal(t, []string{"B", "C"}, names)
	var again []string
	for n := range tr.ChildrenIn(root.ID, language.English) {
		again = append(again, n.Name.Default)
	}
	assert.Equal(t, []string{"B", "C", "A"}, again, "the tree is untouched")
	assert.Empty(t, slices.Collect(tr.Children(orgkit.NewNodeID())), "an unknown node has no children")
}

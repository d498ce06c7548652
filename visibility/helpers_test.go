package visibility_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store/memstore"
)

// loadGenerated seeds a generated directory into a memory store and loads it.
func loadGenerated(tb testing.TB, shape orgkittest.Shape) (*orgkittest.Directory, *directory.Snapshot) {
	tb.Helper()
	ctx := context.Background()
	d := orgkittest.Generate(shape)
	st := memstore.New()
	require.NoError(tb, d.Seed(ctx, st))
	snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
	require.NoError(tb, err)
	return d, snap
}

// spec describes a random directory built through the write path; shrinking lowers
// its sizes.
type spec struct {
	Seed           uint64
	Nodes, Members int
}

func (s spec) String() string {
	return fmt.Sprintf("spec{Seed: %d, Nodes: %d, Members: %d}", s.Seed, s.Nodes, s.Members)
}

// world is a random directory with the IDs that queries pick from: every member and
// node, old IDs of merged nodes, and IDs that exist nowhere.
type world struct {
	svc     *directory.Service
	snap    *directory.Snapshot
	members []orgkit.MemberID
	nodes   []orgkit.NodeID
}

// buildRandom builds a directory through directory.Service.Apply: nested isolation
// with every setting, whitelists of members and nodes (the root included), secondary
// and explicit affiliated departments, unassigned members, posts, observers, group
// settings, org admins, inactive members and a merge. A batch the service refuses is
// retried command by command, keeping those that pass.
func buildRandom(tb testing.TB, sp spec) *world {
	tb.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(sp.Seed, sp.Seed^0x51ED))
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "Founder", Email: "founder@example.test"}})
	require.NoError(tb, err)
	dir := snap.ID()
	apply := func(cmds ...orgkit.Command) {
		if len(cmds) == 0 {
			return
		}
		if _, err := svc.Apply(ctx, dir, directory.Meta{Actor: "test"}, cmds...); err == nil {
			return
		}
		for _, c := range cmds {
			_, _ = svc.Apply(ctx, dir, directory.Meta{Actor: "test"}, c)
		}
	}
	root := snap.Root()
	nodes := []orgkit.NodeID{root}
	var create []orgkit.Command
	for i := range sp.Nodes {
		id := orgkit.NewNodeID()
		create = append(create, orgtree.Create{ID: id, Parent: nodes[r.IntN(len(nodes))], Kind: orgtree.Department,
			Name: orgkit.Name(fmt.Sprintf("D%d", i)), Group: orgtree.GroupSettings{
				IncludeSubMembers: r.IntN(2) == 0, IncludeIsolatedSubMembers: r.IntN(3) == 0}})
		nodes = append(nodes, id)
	}
	apply(create...)
	founder := func() orgkit.MemberID {
		for m := range snap.Members() {
			return m.ID
		}
		return orgkit.MemberID{}
	}()
	members := []orgkit.MemberID{founder}
	pick := func() orgkit.NodeID { return nodes[r.IntN(len(nodes))] }
	var mcmds []orgkit.Command
	for i := range sp.Members {
		c := member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprintf("m%d", i)),
			FullName: fmt.Sprintf("M%d", i), Email: fmt.Sprintf("m%d@example.test", i), LoginMethod: member.LoginByEmail}
		if r.IntN(10) > 0 {
			c.Primary = pick()
		}
		for range r.IntN(3) * r.IntN(2) {
			if s := pick(); s != c.Primary && !slices.Contains(c.Secondary, s) {
				c.Secondary = append(c.Secondary, s)
			}
		}
		if r.IntN(8) == 0 {
			c.AffiliatedDepartment = pick()
		}
		mcmds = append(mcmds, c)
		members = append(members, c.ID)
	}
	apply(mcmds...)
	someMembers := func(max int) []orgkit.MemberID {
		var out []orgkit.MemberID
		for range r.IntN(max + 1) {
			if m := members[r.IntN(len(members))]; !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
		return out
	}
	someNodes := func(max int) []orgkit.NodeID {
		var out []orgkit.NodeID
		for range r.IntN(max + 1) {
			if n := pick(); !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	var ncmds []orgkit.Command
	for _, n := range nodes {
		if r.IntN(2) == 0 {
			ncmds = append(ncmds, orgtree.SetManager{Node: n, Member: members[r.IntN(len(members))]})
		}
		if r.IntN(4) == 0 {
			ncmds = append(ncmds, orgtree.SetAssistants{Node: n, Members: someMembers(2)})
		}
		if n == root {
			continue
		}
		if r.IntN(4) == 0 {
			ncmds = append(ncmds, orgtree.SetObservers{Node: n, Members: someMembers(2)})
		}
		if r.IntN(3) == 0 {
			var iso orgtree.Isolation
			iso.HideFromOutside = r.IntN(2) == 0
			iso.ContactView = orgtree.ContactView(r.IntN(3))
			if r.IntN(4) == 0 {
				iso.Reception = orgtree.OnlyThisNode
			}
			if r.IntN(2) == 0 {
				iso.VisibilityWhitelist = orgtree.Whitelist{Members: someMembers(2), Nodes: someNodes(2)}
			}
			if r.IntN(2) == 0 {
				iso.ContactWhitelist = orgtree.Whitelist{Members: someMembers(2), Nodes: someNodes(2)}
			}
			ncmds = append(ncmds, orgtree.SetIsolation{Node: n, Isolation: iso})
		}
	}
	apply(ncmds...)
	last, err := svc.Snapshot(ctx, dir)
	require.NoError(tb, err)
	apply(role.Assign{Members: someMembers(2), Roles: []orgkit.RoleID{last.Settings().AdminRole}})
	var leave []orgkit.MemberID
	for _, m := range members[1:] {
		if r.IntN(10) == 0 {
			leave = append(leave, m)
		}
	}
	apply(member.Deactivate{Members: leave})
	if len(nodes) > 3 && r.IntN(2) == 0 {
		apply(orgtree.Merge{Sources: []orgkit.NodeID{nodes[len(nodes)-1]}, Target: nodes[1+r.IntN(len(nodes)-2)]})
	}
	last, err = svc.Snapshot(ctx, dir)
	require.NoError(tb, err)
	w := &world{svc: svc, snap: last, members: members, nodes: nodes}
	w.members = append(w.members, orgkit.NewMemberID()) // unknown
	w.nodes = append(w.nodes, orgkit.NewNodeID())       // unknown
	return w
}

// dump renders a directory compactly, for failure reports.
func dump(snap *directory.Snapshot) string {
	var b strings.Builder
	t := snap.Tree()
	mname := func(id orgkit.MemberID) string {
		if m, ok := snap.Member(id); ok {
			return m.SystemName.Default
		}
		return "?"
	}
	nname := func(id orgkit.NodeID) string {
		if n, ok := t.Node(id); ok {
			return n.Name.Default
		}
		return "?"
	}
	names := func(ids []orgkit.MemberID) string {
		var s []string
		for _, id := range ids {
			s = append(s, mname(id))
		}
		return strings.Join(s, ",")
	}
	nnames := func(ids []orgkit.NodeID) string {
		var s []string
		for _, id := range ids {
			s = append(s, nname(id))
		}
		return strings.Join(s, ",")
	}
	for n := range t.All() {
		fmt.Fprintf(&b, "%s%s mgr=%s asst=[%s] obs=[%s] group=%+v", strings.Repeat("  ", t.Depth(n.ID)), n.Name.Default,
			mname(n.Manager), names(n.Assistants), names(n.Observers), n.Group)
		if is := n.Isolation; is.Isolated() {
			fmt.Fprintf(&b, " hide=%v vis=[%s|%s] view=%s contact=[%s|%s] reception=%s", is.HideFromOutside,
				names(is.VisibilityWhitelist.Members), nnames(is.VisibilityWhitelist.Nodes), is.ContactView,
				names(is.ContactWhitelist.Members), nnames(is.ContactWhitelist.Nodes), is.Reception)
		}
		b.WriteByte('\n')
	}
	for m := range snap.Members() {
		fmt.Fprintf(&b, "%s %s primary=%s secondary=[%s] owner=%s admin=%v\n", m.SystemName.Default, m.Status,
			nname(m.Primary), nnames(m.Secondary), nname(snap.AffiliatedDepartment(&m)), snap.IsOrgAdmin(m.ID))
	}
	return b.String()
}

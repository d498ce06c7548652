package orgkittest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store/memstore"
)

// TestReferenceSentences checks the reference evaluator on a small directory, one
// case per sentence of DESIGN §3 "Visibility":
//
//	Acme: ada (org admin, no department)
//	├── Sales   manager sam, observer olga; group includes sub-node members
//	│   └── East  reception only to itself: eve
//	└── Lab     hidden, visibility whitelist walt; contact view within node: lara, ina (inactive)
//	olga, walt: no department
func TestReferenceSentences(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "ada", Email: "ada@acme.test"}})
	require.NoError(t, err)
	var ada orgkit.MemberID
	for m := range snap.Members() {
		ada = m.ID
	}
	sales, east, lab := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	sam, olga, eve, lara, ina, walt := orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(),
		orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	person := func(id orgkit.MemberID, name string, dept orgkit.NodeID) member.Create {
		return member.Create{ID: id, SystemName: orgkit.Name(name), Email: name + "@acme.test", LoginMethod: member.LoginByEmail, Primary: dept}
	}
	res, err := svc.Apply(ctx, snap.ID(), directory.Meta{},
		orgtree.Create{ID: sales, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("Sales"),
			Group: orgtree.GroupSettings{IncludeSubMembers: true}},
		orgtree.Create{ID: east, Parent: sales, Kind: orgtree.Department, Name: orgkit.Name("East"),
			Isolation: orgtree.Isolation{Reception: orgtree.OnlyThisNode}},
		orgtree.Create{ID: lab, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("Lab")},
		person(sam, "sam", sales), person(olga, "olga", orgkit.NodeID{}), person(eve, "eve", east),
		person(lara, "lara", lab), person(ina, "ina", lab), person(walt, "walt", orgkit.NodeID{}),
		orgtree.SetManager{Node: sales, Member: sam},
		orgtree.SetObservers{Node: sales, Members: []orgkit.MemberID{olga}},
		orgtree.SetIsolation{Node: lab, Isolation: orgtree.Isolation{HideFromOutside: true, ContactView: orgtree.WithinNode,
			VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{walt}}}},
		member.Deactivate{Members: []orgkit.MemberID{ina}},
	)
	require.NoError(t, err)
	r := orgkittest.NewReference(res.Snapshot)

	cases := []struct {
		sentence string
		got      bool
		want     bool
	}{
		{"manager reads own node", r.CanRead(sam, sales), true},
		{"manager of a parent reads below", r.CanRead(sam, east), true},
		{"manager of a parent does not write below", r.CanWrite(sam, east), false},
		{"a post below does not read above", r.CanRead(eve, sales), false},
		{"org admin reads and writes everything", r.CanRead(ada, lab) && r.CanWrite(ada, east), true},
		{"member data belongs to the affiliated department", r.CanReadMember(sam, eve), true},
		{"observer sees feeds tagged with the node", r.CanSeeFeed(olga, sales), true},
		{"observing is not inherited", r.CanSeeFeed(olga, east), false},
		{"a feed is seen through data scope", r.CanSeeFeed(sam, lab, east), true},
		{"everyone sees themselves", r.CanSee(ina, ina), true},
		{"inactive viewers see only themselves", r.CanSee(ina, lara), false},
		{"nobody else sees inactive members", r.CanSee(lara, ina), false},
		{"org admins see inactive members", r.CanSee(ada, ina), true},
		{"a hidden node hides its people from outside", r.CanSee(sam, lara), false},
		{"the visibility whitelist sees inside", r.CanSee(walt, lara), true},
		{"within-node viewers see nobody outside", r.CanSee(lara, sam), false},
		{"a target with no department passes rule (a)", r.CanSee(sam, walt), true},
		{"rule (b) still applies to a target with no department", r.CanSee(lara, walt), false},
		{"a viewer with no department is inside the root only", r.CanSee(olga, lara), false},
		{"rule (a) applied to a hidden node", r.CanSeeNode(sam, lab), false},
		{"rule (a) applied to a node for its whitelist", r.CanSeeNode(walt, lab), true},
		{"org admins see every node", r.CanSeeNode(ada, lab), true},
		{"reception stops at a restricting sub-node", r.Receives(snap.Root(), eve), false},
		{"a restricting node receives its own messages", r.Receives(east, eve), true},
		{"org admins get no special treatment in reception", r.Receives(snap.Root(), ada), false},
		{"a direct member is in the group", r.InGroup(sales, sam), true},
		{"sub-node members cross no isolated node", r.InGroup(sales, eve), false},
		{"unknown members get no", r.CanRead(orgkit.NewMemberID(), sales), false},
		{"unknown nodes get no", r.CanRead(ada, orgkit.NewNodeID()), false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.got, c.sentence)
	}
	assert.Equal(t, []orgkit.MemberID{sam}, slices.Collect(r.Recipients(sales)))
	assert.Equal(t, []orgkit.MemberID{sam}, slices.Collect(r.GroupMembers(sales)))
	assert.ElementsMatch(t, []orgkit.MemberID{ada, sam, olga}, slices.Collect(r.FeedAudience(sales)))
	assert.ElementsMatch(t, []orgkit.MemberID{lara}, slices.Collect(r.Visible(lara)))
}

// TestReferenceProperties checks consequences of the rules on generated directories:
// writing implies reading, everyone sees themselves, org admins see everyone,
// recipients and group members are active.
func TestReferenceProperties(t *testing.T) {
	ctx := context.Background()
	seeds := 3
	if testing.Short() {
		seeds = 1
	}
	for seed := range uint64(seeds) {
		d := orgkittest.Generate(orgkittest.SmallShape(seed + 1))
		st := memstore.New()
		require.NoError(t, d.Seed(ctx, st))
		snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
		require.NoError(t, err)
		r := orgkittest.NewReference(snap)
		members, nodes := d.MemberIDs(), d.NodeIDs()
		for i, v := range members {
			n := nodes[i%len(nodes)]
			if r.CanWrite(v, n) {
				assert.True(t, r.CanRead(v, n))
			}
			assert.True(t, r.CanSee(v, v))
			t2 := members[(i*7)%len(members)]
			if r.CanWriteMember(v, t2) {
				assert.True(t, r.CanReadMember(v, t2))
			}
		}
		for _, a := range d.Admins() {
			for _, t2 := range members {
				assert.True(t, r.CanSee(a, t2))
			}
		}
		for _, n := range nodes {
			for m := range r.Recipients(n) {
				mm, _ := snap.Member(m)
				assert.Equal(t, orgkit.Active, mm.Status)
			}
			for m := range r.GroupMembers(n) {
				mm, _ := snap.Member(m)
				assert.Equal(t, orgkit.Active, mm.Status)
			}
		}
	}
}

package visibility

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// TestUpdateReuses checks what Update shares with the previous index: everything
// derived from the tree after member edits and renames, nothing after an isolation
// change; and member chunks other than the edited member's.
func TestUpdateReuses(t *testing.T) {
	ctx := context.Background()
	svc, snap := newAcmeDirectory(t)
	a, b := orgkit.NewNodeID(), orgkit.NewNodeID()
	var cmds []orgkit.Command
	cmds = append(cmds,
		orgtree.Create{ID: a, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("A")},
		orgtree.Create{ID: b, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("B")})
	var ids []orgkit.MemberID
	for i := range 3000 {
		id := orgkit.NewMemberID()
		ids = append(ids, id)
		cmds = append(cmds, member.Create{ID: id, SystemName: orgkit.Name("m" + strconv.Itoa(i)), Email: "m" + strconv.Itoa(i) + "@acme.test",
			LoginMethod: member.LoginByEmail, Primary: a})
	}
	res, err := svc.Apply(ctx, snap.ID(), directory.Meta{}, cmds...)
	require.NoError(t, err)
	x := Compile(res.Snapshot)

	edit := func(c orgkit.Command) *Index {
		t.Helper()
		res, err := svc.Apply(ctx, snap.ID(), directory.Meta{}, c)
		require.NoError(t, err)
		return x.Update(res.Snapshot)
	}
	with := func(c orgkit.Command) *Index {
		t.Helper()
		res, err := svc.Apply(ctx, snap.ID(), directory.Meta{}, c)
		require.NoError(t, err)
		return x.UpdateWith(res.Snapshot, res.ChangeSet)
	}
	y := with(member.Update{ID: ids[10], Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: b}})
	assert.Same(t, x.np, y.np, "UpdateWith keeps the tree part")
	assert.Same(t, &x.mp.recs[1][0], &y.mp.recs[1][0], "UpdateWith copies only the edited member's chunk")
	assert.True(t, y.Receives(b, ids[10]))
	for name, pair := range map[string][2]bitset{"active": {x.mp.active, y.mp.active}, "admin": {x.mp.admin, y.mp.admin},
		"hidden": {x.mp.hidden, y.mp.hidden}, "restricted": {x.mp.restricted, y.mp.restricted}} {
		assert.Same(t, &pair[0][0], &pair[1][0], "a move that changes none of its bits shares the %s bitset", name)
	}
	x = y
	y = with(member.Deactivate{Members: []orgkit.MemberID{ids[11]}})
	assert.NotSame(t, &x.mp.active[0], &y.mp.active[0], "a deactivation copies the active bitset")
	assert.True(t, x.mp.active.has(y.slot(ids[11])), "and leaves the old one as it was")
	assert.False(t, y.mp.active.has(y.slot(ids[11])))
	assert.Same(t, &x.mp.hidden[0], &y.mp.hidden[0])
	x = y
	y = edit(member.Update{ID: ids[2500], Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: b}})
	assert.Same(t, x.np, y.np, "a member edit keeps the tree part")
	assert.Same(t, &x.mp.recs[0][0], &y.mp.recs[0][0], "untouched chunks are shared")
	assert.NotSame(t, &x.mp.recs[2][0], &y.mp.recs[2][0], "the edited member's chunk is copied")
	assert.True(t, y.Receives(b, ids[2500]))
	assert.False(t, x.Receives(b, ids[2500]), "the old index is unchanged")

	x = y
	y = edit(orgtree.Rename{Node: b, Name: orgkit.Name("B2")})
	assert.NotSame(t, x.np, y.np)
	assert.Same(t, &x.np.members.pilots[0], &y.np.members.pilots[0], "a rename keeps the member hash")
	assert.Same(t, x.mp, y.mp, "a rename keeps the member part")
	assert.Equal(t, "B2", y.ExplainInGroup(b, ids[2500]).names[1].Default)

	x = y
	y = edit(orgtree.SetIsolation{Node: b, Isolation: orgtree.Isolation{HideFromOutside: true}})
	assert.NotSame(t, &x.np.members.pilots[0], &y.np.members.pilots[0], "an isolation change compiles afresh")
	assert.False(t, y.CanSee(ids[0], ids[2500]))
}

// TestMemberHash checks the look-up of members through the perfect hash: every
// member is found at its own slot, and IDs of no member (the zero ID among them) are
// found nowhere, whatever record their position holds.
func TestMemberHash(t *testing.T) {
	ctx := context.Background()
	svc, snap := newAcmeDirectory(t)
	var cmds []orgkit.Command
	for i := range 40 {
		cmds = append(cmds, member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("m" + strconv.Itoa(i)),
			Email: "m" + strconv.Itoa(i) + "@acme.test", LoginMethod: member.LoginByEmail, Primary: snap.Root()})
	}
	res, err := svc.Apply(ctx, snap.ID(), directory.Meta{}, cmds...)
	require.NoError(t, err)
	x := Compile(res.Snapshot)
	for s := range res.Snapshot.MemberCount() {
		id := membersOf(res.Snapshot).At(s).ID
		require.Equal(t, int32(s), x.slot(id))
	}
	ada := membersOf(res.Snapshot).At(0).ID
	require.True(t, x.CanSee(ada, membersOf(res.Snapshot).At(1).ID))
	free := 0
	for _, chunk := range x.mp.entries {
		for _, e := range chunk {
			if e.slot1 == 0 {
				free++
			}
		}
	}
	require.Positive(t, free, "some positions hold no member")
	unknown := []orgkit.MemberID{{}}
	for range 2000 {
		unknown = append(unknown, orgkit.NewMemberID())
	}
	for _, u := range unknown {
		require.Equal(t, int32(-1), x.slot(u))
		assert.False(t, x.CanRead(u, res.Snapshot.Root()))
		assert.False(t, x.CanSee(ada, u))
		assert.False(t, x.CanSee(u, ada))
		assert.False(t, x.CanSee(u, u))
	}
}

// TestJoinersAreHashed adds members one at a time: each is found at once, through
// memberPart.extra, and once joiners are many the index is compiled afresh, so the
// map stays small.
func TestJoinersAreHashed(t *testing.T) {
	ctx := context.Background()
	svc, snap := newAcmeDirectory(t)
	ada := membersOf(snap).At(0).ID
	x := Compile(snap)
	compiles := 0
	for i := range 600 {
		id := orgkit.NewMemberID()
		res, err := svc.Apply(ctx, snap.ID(), directory.Meta{}, member.Create{ID: id, SystemName: orgkit.Name("m" + strconv.Itoa(i)),
			Email: "m" + strconv.Itoa(i) + "@acme.test", LoginMethod: member.LoginByEmail, Primary: snap.Root()})
		require.NoError(t, err)
		y := x.UpdateWith(res.Snapshot, res.ChangeSet)
		if y.np != x.np {
			compiles++
		}
		x = y
		require.Equal(t, int32(i+1), x.slot(id))
		require.True(t, x.CanSee(id, ada))
		require.True(t, x.CanSee(ada, id))
		require.LessOrEqual(t, len(x.mp.extra), x.np.known/16+256)
	}
	assert.Equal(t, 2, compiles, "compiled afresh at 258 and at 531 members")
}

// newAcmeDirectory creates a directory in memory whose one member is its founder, ada.
func newAcmeDirectory(t *testing.T) (*directory.Service, *directory.Snapshot) {
	t.Helper()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(context.Background(), directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "ada", Email: "ada@acme.test"}})
	require.NoError(t, err)
	return svc, snap
}

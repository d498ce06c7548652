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
	"github.com/orgkit/orgkit/store"
)

// TestUpdateReuses checks what Update shares with the previous index: everything
// derived from the tree after member edits and renames, nothing after an isolation
// change; and member chunks other than the edited member's.
func TestUpdateReuses(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "ada", Email: "ada@acme.test"}})
	require.NoError(t, err)
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
	res, err := svc.Apply(ctx, snap.ID(), store.Meta{}, cmds...)
	require.NoError(t, err)
	x := Compile(res.Snapshot)

	edit := func(c orgkit.Command) *Index {
		t.Helper()
		res, err := svc.Apply(ctx, snap.ID(), store.Meta{}, c)
		require.NoError(t, err)
		return x.Update(res.Snapshot)
	}
	with := func(c orgkit.Command) *Index {
		t.Helper()
		res, err := svc.Apply(ctx, snap.ID(), store.Meta{}, c)
		require.NoError(t, err)
		return x.UpdateWith(res.Snapshot, res.ChangeSet)
	}
	y := with(member.Update{ID: ids[10], Fields: []member.Field{member.Primary}, Value: member.Member{Primary: b}})
	assert.Same(t, x.np, y.np, "UpdateWith keeps the tree part")
	assert.Same(t, &x.mp.recs[1][0], &y.mp.recs[1][0], "UpdateWith copies only the edited member's chunk")
	assert.True(t, y.Receives(b, ids[10]))
	x = y
	y = edit(member.Update{ID: ids[2500], Fields: []member.Field{member.Primary}, Value: member.Member{Primary: b}})
	assert.Same(t, x.np, y.np, "a member edit keeps the tree part")
	assert.Same(t, &x.mp.recs[0][0], &y.mp.recs[0][0], "untouched chunks are shared")
	assert.NotSame(t, &x.mp.recs[2][0], &y.mp.recs[2][0], "the edited member's chunk is copied")
	assert.True(t, y.Receives(b, ids[2500]))
	assert.False(t, x.Receives(b, ids[2500]), "the old index is unchanged")

	x = y
	y = edit(orgtree.Rename{Node: b, Name: orgkit.Name("B2")})
	assert.NotSame(t, x.np, y.np)
	assert.Same(t, &x.np.members.e[0], &y.np.members.e[0], "a rename keeps the member table")
	assert.Same(t, x.mp, y.mp, "a rename keeps the member part")
	assert.Equal(t, "B2", y.ExplainInGroup(b, ids[2500]).names[1].Default)

	x = y
	y = edit(orgtree.SetIsolation{Node: b, Isolation: orgtree.Isolation{HideFromOutside: true}})
	assert.NotSame(t, &x.np.members.e[0], &y.np.members.e[0], "an isolation change compiles afresh")
	assert.False(t, y.CanSee(ids[0], ids[2500]))
}

// TestSharedFingerprints shrinks the fingerprints to 4 bits so that members share
// them: the 64-bit check must still tell them apart, and unknown IDs must match
// nobody.
func TestSharedFingerprints(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "ada", Email: "ada@acme.test"}})
	require.NoError(t, err)
	var cmds []orgkit.Command
	for i := range 40 {
		cmds = append(cmds, member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("m" + strconv.Itoa(i)),
			Email: "m" + strconv.Itoa(i) + "@acme.test", LoginMethod: member.LoginByEmail, Primary: snap.Root()})
	}
	res, err := svc.Apply(ctx, snap.ID(), store.Meta{}, cmds...)
	require.NoError(t, err)
	x := Compile(res.Snapshot)
	ids := x.np.members.ids
	tiny := memberTable{e: make([]mbucket, 128), ids: ids, seed: [3]uint64{1, 2, 3}, shift: 64 - 7, slotBits: 59}
	shared := map[uint64]int{}
	for s := range ids {
		tiny.add(&ids[s], s)
		shared[hash64(&ids[s], 1)&(1<<4-1)]++
	}
	require.Less(t, len(shared), len(ids), "fingerprints are shared")
	x.np.members = tiny
	for s := range ids {
		got, _ := tiny.probe(&ids[s])
		require.Equal(t, int32(s), got)
	}
	ada := orgkit.MemberID(ids[0])
	require.True(t, x.CanSee(ada, orgkit.MemberID(ids[1])))
	for range 2000 {
		u := orgkit.NewMemberID()
		s, _ := tiny.probe((*[16]byte)(&u))
		require.Equal(t, int32(-1), s)
		assert.False(t, x.CanRead(u, res.Snapshot.Root()))
		assert.False(t, x.CanSee(ada, u))
	}
}

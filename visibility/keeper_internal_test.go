package visibility

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// The keeper updates its index incrementally: after member edits, made by its own
// service or by another on the same store, the new index shares everything derived
// from the tree with the previous one, which compiling afresh would not.
func TestKeeperUpdatesFromChangeSets(t *testing.T) {
	ctx := context.Background()
	svc, snap := newAcmeDirectory(t)
	other := directory.New(directory.Options{Store: svc.Store()})
	dept, m := orgkit.NewNodeID(), orgkit.NewMemberID()
	_, err := svc.Apply(ctx, snap.ID(), directory.Meta{},
		orgtree.Create{ID: dept, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("A")},
		member.Create{ID: m, SystemName: orgkit.Name("m"), Email: "m@acme.test", LoginMethod: member.LoginByEmail, Primary: dept})
	require.NoError(t, err)
	k := NewKeeper(svc)
	defer k.Close()
	first, err := k.Index(ctx, snap.ID())
	require.NoError(t, err)

	prev := first
	for i, s := range []*directory.Service{svc, other, svc} {
		_, err = s.Apply(ctx, snap.ID(), directory.Meta{}, member.Update{ID: m, Fields: []member.Field{member.JobTitleField},
			Value: member.Member{JobTitle: string(rune('A' + i))}})
		require.NoError(t, err)
		next, err := k.Index(ctx, snap.ID())
		require.NoError(t, err)
		assert.Equal(t, prev.snap.Version()+1, next.snap.Version(), "edit %d", i)
		assert.Same(t, prev.np, next.np, "edit %d: the tree part is shared, not compiled afresh", i)
		prev = next
	}
}

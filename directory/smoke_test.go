package directory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	rd, alice := orgkit.NewNodeID(), orgkit.NewMemberID()
	res, err := svc.Apply(ctx, dir.ID(), store.Meta{Actor: "admin"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: alice, SystemName: orgkit.Name("alice"), FullName: "Alice", Mobile: "13900000001", Primary: rd},
		orgtree.SetManager{Node: rd, Member: alice},
	)
	require.NoError(t, err)
	t.Log(res.ChangeSet.Version, len(res.ChangeSet.Changes))
	n, _ := res.Snapshot.Node(rd)
	require.Equal(t, alice, n.Manager)
}

package directory_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// plainStore hides memstore's optional interfaces.
type plainStore struct{ store.Store }

func TestEraseNeedsAnEraser(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{Store: plainStore{memstore.New()}})
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	id := orgkit.NewMemberID()
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{}, member.Create{ID: id, SystemName: orgkit.Name("bo"), FullName: "Bo", Mobile: "13900000001"},
		member.Deactivate{Members: []orgkit.MemberID{id}})
	require.NoError(t, err)
	_, err = svc.Erase(ctx, dir.ID(), id, directory.Meta{Actor: "dpo"})
	assert.ErrorIs(t, err, orgkit.ErrPrecondition)
}

func TestErasePinnedToAVersion(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	id := orgkit.NewMemberID()
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{}, member.Create{ID: id, SystemName: orgkit.Name("bo"), FullName: "Bo", Mobile: "13900000001"},
		member.Deactivate{Members: []orgkit.MemberID{id}})
	require.NoError(t, err)
	_, err = svc.Erase(ctx, dir.ID(), id, directory.Meta{Actor: "dpo", IfVersion: res.Snapshot.Version() - 1})
	assert.ErrorIs(t, err, orgkit.ErrConflict, "a stale pinned version")
	snap, err := svc.Erase(ctx, dir.ID(), id, directory.Meta{Actor: "dpo", IfVersion: res.Snapshot.Version()},
		member.MobileField, member.FullNameField)
	require.NoError(t, err)
	m, _ := snap.Member(id)
	assert.Empty(t, m.Mobile)
	assert.Empty(t, m.FullName)
	assert.Equal(t, "bo", m.SystemName.Default, "fields not asked for are kept")
}

func ExampleService_Erase() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // memstore can erase
	dir, _ := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	eve := orgkit.NewMemberID()
	_, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "hr"},
		member.Create{ID: eve, SystemName: orgkit.Name("eve"), FullName: "Eve", Mobile: "13900000001"})
	if err != nil {
		panic(err)
	}
	// Eve leaves and asks for her personal data to be erased.
	if _, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "hr"}, member.Resign{Members: []orgkit.MemberID{eve}}); err != nil {
		panic(err)
	}
	snap, err := svc.Erase(ctx, dir.ID(), eve, directory.Meta{Actor: "dpo", Reason: "erasure request"})
	if err != nil {
		panic(err)
	}
	m, _ := snap.Member(eve)
	fmt.Printf("%q %q %v\n", m.FullName, m.Mobile, m.SystemName.Default == store.Pseudonym(eve).Default)
	// Output: "" "" true
}

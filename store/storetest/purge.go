package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/store"
)

func testPurge(t *testing.T, s store.Store) {
	p, ok := s.(store.Purger)
	if !ok {
		t.Skip("the store does not implement store.Purger")
	}
	ctx := t.Context()
	def, gone, kept := newDirectory(), newDirectory(), newDirectory()
	def.Default = true
	for _, d := range []store.DirectoryRecord{def, gone, kept} {
		require.NoError(t, s.CreateDirectory(ctx, d))
		_, err := s.Commit(ctx, d.ID, 0, changeSet(memberChange(nil, newMember("Ada")), nodeChange(nil, newNode("Sales"))))
		require.NoError(t, err)
	}
	keptRecs, err := s.Load(ctx, kept.ID)
	require.NoError(t, err)

	purge := store.Purge{Actor: "admin", Reason: "customer left", Time: timestamp()}
	assert.ErrorIs(t, p.Purge(ctx, orgkit.NewDirectoryID(), purge), orgkit.ErrNotFound, "an unknown directory")
	assert.ErrorIs(t, p.Purge(ctx, def.ID, purge), orgkit.ErrPrecondition, "the default directory without Force")
	_, err = s.Load(ctx, def.ID)
	require.NoError(t, err, "a refused purge removes nothing")

	require.NoError(t, p.Purge(ctx, gone.ID, purge))
	_, err = s.Load(ctx, gone.ID)
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "Load of a purged directory")
	_, err = s.Changes(ctx, gone.ID, 0, 10)
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "Changes of a purged directory")
	_, err = s.Commit(ctx, gone.ID, 1, changeSet(memberChange(nil, newMember("Bob"))))
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "Commit to a purged directory")
	assert.ErrorIs(t, p.Purge(ctx, gone.ID, purge), orgkit.ErrNotFound, "a second purge")
	dirs, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, sortedDirectories(def, kept), dirs, "Directories no longer lists it")
	got, err := s.Load(ctx, kept.ID)
	require.NoError(t, err)
	assertRecords(t, keptRecs, got)

	again := newDirectory()
	again.ID, again.Key = gone.ID, gone.Key
	require.NoError(t, s.CreateDirectory(ctx, again), "the purged directory's ID and key are free")
	recs, err := s.Load(ctx, again.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(0), recs.Head, "nothing of the purged directory is left")
	assert.Empty(t, recs.Members)

	forced := purge
	forced.Force = true
	require.NoError(t, p.Purge(ctx, def.ID, forced), "the default directory with Force")
	other := newDirectory()
	other.Default = true
	assert.NoError(t, s.CreateDirectory(ctx, other), "the store has no default directory any more")
}

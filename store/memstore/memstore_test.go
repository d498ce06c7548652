package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"

	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
	"github.com/orgkit/orgkit/store/storetest"
)

// TestConformance runs the conformance suite every Store must pass.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memstore.New() })
}

func newDir(t testing.TB, s *memstore.Store) store.DirectoryRecord {
	t.Helper()
	id := orgkit.NewDirectoryID()
	d := store.DirectoryRecord{ID: id, Key: "d-" + id.String(), Name: orgkit.Name("Acme"), Root: orgkit.NewNodeID()}
	require.NoError(t, s.CreateDirectory(context.Background(), d))
	return d
}

func TestCreateDirectoryInvalid(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	assert.ErrorIs(t, s.CreateDirectory(ctx, store.DirectoryRecord{Key: "acme"}), orgkit.ErrInvalid, "zero ID")
	assert.ErrorIs(t, s.CreateDirectory(ctx, store.DirectoryRecord{ID: orgkit.NewDirectoryID()}), orgkit.ErrInvalid, "empty key")
	dirs, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Empty(t, dirs)
}

func TestConflictReturnsHead(t *testing.T) {
	s := memstore.New()
	d := newDir(t, s)
	cs := func() *store.ChangeSet {
		return &store.ChangeSet{ID: store.NewChangeSetID(), Changes: []store.Change{{Kind: store.KindMember, After: &member.Member{ID: orgkit.NewMemberID()}}}}
	}
	for base := range uint64(3) {
		_, err := s.Commit(t.Context(), d.ID, base, cs())
		require.NoError(t, err)
	}
	head, err := s.Commit(t.Context(), d.ID, 1, cs())
	require.ErrorIs(t, err, orgkit.ErrConflict)
	assert.Equal(t, uint64(3), head)
	assert.Contains(t, err.Error(), "is at version 3, not 1")
}

// The store keeps its own deep copy of a change set: a caller reusing it after Commit,
// or editing what Load or Changes returned, does not change the log.
func TestCallerCannotCorruptLog(t *testing.T) {
	s := memstore.New()
	d := newDir(t, s)
	m := &member.Member{ID: orgkit.NewMemberID(), FullName: "Ada"}
	cs := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "a"}, Changes: []store.Change{{Kind: store.KindMember, After: m}}}
	_, err := s.Commit(t.Context(), d.ID, 0, cs)
	require.NoError(t, err)

	given := m.Clone()
	cs.Version, cs.Meta.Actor = 99, "b"
	m.FullName = "Eve"
	cs.Changes[0] = store.Change{Kind: store.KindNode, After: &orgtree.Node{ID: orgkit.NewNodeID()}}
	log, err := s.Changes(t.Context(), d.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, log, 1)
	assert.Equal(t, uint64(1), log[0].Version)
	assert.Equal(t, "a", log[0].Meta.Actor)
	assert.Equal(t, given, log[0].Changes[0].After)

	log[0].Changes[0].After.(*member.Member).FullName = "Mallory"
	log[0] = nil
	recs, err := s.Load(t.Context(), d.ID)
	require.NoError(t, err)
	recs.Members[0].FullName = "Trudy"
	recs.Members[0] = nil
	log, err = s.Changes(t.Context(), d.ID, 0, 10)
	require.NoError(t, err)
	require.NotNil(t, log[0])
	assert.Equal(t, given, log[0].Changes[0].After)
	recs, err = s.Load(t.Context(), d.ID)
	require.NoError(t, err)
	assert.Equal(t, given, recs.Members[0])
}

// Readers and writers of several directories at once, for the race detector.
func TestConcurrentUse(t *testing.T) {
	s := memstore.New()
	dirs := []store.DirectoryRecord{newDir(t, s), newDir(t, s), newDir(t, s)}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := dirs[w%len(dirs)]
			for range 50 {
				recs, err := s.Load(t.Context(), d.ID)
				if !assert.NoError(t, err) {
					return
				}
				settings := recs.Directory
				settings.Name = orgkit.Name(fmt.Sprintf("writer %d", w))
				_, err = s.Commit(t.Context(), d.ID, recs.Head, &store.ChangeSet{ID: store.NewChangeSetID(), Changes: []store.Change{
					{Kind: store.KindMember, After: &member.Member{ID: orgkit.NewMemberID()}},
					{Kind: store.KindSettings, After: &settings},
				}})
				if err != nil && !errors.Is(err, orgkit.ErrConflict) {
					assert.NoError(t, err)
					return
				}
				_, err = s.Directories(t.Context())
				assert.NoError(t, err)
				_, err = s.Changes(t.Context(), d.ID, recs.Head/2, 10)
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	for _, d := range dirs {
		recs, err := s.Load(t.Context(), d.ID)
		require.NoError(t, err)
		assert.Len(t, recs.Members, int(recs.Head), "one member per committed change set")
		log, err := s.Changes(t.Context(), d.ID, 0, 1000)
		require.NoError(t, err)
		assert.Len(t, log, int(recs.Head))
	}
}

// BenchmarkCommit commits one member edit to a directory of 100,000 members: the
// cost is that of the edit, not of the directory.
func BenchmarkCommit(b *testing.B) {
	s := memstore.New()
	d := newDir(b, s)
	const size = 100_000
	changes := make([]store.Change, size)
	members := make([]*member.Member, size)
	for i := range changes {
		members[i] = &member.Member{ID: orgkit.NewMemberID(), FullName: fmt.Sprint("m", i)}
		changes[i] = store.Change{Kind: store.KindMember, After: members[i]}
	}
	ctx := context.Background()
	head, err := s.Commit(ctx, d.ID, 0, &store.ChangeSet{ID: store.NewChangeSetID(), Changes: changes})
	require.NoError(b, err)
	i := 0
	for b.Loop() {
		old := members[i%size]
		next := old.Clone()
		next.JobTitle = "edited"
		head, err = s.Commit(ctx, d.ID, head, &store.ChangeSet{ID: store.NewChangeSetID(), Changes: []store.Change{{Kind: store.KindMember, Before: old, After: next}}})
		if err != nil {
			b.Fatal(err)
		}
		members[i%size] = next
		i++
	}
}

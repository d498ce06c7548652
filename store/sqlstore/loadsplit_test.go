package sqlstore

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

// TestPostgresLoadInTwoHalves reads a table in two halves on two connections (as
// Load does for large tables) while another goroutine commits: every Load is one
// consistent version, with exactly the members committed up to its head.
func TestPostgresLoadInTwoHalves(t *testing.T) {
	dsn := freshSchemaDSN(t)
	p, err := OpenPostgres(t.Context(), dsn, PostgresOptions{})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	ctx := t.Context()
	d := store.DirectoryRecord{ID: orgkit.NewDirectoryID(), Name: orgkit.Name("Split"), Root: orgkit.NewNodeID(),
		AdminRole: orgkit.NewRoleID(), CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	d.Key = "split-" + d.ID.String()
	require.NoError(t, p.CreateDirectory(ctx, d))
	const first = 3000 // several pages
	cs := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "test"}}
	for i := range first {
		cs.Changes = append(cs.Changes, store.Change{Kind: store.KindMember,
			After: &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprintf("m%05d", i)), FullName: "Member"}})
	}
	_, err = p.Commit(ctx, d.ID, 0, cs)
	require.NoError(t, err)

	whole, err := p.Load(ctx, d.ID)
	require.NoError(t, err)
	p.splitPages = 1 // from now on every Load is split
	split, err := p.Load(ctx, d.ID)
	require.NoError(t, err)
	assertRecordsEqual(t, whole, split)

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for v := uint64(1); !stop.Load(); v++ {
			_, err := p.Commit(ctx, d.ID, v, &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "test"},
				Changes: []store.Change{{Kind: store.KindMember, After: &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprintf("late%d", v))}}}})
			if !assert.NoError(t, err) {
				return
			}
		}
	})
	for range 10 {
		recs, err := p.Load(ctx, d.ID)
		require.NoError(t, err)
		assert.Equal(t, first+int(recs.Head)-1, len(recs.Members), "a split Load at head %d holds the members of that version, no more, no fewer", recs.Head)
	}
	stop.Store(true)
	wg.Wait()

	// Loads racing for a small pool never wait for each other's second connection.
	small, err := OpenPostgres(ctx, withParam(dsn, "pool_max_conns", "2"), PostgresOptions{})
	require.NoError(t, err)
	defer small.Close()
	small.splitPages = 1
	var loads sync.WaitGroup
	for range 8 {
		loads.Go(func() {
			recs, err := small.Load(ctx, d.ID)
			if assert.NoError(t, err) {
				assert.Equal(t, first+int(recs.Head)-1, len(recs.Members))
			}
		})
	}
	loads.Wait()
}

// assertRecordsEqual compares two loads regardless of order.
func assertRecordsEqual(t *testing.T, want, got *store.Records) {
	t.Helper()
	assert.Equal(t, want.Head, got.Head)
	byID := map[orgkit.MemberID]*member.Member{}
	for _, m := range want.Members {
		byID[m.ID] = m
	}
	require.Len(t, got.Members, len(want.Members))
	for _, m := range got.Members {
		assert.Equal(t, byID[m.ID], m)
	}
}

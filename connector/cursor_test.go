package connector_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
)

// TestCursorAdvancesOnlyOnSuccess: the cursor a delta sync returns moves on only when
// the sync succeeded (committed, or nothing to do); after a dry run, a refusal or an
// error it stays where it was, so the next sync from it still sees every change.
func TestCursorAdvancesOnlyOnSuccess(t *testing.T) {
	e := newEnv(t, connectortest.Generate(connectortest.GenerateOptions{Seed: 7, Departments: 10, Members: 100}))
	cursor := e.sync(connector.SyncOptions{}).Cursor
	require.NotEmpty(t, cursor)
	ids := e.src.MemberIDs()
	for _, ext := range ids[:30] {
		e.src.RemoveMember(ext)
	}

	rep := e.sync(connector.SyncOptions{Cursor: cursor, DryRun: true, PlanOptions: connector.PlanOptions{Force: true}})
	assert.Equal(t, 30, rep.Counts[connector.MemberDeactivate])
	assert.Equal(t, cursor, rep.Cursor, "a dry run does not advance the cursor")

	rep, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{Cursor: rep.Cursor})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	assert.Equal(t, cursor, rep.Cursor, "a refused plan does not advance the cursor")

	boom := errors.New("connection reset")
	e.src.FailNextFetch(boom)
	rep, err = connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{Cursor: rep.Cursor})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, cursor, rep.Cursor, "a failed fetch does not advance the cursor")

	// from the cursor returned, the refused removals are still seen
	rep = e.sync(connector.SyncOptions{Cursor: rep.Cursor, PlanOptions: connector.PlanOptions{Force: true}})
	assert.True(t, rep.Committed)
	assert.Equal(t, 30, rep.Counts[connector.MemberDeactivate])
	assert.NotEqual(t, cursor, rep.Cursor, "a committed sync advances the cursor")

	// an empty plan is a success too
	next := rep.Cursor
	e.src.EditMember(ids[50], func(*connector.Member) {}) // touched upstream, nothing changed
	rep = e.sync(connector.SyncOptions{Cursor: next})
	assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)
	assert.NotEqual(t, next, rep.Cursor, "an empty plan advances the cursor")

	// a full sync of a delta source starts the cursor; a refused one does not
	for _, ext := range ids[30:60] {
		e.src.RemoveMember(ext)
	}
	rep, err = connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	assert.Empty(t, rep.Cursor, "a refused full sync gives no cursor")
}

// TestExpiredCursorFallsBackToFullFetch: a cursor the source no longer knows is
// ErrCursorExpired; Sync fetches everything instead, and the cursor it returns works.
func TestExpiredCursorFallsBackToFullFetch(t *testing.T) {
	e := newEnv(t, smallSource())
	cursor := e.sync(connector.SyncOptions{}).Cursor
	e.src.EditMember("u4", func(m *connector.Member) { m.Values.JobTitle = "Kernel Hacker" })
	e.src.RemoveMember("u10")
	e.src.ExpireCursors()

	_, err := e.src.FetchChanges(e.ctx, cursor)
	require.ErrorIs(t, err, connector.ErrCursorExpired)

	fetches := e.src.Fetches()
	rep := e.sync(connector.SyncOptions{Cursor: cursor})
	assert.True(t, rep.CursorExpired)
	assert.Equal(t, 2, e.src.Fetches()-fetches, "the refused delta, then everything")
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1, connector.MemberDeactivate: 1}, rep.Counts)
	require.NotEmpty(t, rep.Cursor)
	assert.NotEqual(t, cursor, rep.Cursor)

	e.src.EditMember("u5", func(m *connector.Member) { m.Values.JobTitle = "Architect" })
	rep = e.sync(connector.SyncOptions{Cursor: rep.Cursor})
	assert.False(t, rep.CursorExpired)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1}, rep.Counts)

	// the full fetch that replaces an expired delta is refused: no cursor, so the next
	// sync starts with a full fetch
	cursor = rep.Cursor
	for _, ext := range []string{"u1", "u2", "u3", "u4"} {
		e.src.RemoveMember(ext)
	}
	e.src.ExpireCursors()
	rep, err = connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{Cursor: cursor})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	assert.True(t, rep.CursorExpired)
	assert.Empty(t, rep.Cursor)
}

package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

// commitMember commits one new member to dir at base through s.
func commitMember(t *testing.T, s store.Store, dir orgkit.DirectoryID, base uint64) uint64 {
	t.Helper()
	head, err := s.Commit(t.Context(), dir, base, &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "test"},
		Changes: []store.Change{{Kind: store.KindMember, After: &member.Member{ID: orgkit.NewMemberID(), FullName: "M"}}}})
	require.NoError(t, err)
	return head
}

// awaitNotice waits for a notice that matches.
func awaitNotice(t *testing.T, ch <-chan store.Notice, what string, match func(store.Notice) bool) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case n := <-ch:
			if match(n) {
				return
			}
		case <-timeout:
			t.Fatalf("no notice: %s", what)
		}
	}
}

func TestPostgresListenerReconnects(t *testing.T) {
	const app = "orgkit-listener-test"
	dsn := withParam(freshSchemaDSN(t), "application_name", app)
	watcher := newPostgresOn(t, dsn)
	writer := newPostgresOn(t, dsn)
	ctx := t.Context()
	d := store.DirectoryRecord{ID: orgkit.NewDirectoryID(), Name: orgkit.Name("Listen"), Root: orgkit.NewNodeID(),
		AdminRole: orgkit.NewRoleID(), CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	d.Key = "listen-" + d.ID.String()
	require.NoError(t, writer.CreateDirectory(ctx, d))

	ch := make(chan store.Notice, 1024)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	require.NoError(t, watcher.Watch(wctx, func(n store.Notice) { ch <- n }))
	head := commitMember(t, writer, d.ID, 0)
	awaitNotice(t, ch, "another store's commit", func(n store.Notice) bool { return n.Directory == d.ID && n.Head == head })

	// The server ends the listening connection: subscribers hear that delivery
	// stopped, then that it resumed, and commits are announced again.
	var killed int
	require.NoError(t, writer.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query ILIKE 'LISTEN%'`, app).Scan(&killed))
	require.Equal(t, 1, killed, "one listening connection")
	awaitNotice(t, ch, "interrupted", func(n store.Notice) bool { return n.Directory.IsZero() && n.Interrupted })
	awaitNotice(t, ch, "resumed", func(n store.Notice) bool { return n.Directory.IsZero() && !n.Interrupted })
	head = commitMember(t, writer, d.ID, head)
	awaitNotice(t, ch, "a commit after the reconnect", func(n store.Notice) bool { return n.Directory == d.ID && n.Head == head })

	// After Close, Watch refuses.
	watcher.Close()
	assert.Error(t, watcher.Watch(ctx, func(store.Notice) {}))
}

func TestSQLiteNoticesOtherProcesses(t *testing.T) {
	path := sqlitePath(t)
	watcher, err := OpenSQLite(t.Context(), path, SQLiteOptions{PollInterval: 5 * time.Millisecond})
	require.NoError(t, err)
	defer watcher.Close()
	writer, err := OpenSQLite(t.Context(), path, SQLiteOptions{}) // as another process would
	require.NoError(t, err)
	defer writer.Close()
	ctx := t.Context()
	d := store.DirectoryRecord{ID: orgkit.NewDirectoryID(), Name: orgkit.Name("Poll"), Root: orgkit.NewNodeID(),
		AdminRole: orgkit.NewRoleID(), CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	d.Key = "poll-" + d.ID.String()
	require.NoError(t, writer.CreateDirectory(ctx, d))
	ch := make(chan store.Notice, 1024)
	require.NoError(t, watcher.Watch(ctx, func(n store.Notice) { ch <- n }))
	var head uint64
	for range 3 {
		head = commitMember(t, writer, d.ID, head)
		awaitNotice(t, ch, "another handle's commit", func(n store.Notice) bool { return n.Directory == d.ID && n.Head == head })
	}
	require.NoError(t, watcher.Close())
	assert.Error(t, watcher.Watch(ctx, func(store.Notice) {}), "Watch on a closed store")
}

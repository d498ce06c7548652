package sqlstore

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/storetest"
)

// commitCanary commits a member whose full name is a distinctive value that is not
// erased, and returns the value: a scan of the files must find it, which shows that
// the scan reads where the store writes.
func commitCanary(t *testing.T, s store.Store, dir orgkit.DirectoryID) string {
	t.Helper()
	ctx := t.Context()
	recs, err := s.Load(ctx, dir)
	require.NoError(t, err)
	canary := "canary-" + uuid.NewString()
	m := &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(canary), FullName: canary}
	_, err = s.Commit(ctx, dir, recs.Head, &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "test"},
		Changes: []store.Change{{Kind: store.KindMember, After: m}}})
	require.NoError(t, err)
	return canary
}

// scanFiles reports which of the values occur in the files.
func scanFiles(t *testing.T, files []string, values []string) (found map[string]string) {
	t.Helper()
	found = map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		for _, v := range values {
			if bytes.Contains(data, []byte(v)) {
				found[v] = f
			}
		}
	}
	return found
}

func TestSQLiteEraseLeavesNothingInTheFile(t *testing.T) {
	path := sqlitePath(t)
	s, err := OpenSQLite(t.Context(), path, SQLiteOptions{})
	require.NoError(t, err)
	defer s.Close()
	erased := storetest.Erase(t, s)
	canary := commitCanary(t, s, erased.Directory)
	require.NoError(t, s.Compact(t.Context()))
	require.NoError(t, s.Close())

	files, err := filepath.Glob(path + "*") // the database, its WAL and shared-memory files
	require.NoError(t, err)
	found := scanFiles(t, files, append([]string{canary}, erased.Values...))
	assert.Contains(t, found, canary, "the scan finds a value that was not erased")
	delete(found, canary)
	assert.Empty(t, found, "erased values left in the database files (value → file)")
}

func TestPostgresEraseLeavesNothingInTheTables(t *testing.T) {
	p := newPostgres(t)
	ctx := t.Context()
	var dataDir string
	if err := p.pool.QueryRow(ctx, `SHOW data_directory`).Scan(&dataDir); err != nil {
		t.Skipf("the test user cannot see the server's data directory: %v", err)
	}
	erased := storetest.Erase(t, p)
	canary := commitCanary(t, p, erased.Directory)
	require.NoError(t, p.Compact(ctx))
	if _, err := p.pool.Exec(ctx, `CHECKPOINT`); err != nil {
		t.Skipf("the test user cannot CHECKPOINT, so the files may lag: %v", err)
	}
	var files []string
	rows, err := p.pool.Query(ctx, `
		SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')
		UNION ALL
		SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltoastrelid <> 0`)
	require.NoError(t, err)
	for rows.Next() {
		var f string
		require.NoError(t, rows.Scan(&f))
		files = append(files, filepath.Join(dataDir, f))
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, files)
	if _, err := os.Stat(files[0]); err != nil {
		t.Skipf("the test cannot read the server's files (run it on the server's machine as its owner or root): %v", err)
	}
	found := scanFiles(t, files, append([]string{canary}, erased.Values...))
	assert.Contains(t, found, canary, "the scan finds a value that was not erased")
	delete(found, canary)
	assert.Empty(t, found, "erased values left in the table files (value → file)")
}

package sqlstore

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
)

// instances is how many stores open one fresh database at once.
const instances = 6

func TestPostgresMigrationsAtOnce(t *testing.T) {
	dsn := freshSchemaDSN(t)
	stores := make([]*Postgres, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() { stores[i], errs[i] = OpenPostgres(context.Background(), dsn, PostgresOptions{}) })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "instance %d", i)
		defer stores[i].Close()
	}
	var versions, rows int
	require.NoError(t, stores[0].pool.QueryRow(t.Context(), `SELECT count(DISTINCT version), count(*) FROM orgkit_schema`).Scan(&versions, &rows))
	assert.Equal(t, len(pgMigrations), versions, "every migration applied")
	assert.Equal(t, len(pgMigrations), rows, "each migration applied once")

	// Opening again applies nothing and works.
	again, err := OpenPostgres(t.Context(), dsn, PostgresOptions{})
	require.NoError(t, err)
	again.Close()
	require.NoError(t, stores[0].pool.QueryRow(t.Context(), `SELECT count(*) FROM orgkit_schema`).Scan(&rows))
	assert.Equal(t, len(pgMigrations), rows)

	// A database from a newer program is refused.
	_, err = stores[0].pool.Exec(t.Context(), `INSERT INTO orgkit_schema (version) VALUES ($1)`, len(pgMigrations)+1)
	require.NoError(t, err)
	_, err = OpenPostgres(t.Context(), dsn, PostgresOptions{})
	assert.ErrorIs(t, err, orgkit.ErrPrecondition, "a schema newer than the program")
}

func TestSQLiteMigrationsAtOnce(t *testing.T) {
	path := sqlitePath(t)
	stores := make([]*SQLite, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() { stores[i], errs[i] = OpenSQLite(context.Background(), path, SQLiteOptions{}) })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "instance %d", i)
		defer stores[i].Close()
	}
	var versions, rows int
	require.NoError(t, stores[0].r.QueryRowContext(t.Context(), `SELECT count(DISTINCT version), count(*) FROM orgkit_schema`).Scan(&versions, &rows))
	assert.Equal(t, len(sqliteMigrations), versions, "every migration applied")
	assert.Equal(t, len(sqliteMigrations), rows, "each migration applied once")

	_, err := stores[0].w.ExecContext(t.Context(), `INSERT INTO orgkit_schema (version, applied_at) VALUES (?, '')`, len(sqliteMigrations)+1)
	require.NoError(t, err)
	_, err = OpenSQLite(t.Context(), path, SQLiteOptions{})
	assert.ErrorIs(t, err, orgkit.ErrPrecondition, "a schema newer than the program")
}

func TestSQLitePathRefused(t *testing.T) {
	for _, path := range []string{"", "x.db?mode=ro", "a#b"} {
		_, err := OpenSQLite(t.Context(), path, SQLiteOptions{})
		assert.ErrorIs(t, err, orgkit.ErrInvalid, "path %q", path)
	}
}

package sqlstore

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// postgresEnv names the environment variable that holds the DSN of a PostgreSQL
// database the tests may use (each test works in a schema of its own).
const postgresEnv = "ORGKIT_POSTGRES_DSN"

// postgresDSN returns the test database's DSN, or skips the test.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to a database DSN (for example postgres://postgres@127.0.0.1:5432/postgres) to run them", postgresEnv)
	}
	return dsn
}

// freshSchemaDSN creates an empty schema in the test database and returns a DSN
// whose connections work in it; the schema is dropped when the test ends.
func freshSchemaDSN(t testing.TB) string {
	t.Helper()
	dsn := postgresDSN(t)
	schema := "orgkit_test_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	admin, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	_, err = admin.Exec(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	admin.Close(context.Background())
	t.Cleanup(func() {
		admin, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			return
		}
		defer admin.Close(context.Background())
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") //nolint:errcheck // best effort
	})
	return withParam(dsn, "search_path", schema)
}

// withParam adds a run-time parameter to a DSN in URL or key=value form.
func withParam(dsn, key, value string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return fmt.Sprintf("%s %s=%s", dsn, key, value)
}

// newPostgres opens a store on a fresh schema, closed when the test ends.
func newPostgres(t testing.TB) *Postgres {
	t.Helper()
	p, err := OpenPostgres(context.Background(), freshSchemaDSN(t), PostgresOptions{})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// sqlitePath returns a database file path in the test's temporary directory.
func sqlitePath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "orgkit.db")
}

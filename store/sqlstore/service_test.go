package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/directory/directorytest"
	"github.com/orgkit/orgkit/store"
)

func TestPostgresService(t *testing.T) {
	postgresDSN(t)
	directorytest.Run(t, func(t *testing.T) directorytest.Opener {
		dsn := freshSchemaDSN(t)
		return func(t *testing.T) store.Store {
			p, err := OpenPostgres(context.Background(), dsn, PostgresOptions{})
			require.NoError(t, err)
			t.Cleanup(p.Close)
			return p
		}
	})
}

func TestSQLiteService(t *testing.T) {
	directorytest.Run(t, func(t *testing.T) directorytest.Opener {
		path := sqlitePath(t)
		return func(t *testing.T) store.Store {
			s, err := OpenSQLite(context.Background(), path, SQLiteOptions{})
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

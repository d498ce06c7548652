package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/storetest"
)

// newSQLite opens a store on a fresh file, closed when the test ends.
func newSQLite(t testing.TB) *SQLite {
	t.Helper()
	s, err := OpenSQLite(context.Background(), sqlitePath(t), SQLiteOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newSQLite(t) })
}

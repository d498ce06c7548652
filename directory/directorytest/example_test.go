package directorytest_test

import (
	"testing"

	"github.com/orgkit/orgkit/directory/directorytest"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// A host checks its store under the service by calling Run from a test, with a
// function that creates a fresh, empty database per sub-test and returns how to open
// one more handle on it (one per simulated app instance). Here the "database" is one
// in-memory store that every instance shares; a database-backed store would create
// an empty test database and open a new connection pool per handle. (The example is
// not run: the suite needs the *testing.T of a real test.)
func ExampleRun() {
	service := func(t *testing.T) {
		directorytest.Run(t, func(*testing.T) directorytest.Opener {
			db := memstore.New()
			return func(*testing.T) store.Store { return db }
		})
	}
	_ = service // called from func TestService(t *testing.T) in a _test.go file
}

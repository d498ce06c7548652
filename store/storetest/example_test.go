package storetest_test

import (
	"testing"

	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
	"github.com/orgkit/orgkit/store/storetest"
)

// A host proves its Store by calling Run from a test, with a constructor that gives
// each sub-test a fresh, empty store. This is memstore's own conformance test; a
// database-backed store would open an empty test database instead. (The example is
// not run: the suite needs the *testing.T of a real test.)
func ExampleRun() {
	conformance := func(t *testing.T) {
		storetest.Run(t, func(*testing.T) store.Store { return memstore.New() })
	}
	_ = conformance // called from func TestConformance(t *testing.T) in a _test.go file
}

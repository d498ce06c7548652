package directorytest_test

import (
	"testing"

	"github.com/orgkit/orgkit/directory/directorytest"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

func TestMemstore(t *testing.T) {
	directorytest.Run(t, func(t *testing.T) directorytest.Opener {
		s := memstore.New() // every instance shares the one in-memory store
		return func(*testing.T) store.Store { return s }
	})
}

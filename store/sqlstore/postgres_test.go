package sqlstore

import (
	"testing"

	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/storetest"
)

func TestPostgresConformance(t *testing.T) {
	postgresDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return newPostgres(t) })
}

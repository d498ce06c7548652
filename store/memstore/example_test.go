package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// Example shows the life of a directory in the store: create it, commit a change set
// at its head, read it back, and lose a race with a stale base version.
func Example() {
	ctx := context.Background()
	s := memstore.New()

	dir, root := orgkit.NewDirectoryID(), orgkit.NewNodeID()
	err := s.CreateDirectory(ctx, store.DirectoryRecord{
		ID: dir, Key: "acme", Name: orgkit.Name("Acme"), Root: root,
		Default: true, CreatedAt: time.Now().UTC(),
	})
	if err != nil {
		panic(err)
	}

	rd := orgkit.NewNodeID()
	cs := &store.ChangeSet{
		ID:   store.NewChangeSetID(),
		Meta: store.Meta{Actor: "admin", Reason: "set up", Origin: store.OriginAPI},
		Changes: []store.Change{
			{Kind: store.KindNode, After: &orgtree.Node{ID: root, Kind: orgtree.Company, Name: orgkit.Name("Acme")}},
			{Kind: store.KindNode, After: &orgtree.Node{ID: rd, Kind: orgtree.Department, Parent: root, Name: orgkit.Name("R&D")}},
		},
	}
	head, err := s.Commit(ctx, dir, 0, cs)
	if err != nil {
		panic(err)
	}
	fmt.Println("head:", head, "version:", cs.Version)

	recs, err := s.Load(ctx, dir)
	if err != nil {
		panic(err)
	}
	slices.SortFunc(recs.Nodes, func(a, b *orgtree.Node) int { return a.ID.Compare(b.ID) }) // Load's order is any
	for _, n := range recs.Nodes {
		fmt.Println(n.Kind, n.Name.Default)
	}

	// A writer still based on version 0 loses.
	_, err = s.Commit(ctx, dir, 0, &store.ChangeSet{ID: store.NewChangeSetID(), Changes: []store.Change{
		{Kind: store.KindNode, After: &orgtree.Node{ID: rd, Kind: orgtree.Department, Parent: root, Name: orgkit.Name("Research")}},
	}})
	fmt.Println("conflict:", errors.Is(err, orgkit.ErrConflict))

	log, err := s.Changes(ctx, dir, 0, 100)
	if err != nil {
		panic(err)
	}
	fmt.Println("change sets:", len(log), "by", log[0].Meta.Actor)
	// Output:
	// head: 1 version: 1
	// company Acme
	// department R&D
	// conflict: true
	// change sets: 1 by admin
}

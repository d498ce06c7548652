package store_test

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgtree"
)

// Every write is one change set in the directory's log, with before- and after-images.
func ExampleChangeSet() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, _ := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	rd := orgkit.NewNodeID()
	_, _ = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada", Reason: "new department"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")})
	_, _ = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada", Reason: "rename"},
		orgtree.Rename{Node: rd, Name: orgkit.Name("Research")})

	log, _ := svc.Store().Changes(ctx, dir.ID(), 1, 100) // after the directory's creation
	for _, cs := range log {
		c := cs.Changes[0]
		before := "(new)"
		if b, ok := c.Before.(*orgtree.Node); ok {
			before = b.Name.Default
		}
		fmt.Printf("v%d %s by %s: %s %s → %s\n", cs.Version, cs.Meta.Reason, cs.Meta.Actor, c.Kind,
			before, c.After.(*orgtree.Node).Name.Default)
	}
	// Output:
	// v2 new department by ada: node (new) → R&D
	// v3 rename by ada: node R&D → Research
}

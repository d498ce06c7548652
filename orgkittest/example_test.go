package orgkittest_test

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/store/memstore"
)

// Example generates a small directory, seeds it into the in-memory store, loads it
// with a directory service and prints what it holds.
func Example() {
	ctx := context.Background()
	d := orgkittest.Generate(orgkittest.SmallShape(1))

	st := memstore.New()
	if err := d.Seed(ctx, st); err != nil {
		panic(err)
	}
	snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
	if err != nil {
		panic(err)
	}

	s := d.Stats()
	fmt.Println("departments:", s.Departments, "organizations:", s.Organizations, "max depth:", s.MaxDepth)
	fmt.Println("members:", snap.MemberCount(), "inactive:", s.InactiveMembers, "unassigned:", s.Unassigned)
	fmt.Println("with a manager:", s.ManagedDepartments, "isolated nodes:", s.IsolatedNodes, "nested:", s.NestedIsolated)
	fmt.Println("org admins:", len(d.Admins()), "leader is an admin:", snap.IsOrgAdmin(d.Leader()))
	root, _ := snap.Node(snap.Root())
	fmt.Println("root:", root.Name.Default, "/", root.Name.ByLang["en"])
	// Output:
	// departments: 25 organizations: 1 max depth: 5
	// members: 207 inactive: 10 unassigned: 1
	// with a manager: 13 isolated nodes: 5 nested: 1
	// org admins: 3 leader is an admin: true
	// root: 示例科技集团 / Example Technology Group
}

// ExampleDirectory_Commands builds a generated directory through the write path: the
// genesis records first, then the rest as one batch of commands.
func ExampleDirectory_Commands() {
	ctx := context.Background()
	d := orgkittest.Generate(orgkittest.SmallShape(2))

	st := memstore.New()
	if err := d.SeedGenesis(ctx, st); err != nil {
		panic(err)
	}
	svc := directory.New(directory.Options{Store: st})
	cmds := append(d.Commands(), directory.SetLeader{Member: d.Leader()})
	res, err := svc.Apply(ctx, d.ID(), directory.Meta{Actor: "example"}, cmds...)
	if err != nil {
		panic(err)
	}
	fmt.Println("commands:", len(cmds), "changes:", len(res.ChangeSet.Changes))
	fmt.Println("version:", res.Snapshot.Version(), "nodes:", res.Snapshot.Tree().Len(), "members:", res.Snapshot.MemberCount())
	// Output:
	// commands: 282 changes: 280
	// version: 2 nodes: 29 members: 183
}

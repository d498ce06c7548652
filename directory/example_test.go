package directory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
)

func Example() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // in-memory store
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		panic(err)
	}

	// One batch creates a department and the member who manages it.
	rd, alice := orgkit.NewNodeID(), orgkit.NewMemberID()
	res, err := svc.Apply(ctx, dir.ID(), store.Meta{Actor: "ada", Reason: "set up R&D"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: alice, SystemName: orgkit.Name("alice"), FullName: "Alice", Mobile: "139 0000 0001", Primary: rd},
		orgtree.SetManager{Node: rd, Member: alice},
	)
	if err != nil {
		panic(err)
	}
	snap := res.Snapshot
	n, _ := snap.Node(rd)
	m, _ := snap.Member(n.Manager)
	fmt.Println(res.ChangeSet.Version, len(res.ChangeSet.Changes), m.FullName, m.Mobile)

	// A batch that breaks rules writes nothing and lists every violation.
	_, err = svc.Apply(ctx, dir.ID(), store.Meta{Actor: "ada"},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("r&d")},
		member.Deactivate{Members: []orgkit.MemberID{snap.Settings().Leader}},
	)
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) {
		for _, v := range inv.Violations {
			fmt.Println(v.Command, v.Code)
		}
	}
	// Output:
	// 2 2 Alice +8613900000001
	// 0 node.name.duplicate_sibling
	// 1 member.org_admin.last
}

package directory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
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
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada", Reason: "set up R&D"},
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
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada"},
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

// Names and codes hold no control or invisible formatting characters: a department
// whose name hides a right-to-left override, or whose code carries an escape
// sequence, is refused, naming the character. Imports and syncs obey the same rule.
func Example_forbiddenCharacters() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		panic(err)
	}
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada"},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: dir.Root(), Kind: orgtree.Department,
			Name: orgkit.Name("Payroll\u202efdp.exe"), Code: "PAY\x1b[0m"},
	)
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) {
		for _, v := range inv.Violations {
			fmt.Println(v.Code, v.Field, v.Detail)
		}
	}
	// Output:
	// text.forbidden_character name U+202E
	// text.forbidden_character code U+001B
}

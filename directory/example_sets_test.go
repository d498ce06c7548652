package directory_test

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// Set-valued fields — a node's assistants and observers, its two whitelists, a role's
// permissions — have intent commands that add or remove entries and keep the others,
// so that writers who do not know of each other never undo each other's work. A
// command that replaces the whole value says what it replaces, and is refused when
// that is no longer the value.
func Example_intentCommands() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		panic(err)
	}
	rd, bob, carol, seller := orgkit.NewNodeID(), orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewRoleID()
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), FullName: "Bob", Mobile: "13900000001", Primary: rd},
		member.Create{ID: carol, SystemName: orgkit.Name("carol"), FullName: "Carol", Mobile: "13900000002", Primary: rd},
		role.Create{ID: seller, Name: orgkit.Name("Seller"), Permissions: []string{"crm.read"}},
	)
	if err != nil {
		panic(err)
	}
	names := func(snap *directory.Snapshot, ids []orgkit.MemberID) []string {
		var out []string
		for _, id := range ids {
			out = append(out, snap.MemberName(id, language.English))
		}
		return out
	}

	// Two admins, each adding someone: both additions land.
	if _, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin 1"},
		orgtree.AddAssistants{Node: rd, Members: []orgkit.MemberID{bob}}); err != nil {
		panic(err)
	}
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin 2"},
		orgtree.AddAssistants{Node: rd, Members: []orgkit.MemberID{carol}},
		orgtree.AddToWhitelist{Node: rd, List: orgtree.ContactList, Members: []orgkit.MemberID{bob}},
		role.AddPermissions{ID: seller, Permissions: []string{"crm.write"}},
	)
	if err != nil {
		panic(err)
	}
	n, _ := res.Snapshot.Node(rd)
	r, _ := res.Snapshot.Role(seller)
	fmt.Println("assistants:", names(res.Snapshot, n.Assistants))
	fmt.Println("contact whitelist:", names(res.Snapshot, n.Isolation.ContactWhitelist.Members))
	fmt.Println("permissions:", r.Permissions)

	// A replacement built from an old read (when R&D had no assistants) is refused.
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin 3"},
		orgtree.SetAssistants{Node: rd, Members: []orgkit.MemberID{bob}, Replacing: nil})
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) {
		fmt.Println(inv.Violations[0].Code, "now:", inv.Violations[0].Value)
	}
	// Built from what is there now, it passes.
	res, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin 3"},
		orgtree.SetAssistants{Node: rd, Members: []orgkit.MemberID{bob}, Replacing: n.Assistants},
		orgtree.RemoveFromWhitelist{Node: rd, List: orgtree.ContactList, Members: []orgkit.MemberID{bob}},
	)
	if err != nil {
		panic(err)
	}
	n, _ = res.Snapshot.Node(rd)
	fmt.Println("assistants:", names(res.Snapshot, n.Assistants), "whitelisted:", len(n.Isolation.ContactWhitelist.Members))
	// Output:
	// assistants: [Bob Carol]
	// contact whitelist: [Bob]
	// permissions: [crm.read crm.write]
	// node.assistants.changed now: Bob, Carol
	// assistants: [Bob] whitelisted: 0
}

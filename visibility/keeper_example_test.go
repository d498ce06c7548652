package visibility_test

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/visibility"
)

// A Keeper gives each request the index of the directory as it is now: compiled on
// first use, then kept current from every change the service commits or catches up
// on — here, a hiding department that Eve is moved into.
func ExampleKeeper() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	keeper := visibility.NewKeeper(svc)
	defer keeper.Close()

	dir, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "Ada", Email: "ada@acme.test"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	sales, secret := orgkit.NewNodeID(), orgkit.NewNodeID()
	eve, sid := orgkit.NewMemberID(), orgkit.NewMemberID()
	person := func(id orgkit.MemberID, name string, dept orgkit.NodeID) member.Create {
		return member.Create{ID: id, SystemName: orgkit.Name(name), Email: name + "@acme.test",
			LoginMethod: member.LoginByEmail, Primary: dept}
	}
	if _, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"},
		orgtree.Create{ID: sales, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("Sales")},
		orgtree.Create{ID: secret, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("Secret"),
			Isolation: orgtree.Isolation{HideFromOutside: true}},
		person(eve, "Eve", sales), person(sid, "Sid", secret),
	); err != nil {
		fmt.Println(err)
		return
	}

	// In a request handler: one call, no index kept by hand.
	canSee := func() bool {
		idx, err := keeper.Index(ctx, dir.ID())
		if err != nil {
			return false
		}
		return idx.CanSee(eve, sid)
	}
	fmt.Println("Eve sees Sid:", canSee())

	if _, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"},
		member.Update{ID: eve, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: secret}},
	); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Eve sees Sid after moving into Secret:", canSee())
	// Output:
	// Eve sees Sid: false
	// Eve sees Sid after moving into Secret: true
}

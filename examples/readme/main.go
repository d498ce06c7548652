// Command readme is the program shown at the top of the README: a company with a
// department hidden from outsiders, and the contact and data-scope questions asked of
// it. Run it with: go run ./examples/readme
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/visibility"
)

func main() {
	// README begin
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // the in-memory store
	keeper := visibility.NewKeeper(svc)       // keeps each directory's index current
	defer keeper.Close()

	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		log.Fatal(err)
	}
	sales, rd := orgkit.NewNodeID(), orgkit.NewNodeID()
	alice, bob, carol := orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada", Reason: "set up"},
		orgtree.Create{ID: sales, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("Sales"),
			Isolation: orgtree.Isolation{HideFromOutside: true}}, // outsiders do not see Sales
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: alice, SystemName: orgkit.Name("alice"), FullName: "Alice", Mobile: "13900000001", Primary: sales},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), FullName: "Bob", Mobile: "13900000002", Primary: sales},
		member.Create{ID: carol, SystemName: orgkit.Name("carol"), FullName: "Carol", Mobile: "13900000003", Primary: rd},
		orgtree.SetManager{Node: sales, Member: alice},
	)
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) { // the batch broke rules: nothing was written
		for _, v := range inv.Violations {
			fmt.Println(v.Command, v.Code, v.Text(language.SimplifiedChinese))
		}
		return
	} else if err != nil {
		log.Fatal(err)
	}

	idx, err := keeper.Index(ctx, dir.ID()) // current with the directory, answers from memory
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(idx.CanSee(alice, bob))    // true: colleagues in Sales
	fmt.Println(idx.CanSee(carol, bob))    // false: Sales hides from outside
	fmt.Println(idx.CanRead(alice, sales)) // true: Alice manages Sales
	fmt.Println(idx.ExplainCanSee(carol, bob).Text(language.English))
	// README end
}

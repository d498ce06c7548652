package directory_test

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// History answers "who changed this person, and when": it reads the log page by page
// as the loop asks for more.
func ExampleService_History() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		fmt.Println(err)
		return
	}
	bob := orgkit.NewMemberID()
	edits := []struct {
		actor string
		cmd   orgkit.Command
	}{
		{"hr", member.Create{ID: bob, SystemName: orgkit.Name("bob"), FullName: "Bob", Mobile: "13900000002"}},
		{"ada", member.Update{ID: dir.Settings().Leader, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "CEO"}}},
		{"hr", member.Update{ID: bob, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Engineer"}}},
	}
	for _, e := range edits {
		if _, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: e.actor}, e.cmd); err != nil {
			fmt.Println(err)
			return
		}
	}

	for cs, err := range svc.History(ctx, dir.ID(), directory.HistoryQuery{Member: bob, Actor: "hr"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		after, _ := cs.Changes[0].After().Member()
		fmt.Printf("v%d by %s: %q\n", cs.Version, cs.Meta.Actor, after.JobTitle)
	}
	// Output:
	// v2 by hr: ""
	// v4 by hr: "Engineer"
}

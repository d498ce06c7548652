// Command visibility shows orgkit's visibility checks and their explanations on a
// small company kept in the in-memory store:
//
//	go run ./examples/visibility
package main

import (
	"context"
	"fmt"
	"log"
	"slices"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/visibility"
)

func main() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Names{Default: "Acme",
		ByLang: map[string]string{"zh-Hans": "极客公司", "zh-Hant": "極客公司"}},
		Founder: &directory.Founder{Name: "Ada", Email: "ada@acme.test"}})
	if err != nil {
		log.Fatal(err)
	}
	dept := func(id, parent orgkit.NodeID, en, hans, hant string, iso orgtree.Isolation) orgtree.Create {
		return orgtree.Create{ID: id, Parent: parent, Kind: orgtree.Department, Isolation: iso,
			Name: orgkit.Names{Default: en, ByLang: map[string]string{"zh-Hans": hans, "zh-Hant": hant}}}
	}
	person := func(id orgkit.MemberID, name string, primary orgkit.NodeID, secondary ...orgkit.NodeID) member.Create {
		return member.Create{ID: id, SystemName: orgkit.Name(name), FullName: name, Email: name + "@acme.test",
			LoginMethod: member.LoginByEmail, Primary: primary, Secondary: secondary}
	}
	sales, east, rd, lab, legal := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	sam, sue, eve, rita, lara, leo, walt := orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(),
		orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin", Reason: "set up the example"},
		dept(sales, dir.Root(), "Sales", "销售部", "銷售部", orgtree.Isolation{}),
		dept(east, sales, "East", "华东区", "華東區", orgtree.Isolation{Reception: orgtree.OnlyThisNode}),
		dept(rd, dir.Root(), "R&D", "研发部", "研發部", orgtree.Isolation{}),
		dept(lab, rd, "Lab", "实验室", "實驗室", orgtree.Isolation{HideFromOutside: true, ContactView: orgtree.WithinNode}),
		dept(legal, dir.Root(), "Legal", "法务部", "法務部", orgtree.Isolation{}),
		person(sam, "Sam", sales), person(sue, "Sue", sales), person(eve, "Eve", east),
		person(rita, "Rita", rd), person(lara, "Lara", lab), person(leo, "Leo", rd, lab), person(walt, "Walt", legal),
		orgtree.SetManager{Node: sales, Member: sam},
		orgtree.SetAssistants{Node: sales, Members: []orgkit.MemberID{sue}},
		orgtree.SetManager{Node: east, Member: eve},
		orgtree.SetIsolation{Node: lab, Isolation: orgtree.Isolation{HideFromOutside: true, ContactView: orgtree.WithinNode,
			VisibilityWhitelist: orgtree.Whitelist{Nodes: []orgkit.NodeID{legal}}}},
	)
	if err != nil {
		log.Fatal(err)
	}
	idx := visibility.Compile(res.Snapshot)

	show := func(question string, d visibility.Decision) {
		fmt.Printf("%s → %v  [%s]\n", question, d.Allowed, d.Rule)
		for _, tag := range orgkit.Languages() {
			fmt.Printf("    %-8s %s\n", tag, d.Text(tag))
		}
	}
	show("Can Sam read East's data?", idx.ExplainCanRead(sam, east))
	show("Can Sam change East's data?", idx.ExplainCanWrite(sam, east))
	show("Can Sue (assistant) change Sales' data?", idx.ExplainCanWrite(sue, sales))
	show("Can Rita see Lara in contacts?", idx.ExplainCanSee(rita, lara))
	show("Can Walt (Legal, whitelisted) see Lara?", idx.ExplainCanSee(walt, lara))
	show("Can Lara see Rita?", idx.ExplainCanSee(lara, rita))
	show("Can Lara see Leo (also in Lab)?", idx.ExplainCanSee(lara, leo))
	show("Does a message to Sales reach Eve?", idx.ExplainReceives(sales, eve))

	names := func(ids []orgkit.MemberID) []string {
		var out []string
		for _, id := range ids {
			m, _ := res.Snapshot.Member(id)
			out = append(out, m.FullName)
		}
		return out
	}
	fmt.Println("Sam reads the subtrees of:", len(idx.ReadScope(sam)), "node(s);",
		"members whose data Sam reads:", names(slices.Collect(idx.ReadMembers(sam))))
	fmt.Println("Lara sees:", names(slices.Collect(idx.Visible(lara))))
	fmt.Println("A message to the company reaches:", names(slices.Collect(idx.Recipients(dir.Root()))))
}

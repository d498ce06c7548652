// Command quickstart builds a small company on the in-memory store: an organization,
// nested departments, members with posts, a move, a merge, and an edit the rules
// refuse, printed as its violations. Run it with: go run ./examples/quickstart
//
// The in-memory store forgets everything when the process ends. To keep the
// directory in a file that survives restarts, give the service the SQLite store of
// the module github.com/orgkit/orgkit/store/sqlstore (pure Go, no cgo); instances
// that share one database use its PostgreSQL store (see examples/postgres there):
//
//	st, err := sqlstore.OpenSQLite(ctx, "orgkit.db", sqlstore.SQLiteOptions{})
//	check(err)
//	defer st.Close()
//	svc := directory.New(directory.Options{Store: st})
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

func main() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // in-memory store; for a file, see the package comment (SQLite)

	// The default directory, with its founder as leader and org admin.
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada Chen", Mobile: "13900000000"})
	check(err)
	id, root := dir.ID(), dir.Root()

	// One batch: callers choose IDs, so departments and the people in them go together.
	bj, rd, product, sales, qa := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	alice, bob, chen := orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err = svc.Apply(ctx, id, directory.Meta{Actor: "ada", Reason: "set up the company"},
		directory.SetMultiOrg{On: true},
		orgtree.Rename{Node: root, Name: orgkit.Names{Default: "Acme", ByLang: map[string]string{"zh-Hans": "艾克米"}}},
		orgtree.Create{ID: bj, Parent: root, Kind: orgtree.Organization, Name: orgkit.Name("Beijing Branch"), Code: "BJ"},
		orgtree.Create{ID: rd, Parent: bj, Kind: orgtree.Department, Code: "BJ-RD",
			Name: orgkit.Names{Default: "R&D", ByLang: map[string]string{"zh-Hans": "研发部"}}},
		orgtree.Create{ID: product, Parent: rd, Kind: orgtree.Department, Name: orgkit.Name("Product"), Code: "BJ-RD-Product"},
		orgtree.Create{ID: qa, Parent: rd, Kind: orgtree.Department, Name: orgkit.Name("QA")},
		orgtree.Create{ID: sales, Parent: root, Kind: orgtree.Department, Name: orgkit.Name("Sales")},
		member.Create{ID: alice, SystemName: orgkit.Name("alice"), FullName: "Alice Wang", Mobile: "13900000001", Primary: rd, JobTitle: "Head of R&D"},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), FullName: "Bob Li", Mobile: "+852-51234567", Primary: product, ReportingManager: alice},
		member.Create{ID: chen, SystemName: orgkit.Name("chen"), FullName: "陈静", Email: "chen@acme.example", LoginMethod: member.LoginByEmail, Primary: qa, ReportingManager: alice},
		orgtree.SetManager{Node: rd, Member: alice},
		orgtree.SetManager{Node: qa, Member: chen},
		orgtree.SetAssistants{Node: rd, Members: []orgkit.MemberID{bob}},
	)
	check(err)

	// Move Sales under the Beijing Branch, then fold QA into Product.
	_, err = svc.Apply(ctx, id, directory.Meta{Actor: "ada"}, orgtree.Move{Node: sales, Parent: bj})
	check(err)
	res, err := svc.Apply(ctx, id, directory.Meta{Actor: "ada", Reason: "QA joins Product"}, orgtree.Merge{Sources: []orgkit.NodeID{qa}, Target: product})
	check(err)
	fmt.Printf("version %d: the merge changed %d records\n", res.ChangeSet.Version, len(res.ChangeSet.Changes))

	snap := res.Snapshot
	fmt.Println("\nThe tree:")
	printTree(snap, root, 0)
	for m := range snap.Members() {
		if m.Primary.IsZero() {
			fmt.Printf("  (no department) %s, leader and org admin: %v\n", m.DisplayName(), snap.IsOrgAdmin(m.ID))
		}
	}

	// Old IDs still work: QA redirects to Product.
	n, _ := snap.Node(qa)
	fmt.Printf("\nQA now resolves to %q\n", n.Name.Default)

	// A refused edit: a duplicate sibling name (in full width), a cycle, and an
	// unparseable mobile. Nothing is written; every violation is listed.
	_, err = svc.Apply(ctx, id, directory.Meta{Actor: "ada"},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: bj, Kind: orgtree.Department, Name: orgkit.Name("ＳＡＬＥＳ")},
		orgtree.Move{Node: bj, Parent: product},
		member.Update{ID: bob, Fields: []member.Field{member.MobileField}, Value: member.Member{Mobile: "12-34"}},
	)
	var inv *orgkit.InvalidError
	if errors.As(err, &inv) {
		fmt.Println("\nRefused, nothing written:")
		for _, v := range inv.Violations {
			fmt.Printf("  command %d  %-28s %s\n", v.Command, v.Code, v.Text(language.English))
		}
		fmt.Println("  in Chinese:", inv.Violations[0].Text(language.SimplifiedChinese))
	}
}

func printTree(snap *directory.Snapshot, id orgkit.NodeID, depth int) {
	n, _ := snap.Node(id)
	var people []string
	for m := range snap.MembersAt(id) {
		role := ""
		if n.Manager == m.ID {
			role = " (manager)"
		} else if n.HoldsPost(m.ID) {
			role = " (assistant)"
		}
		people = append(people, m.DisplayName()+role)
	}
	line := strings.Repeat("  ", depth) + n.Name.In(language.English) + " [" + n.Kind.String() + "]"
	if len(people) > 0 {
		line += ": " + strings.Join(people, ", ")
	}
	fmt.Println(line)
	for c := range snap.Tree().Children(id) {
		printTree(snap, c.ID, depth+1)
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

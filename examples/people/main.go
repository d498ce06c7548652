// Command people resigns a department manager, prints every removal the resignation's
// change set recorded, and undoes it.
//
//	go run ./examples/people
package main

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"golang.org/x/text/language"
)

func main() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // the in-memory store
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	if err != nil {
		log.Fatal(err)
	}

	// R&D with QA under it; Grace manages R&D, assists QA, observes it, is on its
	// visibility whitelist, holds a role, and two people report to her.
	rd, qa := orgkit.NewNodeID(), orgkit.NewNodeID()
	grace, alan, linus := orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	lead := orgkit.NewRoleID()
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada", Reason: "set up R&D"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		orgtree.Create{ID: qa, Parent: rd, Kind: orgtree.Department, Name: orgkit.Name("QA")},
		member.Create{ID: grace, SystemName: orgkit.Name("grace"), FullName: "Grace", Mobile: "13900000001", Primary: rd},
		member.Create{ID: alan, SystemName: orgkit.Name("alan"), FullName: "Alan", Mobile: "13900000002", Primary: rd},
		member.Create{ID: linus, SystemName: orgkit.Name("linus"), FullName: "Linus", Mobile: "13900000003", Primary: qa},
		member.SetReportingManager{Members: []orgkit.MemberID{alan, linus}, Manager: grace},
		orgtree.SetManager{Node: rd, Member: grace},
		orgtree.SetAssistants{Node: qa, Members: []orgkit.MemberID{grace}},
		orgtree.SetObservers{Node: qa, Members: []orgkit.MemberID{grace}},
		orgtree.SetIsolation{Node: qa, Isolation: orgtree.Isolation{HideFromOutside: true,
			VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{grace}}}},
		role.Create{ID: lead, Name: orgkit.Name("Tech lead")},
		role.Assign{Members: []orgkit.MemberID{grace}, Roles: []orgkit.RoleID{lead}},
	)
	if err != nil {
		log.Fatal(err)
	}

	res, err := svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada", Reason: "Grace left"},
		member.Resign{Members: []orgkit.MemberID{grace}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Version %d resigned Grace; the change set removed:\n", res.ChangeSet.Version)
	for _, c := range res.ChangeSet.Changes {
		for _, line := range describe(res.Snapshot, c) {
			fmt.Println("  -", line)
		}
	}

	u, err := svc.Undo(ctx, dir.ID(), res.ChangeSet.Version, directory.Meta{Actor: "ada", Reason: "Grace is back"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Version %d undid it (%d records restored, %d skipped).\n", u.ChangeSet.Version, len(u.ChangeSet.Changes), len(u.Skipped))
	snap := u.Snapshot
	n, _ := snap.Node(rd)
	g, _ := snap.Member(grace)
	fmt.Printf("R&D's manager is %s again; Grace is %s with roles %s; %d people report to her.\n",
		snap.MemberName(n.Manager, language.English), g.Status, roleNames(snap, grace), len(snap.Reports(grace)))
}

// describe says in words what one change of a resignation removed.
func describe(snap *directory.Snapshot, c directory.Change) []string {
	name := func(id orgkit.MemberID) string { return snap.MemberName(id, language.English) }
	var out []string
	if after, ok := c.After().Node(); ok {
		before, _ := c.Before().Node()
		where := after.Name.Default
		if before.Manager != after.Manager {
			out = append(out, fmt.Sprintf("%s as manager of %s", name(before.Manager), where))
		}
		for _, id := range gone(before.Assistants, after.Assistants) {
			out = append(out, fmt.Sprintf("%s as assistant of %s", name(id), where))
		}
		for _, id := range gone(before.Observers, after.Observers) {
			out = append(out, fmt.Sprintf("%s as observer of %s", name(id), where))
		}
		for _, id := range gone(before.Isolation.VisibilityWhitelist.Members, after.Isolation.VisibilityWhitelist.Members) {
			out = append(out, fmt.Sprintf("%s from the visibility whitelist of %s", name(id), where))
		}
		for _, id := range gone(before.Isolation.ContactWhitelist.Members, after.Isolation.ContactWhitelist.Members) {
			out = append(out, fmt.Sprintf("%s from the contact whitelist of %s", name(id), where))
		}
	}
	if after, ok := c.After().Member(); ok {
		before, _ := c.Before().Member()
		if before.Status != after.Status {
			out = append(out, fmt.Sprintf("%s's active status (now %s)", after.DisplayName(), after.Status))
		}
		if before.ReportingManager != after.ReportingManager {
			out = append(out, fmt.Sprintf("%s's reporting line to %s", after.DisplayName(), name(before.ReportingManager)))
		}
	}
	if after, ok := c.After().Assignment(); ok {
		before, _ := c.Before().Assignment()
		var roles []string
		for _, id := range gone(before.Roles, after.Roles) {
			r, _ := snap.Role(id)
			roles = append(roles, r.Name.Default)
		}
		out = append(out, fmt.Sprintf("%s's roles: %s", name(after.Member), strings.Join(roles, ", ")))
	}
	if after, ok := c.After().Settings(); ok {
		before, _ := c.Before().Settings()
		if before.Leader != after.Leader {
			out = append(out, fmt.Sprintf("%s as the directory's leader", name(before.Leader)))
		}
	}
	return out
}

// gone returns the IDs in before that after no longer has.
func gone[T comparable](before, after []T) []T {
	var out []T
	for _, id := range before {
		if !slices.Contains(after, id) {
			out = append(out, id)
		}
	}
	return out
}

func roleNames(snap *directory.Snapshot, id orgkit.MemberID) string {
	var names []string
	for _, r := range snap.Assignment(id).Roles {
		x, _ := snap.Role(r)
		names = append(names, x.Name.Default)
	}
	return "[" + strings.Join(names, ", ") + "]"
}

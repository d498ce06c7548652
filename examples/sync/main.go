// Command sync syncs a directory from an in-memory upstream (a fake DingTalk tenant),
// changes things upstream, shows the plan, applies it, and shows the report; then
// syncs a delta from the cursor, and passes on a changed upstream ID as a host's
// handler of the platform's change callbacks would. Then it syncs from the fake
// platform APIs through the real clients (WeCom: syncWeCom; DingTalk: syncDingTalk;
// Microsoft Graph: syncGraph), twice each.
//
//	go run ./examples/sync
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

func main() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // the in-memory store
	dir, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	check(err)

	// An upstream of 12 departments and 60 people.
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 2024, Departments: 12, Members: 60})

	fmt.Println("== first sync")
	rep, err := connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Print(rep)

	// Things change upstream.
	ids, depts := src.MemberIDs(), src.DepartmentIDs()
	src.EditDepartment(depts[3], func(d *connector.Department) { d.Name = orgkit.Name(d.Name.Default + " (EMEA)") })
	src.EditDepartment(depts[7], func(d *connector.Department) { d.Parent = depts[0] })
	src.EditMember(ids[5], func(m *connector.Member) { m.Values.JobTitle = "Principal Engineer" })
	src.EditMember(ids[6], func(m *connector.Member) { m.Departments = []string{depts[2]} })
	src.EditMember(ids[7], func(m *connector.Member) { m.Status = connector.Resigned })
	src.RemoveMember(ids[8])
	hire := connectortest.NewMember("u-new", "Grace Hopper", "13800000042", depts[1])
	hire.Values.Email = "grace@example.com"
	hire.Present = append(hire.Present, member.EmailField)
	src.PutMember(hire)
	// and some upstream data breaks the directory's rules: a duplicate mobile
	first, _ := src.Member(ids[0])
	src.EditMember(ids[9], func(m *connector.Member) { m.Values.Mobile = first.Values.Mobile })

	fmt.Println("\n== plan (dry run)")
	rep, err = connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{DryRun: true})
	check(err)
	fmt.Print(rep.Plan)

	fmt.Println("\n== second sync")
	rep, err = connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Print(rep)

	fmt.Println("\n== third sync (nothing changed upstream)")
	rep, err = connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Print(rep)

	// A delta source fetches only what changed since the cursor of the last
	// successful sync (a dry run, a refusal or an error never moves it on).
	fmt.Println("\n== a delta from the last cursor")
	src.EditMember(ids[10], func(m *connector.Member) { m.Values.JobTitle = "Staff Engineer" })
	rep, err = connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{Actor: "sync-bot", Cursor: rep.Cursor})
	check(err)
	fmt.Print(rep.Plan)

	// WeCom lets a userid change once, and only its change_contact callback says
	// old → new; the host's callback handler passes it on, and the member stays the
	// same.
	fmt.Println("\n== an upstream ID changed (a callback handler passes it on)")
	snap, err := svc.Snapshot(ctx, dir.ID())
	check(err)
	before, _ := snap.MemberBy(member.ExternalIDField, ids[11])
	src.RenameMember(ids[11], "grace.hopper")
	rep, err = connector.SyncSnapshot(ctx, svc, dir.ID(), src,
		&connector.Snapshot{Delta: true, RenamedMembers: map[string]string{ids[11]: "grace.hopper"}},
		connector.SyncOptions{Actor: "callback"})
	check(err)
	fmt.Print(rep.Plan)
	snap, err = svc.Snapshot(ctx, dir.ID())
	check(err)
	after, _ := snap.MemberBy(member.ExternalIDField, "grace.hopper")
	fmt.Println("same member:", before.ID == after.ID, "- a full sync now plans",
		len(must(connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{DryRun: true})).Plan.Items), "items")

	fmt.Println("\n== synced fields are read-only here")
	m, _ := snap.MemberBy(member.ExternalIDField, ids[0])
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"},
		member.Update{ID: m.ID, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "CEO"}})
	fmt.Println("edit job title:", errors.Is(err, orgkit.ErrReadOnly), "-", err)
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"},
		member.Update{ID: m.ID, Fields: []member.Field{member.ExtendedAField}, Value: member.Member{ExtendedA: "badge 7"}})
	fmt.Println("edit extended field A:", err == nil)

	syncWeCom(ctx)
	syncDingTalk(ctx)
	syncGraph(ctx)
}

func must(rep *connector.Report, err error) *connector.Report {
	check(err)
	return rep
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

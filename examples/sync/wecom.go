package main

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// syncWeCom syncs a directory from a WeCom enterprise — a fake one served over HTTP
// as WeCom's API, through the real client — then syncs again (nothing to do), and
// logs a member in by QR code.
func syncWeCom(ctx context.Context) {
	fmt.Println("\n== WeCom: a full sync through the API, then a second one")
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 7, Departments: 8, Members: 40,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	api := connectortest.NewWeComServer(upstream, connectortest.WeComOptions{CorpID: "ww-acme", Secret: "app-secret"})
	defer api.Close()
	client, err := wecom.New(wecom.Config{CorpID: "ww-acme", AgentID: connectortest.DefaultWeComAgentID, Secret: connector.NewSecret("app-secret")},
		wecom.Options{BaseURL: api.URL(), HTTPClient: api.Client(),
			ExtAttrs: map[string]member.Field{"工号": member.EmployeeNumberField, "入职日期": member.HireDateField, "办公地点": member.WorkPlaceField}})
	check(err)

	svc := directory.New(directory.Options{})
	dir, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme (WeCom)")})
	check(err)
	rep, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Print(rep)
	fmt.Println("API requests:", api.Requests(""))
	rep, err = connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Println("second sync plans nothing:", rep.Plan.Empty(), "- committed:", rep.Committed)

	// QR-code login: the redirect's code is exchanged for the userid and resolved
	// to the member (the fake issues the code a scan would bring).
	state := connector.NewLoginState()
	loginURL, err := client.LoginURL("https://app.example.com/login/wecom", state)
	check(err)
	fmt.Println("login page:", loginURL[:len(wecom.DefaultLoginURL)])
	snap, err := svc.Snapshot(ctx, dir.ID())
	check(err)
	who := upstream.MemberIDs()[0]
	m, err := client.Login(ctx, snap, api.LoginCode(who))
	check(err)
	fmt.Printf("%s logged in as %s\n", who, m.DisplayName())
}

package main

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/msgraph"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// syncGraph syncs a directory from a Microsoft Entra tenant (Teams) — a fake one
// served over HTTP as Microsoft Graph, through the real client — then syncs a delta
// from the cursor (nothing to do), and signs a member in with Microsoft.
func syncGraph(ctx context.Context) {
	fmt.Println("\n== Microsoft Graph: a full sync through the API, then a delta")
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 9, Departments: 8, Members: 40})
	api := connectortest.NewGraphServer(upstream, connectortest.GraphOptions{ClientSecret: "client-secret"})
	defer api.Close()
	client, err := msgraph.New(
		msgraph.Config{TenantID: api.TenantID(), ClientID: api.ClientID(), ClientSecret: connector.NewSecret("client-secret")},
		msgraph.Options{LoginURL: api.URL(), GraphURL: api.URL(), HTTPClient: api.Client(), CompanyLevel: true,
			ExtensionAttributes: map[string]member.Field{"extensionAttribute1": member.WorkPlaceField}})
	check(err)

	svc := directory.New(directory.Options{})
	dir, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Contoso (Teams)")})
	check(err)
	rep, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Print(rep)
	fmt.Println("API requests:", api.Requests(""))
	rep, err = connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Actor: "sync-bot", Cursor: rep.Cursor})
	check(err)
	fmt.Println("delta sync plans nothing:", rep.Plan.Empty(), "- committed:", rep.Committed)

	// Microsoft sign-in: the browser goes to the authorization URL and comes back
	// with a code (the fake plays the browser); the ID token is verified and the
	// user resolved to the member.
	signIn, err := client.StartSignIn("https://app.example.com/signin/microsoft")
	check(err)
	who := upstream.MemberIDs()[0]
	back, err := api.Authorize(signIn.URL, who)
	check(err)
	m, err := client.SignInMember(ctx, svc, dir.ID(), signIn, back)
	check(err)
	fmt.Printf("%s signed in as %s\n", who, m.DisplayName())
}

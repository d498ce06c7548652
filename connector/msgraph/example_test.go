package msgraph_test

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

// Sync a directory from a Microsoft Entra tenant (here a fake one served over
// HTTP), then follow the changes with the delta query.
func Example() {
	ctx := context.Background()
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 5, Members: 30})
	api := connectortest.NewGraphServer(upstream, connectortest.GraphOptions{ClientSecret: "client-secret"})
	defer api.Close()

	client, err := msgraph.New(
		msgraph.Config{TenantID: api.TenantID(), ClientID: api.ClientID(), ClientSecret: connector.NewSecret("client-secret")},
		msgraph.Options{LoginURL: api.URL(), GraphURL: api.URL(), HTTPClient: api.Client(),
			ExtensionAttributes: map[string]member.Field{"extensionAttribute1": member.WorkPlaceField}})
	if err != nil {
		panic(err)
	}
	fmt.Println(client)

	svc := directory.New(directory.Options{})
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Contoso")})
	rep, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Counts[connector.MemberCreate], "members")

	// someone leaves; the next sync reads only what changed since the cursor
	upstream.RemoveMember(upstream.MemberIDs()[7])
	rep, err = connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Cursor: rep.Cursor})
	if err != nil {
		panic(err)
	}
	fmt.Println("delta:", rep.Counts[connector.MemberDeactivate], "deactivated")
	rep, _ = connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Cursor: rep.Cursor})
	fmt.Println("then nothing to do:", rep.Plan.Empty())
	// Output:
	// msgraph.Client{msgraph.Config{TenantID: 11111111-2222-3333-4444-555555555555, ClientID: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, ClientSecret: [redacted]}}
	// 30 members
	// delta: 1 deactivated
	// then nothing to do: true
}

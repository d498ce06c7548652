package wecom_test

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

// Sync a directory from a WeCom enterprise (here a fake one served over HTTP).
func Example() {
	ctx := context.Background()
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 5, Members: 30,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	api := connectortest.NewWeComServer(upstream, connectortest.WeComOptions{CorpID: "ww-acme", Secret: "app-secret"})
	defer api.Close()

	client, err := wecom.New(
		wecom.Config{CorpID: "ww-acme", AgentID: "1000002", Secret: connector.NewSecret("app-secret")},
		wecom.Options{BaseURL: api.URL(), HTTPClient: api.Client(),
			ExtAttrs: map[string]member.Field{"工号": member.EmployeeNumberField, "入职日期": member.HireDateField}})
	if err != nil {
		panic(err)
	}
	fmt.Println(client)

	svc := directory.New(directory.Options{})
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	rep, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Counts[connector.NodeCreate], "departments,", rep.Counts[connector.MemberCreate], "members")
	rep, _ = connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{})
	fmt.Println("second sync plans nothing:", rep.Plan.Empty())
	// Output:
	// wecom.Client{wecom.Config{CorpID: ww-acme, AgentID: 1000002, Secret: [redacted]}}
	// 5 departments, 30 members
	// second sync plans nothing: true
}

package dingtalk_test

import (
	"context"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/dingtalk"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// Sync a directory from a DingTalk organization (here a fake one served over HTTP).
func Example() {
	ctx := context.Background()
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 5, Members: 30,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	api := connectortest.NewDingTalkServer(upstream, connectortest.DingTalkOptions{AppKey: "dingacme", AppSecret: "app-secret", CorpID: "dingcorp"})
	defer api.Close()

	client, err := dingtalk.New(
		dingtalk.Config{AppKey: "dingacme", AppSecret: connector.NewSecret("app-secret"), AgentID: "3000001", CorpID: "dingcorp"},
		dingtalk.Options{BaseURL: api.URL(), APIBaseURL: api.URL(), LoginURL: api.URL(), HTTPClient: api.Client(),
			ReportingManagers: true, Extension: map[string]member.Field{"工牌": member.ExtendedAField}})
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
	// dingtalk.Client{dingtalk.Config{AppKey: dingacme, AgentID: 3000001, CorpID: dingcorp, AppSecret: [redacted]}}
	// 5 departments, 30 members
	// second sync plans nothing: true
}

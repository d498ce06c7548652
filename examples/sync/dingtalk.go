package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/dingtalk"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// syncDingTalk syncs a directory from a DingTalk organization — a fake one served
// over HTTP as DingTalk's API, through the real client — then syncs again (nothing
// to do), applies a contact-change event as a callback handler would, and logs a
// member in by QR code.
func syncDingTalk(ctx context.Context) {
	fmt.Println("\n== DingTalk: a full sync through the API, then a second one")
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 8, Departments: 8, Members: 40,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	api := connectortest.NewDingTalkServer(upstream, connectortest.DingTalkOptions{AppKey: "dingacme", AppSecret: "app-secret", CorpID: "dingcorp"})
	defer api.Close()
	client, err := dingtalk.New(
		dingtalk.Config{AppKey: "dingacme", AppSecret: connector.NewSecret("app-secret"), AgentID: "3000001", CorpID: "dingcorp"},
		dingtalk.Options{BaseURL: api.URL(), APIBaseURL: api.URL(), HTTPClient: api.Client(), ReportingManagers: true,
			Extension: map[string]member.Field{"工牌": member.ExtendedAField}})
	check(err)

	svc := directory.New(directory.Options{})
	dir, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme (DingTalk)")})
	check(err)
	rep, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Print(rep)
	fmt.Println("API requests:", api.Requests(""))
	rep, err = connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{Actor: "sync-bot"})
	check(err)
	fmt.Println("second sync plans nothing:", rep.Plan.Empty(), "- committed:", rep.Committed)

	// A contact-change event: DingTalk posts it encrypted; the callback handler
	// decodes it, the client reads what it names, and the sync applies the delta.
	const token, aesKey = "event-token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	cb, err := dingtalk.NewCallbacks(dingtalk.CallbackConfig{Token: connector.NewSecret(token),
		EncodingAESKey: connector.NewSecret(aesKey), OwnerKey: "dingacme"})
	check(err)
	who := upstream.MemberIDs()[1]
	upstream.EditMember(who, func(m *connector.Member) { m.Values.JobTitle = "Head of Sync" })
	msg := `{"EventType":"user_modify_org","CorpId":"dingcorp","UserId":["` + who + `"]}`
	q, body, err := connectortest.EncryptDingTalkCallback(token, aesKey, "dingacme", []byte(msg), time.Now(), "nonce-1")
	check(err)
	ev, err := cb.Decode(q, body)
	check(err)
	delta, err := client.Delta(ctx, ev)
	check(err)
	rep, err = connector.SyncSnapshot(ctx, svc, dir.ID(), client, delta, connector.SyncOptions{Actor: "dingtalk-events"})
	check(err)
	fmt.Println("event", ev.Type, "applied:", rep.Counts)

	// QR-code login: the redirect's authCode becomes the member (the fake issues
	// the code a scan would bring).
	state := connector.NewLoginState()
	page, err := client.AuthURL("https://app.example.com/login/dingtalk", state)
	check(err)
	fmt.Println("login page:", page[:len(dingtalk.DefaultLoginURL)])
	m, err := client.Login(ctx, svc, dir.ID(), url.Values{"authCode": {api.LoginCode(connectortest.UnionID(who))}, "state": {state}}, state)
	check(err)
	fmt.Printf("%s logged in as %s (%s)\n", who, m.DisplayName(), m.JobTitle)
}

package dingtalk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

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

// Log a member in with DingTalk's QR code: send the browser to AuthURL, and finish
// with Login when DingTalk redirects it back.
func ExampleClient_Login() {
	ctx := context.Background()
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 3, Members: 10,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	api := connectortest.NewDingTalkServer(upstream, connectortest.DingTalkOptions{AppKey: "dingacme", AppSecret: "app-secret", CorpID: "dingcorp"})
	defer api.Close()
	client, _ := dingtalk.New(
		dingtalk.Config{AppKey: "dingacme", AppSecret: connector.NewSecret("app-secret"), AgentID: "3000001", CorpID: "dingcorp"},
		dingtalk.Options{BaseURL: api.URL(), APIBaseURL: api.URL(), HTTPClient: api.Client()})
	svc := directory.New(directory.Options{})
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	if _, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{}); err != nil {
		panic(err)
	}

	state := connector.NewLoginState() // kept with the browser's session
	page, _ := client.AuthURL("https://crm.example.com/login/dingtalk", state)
	fmt.Println(page[:strings.Index(page, "?")])

	// DingTalk redirects to https://crm.example.com/login/dingtalk?authCode=…&state=…
	userID := upstream.MemberIDs()[0]
	redirect := url.Values{"authCode": {api.LoginCode(connectortest.UnionID(userID))}, "state": {state}}
	m, err := client.Login(ctx, svc, dir.ID(), redirect, state)
	fmt.Println(m.ExternalID == userID, err)

	_, err = client.Login(ctx, svc, dir.ID(), redirect, state) // the same code again
	fmt.Println(errors.Is(err, connector.ErrLoginRefused))
	// Output:
	// https://login.dingtalk.com/oauth2/auth
	// true <nil>
	// true
}

// Serve DingTalk's event callbacks: each contact change becomes a delta the sync
// applies at once.
func ExampleCallbacks_Handler() {
	ctx := context.Background()
	upstream := connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 3, Members: 10,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	api := connectortest.NewDingTalkServer(upstream, connectortest.DingTalkOptions{AppKey: "dingacme", AppSecret: "app-secret", CorpID: "dingcorp"})
	defer api.Close()
	client, _ := dingtalk.New(
		dingtalk.Config{AppKey: "dingacme", AppSecret: connector.NewSecret("app-secret"), AgentID: "3000001", CorpID: "dingcorp"},
		dingtalk.Options{BaseURL: api.URL(), HTTPClient: api.Client()})
	svc := directory.New(directory.Options{})
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	if _, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{}); err != nil {
		panic(err)
	}

	const token, aesKey = "event-token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	cb, err := dingtalk.NewCallbacks(dingtalk.CallbackConfig{Token: connector.NewSecret(token),
		EncodingAESKey: connector.NewSecret(aesKey), OwnerKey: "dingacme"})
	if err != nil {
		panic(err)
	}
	handler := cb.Handler(func(ctx context.Context, ev *dingtalk.Event) error {
		delta, err := client.Delta(ctx, ev)
		if err != nil {
			return err
		}
		rep, err := connector.SyncSnapshot(ctx, svc, dir.ID(), client, delta, connector.SyncOptions{Actor: "dingtalk-events"})
		if err == nil {
			fmt.Println(ev.Type, rep.Counts)
		}
		return err
	})

	// someone leaves; DingTalk posts user_leave_org (encrypted here as DingTalk does)
	gone := upstream.MemberIDs()[4]
	upstream.RemoveMember(gone)
	msg := `{"EventType":"user_leave_org","CorpId":"dingcorp","UserId":["` + gone + `"]}`
	q, body, _ := connectortest.EncryptDingTalkCallback(token, aesKey, "dingacme", []byte(msg), time.Now(), "n0nce")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/dingtalk/events?"+q.Encode(), bytes.NewReader(body)))
	reply, _ := connectortest.OpenDingTalkReply(token, aesKey, "dingacme", rec.Body.Bytes())
	fmt.Println(rec.Code, reply)
	// Output:
	// user_leave_org map[member.deactivate:1]
	// 200 success
}

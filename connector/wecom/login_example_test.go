package wecom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
	"github.com/orgkit/orgkit/directory"
)

// Log a member in by WeCom QR code: send the browser to LoginURL with a fresh state;
// on the redirect back, check the state and log in with the code. (Here the fake
// WeCom plays both the login page and the member who scans.)
func ExampleClient_Login() {
	ctx := context.Background()
	upstream := connectortest.New(connectortest.Options{Platform: orgkit.WeCom, TenantID: "ww-acme"})
	upstream.PutMember(connectortest.NewMember("zhangsan", "张三", "13900000001"))
	api := connectortest.NewWeComServer(upstream, connectortest.WeComOptions{CorpID: "ww-acme", Secret: "app-secret"})
	defer api.Close()
	client, _ := wecom.New(wecom.Config{CorpID: "ww-acme", AgentID: "1000002", Secret: connector.NewSecret("app-secret")},
		wecom.Options{BaseURL: api.URL(), HTTPClient: api.Client(), LoginURL: api.URL() + "/wwlogin/sso/login"})
	svc := directory.New(directory.Options{})
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	if _, err := connector.Sync(ctx, svc, dir.ID(), client, connector.SyncOptions{}); err != nil {
		panic(err)
	}

	// the login handler: a fresh state kept in the session, and the QR-code page
	state := connector.NewLoginState()
	loginURL, _ := client.LoginURL("https://app.example.com/login/wecom", state)

	// the member scans; WeCom redirects the browser back with a code and the state
	api.ScanAs("zhangsan")
	browser := &http.Client{Transport: api.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(loginURL)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))

	// the redirect handler
	if err := connector.CheckLoginState(state, back.Query().Get("state")); err != nil {
		panic(err)
	}
	snap, _ := svc.Snapshot(ctx, dir.ID())
	m, err := client.Login(ctx, snap, back.Query().Get("code"))
	fmt.Println(m.FullName, err)

	_, err = client.Login(ctx, snap, back.Query().Get("code"))
	fmt.Println("code used twice:", errors.Is(err, connector.ErrLoginCode))
	_, err = client.Login(ctx, snap, api.LoginCode("lisi"))
	fmt.Println("not in the directory:", errors.Is(err, connector.ErrLoginUnknown))
	// Output:
	// 张三 <nil>
	// code used twice: true
	// not in the directory: true
}

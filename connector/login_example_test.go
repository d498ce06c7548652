package connector_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// A platform login in a host's handlers: the login page starts with a fresh state
// value kept in the session; the redirect's state is checked, the client exchanges
// the code for the platform's user ID (here given directly), and ResolveLogin finds
// the member — or says why not.
func ExampleResolveLogin() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	src := connectortest.New(connectortest.Options{Platform: orgkit.WeCom, TenantID: "ww1234"})
	src.PutMember(connectortest.NewMember("ada", "Ada Lovelace", "13900000001"))
	src.PutMember(connectortest.NewMember("alan", "Alan Turing", "13900000002"))
	if _, err := connector.Sync(ctx, svc, dir.ID(), src, connector.SyncOptions{}); err != nil {
		panic(err)
	}
	snap, _ := svc.Snapshot(ctx, dir.ID())
	alan, _ := snap.MemberBy(member.ExternalIDField, "alan")
	_, _ = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "admin"}, member.SetLoginBlocked{Members: []orgkit.MemberID{alan.ID}, Blocked: true})

	state := connector.NewLoginState() // kept in the session, sent in the authorization URL
	fmt.Println("forged redirect:", errors.Is(connector.CheckLoginState(state, "forged"), connector.ErrLoginState))
	if err := connector.CheckLoginState(state, state); err != nil {
		panic(err)
	}

	for _, user := range []string{"ada", "alan", "eve"} {
		id := connector.LoginIdentity{Platform: orgkit.WeCom, TenantID: "ww1234", UserID: user}
		m, err := connector.ResolveLoginIn(ctx, svc, dir.ID(), id)
		switch {
		case err == nil:
			fmt.Println("logged in:", m.FullName)
		case errors.Is(err, connector.ErrLoginBlocked):
			fmt.Println("blocked:", user)
		case errors.Is(err, connector.ErrLoginUnknown):
			fmt.Println("not a member:", user)
		}
	}
	// Output:
	// forged redirect: true
	// logged in: Ada Lovelace
	// blocked: alan
	// not a member: eve
}

package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/scim"
)

// A host mounts the handler on its own server, resolving the directory and
// authorizing every request.
func ExampleNewHandler() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	dir, _ := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Email: "ada@example.com"})
	h := scim.NewHandler(scim.Options{
		Directory: func(*http.Request) (scim.Target, error) {
			return scim.Target{Service: svc, Directory: dir.ID()}, nil
		},
		Authorize: func(r *http.Request, _ orgkit.DirectoryID) (string, error) {
			if r.Header.Get("Authorization") != "Bearer s3cret" {
				return "", fmt.Errorf("unknown token")
			}
			return "scim:okta", nil
		},
	})
	srv := httptest.NewServer(http.StripPrefix("/scim/v2", h))
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/scim/v2/Users", strings.NewReader(
		`{"userName":"grace@example.com","name":{"givenName":"Grace","familyName":"Hopper"},"password":"never-kept"}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	res, _ := http.DefaultClient.Do(req)
	res.Body.Close()
	fmt.Println(res.Status)

	snap, _ := svc.Snapshot(ctx, dir.ID())
	for m := range snap.Members() {
		if m.LoginAccount == "" {
			continue // the founder, who logs in by email
		}
		fmt.Printf("%s %s, login %s, %s\n", m.GivenName, m.FamilyName, m.LoginAccount, m.LoginMethod)
	}
	// Output:
	// 201 Created
	// Grace Hopper, login grace@example.com, account
}

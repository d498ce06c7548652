// Command scim serves a directory over SCIM 2.0 on loopback and drives it with a short
// client playing an identity provider's provisioning cycle: look a user up, create
// it, update it, put it in a group, deactivate it — then prints the directory as the
// library sees it.
//
//	go run ./examples/scim
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/scim"
	"golang.org/x/text/language"
)

const token = "example-token"

func main() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // the in-memory store
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Email: "ada@contoso.example"})
	if err != nil {
		log.Fatal(err)
	}

	// The host mounts the handler; one directory here, resolved per request anyway.
	h := scim.NewHandler(scim.Options{
		Directory: func(*http.Request) (scim.Target, error) {
			return scim.Target{Service: svc, Directory: dir.ID()}, nil
		},
		Authorize: func(r *http.Request, _ orgkit.DirectoryID) (string, error) {
			if r.Header.Get("Authorization") != "Bearer "+token {
				return "", fmt.Errorf("unknown token")
			}
			return "scim:example-idp", nil
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/scim/v2"

	// The identity provider's cycle.
	_, list := call("GET", base+"/Users?filter="+url.QueryEscape(`userName eq "grace@contoso.example"`), nil)
	fmt.Println("lookup: totalResults", list["totalResults"])

	status, user := call("POST", base+"/Users", map[string]any{
		"schemas":                 []string{scim.UserSchema, scim.EnterpriseUserSchema},
		"userName":                "grace@contoso.example",
		"externalId":              "8f1c0d2e",
		"name":                    map[string]any{"givenName": "Grace", "familyName": "Hopper"},
		"displayName":             "Grace Hopper",
		"emails":                  []any{map[string]any{"value": "Grace.Hopper@Contoso.example", "type": "work", "primary": true}},
		"password":                "never-kept",
		scim.EnterpriseUserSchema: map[string]any{"department": "Engineering", "employeeNumber": "E-1906"},
	})
	id := user["id"].(string)
	emails := user["emails"].([]any)
	fmt.Println("create:", status, "email read back as", emails[0].(map[string]any)["value"])

	status, user = call("PATCH", base+"/Users/"+id, map[string]any{
		"schemas": []string{scim.PatchOpSchema},
		"Operations": []any{
			map[string]any{"op": "Replace", "path": "title", "value": "Rear Admiral"},
			map[string]any{"op": "Add", "path": `phoneNumbers[type eq "mobile"].value`, "value": "+1 (202) 555-0100"},
		},
	})
	phones := user["phoneNumbers"].([]any)
	fmt.Println("patch:", status, "mobile read back as", phones[0].(map[string]any)["value"])

	status, group := call("POST", base+"/Groups", map[string]any{"displayName": "Compilers"})
	gid := group["id"].(string)
	fmt.Println("create group:", status)
	status, _ = call("PATCH", base+"/Groups/"+gid, map[string]any{
		"schemas":    []string{scim.PatchOpSchema},
		"Operations": []any{map[string]any{"op": "Add", "path": "members", "value": []any{map[string]any{"value": id}}}},
	})
	fmt.Println("add to group:", status)

	status, _ = call("PATCH", base+"/Users/"+id, map[string]any{
		"schemas":    []string{scim.PatchOpSchema},
		"Operations": []any{map[string]any{"op": "Replace", "path": "active", "value": "False"}},
	})
	fmt.Println("deactivate:", status)

	// What the library holds.
	snap, err := svc.Snapshot(ctx, dir.ID())
	if err != nil {
		log.Fatal(err)
	}
	mid, _ := orgkit.ParseMemberID(id)
	m, _ := snap.Member(mid)
	fmt.Printf("member: %s %s <%s> login %q, %s, mobile %s, title %q\n", m.GivenName, m.FamilyName, m.Email,
		m.LoginAccount, m.Status, m.Mobile, m.JobTitle)
	fmt.Print("departments:")
	for _, n := range m.Affiliations() {
		fmt.Printf(" %s", snap.NodeName(n, language.English))
	}
	fmt.Println()
	for cs, err := range svc.History(ctx, dir.ID(), directory.HistoryQuery{Member: mid}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("v%d by %s: %s\n", cs.Version, cs.Meta.Actor, cs.Meta.Reason)
	}
}

// call sends a SCIM request and decodes the answer.
func call(method, url string, body any) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			log.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", scim.ContentType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if res.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			log.Fatal(err)
		}
	}
	if res.StatusCode >= 400 {
		log.Fatalf("%s %s: %d %v", method, url, res.StatusCode, out["detail"])
	}
	return res.StatusCode, out
}

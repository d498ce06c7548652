package scim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/scim"
)

// FuzzHandlerBodies sends arbitrary bodies to every writing endpoint: the handler
// answers every one with a SCIM status below 500 (never a panic, never an internal
// error), and whatever it accepts leaves a directory whose Users all read back.
func FuzzHandlerBodies(f *testing.F) {
	for _, s := range []string{
		`{"userName":"a@example.com","name":{"givenName":"A","familyName":"B"},"emails":[{"value":"A@Example.com","type":"work","primary":true}]}`,
		`{"userName":"a","active":"False","phoneNumbers":[{"value":"+1 (425) 555-0100","type":"mobile"}]}`,
		`{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":"x","organization":""}}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`,
		`{"Operations":[{"op":"add","path":"phoneNumbers[type eq \"mobile\"].value","value":"13900000000"}]}`,
		`{"Operations":[{"op":"replace","value":{"name.familyName":"X","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":""}}]}`,
		`{"Operations":[{"op":"Remove","path":"members","value":[{"value":"nope"}]}]}`,
		`{"displayName":"G","members":[{"value":"0192d3c4-0000-7000-8000-000000000000"}]}`,
		`{"userName":null,"emails":{},"phoneNumbers":"x"}`, `[]`, `null`, `{"userName":"` + strings.Repeat("x", 300) + `"}`,
	} {
		f.Add(s)
	}
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(context.Background(), directory.NewDirectory{Name: orgkit.Name("Fuzz")})
	if err != nil {
		f.Fatal(err)
	}
	h := scim.NewHandler(scim.Options{
		Directory: func(*http.Request) (scim.Target, error) { return scim.Target{Service: svc, Directory: snap.ID()}, nil },
		Authorize: func(*http.Request, orgkit.DirectoryID) (string, error) { return "fuzz", nil },
	})
	serve := func(method, path, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
		return rec
	}
	seed := serve("POST", "/Users", `{"userName":"seed@example.com"}`)
	user := strings.Split(strings.Split(seed.Body.String(), `"id":"`)[1], `"`)[0]
	grp := serve("POST", "/Groups", `{"displayName":"Seed"}`)
	group := strings.Split(strings.Split(grp.Body.String(), `"id":"`)[1], `"`)[0]
	f.Fuzz(func(t *testing.T, body string) {
		for _, rq := range []struct{ method, path string }{
			{"POST", "/Users"}, {"PUT", "/Users/" + user}, {"PATCH", "/Users/" + user},
			{"POST", "/Groups"}, {"PUT", "/Groups/" + group}, {"PATCH", "/Groups/" + group},
		} {
			rec := serve(rq.method, rq.path, body)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d %s", rq.method, rq.path, rec.Code, rec.Body)
			}
		}
		if rec := serve("GET", "/Users?count=1000", ""); rec.Code != http.StatusOK {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
	})
}

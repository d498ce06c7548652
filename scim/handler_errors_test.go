package scim_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/scim"
)

// Each error the handler maps, with its status, scimType and the library's text.
func TestErrorMapping(t *testing.T) {
	e := newEnv(t, func(o *scim.Options) { o.MaxBodyBytes = 4096; o.MaxFilterDepth = 4 })
	r := e.do("POST", "/Users", map[string]any{"userName": "taken@example.com", "emails": []any{map[string]any{"value": "taken@example.com", "type": "work"}}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	etag := r.Header.Get("ETag")

	tests := []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		scimType           string
		detail             string
	}{
		{"duplicate userName", "POST", "/Users", map[string]any{"userName": "taken@example.com"}, nil,
			409, "uniqueness", "userName"},
		{"duplicate email (a directory violation)", "POST", "/Users", map[string]any{"userName": "other@example.com",
			"emails": []any{map[string]any{"value": "TAKEN@example.com", "type": "work"}}}, nil, 409, "uniqueness", "Email"},
		{"duplicate email, localized", "POST", "/Users", map[string]any{"userName": "other@example.com",
			"emails": []any{map[string]any{"value": "TAKEN@example.com", "type": "work"}}}, []string{"Accept-Language: zh-CN"}, 409, "uniqueness", "邮箱"},
		{"invalid email", "POST", "/Users", map[string]any{"userName": "x@example.com",
			"emails": []any{map[string]any{"value": "not an email", "type": "work"}}}, nil, 400, "invalidValue", "not an email"},
		{"invalid mobile", "POST", "/Users", map[string]any{"userName": "x@example.com",
			"phoneNumbers": []any{map[string]any{"value": "12ab", "type": "mobile"}}}, nil, 400, "invalidValue", "12ab"},
		{"no userName", "POST", "/Users", map[string]any{"displayName": "Nobody"}, nil, 400, "invalidValue", "userName"},
		{"active not a boolean", "PATCH", "/Users/" + id, patch(op("replace", "active", "maybe")), nil, 400, "invalidValue", "active"},
		{"unknown manager", "PATCH", "/Users/" + id, patch(op("replace", enterpriseSchema+":manager", "0192d3c4-0000-7000-8000-000000000000")),
			nil, 400, "invalidValue", "manager"},
		{"filter on the password", "GET", "/Users?filter=" + q(`password eq "x"`), nil, nil, 400, "invalidFilter", ""},
		{"bad filter", "GET", "/Users?filter=" + q(`userName eq bob`), nil, nil, 400, "invalidFilter", ""},
		{"filter nested too deep", "GET", "/Users?filter=" + q(strings.Repeat("(", 10)+`userName eq "x"`+strings.Repeat(")", 10)), nil, nil,
			400, "invalidFilter", ""},
		{"body too large", "POST", "/Users", `{"userName":"` + strings.Repeat("x", 5000) + `"}`, nil, 413, "", ""},
		{"not JSON", "POST", "/Users", `{"userName":`, nil, 400, "invalidSyntax", ""},
		{"stale If-Match", "PATCH", "/Users/" + id, patch(op("replace", "displayName", "X")), []string{`If-Match: W/"1"`}, 412, "", ""},
		{"unknown user", "GET", "/Users/0192d3c4-0000-7000-8000-000000000000", nil, nil, 404, "", ""},
		{"not an id", "GET", "/Users/nope", nil, nil, 404, "", ""},
		{"unknown endpoint", "GET", "/Bulk", nil, nil, 404, "", ""},
		{"method", "DELETE", "/Users", nil, nil, 405, "", ""},
		{"group without a name", "POST", "/Groups", map[string]any{"members": []any{}}, nil, 400, "invalidValue", "displayName"},
		{"group member not a user", "POST", "/Groups", map[string]any{"displayName": "G", "members": []any{map[string]any{"value": "nope"}}},
			nil, 400, "invalidValue", "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot().Version()
			r := e.do(tt.method, tt.path, tt.body, tt.headers...)
			require.Equal(t, tt.status, r.Status, r.Raw)
			assert.Equal(t, "urn:ietf:params:scim:api:messages:2.0:Error", dig(r.Body, "schemas", 0))
			assert.Equal(t, fmt.Sprint(tt.status), r.Body["status"])
			if tt.scimType != "" {
				assert.Equal(t, tt.scimType, r.Body["scimType"])
			}
			assert.Contains(t, r.Body["detail"], tt.detail)
			assert.Equal(t, before, e.snapshot().Version(), "nothing changed")
		})
	}
	// the right ETag passes
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "displayName", "Taken")), "If-Match: "+etag)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.NotEqual(t, etag, r.Header.Get("ETag"))
	// and is stale afterwards
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "displayName", "Taken again")), "If-Match: "+etag)
	assert.Equal(t, http.StatusPreconditionFailed, r.Status)
}

func TestUnauthorizedNeverReadsOrWrites(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/Users", "/Groups", "/ServiceProviderConfig", "/Schemas", "/ResourceTypes"} {
		req, err := http.NewRequest("GET", e.srv.URL+"/scim/v2"+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer wrong")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, path)
	}
	req, err := http.NewRequest("POST", e.srv.URL+"/scim/v2/Users", strings.NewReader(`{"userName":"x"}`))
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Equal(t, 1, e.snapshot().MemberCount(), "the founder only")
}

// A directory bound to a platform refuses SCIM writes to the fields the platform owns.
func TestPlatformOwnedFieldsAreMutabilityErrors(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "a@example.com", "displayName": "Alice", "externalId": "wecom-alice"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	_, err := e.svc.Apply(context.Background(), e.dir, directory.Meta{Actor: "admin"},
		directory.Bind{Platform: orgkit.WeCom, UpstreamID: "corp", MemberFields: []member.Field{member.FullNameField}})
	require.NoError(t, err)
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "displayName", "Alicia")))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Equal(t, "mutability", r.Body["scimType"])
	assert.Contains(t, r.Body["detail"], "synced platform")
	// writing the value it already has is no change
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "displayName", "Alice"), op("replace", "title", "Engineer")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "Engineer", e.member(id).JobTitle)
	// a new member is the platform's to create
	r = e.do("POST", "/Users", map[string]any{"userName": "b@example.com", "externalId": "wecom-bob"})
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Equal(t, "mutability", r.Body["scimType"])
}

// N identity-provider workers adding members to one department group at once: every
// addition lands.
func TestConcurrentGroupAddsAllLand(t *testing.T) {
	e := newEnv(t)
	const n = 8
	var users []string
	for i := range n {
		r := e.do("POST", "/Users", map[string]any{"userName": fmt.Sprintf("u%d@example.com", i)})
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
		users = append(users, r.Body["id"].(string))
	}
	// half of them already have a primary department elsewhere
	r := e.do("POST", "/Groups", map[string]any{"displayName": "Home"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	home := r.Body["id"].(string)
	var half []any
	for _, u := range users[:n/2] {
		half = append(half, map[string]any{"value": u})
	}
	require.Equal(t, http.StatusNoContent, e.do("PATCH", "/Groups/"+home, patch(op("add", "members", half))).Status)
	r = e.do("POST", "/Groups", map[string]any{"displayName": "Shared"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	shared := r.Body["id"].(string)
	r = e.do("POST", "/Groups", map[string]any{"displayName": "Other"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	other := r.Body["id"].(string)

	var wg sync.WaitGroup
	statuses := make([]int, 2*n)
	for i, u := range users {
		wg.Add(2)
		go func() {
			defer wg.Done()
			statuses[2*i] = e.do("PATCH", "/Groups/"+shared, patch(op("Add", "members", []any{map[string]any{"value": u}}))).Status
		}()
		go func() {
			defer wg.Done()
			statuses[2*i+1] = e.do("PATCH", "/Groups/"+other, patch(op("Add", "members", []any{map[string]any{"value": u}}))).Status
		}()
	}
	wg.Wait()
	for _, s := range statuses {
		assert.Equal(t, http.StatusNoContent, s)
	}
	for _, u := range users {
		m := e.member(u)
		assert.ElementsMatch(t, []orgkit.NodeID{mustNode(t, shared), mustNode(t, other)}, without(m.Affiliations(), mustNode(t, home)),
			"member %s: %v", u, m.Affiliations())
		assert.False(t, m.Primary.IsZero())
	}
	r = e.do("GET", "/Groups/"+shared, nil)
	assert.Len(t, r.Body["members"], n)
}

func without(ids []orgkit.NodeID, x orgkit.NodeID) []orgkit.NodeID {
	var out []orgkit.NodeID
	for _, id := range ids {
		if id != x {
			out = append(out, id)
		}
	}
	return out
}

// The host's own attributes through Options.Custom.
func TestCustomAttributes(t *testing.T) {
	const urn = "urn:example:params:scim:schemas:extension:acme:2.0:User"
	e := newEnv(t, func(o *scim.Options) {
		o.Custom = &scim.CustomAttributes{
			Schema:     urn,
			Attributes: []*scim.Attribute{{Name: "badge", Type: scim.String}},
			Render: func(m *member.Member) map[string]any {
				if m.ExtendedA == "" {
					return nil
				}
				return map[string]any{"badge": m.ExtendedA}
			},
			Apply: func(m *member.Member, ext map[string]any) ([]member.Field, error) {
				v, _ := ext["badge"].(string)
				if strings.Contains(v, " ") {
					return nil, fmt.Errorf("badge %q has a space", v)
				}
				m.ExtendedA = v
				return []member.Field{member.ExtendedAField}, nil
			},
		}
	})
	r := e.do("POST", "/Users", map[string]any{"userName": "a@example.com", urn: map[string]any{"badge": "B-42"}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	assert.Equal(t, "B-42", dig(r.Body, urn, "badge"))
	assert.Equal(t, "B-42", e.member(id).ExtendedA)
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", urn+":badge", "B-43")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "B-43", e.member(id).ExtendedA)
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", urn+":badge", "B 44")))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Body["detail"], "has a space")
}

func TestDiscovery(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/ServiceProviderConfig", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, true, dig(r.Body, "patch", "supported"))
	assert.Equal(t, false, dig(r.Body, "bulk", "supported"), "no Bulk")
	assert.Equal(t, true, dig(r.Body, "etag", "supported"))
	assert.Equal(t, true, dig(r.Body, "filter", "supported"))
	r = e.do("GET", "/ResourceTypes", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 2, r.Body["totalResults"])
	r = e.do("GET", "/ResourceTypes/User", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "/Users", r.Body["endpoint"])
	r = e.do("GET", "/Schemas", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 3, r.Body["totalResults"], "User, EnterpriseUser, Group")
	r = e.do("GET", "/Schemas/"+enterpriseSchema, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, enterpriseSchema, r.Body["id"])
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/Schemas/urn:nope", nil).Status)
}

// A password never reaches a response, a log record or the directory, even when it
// is malformed.
func TestPasswordNeverKeptNorLogged(t *testing.T) {
	var logs strings.Builder
	e := newEnv(t, func(o *scim.Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	const secret = "Sup3r-S3cret-Passw0rd"
	r := e.do("POST", "/Users", map[string]any{"userName": "p@example.com", "password": secret})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	for _, body := range []any{
		patch(op("replace", "", map[string]any{"password": secret})),
		patch(op("replace", "password", secret)),
		patch(op("replace", "", map[string]any{"password": []any{secret}, "active": "maybe"})),
		patch(op("replace", userSchema+":password", map[string]any{"x": secret})),
		map[string]any{"schemas": []string{patchSchema}, "Operations": []any{map[string]any{"op": "bogus", "path": "password", "value": secret}}},
	} {
		r = e.do("PATCH", "/Users/"+id, body)
		assert.NotContains(t, r.Raw, secret)
	}
	r = e.do("PUT", "/Users/"+id, map[string]any{"userName": "p@example.com", "password": map[string]any{"bad": secret}})
	assert.NotContains(t, r.Raw, secret)
	r = e.do("POST", "/Users", map[string]any{"userName": 42, "password": secret})
	assert.NotContains(t, r.Raw, secret)
	assert.NotContains(t, logs.String(), secret)
	assert.NotEmpty(t, logs.String(), "the failures were logged")
	for cs, err := range e.svc.History(context.Background(), e.dir, directory.HistoryQuery{}) {
		require.NoError(t, err)
		assert.NotContains(t, fmt.Sprint(cs), secret)
	}
}

// One handler serves many directories: each request works on the one its host
// resolves, and an unknown tenant is 404.
func TestMultiTenant(t *testing.T) {
	svc := directory.New(directory.Options{})
	dirs := map[string]orgkit.DirectoryID{}
	for _, name := range []string{"alpha", "beta"} {
		s, err := svc.Create(context.Background(), directory.NewDirectory{Name: orgkit.Name(name)})
		require.NoError(t, err)
		dirs[name] = s.ID()
	}
	h := scim.NewHandler(scim.Options{
		Directory: func(r *http.Request) (scim.Target, error) {
			d, ok := dirs[r.Header.Get("X-Tenant")]
			if !ok {
				return scim.Target{}, fmt.Errorf("no tenant")
			}
			return scim.Target{Service: svc, Directory: d}, nil
		},
		Authorize: func(r *http.Request, d orgkit.DirectoryID) (string, error) {
			if r.Header.Get("Authorization") != "Bearer "+d.String() {
				return "", fmt.Errorf("token of another tenant")
			}
			return "idp", nil
		},
	})
	send := func(tenant, token, method, path, body string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("X-Tenant", tenant)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	assert.Equal(t, http.StatusCreated, send("alpha", dirs["alpha"].String(), "POST", "/Users", `{"userName":"a@x"}`))
	assert.Equal(t, http.StatusCreated, send("beta", dirs["beta"].String(), "POST", "/Users", `{"userName":"a@x"}`), "another directory")
	assert.Equal(t, http.StatusUnauthorized, send("beta", dirs["alpha"].String(), "POST", "/Users", `{"userName":"b@x"}`))
	assert.Equal(t, http.StatusNotFound, send("gamma", "x", "GET", "/Users", ""))
	for name, d := range dirs {
		s, err := svc.Snapshot(context.Background(), d)
		require.NoError(t, err)
		assert.Equal(t, 1, s.MemberCount(), name)
	}
}

// A group's ETag moves when its membership changes, and a stale one is refused.
func TestGroupETagFollowsMembership(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "m@example.com"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	uid := r.Body["id"].(string)
	r = e.do("POST", "/Groups", map[string]any{"displayName": "Tagged"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	gid := r.Body["id"].(string)
	tag := r.Header.Get("ETag")
	require.NotEmpty(t, tag)
	r = e.do("PATCH", "/Groups/"+gid, patch(op("add", "members", []any{map[string]any{"value": uid}})), "If-Match: "+tag)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	next := r.Header.Get("ETag")
	assert.NotEqual(t, tag, next)
	r = e.do("GET", "/Groups/"+gid, nil)
	assert.Equal(t, next, r.Header.Get("ETag"))
	assert.Equal(t, next, dig(r.Body, "meta", "version"))
	r = e.do("PATCH", "/Groups/"+gid, patch(op("remove", "members", []any{map[string]any{"value": uid}})), "If-Match: "+tag)
	assert.Equal(t, http.StatusPreconditionFailed, r.Status, r.Raw)
	r = e.do("DELETE", "/Groups/"+gid, nil, "If-Match: "+tag)
	assert.Equal(t, http.StatusPreconditionFailed, r.Status, r.Raw)
	// a user's ETag is served by another handler on the same store: read from the log
	h := scim.NewHandler(scim.Options{
		Directory: func(*http.Request) (scim.Target, error) { return scim.Target{Service: e.svc, Directory: e.dir}, nil },
		Authorize: func(*http.Request, orgkit.DirectoryID) (string, error) { return "other", nil },
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/Groups/"+gid, nil))
	assert.Equal(t, next, rec.Header().Get("ETag"))
}

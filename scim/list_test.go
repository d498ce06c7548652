package scim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Microsoft Entra ID's connection test queries a userName that does not exist and
// expects 200 with an empty list: Resources is [] (never null), totalResults 0.
func TestListResponseEmpty(t *testing.T) {
	b, err := json.Marshal(listResponse{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`, string(b))

	b, err = json.Marshal(listResponse{TotalResults: 7, StartIndex: 3, Resources: []map[string]any{{"id": "a"}, {"id": "b"}}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":7,"startIndex":3,"itemsPerPage":2,"Resources":[{"id":"a"},{"id":"b"}]}`, string(b))
}

func TestParsePage(t *testing.T) {
	tests := []struct {
		start, count string
		max          int
		want         listPage
	}{
		{"", "", 200, listPage{StartIndex: 1, Count: 200}},
		{"", "", 0, listPage{StartIndex: 1, Count: 100}},
		{"0", "10", 200, listPage{StartIndex: 1, Count: 10}}, // startIndex < 1 is 1
		{"-5", "-1", 200, listPage{StartIndex: 1, Count: 0}},
		{"21", "1000", 200, listPage{StartIndex: 21, Count: 200}},
		{" 2 ", "0", 200, listPage{StartIndex: 2, Count: 0}},
		{"1", "5000", 0, listPage{StartIndex: 1, Count: 5000}},
	}
	for _, tt := range tests {
		p, err := parsePage(tt.start, tt.count, tt.max)
		require.NoError(t, err)
		assert.Equal(t, tt.want, p, "startIndex=%q count=%q", tt.start, tt.count)
	}
	for _, bad := range [][2]string{{"x", ""}, {"", "1.5"}, {"99999999999999999999", ""}} {
		_, err := parsePage(bad[0], bad[1], 100)
		protoErr(t, err, ErrorInvalidValue)
	}
}

func TestPageBounds(t *testing.T) {
	for _, tt := range []struct {
		page          listPage
		total, lo, hi int
	}{
		{listPage{StartIndex: 1, Count: 10}, 25, 0, 10},
		{listPage{StartIndex: 21, Count: 10}, 25, 20, 25},
		{listPage{StartIndex: 26, Count: 10}, 25, 25, 25},
		{listPage{StartIndex: 100, Count: 10}, 25, 25, 25},
		{listPage{StartIndex: 0, Count: 0}, 25, 0, 0},
		{listPage{StartIndex: 1, Count: 10}, 0, 0, 0},
	} {
		lo, hi := tt.page.Bounds(tt.total)
		assert.Equal(t, [2]int{tt.lo, tt.hi}, [2]int{lo, hi}, "%+v of %d", tt.page, tt.total)
	}
}

func protoProject(t *testing.T, attrs, excluded string, res map[string]any, rt *resourceDef) map[string]any {
	t.Helper()
	p, err := parseProjection(attrs, excluded)
	require.NoError(t, err)
	return p.Apply(res, rt)
}

func protoKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestProjection(t *testing.T) {
	users := newUserResourceType()
	alice := protoDecode(t, protoAliceJSON)
	alice["password"] = "secret"

	// default: everything but the password (returned never)
	all := protoProject(t, "", "", alice, users)
	assert.NotContains(t, all, "password")
	assert.Len(t, all, len(alice)-1)

	// attributes: only those, plus id (always) and schemas
	out := protoProject(t, "userName,name.givenName", "", alice, users)
	assert.ElementsMatch(t, []string{"schemas", "id", "userName", "name"}, protoKeys(out))
	assert.Equal(t, map[string]any{"givenName": "Alice"}, out["name"])

	out = protoProject(t, "emails.value,"+protoEnterprise+":department", "", alice, users)
	assert.ElementsMatch(t, []string{"schemas", "id", "emails", protoEnterprise}, protoKeys(out))
	assert.Equal(t, []any{map[string]any{"value": "alice@example.com"}, map[string]any{"value": "alice@home.org"}}, out["emails"])
	assert.Equal(t, map[string]any{"department": "Sales"}, out[protoEnterprise])

	// a schema URN alone names the whole extension
	out = protoProject(t, protoEnterprise, "", alice, users)
	assert.Equal(t, alice[protoEnterprise], out[protoEnterprise])

	// excludedAttributes; id cannot be excluded; the password stays out even if asked for
	out = protoProject(t, "", "emails,name.familyName,id,meta", alice, users)
	assert.NotContains(t, out, "emails")
	assert.NotContains(t, out, "meta")
	assert.Contains(t, out, "id")
	assert.Equal(t, map[string]any{"givenName": "Alice"}, out["name"])
	out = protoProject(t, "password,userName", "", alice, users)
	assert.NotContains(t, out, "password")

	// attribute names are case-insensitive; the input is untouched
	out = protoProject(t, "USERNAME", "", alice, users)
	assert.Contains(t, out, "userName")
	assert.Contains(t, alice, "password")
	assert.Equal(t, map[string]any{"givenName": "Alice", "familyName": "Liddell"}, alice["name"])
}

// Microsoft Entra ID reads groups with excludedAttributes=members; Returns lets a server
// skip computing the members at all.
func TestProjectionEntraExcludesMembers(t *testing.T) {
	groups := newGroupResourceType()
	p, err := parseProjection("", "members")
	require.NoError(t, err)
	assert.False(t, p.Returns(groups, "members"))
	assert.True(t, p.Returns(groups, "displayName"))
	assert.True(t, p.Returns(groups, "id"))
	g := protoGroup(t, "u1", "u2")
	assert.ElementsMatch(t, []string{"schemas", "id", "displayName"}, protoKeys(p.Apply(g, groups)))

	p, err = parseProjection("displayName", "")
	require.NoError(t, err)
	assert.False(t, p.Returns(groups, "members"))
	p, err = parseProjection("members.value", "")
	require.NoError(t, err)
	assert.True(t, p.Returns(groups, "members"))
	assert.True(t, projectionSpec{}.Returns(groups, "members"))
	assert.False(t, projectionSpec{}.Returns(newUserResourceType(), "password"))
}

// returned "request" attributes appear only when asked for.
func TestProjectionReturnedRequest(t *testing.T) {
	rt := &resourceDef{Name: "Thing", Schema: &schemaDef{ID: "urn:example:thing", Attributes: []*Attribute{
		{Name: "big", Returned: Request},
		{Name: "small"},
		{Name: "box", Type: Complex, SubAttributes: []*Attribute{{Name: "lid", Returned: Request}, {Name: "side"}}},
	}}}
	res := map[string]any{"id": "t", "big": "B", "small": "S", "box": map[string]any{"lid": "L", "side": "D"}}
	assert.Equal(t, map[string]any{"id": "t", "small": "S", "box": map[string]any{"side": "D"}}, protoProject(t, "", "", res, rt))
	assert.Equal(t, map[string]any{"id": "t", "big": "B"}, protoProject(t, "big", "", res, rt))
	assert.Equal(t, map[string]any{"id": "t", "box": map[string]any{"lid": "L"}}, protoProject(t, "box.lid", "", res, rt))
}

func TestParseProjectionErrors(t *testing.T) {
	for _, bad := range [][2]string{{"emails[type eq \"work\"]", ""}, {"", "a.b.c"}, {"1x", ""}} {
		_, err := parseProjection(bad[0], bad[1])
		protoErr(t, err, ErrorInvalidPath)
	}
	req := httptest.NewRequest(http.MethodGet, "/Groups/g?excludedAttributes=members", nil)
	p, err := projectionFromQuery(req)
	require.NoError(t, err)
	assert.Equal(t, projectionSpec{Excluded: []pathExpr{{Attr: "members"}}}, p)
}

func TestDiscoveryDocuments(t *testing.T) {
	users := newUserResourceType()
	d := users.Document("https://example.com/scim/v2/")
	assert.Equal(t, "/Users", d["endpoint"])
	assert.Equal(t, UserSchema, d["schema"])
	assert.Equal(t, []any{map[string]any{"schema": EnterpriseUserSchema, "required": false}}, d["schemaExtensions"])
	assert.Equal(t, "https://example.com/scim/v2/ResourceTypes/User", d["meta"].(map[string]any)["location"])

	sd := users.Schema.Document("https://example.com/scim/v2")
	assert.Equal(t, "https://example.com/scim/v2/Schemas/"+UserSchema, sd["meta"].(map[string]any)["location"])
	byName := map[string]map[string]any{}
	for _, a := range sd["attributes"].([]any) {
		byName[a.(map[string]any)["name"].(string)] = a.(map[string]any)
	}
	assert.Equal(t, map[string]any{"name": "userName", "type": "string", "multiValued": false,
		"description": byName["userName"]["description"], "required": true, "caseExact": false,
		"mutability": "readWrite", "returned": "default", "uniqueness": "server"}, byName["userName"])
	assert.Equal(t, "writeOnly", byName["password"]["mutability"])
	assert.Equal(t, "never", byName["password"]["returned"])
	assert.Equal(t, true, byName["emails"]["multiValued"])
	assert.Len(t, byName["emails"]["subAttributes"], 4)
	assert.Equal(t, "readOnly", byName["groups"]["mutability"])

	// a host's readOnly override shows in the published schema
	c := users.Clone()
	c.Attribute("displayName").Mutability = ReadOnly
	for _, a := range c.Schema.Document("")["attributes"].([]any) {
		if a.(map[string]any)["name"] == "displayName" {
			assert.Equal(t, "readOnly", a.(map[string]any)["mutability"])
		}
	}

	schemas := schemasOf(users, newGroupResourceType(), users)
	var ids []string
	for _, s := range schemas {
		ids = append(ids, s.ID)
	}
	assert.Equal(t, []string{UserSchema, EnterpriseUserSchema, GroupSchema}, ids)

	spc := serviceProviderConfig{MaxResults: 200, ETag: true}.Document("https://example.com/scim")
	assert.Equal(t, map[string]any{"supported": true, "maxResults": 200}, spc["filter"])
	assert.Equal(t, map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0}, spc["bulk"])
	assert.Equal(t, map[string]any{"supported": true}, spc["etag"])
	assert.Equal(t, "oauthbearertoken", spc["authenticationSchemes"].([]any)[0].(map[string]any)["type"])
	b, err := json.Marshal(spc)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]`)
}

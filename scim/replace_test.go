package scim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// [okta-scim20] Okta creates users with a POST carrying a password, "groups": [] and
// string-typed values, and replaces profiles with PUT carrying the whole user.
func TestReplaceOktaCreateAndPut(t *testing.T) {
	users := newUserResourceType()
	post := protoDecode(t, `{
	  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
	  "userName": "test.user@okta.local",
	  "name": {"givenName": "Test", "familyName": "User"},
	  "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
	  "displayName": "Test User",
	  "locale": "en-US",
	  "externalId": "00ujl29u0le5T6Aj10h7",
	  "groups": [],
	  "password": "1mz050nq",
	  "active": "True",
	  "id": "client-chosen"
	}`)
	created, err := replaceResource(nil, post, users)
	require.NoError(t, err)
	r := created.Resource
	assert.Equal(t, true, r["active"], "string boolean")
	assert.NotContains(t, r, "id", "readOnly: the server assigns it")
	assert.NotContains(t, r, "groups")
	assert.Equal(t, "1mz050nq", r["password"])
	assert.Equal(t, []string{"id"}, created.Ignored, "an empty groups list asserts nothing")

	// the server adds id and meta; Okta then PUTs the profile without them and without
	// the password; displayName left out is cleared
	current := created.Resource
	current["id"] = "u-1"
	current["meta"] = map[string]any{"resourceType": "User"}
	delete(current, "password")
	put := protoDecode(t, `{
	  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
	  "id": "u-1",
	  "userName": "test.user@okta.local",
	  "name": {"givenName": "Another", "familyName": "User"},
	  "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
	  "locale": "en-US",
	  "externalId": "00ujl29u0le5T6Aj10h7",
	  "active": true
	}`)
	replaced, err := replaceResource(current, put, users)
	require.NoError(t, err)
	assert.Equal(t, "u-1", replaced.Resource["id"])
	assert.Equal(t, map[string]any{"resourceType": "User"}, replaced.Resource["meta"], "readOnly kept from current")
	var changed []string
	for _, c := range replaced.Changes {
		changed = append(changed, c.Attribute)
	}
	assert.Equal(t, []string{"displayName", "name"}, changed)
	assert.Empty(t, replaced.Ignored, "an id equal to the resource's is not reported")
}

func TestReplaceErrorsAndExtensions(t *testing.T) {
	users := newUserResourceType()
	_, err := replaceResource(nil, map[string]any{"displayName": "x"}, users)
	se := protoErr(t, err, ErrorInvalidValue)
	assert.Contains(t, se.Detail, "userName is required")

	_, err = replaceResource(nil, map[string]any{"userName": "x", "active": "perhaps"}, users)
	protoErr(t, err, ErrorInvalidValue)

	out, err := replaceResource(nil, map[string]any{
		"userName":                     "x",
		protoEnterprise:                map[string]any{"manager": "m-1", "department": "Sales", "shoe": "42"},
		"urn:example:unknown:1.0:User": map[string]any{"a": 1},
		"nickname":                     "Bee",
	}, users)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"manager": map[string]any{"value": "m-1"}, "department": "Sales"}, out.Resource[protoEnterprise])
	assert.Equal(t, "Bee", out.Resource["nickName"], "canonical spelling")
	assert.Equal(t, []any{UserSchema, protoEnterprise}, out.Resource["schemas"])
	assert.Equal(t, []string{"urn:example:unknown:1.0:User", protoEnterprise + ":shoe"}, out.Ignored)

	rt := &resourceDef{Name: "Thing", Schema: &schemaDef{ID: "urn:example:thing", Attributes: []*Attribute{{Name: "serial", Mutability: Immutable}}}}
	out, err = replaceResource(map[string]any{"id": "t", "serial": "S1"}, map[string]any{}, rt)
	require.NoError(t, err)
	assert.Equal(t, "S1", out.Resource["serial"], "an omitted immutable attribute keeps its value")
	_, err = replaceResource(map[string]any{"id": "t", "serial": "S1"}, map[string]any{"serial": "S2"}, rt)
	protoErr(t, err, ErrorMutability)
}

// A group PUT reports members added and removed like a PATCH does.
func TestReplaceGroupMembersDelta(t *testing.T) {
	groups := newGroupResourceType()
	out, err := replaceResource(protoGroup(t, "u1", "u2"), map[string]any{
		"displayName": "Sales", "members": []any{map[string]any{"value": "u2"}, map[string]any{"value": "u3"}},
	}, groups)
	require.NoError(t, err)
	c, ok := out.Changed("members")
	require.True(t, ok)
	assert.Equal(t, []string{"u3"}, c.AddedValues())
	assert.Equal(t, []string{"u1"}, c.RemovedValues())
	assert.Equal(t, "g-1", out.Resource["id"])
}

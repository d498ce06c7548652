package scim

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Sources of the request bodies pinned below:
//   - [entra-known-issues]: Microsoft Learn, "Known issues and resolutions with SCIM 2.0
//     protocol compliance of the Microsoft Entra user provisioning service" (the request
//     bodies with and without the aadOptscim062020 flag).
//   - [entra-scim-tutorial]: Microsoft Learn, "Tutorial: Develop and plan provisioning
//     for a SCIM endpoint in Microsoft Entra ID" (user and group request samples).
//   - [okta-scim20]: Okta Developer, "Okta and SCIM Version 2.0" (user and group push
//     request samples).

const protoEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

func protoPatch(t *testing.T, res map[string]any, rt *resourceDef, body string) (*patchResult, error) {
	t.Helper()
	req, err := decodePatch([]byte(body))
	require.NoError(t, err)
	before := protoJSON(t, res)
	out, err := req.Apply(res, rt)
	assert.Equal(t, before, protoJSON(t, res), "Apply never modifies its input")
	return out, err
}

func protoMustPatch(t *testing.T, res map[string]any, rt *resourceDef, body string) *patchResult {
	t.Helper()
	out, err := protoPatch(t, res, rt, body)
	require.NoError(t, err)
	return out
}

func protoJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func protoErr(t *testing.T, err error, typ ErrorType) *Error {
	t.Helper()
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusBadRequest, se.Status)
	assert.Equal(t, typ, se.ScimType, se.Detail)
	return se
}

func protoOps(list string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":` + list + `}`
}

func protoGroup(t *testing.T, members ...string) map[string]any {
	t.Helper()
	g := map[string]any{"schemas": []any{GroupSchema}, "id": "g-1", "displayName": "Sales"}
	var ms []any
	for _, m := range members {
		ms = append(ms, map[string]any{"value": m, "display": "name of " + m})
	}
	if ms != nil {
		g["members"] = ms
	}
	return g
}

func TestDecodePatch(t *testing.T) {
	req, err := decodePatch([]byte(protoOps(`[{"op":"Replace","path":"active","value":"False"},{"op":"REMOVE","path":"title"},{"op":"add","value":{"nickName":null}}]`)))
	require.NoError(t, err)
	assert.Equal(t, []patchOperation{
		{Op: "replace", Path: "active", Value: "False", HasValue: true},
		{Op: "remove", Path: "title"},
		{Op: "add", Value: map[string]any{"nickName": nil}, HasValue: true},
	}, req.Operations)

	for body, typ := range map[string]ErrorType{
		`{`:                 ErrorInvalidSyntax,
		`{"Operations":[]}`: ErrorInvalidSyntax,
		`{"schemas":["urn:x"],"Operations":[{"op":"add","value":{}}]}`: ErrorInvalidSyntax,
		protoOps(`[{"op":"move","path":"a"}]`):                         ErrorInvalidSyntax,
		protoOps(`[{"op":"add","path":"title"}]`):                      ErrorInvalidValue,
		protoOps(`[{"op":"add","value":1}] trailing`):                  ErrorInvalidSyntax,
	} {
		_, err := decodePatch([]byte(body))
		protoErr(t, err, typ)
	}
}

// [entra-known-issues] without the flag: capitalized op names and a string boolean.
func TestPatchEntraDisableUserStringBoolean(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	out := protoMustPatch(t, alice, newUserResourceType(), protoOps(`[{"op":"Replace","path":"active","value":"False"}]`))
	assert.Equal(t, false, out.Resource["active"])
	c, ok := out.Changed("active")
	require.True(t, ok)
	assert.Equal(t, true, c.Before)
	assert.Equal(t, false, c.After)

	out = protoMustPatch(t, out.Resource, newUserResourceType(), protoOps(`[{"op":"replace","path":"active","value":"True"}]`))
	assert.Equal(t, true, out.Resource["active"])

	_, err := protoPatch(t, alice, newUserResourceType(), protoOps(`[{"op":"replace","path":"active","value":"maybe"}]`))
	protoErr(t, err, ErrorInvalidValue)
}

// [entra-known-issues] with the aadOptscim062020 flag: one replace without a path whose
// value keys are attribute paths, a filtered path and an extension attribute path.
func TestPatchEntraValueObjectWithPathKeys(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	out := protoMustPatch(t, alice, newUserResourceType(), protoOps(`[{"op":"replace","value":{
		"displayName":"Pvlo",
		"emails[type eq \"work\"].value":"TestBcwqnm@test.microsoft.com",
		"name.givenName":"Gtfd",
		"name.familyName":"Pkqf",
		"externalId":"Eqpj",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Eqpj"}}]`))
	r := out.Resource
	assert.Equal(t, "Pvlo", r["displayName"])
	assert.Equal(t, "Eqpj", r["externalId"])
	assert.Equal(t, map[string]any{"givenName": "Gtfd", "familyName": "Pkqf"}, r["name"])
	assert.Equal(t, "TestBcwqnm@test.microsoft.com", r["emails"].([]any)[0].(map[string]any)["value"])
	assert.Equal(t, "alice@home.org", r["emails"].([]any)[1].(map[string]any)["value"], "only the work email changes")
	assert.Equal(t, "Eqpj", r[protoEnterprise].(map[string]any)["employeeNumber"])
	assert.Equal(t, "Sales", r[protoEnterprise].(map[string]any)["department"])

	var changed []string
	for _, c := range out.Changes {
		changed = append(changed, c.Attribute)
	}
	assert.Equal(t, []string{"displayName", "emails", "externalId", "name", protoEnterprise + ":employeeNumber"}, changed)
}

// [entra-known-issues] without the flag: the same update as one Replace per path.
func TestPatchEntraReplacePerPath(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	out := protoMustPatch(t, alice, newUserResourceType(), protoOps(`[
		{"op":"Replace","path":"displayName","value":"Pvlo"},
		{"op":"Replace","path":"emails[type eq \"work\"].value","value":"TestBcwqnm@test.microsoft.com"},
		{"op":"Replace","path":"name.givenName","value":"Gtfd"},
		{"op":"Replace","path":"name.familyName","value":"Pkqf"},
		{"op":"Replace","path":"externalId","value":"Eqpj"},
		{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"Eqpj"}]`))
	assert.Equal(t, "TestBcwqnm@test.microsoft.com", out.Resource["emails"].([]any)[0].(map[string]any)["value"])
	assert.Equal(t, "Eqpj", out.Resource[protoEnterprise].(map[string]any)["employeeNumber"])
	assert.Len(t, out.Changes, 5)
}

// [entra-known-issues] with the flag: a single-valued attribute added with a value
// object, {"op":"add","value":{"nickName":"Babs"}}; without it, {"op":"Add","path":"nickName",...}.
func TestPatchEntraAddSingleValue(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	for _, body := range []string{
		protoOps(`[{"op":"add","value":{"nickName":"Babs"}}]`),
		protoOps(`[{"op":"Add","path":"nickName","value":"Babs"}]`),
	} {
		out := protoMustPatch(t, alice, newUserResourceType(), body)
		assert.Equal(t, "Babs", out.Resource["nickName"])
	}
}

// [entra-scim-tutorial] Entra sets the protoEnterprise manager with the manager's ID as a
// plain string and clears it with an empty value (or a Remove); it is stored and
// returned as an object.
func TestPatchEntraManagerPlainString(t *testing.T) {
	users := newUserResourceType()
	alice := protoDecode(t, protoAliceJSON)
	alice[protoEnterprise].(map[string]any)["manager"] = map[string]any{"value": "m-1", "displayName": "Old Boss"}
	out := protoMustPatch(t, alice, users, protoOps(`[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"26118915-6090-4610-87e4-49d8ca9f808d"}]`))
	m := out.Resource[protoEnterprise].(map[string]any)["manager"].(map[string]any)
	assert.Equal(t, "26118915-6090-4610-87e4-49d8ca9f808d", m["value"])
	c, ok := out.Changed(protoEnterprise + ":manager")
	require.True(t, ok)
	assert.Equal(t, "m-1", c.Before.(map[string]any)["value"])

	for _, body := range []string{
		protoOps(`[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":""}]`),
		protoOps(`[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":null}]`),
		protoOps(`[{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]`),
		protoOps(`[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":""}}}]`),
	} {
		out := protoMustPatch(t, alice, users, body)
		_, has := out.Resource[protoEnterprise].(map[string]any)["manager"]
		assert.False(t, has, body)
		c, ok := out.Changed(protoEnterprise + ":manager")
		require.True(t, ok, body)
		assert.Nil(t, c.After)
	}

	// the manager object form with value works too; the read-only displayName is ignored
	out = protoMustPatch(t, alice, users, protoOps(`[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m-2","displayName":"Whoever"}}]`))
	assert.Equal(t, map[string]any{"value": "m-2", "displayName": "Old Boss"}, out.Resource[protoEnterprise].(map[string]any)["manager"])
}

// An extension URN key whose value is an object of the extension's attributes, and a
// URN-prefixed key; the extension object and "schemas" are created as needed.
func TestPatchExtensionObject(t *testing.T) {
	users := newUserResourceType()
	bob := map[string]any{"schemas": []any{UserSchema}, "id": "u-2", "userName": "bob"}
	out := protoMustPatch(t, bob, users, protoOps(`[{"op":"add","value":{
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"42"}}}]`))
	assert.Equal(t, map[string]any{"department": "R&D", "employeeNumber": "42"}, out.Resource[protoEnterprise])
	assert.Equal(t, []any{UserSchema, protoEnterprise}, out.Resource["schemas"])

	out = protoMustPatch(t, out.Resource, users, protoOps(`[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"},
		{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"}]`))
	assert.NotContains(t, out.Resource, protoEnterprise, "an emptied extension object is dropped")
	assert.Equal(t, []any{UserSchema}, out.Resource["schemas"])
}

// The brief's Entra case: Add on phoneNumbers[type eq "mobile"].value when the user has
// no mobile creates {"type":"mobile","value":…}; a second Add updates it in place.
func TestPatchEntraAddFilteredCreatesEntry(t *testing.T) {
	users := newUserResourceType()
	bob := map[string]any{"id": "u-2", "userName": "bob"}
	out := protoMustPatch(t, bob, users, protoOps(`[{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+86 139 0000 0001"}]`))
	assert.Equal(t, []any{map[string]any{"type": "mobile", "value": "+86 139 0000 0001"}}, out.Resource["phoneNumbers"])

	out = protoMustPatch(t, out.Resource, users, protoOps(`[{"op":"Add","path":"phoneNumbers[type eq \"work\"].value","value":"+86 10 1234 5678"},
		{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+86 139 0000 0002"}]`))
	assert.Equal(t, []any{
		map[string]any{"type": "mobile", "value": "+86 139 0000 0002"},
		map[string]any{"type": "work", "value": "+86 10 1234 5678"},
	}, out.Resource["phoneNumbers"])

	// a filter that does not say what to create
	_, err := protoPatch(t, bob, users, protoOps(`[{"op":"add","path":"phoneNumbers[type sw \"mob\"].value","value":"1"}]`))
	protoErr(t, err, ErrorNoTarget)
	// replace with a value filter that matches nothing: noTarget (RFC 7644 §3.5.2.3)
	_, err = protoPatch(t, bob, users, protoOps(`[{"op":"replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"1"}]`))
	protoErr(t, err, ErrorNoTarget)
}

// [entra-scim-tutorial] Update Group [Add Members] with "$ref": null, and
// [entra-known-issues] Remove on path "members" with a value list, which removes only
// the listed members. The change lists the member IDs, never a whole-value replacement.
func TestPatchEntraGroupMembers(t *testing.T) {
	groups := newGroupResourceType()
	g := protoGroup(t, "u1", "u2", "u3")
	out := protoMustPatch(t, g, groups, protoOps(`[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u4"},{"$ref":null,"value":"u2"}]}]`))
	c, ok := out.Changed("members")
	require.True(t, ok)
	assert.Equal(t, []string{"u4"}, c.AddedValues(), "u2 was already a member")
	assert.Empty(t, c.RemovedValues())
	assert.Len(t, out.Resource["members"], 4)

	out = protoMustPatch(t, g, groups, protoOps(`[{"op":"Remove","path":"members","value":[{"value":"u1"},{"value":"u3"},{"value":"not-a-member"}]}]`))
	c, ok = out.Changed("members")
	require.True(t, ok)
	assert.Empty(t, c.AddedValues())
	assert.Equal(t, []string{"u1", "u3"}, c.RemovedValues())
	assert.Equal(t, []any{map[string]any{"value": "u2", "display": "name of u2"}}, out.Resource["members"])

	// the flagged form: remove members[value eq "…"]
	out = protoMustPatch(t, g, groups, protoOps(`[{"op":"remove","path":"members[value eq \"u2\"]"}]`))
	c, _ = out.Changed("members")
	assert.Equal(t, []string{"u2"}, c.RemovedValues())

	// removing the last members drops the attribute
	out = protoMustPatch(t, protoGroup(t, "u1"), groups, protoOps(`[{"op":"Remove","path":"members","value":[{"value":"u1"}]}]`))
	assert.NotContains(t, out.Resource, "members")

	// a retried remove of someone already gone changes nothing and succeeds
	out = protoMustPatch(t, g, groups, protoOps(`[{"op":"remove","path":"members[value eq \"gone\"]"}]`))
	assert.Empty(t, out.Changes)
}

// [okta-scim20] Okta's group push renames with replace {id, displayName} before each
// membership change: the id equal to the group's own is no change; a different id is
// refused (id is readOnly).
func TestPatchOktaGroupNameSync(t *testing.T) {
	groups := newGroupResourceType()
	g := protoGroup(t, "u1")
	out := protoMustPatch(t, g, groups, protoOps(`[{"op":"replace","value":{"id":"g-1","displayName":"Sales EMEA"}}]`))
	assert.Equal(t, "Sales EMEA", out.Resource["displayName"])
	require.Len(t, out.Changes, 1)
	assert.Equal(t, "displayName", out.Changes[0].Attribute)

	out = protoMustPatch(t, g, groups, protoOps(`[{"op":"replace","value":{"id":"g-1","displayName":"Sales"}}]`))
	assert.Empty(t, out.Changes, "a name sync that changes nothing reports nothing")

	_, err := protoPatch(t, g, groups, protoOps(`[{"op":"replace","value":{"id":"other","displayName":"Sales"}}]`))
	se := protoErr(t, err, ErrorMutability)
	assert.Contains(t, se.Detail, "id is readOnly")
}

// [okta-scim20] Okta's membership changes: add members with {value, display} and remove
// with members[value eq "…"], in one request; and Okta's deactivation, replace without a
// path {"active": false}.
func TestPatchOktaMembershipAndDeactivate(t *testing.T) {
	groups := newGroupResourceType()
	g := protoGroup(t, "u1", "u2")
	out := protoMustPatch(t, g, groups, protoOps(`[
		{"op":"remove","path":"members[value eq \"u1\"]"},
		{"op":"add","path":"members","value":[{"value":"u9","display":"user9@example.com"}]}]`))
	c, ok := out.Changed("members")
	require.True(t, ok)
	assert.Equal(t, []string{"u9"}, c.AddedValues())
	assert.Equal(t, []string{"u1"}, c.RemovedValues())

	alice := protoDecode(t, protoAliceJSON)
	out = protoMustPatch(t, alice, newUserResourceType(), protoOps(`[{"op":"replace","value":{"active":false}}]`))
	assert.Equal(t, false, out.Resource["active"])
}

// A whole-value replace of members still reports what was added and removed, so a
// server applies intent commands and never loses a concurrent membership change.
func TestPatchReplaceMembersReportsDelta(t *testing.T) {
	groups := newGroupResourceType()
	out := protoMustPatch(t, protoGroup(t, "u1", "u2"), groups, protoOps(`[{"op":"replace","path":"members","value":[{"value":"u2"},{"value":"u3"}]}]`))
	c, ok := out.Changed("members")
	require.True(t, ok)
	assert.Equal(t, []string{"u3"}, c.AddedValues())
	assert.Equal(t, []string{"u1"}, c.RemovedValues())

	// Okta's older group push: replace without a path carrying members
	out = protoMustPatch(t, protoGroup(t, "u1"), groups, protoOps(`[{"op":"replace","value":{"members":[{"value":"u1"},{"value":"u5"}]}}]`))
	c, _ = out.Changed("members")
	assert.Equal(t, []string{"u5"}, c.AddedValues())
	assert.Empty(t, c.RemovedValues())

	// replace with an empty list removes everyone; add with an empty list changes nothing
	out = protoMustPatch(t, protoGroup(t, "u1"), groups, protoOps(`[{"op":"replace","path":"members","value":[]}]`))
	c, _ = out.Changed("members")
	assert.Equal(t, []string{"u1"}, c.RemovedValues())
	out = protoMustPatch(t, protoGroup(t, "u1"), groups, protoOps(`[{"op":"add","path":"members","value":[]}]`))
	assert.Empty(t, out.Changes)
}

func TestPatchNullUnsets(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	users := newUserResourceType()
	out := protoMustPatch(t, alice, users, protoOps(`[{"op":"replace","value":{"displayName":null,"name.givenName":null}},{"op":"add","path":"title","value":null}]`))
	assert.NotContains(t, out.Resource, "displayName")
	assert.Equal(t, map[string]any{"familyName": "Liddell"}, out.Resource["name"])
	c, ok := out.Changed("displayName")
	require.True(t, ok)
	assert.Equal(t, "Alice Liddell", c.Before)
	assert.Nil(t, c.After)
}

func TestPatchComplexMergeAndCaseInsensitiveNames(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	out := protoMustPatch(t, alice, newUserResourceType(), protoOps(`[{"op":"replace","path":"NAME","value":{"GIVENNAME":"Alicia"}},{"op":"replace","path":"DisplayName","value":"A"}]`))
	assert.Equal(t, map[string]any{"givenName": "Alicia", "familyName": "Liddell"}, out.Resource["name"], "replace on a complex attribute merges")
	assert.Equal(t, "A", out.Resource["displayName"])
	assert.NotContains(t, out.Resource, "DisplayName", "stored under the schema's spelling")
}

func TestPatchPrimaryIsUnique(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	out := protoMustPatch(t, alice, newUserResourceType(), protoOps(`[{"op":"add","path":"emails","value":[{"value":"new@example.com","type":"other","primary":true}]}]`))
	emails := out.Resource["emails"].([]any)
	require.Len(t, emails, 3)
	assert.Equal(t, false, emails[0].(map[string]any)["primary"])
	assert.Equal(t, true, emails[2].(map[string]any)["primary"])

	out = protoMustPatch(t, alice, newUserResourceType(), protoOps(`[{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}]`))
	emails = out.Resource["emails"].([]any)
	assert.Equal(t, false, emails[0].(map[string]any)["primary"])
	assert.Equal(t, true, emails[1].(map[string]any)["primary"])
}

func TestPatchErrors(t *testing.T) {
	users := newUserResourceType()
	alice := protoDecode(t, protoAliceJSON)
	tests := []struct {
		name, body string
		typ        ErrorType
		detail     string
	}{
		{"remove without path", `[{"op":"remove"}]`, ErrorNoTarget, "remove needs a path"},
		{"bad path", `[{"op":"add","path":"emails[type eq","value":"x"}]`, ErrorInvalidPath, "invalid path"},
		{"unknown attribute", `[{"op":"add","path":"shoeSize","value":"x"}]`, ErrorInvalidPath, "not an attribute of User"},
		{"unknown value key", `[{"op":"add","value":{"shoeSize":"x"}}]`, ErrorInvalidPath, "not an attribute"},
		{"unknown sub-attribute", `[{"op":"add","path":"name.nick","value":"x"}]`, ErrorInvalidPath, "no sub-attribute"},
		{"sub of simple", `[{"op":"add","path":"userName.x","value":"x"}]`, ErrorInvalidPath, "has no sub-attributes"},
		{"filter on simple", `[{"op":"add","path":"userName[value eq \"x\"]","value":"x"}]`, ErrorInvalidPath, "needs a complex attribute"},
		{"string for boolean", `[{"op":"replace","path":"active","value":"yes"}]`, ErrorInvalidValue, "is not a boolean"},
		{"number for string", `[{"op":"replace","path":"displayName","value":12}]`, ErrorInvalidValue, "is not a string"},
		{"array for complex", `[{"op":"replace","path":"name","value":[1]}]`, ErrorInvalidValue, "is not an object"},
		{"unknown sub in value", `[{"op":"add","path":"emails","value":[{"value":"a@b","kind":"x"}]}]`, ErrorInvalidValue, "no sub-attribute"},
		{"value object not object", `[{"op":"replace","value":"x"}]`, ErrorInvalidValue, "needs an object value"},
		{"remove required", `[{"op":"remove","path":"userName"}]`, ErrorInvalidValue, "userName is required"},
		{"empty required", `[{"op":"replace","path":"userName","value":""}]`, ErrorInvalidValue, "userName is required"},
		{"readOnly id", `[{"op":"replace","path":"id","value":"x"}]`, ErrorMutability, "id is readOnly"},
		{"readOnly meta", `[{"op":"remove","path":"meta"}]`, ErrorMutability, "meta is readOnly"},
		{"readOnly groups", `[{"op":"add","path":"groups","value":[{"value":"g"}]}]`, ErrorMutability, "groups is readOnly"},
		{"readOnly sub", `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"x"}]`, ErrorMutability, "manager.displayName is readOnly"},
		{"error in second op", `[{"op":"replace","path":"displayName","value":"ok"},{"op":"replace","path":"active","value":3}]`, ErrorInvalidValue, "operation 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := protoPatch(t, alice, users, protoOps(tt.body))
			se := protoErr(t, err, tt.typ)
			assert.Contains(t, se.Detail, tt.detail)
		})
	}
}

// A platform-bound directory makes the platform's fields readOnly in a clone of the
// resource type; PATCH then refuses to change them with scimType mutability.
func TestPatchReadOnlyByHost(t *testing.T) {
	users := newUserResourceType().Clone()
	users.Attribute("displayName").Mutability = ReadOnly
	alice := protoDecode(t, protoAliceJSON)
	_, err := protoPatch(t, alice, users, protoOps(`[{"op":"replace","path":"displayName","value":"X"}]`))
	protoErr(t, err, ErrorMutability)
	_, err = protoPatch(t, alice, users, protoOps(`[{"op":"replace","path":"displayName","value":"Alice Liddell"}]`))
	assert.NoError(t, err, "writing the current value is no change")

	users.Attribute("externalId").Mutability = Immutable // a clone's common attributes are shared copies: no effect
	_, err = protoPatch(t, alice, users, protoOps(`[{"op":"replace","path":"externalId","value":"new"}]`))
	assert.NoError(t, err)
}

// Immutable attributes may be set once.
func TestPatchImmutable(t *testing.T) {
	rt := &resourceDef{Name: "Thing", Schema: &schemaDef{ID: "urn:example:thing", Attributes: []*Attribute{
		{Name: "serial", Mutability: Immutable},
	}}}
	out := protoMustPatch(t, map[string]any{"id": "t"}, rt, protoOps(`[{"op":"add","path":"serial","value":"S1"}]`))
	_, err := protoPatch(t, out.Resource, rt, protoOps(`[{"op":"replace","path":"serial","value":"S2"}]`))
	protoErr(t, err, ErrorMutability)
}

// The password (writeOnly, returned never) is accepted, and never echoed in errors.
func TestPatchPasswordNeverInErrors(t *testing.T) {
	alice := protoDecode(t, protoAliceJSON)
	users := newUserResourceType()
	out := protoMustPatch(t, alice, users, protoOps(`[{"op":"replace","value":{"password":"t1meMa$heen"}}]`))
	assert.Equal(t, "t1meMa$heen", out.Resource["password"])
	_, err := protoPatch(t, alice, users, protoOps(`[{"op":"replace","path":"password","value":{"secret":"hunter2"}}]`))
	se := protoErr(t, err, ErrorInvalidValue)
	assert.NotContains(t, se.Detail, "hunter2")
}

// Without a resource type any attribute is accepted as it comes.
func TestPatchWithoutSchema(t *testing.T) {
	out := protoMustPatch(t, map[string]any{"a": "x", "list": []any{map[string]any{"value": "1"}}}, nil, protoOps(`[
		{"op":"add","path":"b.c","value":"y"},
		{"op":"add","path":"list","value":[{"value":"2"}]},
		{"op":"remove","path":"list[value eq \"1\"]"},
		{"op":"add","path":"urn:example:ext:1.0:Thing:size","value":3}]`))
	assert.Equal(t, map[string]any{
		"a": "x", "b": map[string]any{"c": "y"}, "list": []any{map[string]any{"value": "2"}},
		"urn:example:ext:1.0:Thing": map[string]any{"size": json.Number("3")},
	}, out.Resource)
}

// A Remove that names the value removed (as Entra sends for members) on a single-valued
// attribute removes it only when it is the current value: the order of a manager
// change's Add and Remove does not matter.
func TestPatchRemoveSingleByValue(t *testing.T) {
	users := newUserResourceType()
	alice := protoDecode(t, protoAliceJSON)
	path := protoEnterprise + ":manager"
	out := protoMustPatch(t, alice, users, protoOps(`[
		{"op":"Add","path":"`+path+`","value":"m-2"},
		{"op":"Remove","path":"`+path+`","value":[{"value":"m-1"}]}]`))
	assert.Equal(t, map[string]any{"value": "m-2"}, out.Resource[protoEnterprise].(map[string]any)["manager"])
	out = protoMustPatch(t, alice, users, protoOps(`[{"op":"Remove","path":"`+path+`","value":{"value":"m-1"}}]`))
	assert.NotContains(t, out.Resource[protoEnterprise], "manager")
	out = protoMustPatch(t, alice, users, protoOps(`[{"op":"Remove","path":"displayName","value":"Someone Else"}]`))
	assert.Equal(t, "Alice Liddell", out.Resource["displayName"])
}

// A value filter on a single-valued complex attribute keeps it an object.
func TestPatchFilterOnSingleComplex(t *testing.T) {
	users := newUserResourceType()
	alice := protoDecode(t, protoAliceJSON)
	out := protoMustPatch(t, alice, users, protoOps(`[{"op":"remove","path":"name[givenName eq \"Alice\"].familyName"}]`))
	assert.Equal(t, map[string]any{"givenName": "Alice"}, out.Resource["name"])
	out = protoMustPatch(t, alice, users, protoOps(`[{"op":"replace","path":"name[givenName eq \"Alice\"].familyName","value":"L."}]`))
	assert.Equal(t, map[string]any{"givenName": "Alice", "familyName": "L."}, out.Resource["name"])
	out = protoMustPatch(t, alice, users, protoOps(`[{"op":"remove","path":"name[givenName eq \"Alice\"]"}]`))
	assert.NotContains(t, out.Resource, "name")
	out = protoMustPatch(t, alice, users, protoOps(`[{"op":"remove","path":"name[givenName eq \"Bob\"]"}]`))
	assert.Equal(t, alice["name"], out.Resource["name"])
}

// The values a filter seeds a new entry with are checked like any value.
func TestPatchAddFilteredSeedIsChecked(t *testing.T) {
	users := newUserResourceType()
	bob := map[string]any{"id": "u-2", "userName": "bob"}
	_, err := protoPatch(t, bob, users, protoOps(`[{"op":"add","path":"emails[primary eq \"yes\"].value","value":"a@b.c"}]`))
	protoErr(t, err, ErrorInvalidValue)
	out := protoMustPatch(t, bob, users, protoOps(`[{"op":"add","path":"emails[primary eq \"True\" and type eq \"work\"].value","value":"a@b.c"}]`))
	assert.Equal(t, []any{map[string]any{"primary": true, "type": "work", "value": "a@b.c"}}, out.Resource["emails"])
}

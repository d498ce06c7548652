package scim_test

// The request sequences Microsoft Entra ID and Okta send in their provisioning
// cycles, as their published guides describe them (Entra ID: "Tutorial: Develop and
// plan provisioning for a SCIM endpoint", its user and group operations; Okta: "SCIM
// 2.0 protocol" and the Runscope test suite of its SCIM integrations), driven over
// HTTP with the statuses, bodies and resulting directory asserted.

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/scim"
)

const (
	userSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	patchSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

func patch(ops ...map[string]any) map[string]any {
	list := make([]any, len(ops))
	for i, o := range ops {
		list[i] = o
	}
	return map[string]any{"schemas": []string{patchSchema}, "Operations": list}
}

func op(name, path string, value any) map[string]any {
	o := map[string]any{"op": name}
	if path != "" {
		o["path"] = path
	}
	if value != nil {
		o["value"] = value
	}
	return o
}

func TestEntraUserCycle(t *testing.T) {
	e := newEnv(t)
	const userName = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"
	// Entra looks for the user before creating it: zero results is 200, not 404.
	r := e.do("GET", "/Users?filter="+q(`userName eq "`+userName+`"`), nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 0, r.Body["totalResults"])
	assert.Empty(t, r.Body["Resources"])

	// Create User
	r = e.do("POST", "/Users", map[string]any{
		"schemas":    []string{userSchema, enterpriseSchema},
		"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
		"userName":   userName,
		"active":     true,
		"emails":     []any{map[string]any{"primary": true, "type": "work", "value": "Test_User_fd0ea19b@testuser.com"}},
		"meta":       map[string]any{"resourceType": "User"},
		"name":       map[string]any{"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
		"roles":      []any{},
	})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	assert.Equal(t, userName, r.Body["userName"])
	assert.Equal(t, "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", r.Body["externalId"])
	assert.Equal(t, true, r.Body["active"])
	assert.Equal(t, "Test_User_fd0ea19b@testuser.com", dig(r.Body, "emails", 0, "value"))
	assert.Equal(t, "User", dig(r.Body, "meta", "resourceType"))
	assert.Contains(t, dig(r.Body, "meta", "location"), "/scim/v2/Users/"+id)

	// Get User, by id and by query (userName and externalId)
	r = e.do("GET", "/Users/"+id, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	for _, f := range []string{`userName eq "` + userName + `"`, `externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`,
		`emails[type eq "work"].value eq "Test_User_fd0ea19b@testuser.com"`} {
		r = e.do("GET", "/Users?filter="+q(f), nil)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		assert.EqualValues(t, 1, r.Body["totalResults"], f)
		assert.Equal(t, id, dig(r.Body, "Resources", 0, "id"), f)
	}

	// Update User [Multi-valued properties]
	r = e.do("PATCH", "/Users/"+id, patch(
		op("Replace", `emails[type eq "work"].value`, "updatedEmail@microsoft.com"),
		op("Replace", "name.familyName", "updatedFamilyName")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "updatedEmail@microsoft.com", dig(r.Body, "emails", 0, "value"))
	assert.Equal(t, "updatedFamilyName", dig(r.Body, "name", "familyName"))
	m := e.member(id)
	assert.Equal(t, "updatedemail@microsoft.com", m.Email)
	assert.Equal(t, "updatedFamilyName", m.FamilyName)

	// Update User [Single-valued properties]
	r = e.do("PATCH", "/Users/"+id, patch(op("Replace", "userName", "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", e.member(id).LoginAccount)

	// Entra's quirks: Add on phoneNumbers[type eq "mobile"].value creates the entry;
	// the manager is a plain id string; "False" is a boolean.
	mgr := e.do("POST", "/Users", map[string]any{"userName": "manager@testuser.com"})
	require.Equal(t, http.StatusCreated, mgr.Status, mgr.Raw)
	mgrID := mgr.Body["id"].(string)
	r = e.do("PATCH", "/Users/"+id, patch(
		op("Add", `phoneNumbers[type eq "mobile"].value`, "+1 (425) 555-0100"),
		op("Add", enterpriseSchema+":manager", mgrID),
		op("Add", enterpriseSchema+":department", "Human Resources US"),
		op("Add", enterpriseSchema+":employeeNumber", "100009")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "+1 (425) 555-0100", dig(r.Body, "phoneNumbers", 0, "value"), "read back as written")
	assert.Equal(t, mgrID, dig(r.Body, enterpriseSchema, "manager", "value"))
	assert.Equal(t, "manager@testuser.com", dig(r.Body, enterpriseSchema, "manager", "displayName"))
	assert.Equal(t, "Human Resources US", dig(r.Body, enterpriseSchema, "department"))
	m = e.member(id)
	assert.Equal(t, "+14255550100", m.Mobile)
	assert.Equal(t, mgrID, m.ReportingManager.String())
	assert.Equal(t, "100009", m.EmployeeNumber)
	hr, _ := e.snapshot().Node(m.Primary)
	assert.Equal(t, "Human Resources US", hr.Name.Default, "the department was made when it arrived")
	before := e.snapshot().Version()
	// the same values again, as Entra sends them each cycle: no change set
	r = e.do("PATCH", "/Users/"+id, patch(
		op("Replace", `phoneNumbers[type eq "mobile"].value`, "+1 (425) 555-0100"),
		op("Replace", `emails[type eq "work"].value`, "updatedEmail@microsoft.com")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, before, e.snapshot().Version(), "reading back what was sent: nothing to change")
	// the manager cleared with an empty value
	r = e.do("PATCH", "/Users/"+id, patch(op("Replace", enterpriseSchema+":manager", "")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Nil(t, dig(r.Body, enterpriseSchema, "manager"))
	assert.True(t, e.member(id).ReportingManager.IsZero())

	// Disable User ("False", as Entra sent it for years)
	r = e.do("PATCH", "/Users/"+id, patch(op("Replace", "active", "False")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, false, r.Body["active"])
	assert.Equal(t, orgkit.Inactive, e.member(id).Status)
	r = e.do("GET", "/Users?filter="+q(`userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"`), nil)
	assert.EqualValues(t, 1, r.Body["totalResults"], "a disabled user stays visible")

	// Delete User, then Entra's checks: 404 and no filter finds it
	r = e.do("DELETE", "/Users/"+id, nil)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/Users/"+id, nil).Status)
	r = e.do("GET", "/Users?filter="+q(`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`), nil)
	assert.EqualValues(t, 0, r.Body["totalResults"])
	assert.Equal(t, http.StatusNotFound, e.do("DELETE", "/Users/"+id, nil).Status)

	// Re-create of the same userName: the member is provisioned again
	r = e.do("POST", "/Users", map[string]any{"userName": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com",
		"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "active": true})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	assert.Equal(t, id, r.Body["id"], "the same member")
	m = e.member(id)
	assert.Equal(t, orgkit.Active, m.Status)
	assert.False(t, m.Deprovisioned)
	assert.Equal(t, http.StatusOK, e.do("GET", "/Users/"+id, nil).Status)
}

func TestEntraGroupCycle(t *testing.T) {
	e := newEnv(t)
	var users []string
	for _, n := range []string{"a@contoso.example", "b@contoso.example", "c@contoso.example"} {
		r := e.do("POST", "/Users", map[string]any{"userName": n})
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
		users = append(users, r.Body["id"].(string))
	}
	// Create Group
	r := e.do("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
		"id": "c4f39d8b-a6b0-4a34-9b9e-7c7e1a8ea5f9", "displayName": "displayName", "meta": map[string]any{"resourceType": "Group"}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	gid := r.Body["id"].(string)
	assert.NotEqual(t, "c4f39d8b-a6b0-4a34-9b9e-7c7e1a8ea5f9", gid, "the client's id is ignored")
	assert.Equal(t, "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", r.Body["externalId"])

	// Get Group, by id and by displayName, without members
	r = e.do("GET", "/Groups/"+gid+"?excludedAttributes=members", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.NotContains(t, r.Body, "members")
	r = e.do("GET", "/Groups?excludedAttributes=members&filter="+q(`displayName eq "displayName"`), nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 1, r.Body["totalResults"])
	assert.Nil(t, dig(r.Body, "Resources", 0, "members"))

	// Update Group [Non-member attributes]
	r = e.do("PATCH", "/Groups/"+gid, patch(op("Replace", "displayName", "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName")))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	n, _ := e.snapshot().Node(mustNode(t, gid))
	assert.Equal(t, "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName", n.Name.Default)

	// Update Group [Add Members]
	var vals []any
	for _, u := range users {
		vals = append(vals, map[string]any{"$ref": nil, "value": u})
	}
	r = e.do("PATCH", "/Groups/"+gid, patch(op("Add", "members", vals)))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	for _, u := range users {
		assert.Equal(t, mustNode(t, gid), e.member(u).Primary, "the department becomes the primary of members without one")
	}
	r = e.do("GET", "/Groups?filter="+q(`id eq "`+gid+`" and members[value eq "`+users[1]+`"]`)+"&excludedAttributes=members", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 1, r.Body["totalResults"])

	// Update Group [Remove Members]: only those listed
	r = e.do("PATCH", "/Groups/"+gid, patch(op("Remove", "members", []any{map[string]any{"$ref": nil, "value": users[0]}})))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	assert.True(t, e.member(users[0]).Primary.IsZero())
	assert.Equal(t, mustNode(t, gid), e.member(users[1]).Primary)
	assert.Equal(t, mustNode(t, gid), e.member(users[2]).Primary)
	r = e.do("GET", "/Groups/"+gid, nil)
	assert.Len(t, r.Body["members"], 2)

	// Delete Group (it still has members)
	r = e.do("DELETE", "/Groups/"+gid, nil)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/Groups/"+gid, nil).Status)
	n, _ = e.snapshot().Node(mustNode(t, gid))
	assert.Equal(t, orgkit.Inactive, n.Status)
	assert.True(t, e.member(users[1]).Primary.IsZero())
}

func mustNode(t *testing.T, id string) orgkit.NodeID {
	t.Helper()
	n, err := orgkit.ParseNodeID(id)
	require.NoError(t, err)
	return n
}

func TestOktaUserCycle(t *testing.T) {
	e := newEnv(t)
	// Test connector configuration, and the import's paging
	r := e.do("GET", "/Users?startIndex=1&count=1", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 1, r.Body["totalResults"], "the founder")
	assert.Len(t, r.Body["Resources"], 1)
	assert.EqualValues(t, 1, r.Body["startIndex"])

	const userName = "john.doe@example.com"
	r = e.do("GET", "/Users?filter="+q(`userName eq "`+userName+`"`)+"&startIndex=1&count=100", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 0, r.Body["totalResults"])

	// Create (Okta sends a password and no phone)
	body := map[string]any{
		"schemas":     []string{userSchema},
		"userName":    userName,
		"name":        map[string]any{"givenName": "John", "familyName": "Doe"},
		"emails":      []any{map[string]any{"primary": true, "value": "John.Doe@Example.com", "type": "work"}},
		"displayName": "John Doe",
		"locale":      "en-US",
		"externalId":  "00ujl29u0le5T6Aj10h7",
		"groups":      []any{},
		"password":    "1mz050nq",
		"active":      true,
	}
	r = e.do("POST", "/Users", body)
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	assert.Equal(t, "John", dig(r.Body, "name", "givenName"))
	assert.Equal(t, "Doe", dig(r.Body, "name", "familyName"))
	assert.Equal(t, "John.Doe@Example.com", dig(r.Body, "emails", 0, "value"))
	assert.NotContains(t, r.Raw, "1mz050nq")

	// A retried create is a conflict, never a duplicate
	r = e.do("POST", "/Users", body)
	require.Equal(t, http.StatusConflict, r.Status, r.Raw)
	assert.Equal(t, "uniqueness", r.Body["scimType"])
	body2 := map[string]any{"userName": "other@example.com", "externalId": "00ujl29u0le5T6Aj10h7"}
	r = e.do("POST", "/Users", body2)
	require.Equal(t, http.StatusConflict, r.Status, r.Raw)
	assert.Equal(t, "uniqueness", r.Body["scimType"])

	// Retrieve, then update with PUT
	r = e.do("GET", "/Users/"+id, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	put := r.Body
	put["name"] = map[string]any{"givenName": "Johnny", "familyName": "Doe"}
	put["displayName"] = "Johnny Doe"
	r = e.do("PUT", "/Users/"+id, put)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "Johnny", dig(r.Body, "name", "givenName"))
	assert.Equal(t, "Johnny", e.member(id).GivenName)
	assert.Equal(t, "Johnny Doe", e.member(id).FullName)

	// Deactivate, reactivate: value objects without a path
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "", map[string]any{"active": false})))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, orgkit.Inactive, e.member(id).Status)
	r = e.do("GET", "/Users/"+id, nil)
	assert.Equal(t, false, r.Body["active"], "a deactivated user stays readable")
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "", map[string]any{"active": true})))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, orgkit.Active, e.member(id).Status)

	// Password sync: accepted, never stored
	v := e.snapshot().Version()
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "", map[string]any{"password": "newPassw0rd"})))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, v, e.snapshot().Version())
	assert.NotContains(t, r.Raw, "newPassw0rd")

	// Value objects whose keys are attribute paths
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "", map[string]any{"name.familyName": "Dough",
		enterpriseSchema + ":employeeNumber": "E-7"})))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "Dough", e.member(id).FamilyName)
	assert.Equal(t, "E-7", e.member(id).EmployeeNumber)
}

func TestOktaGroupPush(t *testing.T) {
	e := newEnv(t)
	var users []string
	for _, n := range []string{"a@example.com", "b@example.com"} {
		r := e.do("POST", "/Users", map[string]any{"userName": n})
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
		users = append(users, r.Body["id"].(string))
	}
	r := e.do("GET", "/Groups?filter="+q(`displayName eq "Engineering"`)+"&startIndex=1&count=100", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 0, r.Body["totalResults"])
	r = e.do("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "Engineering", "members": []any{}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	gid := r.Body["id"].(string)

	syncName := op("replace", "", map[string]any{"id": gid, "displayName": "Engineering"})
	// name sync + add, as Okta sends them
	v := e.snapshot().Version()
	r = e.do("PATCH", "/Groups/"+gid, patch(syncName))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	assert.Equal(t, v, e.snapshot().Version(), "the name sync with the same name changes nothing")
	r = e.do("PATCH", "/Groups/"+gid, patch(syncName, op("add", "members", []any{
		map[string]any{"value": users[0], "display": "a@example.com"}, map[string]any{"value": users[1], "display": "b@example.com"}})))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	r = e.do("GET", "/Groups/"+gid, nil)
	require.Len(t, r.Body["members"], 2)

	// remove by a value filter path
	r = e.do("PATCH", "/Groups/"+gid, patch(syncName, op("remove", `members[value eq "`+users[0]+`"]`, nil)))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	r = e.do("GET", "/Groups/"+gid, nil)
	require.Len(t, r.Body["members"], 1)
	assert.Equal(t, users[1], dig(r.Body, "members", 0, "value"))

	// rename through the name sync
	r = e.do("PATCH", "/Groups/"+gid, patch(op("replace", "", map[string]any{"id": gid, "displayName": "Platform Engineering"})))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	n, _ := e.snapshot().Node(mustNode(t, gid))
	assert.Equal(t, "Platform Engineering", n.Name.Default)

	// delete with a member left: the member loses the department, which is deactivated
	r = e.do("DELETE", "/Groups/"+gid, nil)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	assert.True(t, e.member(users[1]).Primary.IsZero())
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/Groups/"+gid, nil).Status)
}

func TestGroupsAsRoles(t *testing.T) {
	e := newEnv(t, func(o *scim.Options) { o.Groups = scim.GroupsAsRoles })
	r := e.do("POST", "/Users", map[string]any{"userName": "a@example.com"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	uid := r.Body["id"].(string)
	r = e.do("GET", "/Groups", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 0, r.Body["totalResults"], "the org-admin role is no Group")
	r = e.do("POST", "/Groups", map[string]any{"displayName": "Approvers", "members": []any{map[string]any{"value": uid}}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	gid := r.Body["id"].(string)
	rid, err := orgkit.ParseRoleID(gid)
	require.NoError(t, err)
	assert.True(t, slices.Contains(e.snapshot().Assignment(e.member(uid).ID).Roles, rid))
	r = e.do("GET", "/Users/"+uid, nil)
	assert.Equal(t, gid, dig(r.Body, "groups", 0, "value"))
	r = e.do("PATCH", "/Groups/"+gid, patch(op("Remove", "members", []any{map[string]any{"value": uid}})))
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	assert.False(t, slices.Contains(e.snapshot().Assignment(e.member(uid).ID).Roles, rid))
	r = e.do("DELETE", "/Groups/"+gid, nil)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	ro, _ := e.snapshot().Role(rid)
	assert.Equal(t, orgkit.Retired, ro.Status)
}

// TestRoleGroupMembersInCreationOrder checks that a Group backed by a role lists its
// members in one order, the order the Users were created, on every request (they came
// in the random order of the directory's assignment map).
func TestRoleGroupMembersInCreationOrder(t *testing.T) {
	e := newEnv(t, func(o *scim.Options) { o.Groups = scim.GroupsAsRoles })
	var ids, members []any
	for i := range 40 {
		r := e.do("POST", "/Users", map[string]any{"userName": fmt.Sprintf("u%02d@example.com", i)})
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
		ids = append(ids, r.Body["id"])
		members = append(members, map[string]any{"value": r.Body["id"]})
	}
	slices.Reverse(members) // the order of the request is not the order of the answer
	r := e.do("POST", "/Groups", map[string]any{"displayName": "Approvers", "members": members})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	gid := r.Body["id"].(string)
	for range 5 {
		r = e.do("GET", "/Groups/"+gid, nil)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		var got []any
		for _, m := range r.Body["members"].([]any) {
			got = append(got, m.(map[string]any)["value"])
		}
		require.Equal(t, ids, got)
	}
}

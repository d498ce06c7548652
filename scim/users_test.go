package scim_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

func newUser(userName string) map[string]any {
	return map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":    userName,
		"name":        map[string]any{"givenName": "Barbara", "familyName": "Jensen"},
		"displayName": "Barbara Jensen",
		"emails":      []any{map[string]any{"value": "Barbara.Jensen@Contoso.example", "type": "work", "primary": true}},
		"active":      true,
		"password":    "t1meMa$heen",
	}
}

func TestUserVerticalSlice(t *testing.T) {
	e := newEnv(t)
	// create
	r := e.do("POST", "/Users", newUser("bjensen@contoso.example"))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	assert.Equal(t, "bjensen@contoso.example", r.Body["userName"])
	assert.Equal(t, "Barbara.Jensen@Contoso.example", dig(r.Body, "emails", 0, "value"), "the email as written")
	assert.NotEmpty(t, r.Header.Get("ETag"))
	assert.Equal(t, r.Header.Get("ETag"), dig(r.Body, "meta", "version"))
	assert.NotContains(t, r.Raw, "t1meMa$heen", "the password is never returned")
	m := e.member(id)
	assert.Equal(t, "bjensen@contoso.example", m.LoginAccount)
	assert.Equal(t, "bjensen@contoso.example", m.SystemName.Default)
	assert.Equal(t, member.LoginByAccount, m.LoginMethod, "valid without a mobile")
	assert.Equal(t, "barbara.jensen@contoso.example", m.Email)
	assert.Equal(t, "Barbara", m.GivenName)
	assert.Equal(t, "Jensen", m.FamilyName)
	assert.Equal(t, "Barbara Jensen", m.FullName)

	// get
	r = e.do("GET", "/Users/"+id, nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "Barbara", dig(r.Body, "name", "givenName"))

	// filter
	r = e.do("GET", "/Users?filter="+q(`userName eq "BJENSEN@contoso.example"`), nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 1, r.Body["totalResults"])
	assert.Equal(t, id, dig(r.Body, "Resources", 0, "id"))

	// patch
	r = e.do("PATCH", "/Users/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "Replace", "path": "displayName", "value": "Babs Jensen"}}})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "Babs Jensen", r.Body["displayName"])
	assert.Equal(t, "Babs Jensen", e.member(id).FullName)

	// delete
	r = e.do("DELETE", "/Users/"+id, nil)
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	assert.Equal(t, http.StatusNotFound, e.do("GET", "/Users/"+id, nil).Status)
	r = e.do("GET", "/Users?filter="+q(`userName eq "bjensen@contoso.example"`), nil)
	assert.EqualValues(t, 0, r.Body["totalResults"])
	m = e.member(id)
	assert.Equal(t, orgkit.Inactive, m.Status, "kept, inactive")
	assert.True(t, m.Deprovisioned)

	// the history records the actor
	n := 0
	for cs, err := range e.svc.History(context.Background(), e.dir, directory.HistoryQuery{Member: m.ID}) {
		require.NoError(t, err)
		assert.Equal(t, "scim:test-idp", cs.Meta.Actor)
		n++
	}
	assert.Equal(t, 3, n, "create, patch, delete")
}

// The form a provider wrote is returned while it still normalizes to the stored
// value; once the value changes by another path, the stored form shows.
func TestWrittenFormsGoStale(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "w@example.com",
		"emails":       []any{map[string]any{"value": "W.Written@Example.com", "type": "work"}},
		"phoneNumbers": []any{map[string]any{"value": "139 0000 0042", "type": "mobile"}}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	assert.Equal(t, "W.Written@Example.com", dig(r.Body, "emails", 0, "value"))
	assert.Equal(t, "139 0000 0042", dig(r.Body, "phoneNumbers", 0, "value"))
	m := e.member(id)
	assert.Equal(t, "+8613900000042", m.Mobile)
	_, err := e.svc.Apply(context.Background(), e.dir, directory.Meta{Actor: "admin"},
		member.Update{ID: m.ID, Fields: []member.Field{member.EmailField, member.MobileField},
			Value: member.Member{Email: "new@example.com", Mobile: "13900000043"}})
	require.NoError(t, err)
	r = e.do("GET", "/Users/"+id, nil)
	assert.Equal(t, "new@example.com", dig(r.Body, "emails", 0, "value"))
	assert.Equal(t, "+8613900000043", dig(r.Body, "phoneNumbers", 0, "value"))
}

// A PUT without the enterprise department, organization or manager leaves them; the
// plain attributes it omits are cleared.
func TestPutKeepsRelations(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "boss@example.com"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	boss := r.Body["id"].(string)
	r = e.do("POST", "/Users", map[string]any{"userName": "p@example.com", "title": "Engineer",
		enterpriseSchema: map[string]any{"department": "Sales", "manager": map[string]any{"value": boss}}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	r = e.do("PUT", "/Users/"+id, map[string]any{"userName": "p@example.com", "displayName": "P"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	m := e.member(id)
	assert.Equal(t, "", m.JobTitle, "cleared")
	assert.Equal(t, "P", m.FullName)
	assert.Equal(t, boss, m.ReportingManager.String(), "kept")
	assert.Equal(t, "Sales", dig(r.Body, enterpriseSchema, "department"), "kept")
	// a department that arrived with a user is the Group of that name
	r = e.do("GET", "/Groups?filter="+q(`displayName eq "sales"`), nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 1, r.Body["totalResults"])
	assert.Equal(t, m.Primary.String(), dig(r.Body, "Resources", 0, "id"))
	r = e.do("POST", "/Groups", map[string]any{"displayName": "Sales"})
	assert.Equal(t, http.StatusConflict, r.Status, r.Raw)
}

// A deleted User created again by its externalId is the same member; filters by
// userName do not find a deleted one, and other filters neither.
func TestRecreateByExternalID(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "old@example.com", "externalId": "ext-1"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	require.Equal(t, http.StatusNoContent, e.do("DELETE", "/Users/"+id, nil).Status)
	for _, f := range []string{`userName eq "old@example.com"`, `userName sw "old"`, `externalId eq "ext-1"`, `active eq false`} {
		r = e.do("GET", "/Users?filter="+q(f), nil)
		assert.EqualValues(t, 0, r.Body["totalResults"], f)
	}
	r = e.do("POST", "/Users", map[string]any{"userName": "renamed@example.com", "externalId": "ext-1"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	assert.Equal(t, id, r.Body["id"])
	assert.Equal(t, "renamed@example.com", e.member(id).LoginAccount)
	assert.Equal(t, true, r.Body["active"])
}

func TestPaginationAndProjection(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		r := e.do("POST", "/Users", map[string]any{"userName": "p" + string(rune('a'+i)) + "@example.com", "displayName": "Page"})
		require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	}
	r := e.do("GET", "/Users?filter="+q(`displayName eq "Page"`)+"&startIndex=2&count=2&attributes=userName", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 5, r.Body["totalResults"])
	assert.EqualValues(t, 2, r.Body["itemsPerPage"])
	assert.EqualValues(t, 2, r.Body["startIndex"])
	assert.Equal(t, "pb@example.com", dig(r.Body, "Resources", 0, "userName"))
	assert.Nil(t, dig(r.Body, "Resources", 0, "displayName"), "not asked for")
	assert.NotNil(t, dig(r.Body, "Resources", 0, "id"), "always returned")
	r = e.do("GET", "/Users?filter="+q(`displayName eq "Page"`)+"&startIndex=1&count=0", nil)
	assert.EqualValues(t, 5, r.Body["totalResults"])
	assert.Empty(t, r.Body["Resources"])
	r = e.do("GET", "/Users?filter="+q(`userName co "example" or displayName pr`)+"&excludedAttributes=emails,meta", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 6, r.Body["totalResults"], "the five and the founder")
	assert.Nil(t, dig(r.Body, "Resources", 0, "emails"))
}

// The enterprise organization names the company or an organization, and reads back
// as sent even when it is the derived one.
func TestOrganization(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "o@example.com", enterpriseSchema: map[string]any{"organization": "Contoso"}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	assert.Equal(t, "Contoso", dig(r.Body, enterpriseSchema, "organization"))
	id := r.Body["id"].(string)
	v := e.snapshot().Version()
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", enterpriseSchema+":organization", "Contoso")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, v, e.snapshot().Version(), "no churn")
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", enterpriseSchema+":organization", "Fabrikam")))
	require.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Equal(t, "invalidValue", r.Body["scimType"])
	assert.Contains(t, r.Body["detail"], "Fabrikam")
}

// The enterprise department moving to a department the member holds as a secondary
// one makes it the primary one.
func TestDepartmentMovesToASecondary(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "d@example.com", enterpriseSchema: map[string]any{"department": "Sales"}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	id := r.Body["id"].(string)
	r = e.do("POST", "/Groups", map[string]any{"displayName": "Marketing", "members": []any{map[string]any{"value": id}}})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	mkt := mustNode(t, r.Body["id"].(string))
	require.Equal(t, []orgkit.NodeID{mkt}, e.member(id).Secondary)
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", enterpriseSchema+":department", "Marketing")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	m := e.member(id)
	assert.Equal(t, mkt, m.Primary)
	assert.Empty(t, m.Secondary)
}

// A member the host created without a login account is a User whose userName is its
// system name; a PATCH of another attribute does not give it a login account.
func TestMemberWithoutLoginAccount(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/Users?filter="+q(`userName eq "Founder"`), nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	require.EqualValues(t, 1, r.Body["totalResults"])
	id := dig(r.Body, "Resources", 0, "id").(string)
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "title", "CEO")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	m := e.member(id)
	assert.Equal(t, "CEO", m.JobTitle)
	assert.Empty(t, m.LoginAccount)
	r = e.do("PATCH", "/Users/"+id, patch(op("replace", "userName", "founder@contoso.example")))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "founder@contoso.example", e.member(id).LoginAccount)
}

func TestSearchByPost(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/Users", map[string]any{"userName": "s@example.com", "externalId": "s-1"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	r = e.do("POST", "/Users/.search", map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
		"filter": `externalId eq "s-1"`, "startIndex": 1, "count": 10})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, 1, r.Body["totalResults"])
	assert.Equal(t, "s@example.com", dig(r.Body, "Resources", 0, "userName"))
}

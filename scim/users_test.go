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

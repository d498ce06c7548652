package connectortest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
)

// graphCall is one raw call of the fake Graph API.
func graphCall(t *testing.T, srv *connectortest.GraphServer, token, u string) (int, http.Header, map[string]any) {
	t.Helper()
	if strings.HasPrefix(u, "/") {
		u = srv.URL() + u
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("client-request-id", "my-request")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out), string(b))
	return resp.StatusCode, resp.Header, out
}

func graphToken(t *testing.T, srv *connectortest.GraphServer) string {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.URL()+"/"+srv.TenantID()+"/oauth2/v2.0/token", url.Values{"client_id": {srv.ClientID()},
		"client_secret": {"test-secret"}, "grant_type": {"client_credentials"}, "scope": {"https://graph.microsoft.com/.default"}})
	require.NoError(t, err)
	defer resp.Body.Close()
	var tok struct {
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	require.Equal(t, "Bearer", tok.TokenType)
	require.Equal(t, 3599, tok.ExpiresIn)
	return tok.AccessToken
}

// TestGraphServerShapes pins the shapes Microsoft Graph documents: the default
// properties without $select (no department, no accountEnabled), $top between 1
// and 999 and a default page of 100, next links, the error body with innerError
// and the request IDs, @removed entries and manager@delta in deltas.
func TestGraphServerShapes(t *testing.T) {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 5, Members: 150})
	srv := connectortest.NewGraphServer(src, connectortest.GraphOptions{})
	defer srv.Close()
	tok := graphToken(t, srv)

	status, _, page := graphCall(t, srv, tok, "/v1.0/users")
	require.Equal(t, http.StatusOK, status)
	users := page["value"].([]any)
	assert.Len(t, users, 100, "the default page size")
	assert.Contains(t, page["@odata.nextLink"], srv.URL()+"/v1.0/users?$skiptoken=")
	u := users[0].(map[string]any)
	for _, k := range []string{"id", "displayName", "mail", "userPrincipalName", "mobilePhone", "businessPhones", "jobTitle"} {
		assert.Contains(t, u, k)
	}
	for _, k := range []string{"department", "accountEnabled", "employeeId", "manager"} {
		assert.NotContains(t, u, k, "given only when selected or expanded")
	}
	status, _, page = graphCall(t, srv, tok, page["@odata.nextLink"].(string))
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, page["value"], 50)
	assert.NotContains(t, page, "@odata.nextLink", "the last page")

	status, _, page = graphCall(t, srv, tok, "/v1.0/users?$select=id,department,accountEnabled&$expand=manager($select=id)&$top=999")
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, page["value"], 150)
	u = page["value"].([]any)[0].(map[string]any)
	assert.Len(t, u, 3+1-boolInt(u["manager"] == nil), "id, department, accountEnabled (and manager)")

	status, hdr, page := graphCall(t, srv, tok, "/v1.0/users?$top=1000")
	assert.Equal(t, http.StatusBadRequest, status)
	e := page["error"].(map[string]any)
	assert.Equal(t, "Request_UnsupportedQuery", e["code"])
	inner := e["innerError"].(map[string]any)
	assert.Equal(t, hdr.Get("request-id"), inner["request-id"])
	assert.Equal(t, "my-request", inner["client-request-id"])

	status, _, page = graphCall(t, srv, "expired", "/v1.0/users")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "InvalidAuthenticationToken", page["error"].(map[string]any)["code"])

	// a delta round: the position now, then the changes since
	status, _, page = graphCall(t, srv, tok, "/v1.0/users/delta?$select=id,displayName,manager&$deltatoken=latest")
	require.Equal(t, http.StatusOK, status)
	assert.Empty(t, page["value"])
	link := page["@odata.deltaLink"].(string)
	ids := src.MemberIDs()
	src.RemoveMember(ids[0])
	src.EditMember(ids[1], func(m *connector.Member) { m.Manager = ids[2] })
	status, _, page = graphCall(t, srv, tok, link)
	require.Equal(t, http.StatusOK, status)
	byID := map[string]map[string]any{}
	for _, v := range page["value"].([]any) {
		byID[v.(map[string]any)["id"].(string)] = v.(map[string]any)
	}
	require.Len(t, byID, 2)
	assert.Equal(t, map[string]any{"reason": "changed"}, byID[ids[0]]["@removed"])
	assert.Equal(t, []any{map[string]any{"@odata.type": "#microsoft.graph.user", "id": ids[2]}}, byID[ids[1]]["manager@delta"])
	assert.NotEqual(t, link, page["@odata.deltaLink"])

	srv.ExpireDeltaLinks()
	status, _, page = graphCall(t, srv, tok, link)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "syncStateNotFound", page["error"].(map[string]any)["code"])
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

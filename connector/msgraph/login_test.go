package msgraph_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/msgraph"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

const redirect = "https://app.example.com/signin/callback"

// signInEnv is a tenant synced into a directory, with one member disabled upstream
// and one blocked from logging in here.
type signInEnv struct {
	*fixture
	svc                       *directory.Service
	dir                       orgkit.DirectoryID
	active, disabled, blocked string
}

func newSignInEnv(t *testing.T) *signInEnv {
	t.Helper()
	f := newFixture(t, connectortest.GenerateOptions{Seed: 3, Departments: 5, Members: 30}, connectortest.GraphOptions{}, msgraph.Options{})
	e := &signInEnv{fixture: f}
	e.svc, e.dir = newDirectory(t, f.ctx)
	plain := plainMembers(f.src)
	e.active, e.disabled, e.blocked = plain[0], plain[1], plain[2]
	f.src.EditMember(e.disabled, func(m *connector.Member) { m.Status = connector.Disabled })
	_, err := connector.Sync(f.ctx, e.svc, e.dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	snap, _ := e.svc.Snapshot(f.ctx, e.dir)
	b, _ := snap.MemberBy(member.ExternalIDField, e.blocked)
	_, err = e.svc.Apply(f.ctx, e.dir, directory.Meta{Actor: "admin"}, member.SetLoginBlocked{Members: []orgkit.MemberID{b.ID}, Blocked: true})
	require.NoError(t, err)
	return e
}

// signIn runs one sign-in as user: the client's URL, the browser at the fake
// authorization endpoint, the redirect back (edited by tamper when given).
func (e *signInEnv) signIn(user string, tamper func(s *msgraph.SignIn, redirect url.Values)) (member.Member, error) {
	e.t.Helper()
	s, err := e.client.StartSignIn(redirect)
	require.NoError(e.t, err)
	back, err := e.srv.Authorize(s.URL, user)
	require.NoError(e.t, err)
	if tamper != nil {
		tamper(&s, back)
	}
	return e.client.SignInMember(e.ctx, e.svc, e.dir, s, back)
}

func TestSignIn(t *testing.T) {
	e := newSignInEnv(t)
	s, err := e.client.StartSignIn(redirect)
	require.NoError(t, err)
	u, err := url.Parse(s.URL)
	require.NoError(t, err)
	q := u.Query()
	assert.Equal(t, "/"+tenantID+"/oauth2/v2.0/authorize", u.Path)
	assert.Equal(t, clientID, q.Get("client_id"))
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.Contains(t, q.Get("scope"), "openid")
	assert.Equal(t, s.State, q.Get("state"))
	assert.Equal(t, s.Nonce, q.Get("nonce"))
	assert.NotContains(t, s.URL, s.Verifier, "only the challenge travels")
	assert.NotContains(t, s.String(), s.State)
	s2, _ := e.client.StartSignIn(redirect)
	assert.NotEqual(t, s.State, s2.State, "fresh values each time")
	assert.NotEqual(t, s.Nonce, s2.Nonce)

	m, err := e.signIn(e.active, nil)
	require.NoError(t, err)
	assert.Equal(t, e.active, m.ExternalID)

	_, err = e.client.StartSignIn("http://app.example.com/callback")
	assert.ErrorIs(t, err, orgkit.ErrInvalid, "plain http only on localhost")
	_, err = e.client.StartSignIn("http://localhost:8080/callback")
	assert.NoError(t, err)
}

func TestSignInRefusals(t *testing.T) {
	e := newSignInEnv(t)
	now := time.Now()
	claims := func(edit func(c map[string]any)) func(*msgraph.SignIn, url.Values) {
		return func(*msgraph.SignIn, url.Values) { e.srv.TamperIDTokens(edit) }
	}
	for _, tc := range []struct {
		name   string
		user   string
		tamper func(s *msgraph.SignIn, back url.Values)
		kind   error
	}{
		{"unknown member", "nobody", nil, connector.ErrLoginUnknown},
		{"inactive member", e.disabled, nil, connector.ErrLoginInactive},
		{"blocked member", e.blocked, nil, connector.ErrLoginBlocked},
		{"state mismatch", e.active, func(_ *msgraph.SignIn, back url.Values) { back.Set("state", "forged") }, connector.ErrLoginState},
		{"no state", e.active, func(_ *msgraph.SignIn, back url.Values) { back.Del("state") }, connector.ErrLoginState},
		{"the user declined", e.active, func(_ *msgraph.SignIn, back url.Values) {
			back.Del("code")
			back.Set("error", "access_denied")
		}, connector.ErrLoginCode},
		{"unknown code", e.active, func(_ *msgraph.SignIn, back url.Values) { back.Set("code", "forged") }, connector.ErrLoginCode},
		{"another verifier (PKCE)", e.active, func(s *msgraph.SignIn, _ url.Values) { s.Verifier = strings.Repeat("x", 52) }, connector.ErrLoginCode},
		{"bad signature", e.active, func(*msgraph.SignIn, url.Values) { e.srv.SignWithForeignKey(true) }, msgraph.ErrIDToken},
		{"wrong issuer", e.active, claims(func(c map[string]any) { c["iss"] = "https://login.microsoftonline.com/" + tenantID + "/v2.0" }), msgraph.ErrIDToken},
		{"other tenant", e.active, claims(func(c map[string]any) {
			c["iss"] = strings.Replace(c["iss"].(string), tenantID, "99999999-2222-3333-4444-555555555555", 1)
		}), msgraph.ErrIDToken},
		{"wrong audience", e.active, claims(func(c map[string]any) { c["aud"] = "ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee" }), msgraph.ErrIDToken},
		{"several audiences", e.active, claims(func(c map[string]any) { c["aud"] = []string{clientID, "other"} }), msgraph.ErrIDToken},
		{"expired", e.active, claims(func(c map[string]any) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
		}), msgraph.ErrIDToken},
		{"not yet valid", e.active, claims(func(c map[string]any) { c["nbf"] = now.Add(time.Hour).Unix() }), msgraph.ErrIDToken},
		{"nonce mismatch", e.active, claims(func(c map[string]any) { c["nonce"] = "replayed" }), msgraph.ErrIDToken},
		{"no nonce", e.active, claims(func(c map[string]any) { delete(c, "nonce") }), msgraph.ErrIDToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer e.srv.TamperIDTokens(nil)
			defer e.srv.SignWithForeignKey(false)
			m, err := e.signIn(tc.user, tc.tamper)
			require.Error(t, err)
			assert.Zero(t, m)
			assert.ErrorIs(t, err, tc.kind)
			assert.ErrorIs(t, err, connector.ErrLoginRefused, "every refusal is a refused login")
			assert.NotContains(t, err.Error(), secret)
		})
	}
	// a good sign-in still works afterwards, and the same code cannot be used twice
	s, err := e.client.StartSignIn(redirect)
	require.NoError(t, err)
	back, err := e.srv.Authorize(s.URL, e.active)
	require.NoError(t, err)
	_, err = e.client.SignInMember(e.ctx, e.svc, e.dir, s, back)
	require.NoError(t, err)
	_, err = e.client.SignInMember(e.ctx, e.svc, e.dir, s, back)
	assert.ErrorIs(t, err, connector.ErrLoginCode, "a code is good once")
}

func TestSigningKeyRotation(t *testing.T) {
	e := newSignInEnv(t)
	_, err := e.signIn(e.active, nil)
	require.NoError(t, err)
	_, err = e.signIn(e.active, nil)
	require.NoError(t, err)
	keys := "/" + tenantID + "/discovery/v2.0/keys"
	assert.Equal(t, 1, e.srv.Requests(keys), "keys are kept")
	assert.Equal(t, 1, e.srv.Requests("/"+tenantID+"/v2.0/.well-known/openid-configuration"))

	now := time.Now()
	opts := e.opts
	opts.Now = func() time.Time { return now.Add(2 * time.Minute) } // past the re-read limit
	e.client = e.newClient(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret)}, opts)
	_, err = e.signIn(e.active, nil)
	require.NoError(t, err)
	e.srv.RotateSigningKey(true)
	now = now.Add(2 * time.Minute)
	_, err = e.signIn(e.active, nil)
	require.NoError(t, err, "a new key ID: the key set is read again")
	assert.Equal(t, 3, e.srv.Requests(keys))

	// a forged token under the current key ID: refused, and the key set is not read again
	_, err = e.signIn(e.active, func(*msgraph.SignIn, url.Values) { e.srv.SignWithForeignKey(true) })
	assert.ErrorIs(t, err, msgraph.ErrIDToken)
	e.srv.SignWithForeignKey(false)
	assert.Equal(t, 3, e.srv.Requests(keys))
}

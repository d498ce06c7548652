package dingtalk_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/dingtalk"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

func TestAuthURL(t *testing.T) {
	c, err := dingtalk.New(config(secret), dingtalk.Options{})
	require.NoError(t, err)
	state := connector.NewLoginState()
	u, err := c.AuthURL("https://crm.example.com/login/dingtalk?x=1", state)
	require.NoError(t, err)
	p, err := url.Parse(u)
	require.NoError(t, err)
	assert.Equal(t, "https://login.dingtalk.com/oauth2/auth", p.Scheme+"://"+p.Host+p.Path)
	assert.Equal(t, url.Values{"redirect_uri": {"https://crm.example.com/login/dingtalk?x=1"}, "response_type": {"code"},
		"client_id": {appKey}, "scope": {"openid"}, "state": {state}, "prompt": {"consent"}}, p.Query())
	assert.NotContains(t, u, secret)

	_, err = c.AuthURL("javascript:alert(1)", state)
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = c.AuthURL("https://crm.example.com/cb", "")
	require.ErrorIs(t, err, orgkit.ErrInvalid)
}

func TestLogin(t *testing.T) {
	f := newFixture(t, small(), dingtalk.Options{})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	ids := f.src.MemberIDs()
	state := connector.NewLoginState()
	redirect := func(unionID string) url.Values {
		return url.Values{"authCode": {f.srv.LoginCode(unionID)}, "state": {state}}
	}

	// the happy path: the scanned user is the member bound to the userid
	m, err := f.client.Login(f.ctx, svc, dir.ID(), redirect(connectortest.UnionID(ids[0])), state)
	require.NoError(t, err)
	assert.Equal(t, ids[0], m.ExternalID)
	id, err := f.client.LoginIdentity(f.ctx, url.Values{"code": {f.srv.LoginCode(connectortest.UnionID(ids[1]))}, "state": {state}}, state)
	require.NoError(t, err)
	assert.Equal(t, connector.LoginIdentity{Platform: orgkit.DingTalk, TenantID: corpID, UserID: ids[1]}, id)

	// a member deactivated here (gone upstream, then back before the next sync)
	f.src.RemoveMember(ids[2])
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	f.src.RestoreMember(ids[2])
	// a member whose login is blocked here
	snap, _ := svc.Snapshot(f.ctx, dir.ID())
	blocked, _ := snap.MemberBy(member.ExternalIDField, ids[3])
	_, err = svc.Apply(f.ctx, dir.ID(), directory.Meta{Actor: "admin"}, member.SetLoginBlocked{Members: []orgkit.MemberID{blocked.ID}, Blocked: true})
	require.NoError(t, err)
	// a member new upstream, not synced yet
	f.src.PutMember(connectortest.NewMember("newbie", "New Bie", "13800000077", "2"))

	used := redirect(connectortest.UnionID(ids[0]))
	_, err = f.client.Login(f.ctx, svc, dir.ID(), used, state)
	require.NoError(t, err)

	for _, c := range []struct {
		name     string
		redirect url.Values
		want     string
		kind     error
	}{
		{"state mismatch", redirect(connectortest.UnionID(ids[0])), "another-state", connector.ErrLoginState},
		{"no state", url.Values{"authCode": {"x"}}, state, connector.ErrLoginState},
		{"no code", url.Values{"state": {state}}, state, connector.ErrLoginCode},
		{"unknown code", url.Values{"authCode": {"forged"}, "state": {state}}, state, connector.ErrLoginCode},
		{"code used twice", used, state, connector.ErrLoginCode},
		{"outside the organization", redirect("union-stranger"), state, connector.ErrLoginUnknown},
		{"not synced here", redirect(connectortest.UnionID("newbie")), state, connector.ErrLoginUnknown},
		{"inactive here", redirect(connectortest.UnionID(ids[2])), state, connector.ErrLoginInactive},
		{"blocked here", redirect(connectortest.UnionID(ids[3])), state, connector.ErrLoginBlocked},
	} {
		_, err := f.client.Login(f.ctx, svc, dir.ID(), c.redirect, c.want)
		require.Error(t, err, c.name)
		assert.ErrorIs(t, err, c.kind, c.name)
		assert.ErrorIs(t, err, connector.ErrLoginRefused, c.name)
		assert.NotContains(t, err.Error(), secret, c.name)
		assert.NotContains(t, err.Error(), state, c.name)
		if errors.Is(err, connector.ErrLoginCode) && c.redirect.Get("authCode") != "" {
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe, c.name)
			assert.Equal(t, "invalidAuthCode", pe.Code, c.name)
			assert.NotEmpty(t, pe.RequestID, c.name)
		}
	}

	// wrong app credentials: not a refused login but bad credentials
	wrong, err := dingtalk.New(config("wrong"), dingtalk.Options{BaseURL: f.srv.URL(), APIBaseURL: f.srv.URL(), HTTPClient: f.srv.Client()})
	require.NoError(t, err)
	_, err = wrong.Login(f.ctx, svc, dir.ID(), redirect(connectortest.UnionID(ids[0])), state)
	require.ErrorIs(t, err, connector.ErrBadCredentials)
	assert.NotErrorIs(t, err, connector.ErrLoginRefused)
	assert.False(t, strings.Contains(err.Error(), "wrong"), "the secret stays out of errors")
}

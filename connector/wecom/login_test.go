package wecom_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// loginFixture is a fake enterprise synced into a directory, with a client whose
// login page is the fake's.
type loginFixture struct {
	*fixture
	svc *directory.Service
	dir orgkit.DirectoryID
}

func newLoginFixture(t *testing.T) *loginFixture {
	t.Helper()
	f := newFixture(t, connectortest.GenerateOptions{Seed: 5, Departments: 4, Members: 12}, connectortest.WeComOptions{}, wecom.Options{})
	c, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: connectortest.DefaultWeComAgentID, Secret: connector.NewSecret(secret)},
		wecom.Options{BaseURL: f.srv.URL(), HTTPClient: f.srv.Client(), Sleep: f.sleeps.sleep, ExtAttrs: extAttrs(),
			LoginURL: f.srv.URL() + "/wwlogin/sso/login"})
	require.NoError(t, err)
	f.client = c
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), c, connector.SyncOptions{})
	require.NoError(t, err)
	return &loginFixture{fixture: f, svc: svc, dir: dir.ID()}
}

func (f *loginFixture) snap() *directory.Snapshot {
	f.t.Helper()
	s, err := f.svc.Snapshot(f.ctx, f.dir)
	require.NoError(f.t, err)
	return s
}

func (f *loginFixture) member(userID string) member.Member {
	f.t.Helper()
	m, ok := f.snap().MemberBy(member.ExternalIDField, userID)
	require.True(f.t, ok, userID)
	return m
}

// scan opens the login URL as a browser would, with the fake playing the member who
// scans, and returns the redirect's query.
func (f *loginFixture) scan(loginURL string) url.Values {
	f.t.Helper()
	hc := *f.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(loginURL)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	require.Equal(f.t, http.StatusFound, resp.StatusCode, "the login page accepts the URL")
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(f.t, err)
	require.Equal(f.t, "app.example.com", back.Host)
	return back.Query()
}

// TestQRLoginHappyPath: the login URL carries what WeCom's page needs, the page's
// redirect brings a code and the state back, and the code logs the member in.
func TestQRLoginHappyPath(t *testing.T) {
	f := newLoginFixture(t)
	user := f.src.MemberIDs()[2]
	state := connector.NewLoginState()

	loginURL, err := f.client.LoginURL("https://app.example.com/login/wecom?next=%2Fhome", state)
	require.NoError(t, err)
	u, err := url.Parse(loginURL)
	require.NoError(t, err)
	assert.Equal(t, "/wwlogin/sso/login", u.Path)
	assert.Equal(t, url.Values{"login_type": {"CorpApp"}, "appid": {"ww-test-corp"}, "agentid": {"1000002"},
		"redirect_uri": {"https://app.example.com/login/wecom?next=%2Fhome"}, "state": {state}}, u.Query())

	f.srv.ScanAs(user)
	back := f.scan(loginURL)
	assert.Equal(t, "/home", back.Get("next"), "the redirect URI's own query survives")
	require.NoError(t, connector.CheckLoginState(state, back.Get("state")))
	m, err := f.client.Login(f.ctx, f.snap(), back.Get("code"))
	require.NoError(t, err)
	assert.Equal(t, f.member(user).ID, m.ID)
	assert.Equal(t, user, m.ExternalID)

	id, err := f.client.Exchange(f.ctx, f.srv.LoginCode(user))
	require.NoError(t, err)
	assert.Equal(t, connector.LoginIdentity{Platform: orgkit.WeCom, TenantID: "ww-test-corp", UserID: user}, id)
	assert.Equal(t, 1, f.srv.TokensIssued(), "the login uses the client's cached token")

	// the token expired meanwhile: refreshed once, and the code still works
	f.srv.ExpireTokens()
	m, err = f.client.Login(f.ctx, f.snap(), f.srv.LoginCode(user))
	require.NoError(t, err)
	assert.Equal(t, f.member(user).ID, m.ID)
	assert.Equal(t, 2, f.srv.TokensIssued())

	// the embeddable component gets the same parameters
	panel, err := f.client.LoginPanel("https://app.example.com/login/wecom", state)
	require.NoError(t, err)
	js, err := json.Marshal(panel)
	require.NoError(t, err)
	assert.JSONEq(t, `{"login_type":"CorpApp","appid":"ww-test-corp","agentid":"1000002","redirect_uri":"https://app.example.com/login/wecom","state":"`+state+`"}`, string(js))
}

// TestQRLoginRefusals: each refusal has its own error naming the upstream user, and
// every one is a refused login; none of them leaks the code, token or secret.
func TestQRLoginRefusals(t *testing.T) {
	f := newLoginFixture(t)
	ids := f.src.MemberIDs()
	disabled, resigned, blocked := ids[0], ids[1], ids[3]
	f.src.EditMember(disabled, func(m *connector.Member) { m.Status = connector.Disabled })
	f.src.EditMember(resigned, func(m *connector.Member) { m.Status = connector.Resigned })
	_, err := connector.Sync(f.ctx, f.svc, f.dir, f.client, connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}})
	require.NoError(t, err)
	_, err = f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "admin"},
		member.SetLoginBlocked{Members: []orgkit.MemberID{f.member(blocked).ID}, Blocked: true})
	require.NoError(t, err)

	for _, tc := range []struct {
		name, user string
		code       string // when not a member's code
		kind       error
		mention    string
	}{
		{name: "not in the directory", user: "newcomer", kind: connector.ErrLoginUnknown, mention: `"newcomer"`},
		{name: "outside the enterprise", code: f.srv.OutsiderLoginCode("o-outsider"), kind: connector.ErrLoginUnknown, mention: "openid"},
		{name: "disabled", user: disabled, kind: connector.ErrLoginInactive, mention: disabled},
		{name: "resigned", user: resigned, kind: connector.ErrLoginInactive, mention: resigned},
		{name: "blocked", user: blocked, kind: connector.ErrLoginBlocked, mention: blocked},
		{name: "unknown code", code: "code-never-issued", kind: connector.ErrLoginCode, mention: "40029"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := tc.code
			if code == "" {
				code = f.srv.LoginCode(tc.user)
			}
			m, err := f.client.Login(f.ctx, f.snap(), code)
			require.Error(t, err)
			assert.Zero(t, m)
			assert.ErrorIs(t, err, tc.kind)
			assert.ErrorIs(t, err, connector.ErrLoginRefused)
			assert.NotErrorIs(t, err, connector.ErrPlatform)
			assert.Contains(t, err.Error(), tc.mention)
			for _, s := range []string{secret, "token-", code} {
				assert.NotContains(t, err.Error(), s)
			}
			if tc.user != "" {
				var le *connector.LoginError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, connector.LoginIdentity{Platform: orgkit.WeCom, TenantID: "ww-test-corp", UserID: tc.user}, le.Identity)
			}
		})
	}

	// a code is good once, and not after it expired
	code := f.srv.LoginCode(ids[5])
	_, err = f.client.Login(f.ctx, f.snap(), code)
	require.NoError(t, err)
	before := f.srv.Requests("/cgi-bin/auth/getuserinfo")
	_, err = f.client.Login(f.ctx, f.snap(), code)
	require.ErrorIs(t, err, connector.ErrLoginCode)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "40029", pe.Code)
	assert.NotEmpty(t, pe.RequestID)
	assert.Equal(t, before+1, f.srv.Requests("/cgi-bin/auth/getuserinfo"), "a refused code is not retried")
	code = f.srv.LoginCode(ids[5])
	f.srv.ExpireLoginCodes()
	_, err = f.client.Login(f.ctx, f.snap(), code)
	require.ErrorIs(t, err, connector.ErrLoginCode)

	// a declined scan brings no code; a malformed code is refused without a call
	before = f.srv.Requests("")
	for _, bad := range []string{"", "has space", "ctl\x00", strings.Repeat("c", 513)} {
		_, err = f.client.Login(f.ctx, f.snap(), bad)
		require.ErrorIs(t, err, connector.ErrLoginCode, "%q", bad)
	}
	assert.Equal(t, before, f.srv.Requests(""))
	assert.Zero(t, f.sleeps.count(), "no refusal is retried")
}

// TestQRLoginStateMismatch: a redirect whose state is not the session's is refused
// before the code is used, and a declined scan comes back without a code.
func TestQRLoginStateMismatch(t *testing.T) {
	f := newLoginFixture(t)
	f.srv.ScanAs(f.src.MemberIDs()[0])
	state := connector.NewLoginState()
	forged, err := f.client.LoginURL("https://app.example.com/cb", connector.NewLoginState())
	require.NoError(t, err)
	back := f.scan(forged)
	require.NotEmpty(t, back.Get("code"))
	err = connector.CheckLoginState(state, back.Get("state"))
	require.ErrorIs(t, err, connector.ErrLoginState)
	assert.ErrorIs(t, err, connector.ErrLoginRefused)

	f.srv.ScanAs("")
	loginURL, err := f.client.LoginURL("https://app.example.com/cb", state)
	require.NoError(t, err)
	back = f.scan(loginURL)
	assert.False(t, back.Has("code"), "declined: no code")
	require.NoError(t, connector.CheckLoginState(state, back.Get("state")))
	_, err = f.client.Login(f.ctx, f.snap(), back.Get("code"))
	assert.ErrorIs(t, err, connector.ErrLoginCode)
}

// TestQRLoginOtherDirectory: a member of this enterprise does not log in to a
// directory synced from another one, even one whose member has the same userid.
func TestQRLoginOtherDirectory(t *testing.T) {
	f := newLoginFixture(t)
	user := f.src.MemberIDs()[0]
	other := connectortest.New(connectortest.Options{Platform: orgkit.WeCom, TenantID: "ww-other-corp"})
	other.PutMember(connectortest.NewMember(user, "Someone Else", "13900000001"))
	dir, err := f.svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Other")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, f.svc, dir.ID(), other, connector.SyncOptions{})
	require.NoError(t, err)
	snap, err := f.svc.Snapshot(f.ctx, dir.ID())
	require.NoError(t, err)

	_, err = f.client.Login(f.ctx, snap, f.srv.LoginCode(user))
	require.ErrorIs(t, err, connector.ErrBoundElsewhere)
	assert.ErrorIs(t, err, connector.ErrLoginRefused)
	_, err = f.client.Login(f.ctx, nil, f.srv.LoginCode(user))
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
}

// TestLoginURLChecked: the redirect URI must be an absolute http(s) URL and the
// state 1–128 letters and digits, as WeCom takes it; a bad LoginURL option is
// refused up front.
func TestLoginURLChecked(t *testing.T) {
	f := newLoginFixture(t)
	good := connector.NewLoginState()
	for _, tc := range []struct{ redirect, state string }{
		{"/relative/path", good},
		{"javascript:alert(1)", good},
		{"https://app.example.com/cb#frag", good},
		{"https://app.example.com/c b", good},
		{"", good},
		{"https://app.example.com/cb", ""},
		{"https://app.example.com/cb", "has-dash"},
		{"https://app.example.com/cb", "a&b=c"},
		{"https://app.example.com/cb", strings.Repeat("A", 129)},
	} {
		_, err := f.client.LoginURL(tc.redirect, tc.state)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, "%q %q", tc.redirect, tc.state)
		_, err = f.client.LoginPanel(tc.redirect, tc.state)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, "%q %q", tc.redirect, tc.state)
	}
	_, err := f.client.LoginURL("http://localhost:8080/cb", strings.Repeat("A", 128))
	assert.NoError(t, err)

	def, err := wecom.New(wecom.Config{CorpID: "ww1", AgentID: "7", Secret: connector.NewSecret("x")}, wecom.Options{})
	require.NoError(t, err)
	u, err := def.LoginURL("https://app.example.com/cb", good)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(u, wecom.DefaultLoginURL+"?"), u)
	assert.Equal(t, "https://login.work.weixin.qq.com/wwlogin/sso/login", wecom.DefaultLoginURL)

	for _, bad := range []string{"ftp://x/login", "https://x/login?a=b", "not a url"} {
		_, err := wecom.New(wecom.Config{CorpID: "ww1", AgentID: "7", Secret: connector.NewSecret("x")}, wecom.Options{LoginURL: bad})
		assert.ErrorIs(t, err, orgkit.ErrInvalid, bad)
	}
}

// TestLoginCanceled: the exchange honours its context.
func TestLoginCanceled(t *testing.T) {
	f := newLoginFixture(t)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err := f.client.Login(ctx, f.snap(), f.srv.LoginCode(f.src.MemberIDs()[0]))
	assert.ErrorIs(t, err, context.Canceled)
}

// TestExchangeLegacyShape: the older code exchange (user/getuserinfo) spelled the
// fields UserId and OpenId; an answer in that shape is read the same.
func TestExchangeLegacyShape(t *testing.T) {
	f := newFixture(t, connectortest.GenerateOptions{Seed: 5, Departments: 2, Members: 3}, connectortest.WeComOptions{}, wecom.Options{})
	for body, want := range map[string]string{
		`{"errcode":0,"errmsg":"ok","UserId":"LiSi","DeviceId":"dev-1"}`: "LiSi",
		`{"errcode":0,"errmsg":"ok","OpenId":"oXyz","DeviceId":"dev-1"}`: "",
		`{"errcode":0,"errmsg":"ok"}`:                                    "",
	} {
		c, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret(secret)},
			wecom.Options{BaseURL: f.srv.URL(), HTTPClient: &http.Client{Transport: canned{next: f.srv.Client().Transport,
				path: "/cgi-bin/auth/getuserinfo", body: body}}})
		require.NoError(t, err)
		id, err := c.Exchange(f.ctx, "some-code")
		if want == "" {
			require.ErrorIs(t, err, connector.ErrLoginUnknown, body)
			continue
		}
		require.NoError(t, err, body)
		assert.Equal(t, want, id.UserID)
	}
}

package wecom_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/wecom"
)

// FuzzLoginURL: for any redirect URI and state, LoginURL either refuses or returns
// the login page's address whose query gives back exactly the app, the redirect URI
// and the state — nothing injected, nothing lost.
func FuzzLoginURL(f *testing.F) {
	f.Add("https://app.example.com/cb?next=%2F", "ABC234")
	f.Add("https://app.example.com/cb&appid=evil", "x&agentid=1")
	f.Add("http://[::1]:80/cb", "A")
	f.Add("https://a/b?c#d", "")
	c, err := wecom.New(wecom.Config{CorpID: "ww1", AgentID: "7", Secret: connector.NewSecret("x")}, wecom.Options{})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, redirect, state string) {
		s, err := c.LoginURL(redirect, state)
		if err != nil {
			return
		}
		u, err := url.Parse(s)
		require.NoError(t, err)
		require.Equal(t, "login.work.weixin.qq.com", u.Host)
		require.Equal(t, url.Values{"login_type": {"CorpApp"}, "appid": {"ww1"}, "agentid": {"7"}, "redirect_uri": {redirect}, "state": {state}}, u.Query())
	})
}

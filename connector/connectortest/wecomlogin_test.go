package connectortest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector/connectortest"
)

// TestWeComLoginShapes pins WeCom's documented login answers: auth/getuserinfo
// gives a member's userid and user_ticket, an outsider's openid and
// external_userid (no userid), and 40029 for a code used, expired or never issued;
// the login page takes login_type=CorpApp, appid, agentid, redirect_uri and state.
func TestWeComLoginShapes(t *testing.T) {
	srv := connectortest.NewWeComServer(connectortest.New(connectortest.Options{}), connectortest.WeComOptions{CorpID: "ww1", Secret: "s"})
	defer srv.Close()
	get := func(path string, q url.Values) map[string]any {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL() + path + "?" + q.Encode())
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return out
	}
	tok := get("/cgi-bin/gettoken", url.Values{"corpid": {"ww1"}, "corpsecret": {"s"}})["access_token"].(string)
	exchange := func(code string) map[string]any {
		return get("/cgi-bin/auth/getuserinfo", url.Values{"access_token": {tok}, "code": {code}})
	}

	code := srv.LoginCode("zhangsan")
	out := exchange(code)
	assert.Equal(t, float64(0), out["errcode"])
	assert.Equal(t, "zhangsan", out["userid"])
	assert.NotEmpty(t, out["user_ticket"])
	assert.NotContains(t, out, "openid")
	assert.Equal(t, float64(40029), exchange(code)["errcode"], "a code is good once")

	out = exchange(srv.OutsiderLoginCode("oAbc"))
	assert.Equal(t, float64(0), out["errcode"])
	assert.Equal(t, "oAbc", out["openid"])
	assert.NotEmpty(t, out["external_userid"])
	assert.NotContains(t, out, "userid")

	code = srv.LoginCode("lisi")
	srv.ExpireLoginCodes()
	assert.Equal(t, float64(40029), exchange(code)["errcode"])
	assert.Equal(t, float64(40029), exchange("never-issued")["errcode"])
	assert.Equal(t, float64(41001), get("/cgi-bin/auth/getuserinfo", url.Values{"code": {srv.LoginCode("x")}})["errcode"], "the app's token is needed")

	hc := *srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page := func(q url.Values) *http.Response {
		t.Helper()
		resp, err := hc.Get(srv.URL() + "/wwlogin/sso/login?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	good := url.Values{"login_type": {"CorpApp"}, "appid": {"ww1"}, "agentid": {connectortest.DefaultWeComAgentID},
		"redirect_uri": {"https://app.example.com/cb?x=1"}, "state": {"S1"}}
	srv.ScanAs("zhangsan")
	resp := page(good)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "S1", back.Query().Get("state"))
	assert.Equal(t, "1", back.Query().Get("x"))
	assert.Equal(t, "zhangsan", exchange(back.Query().Get("code"))["userid"])
	for key, bad := range map[string]string{"login_type": "ServiceApp", "appid": "ww2", "agentid": "1", "redirect_uri": "/relative"} {
		q := url.Values{}
		for k, v := range good {
			q[k] = v
		}
		q.Set(key, bad)
		assert.Equal(t, http.StatusBadRequest, page(q).StatusCode, key)
	}
}

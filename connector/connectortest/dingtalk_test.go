package connectortest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/member"
)

// dingCall posts a JSON body to the fake DingTalk API and decodes the answer.
func dingCall(t *testing.T, srv *connectortest.DingTalkServer, path, token string, body any) map[string]any {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := srv.Client().Post(srv.URL()+path+"?access_token="+url.QueryEscape(token), "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "DingTalk answers HTTP 200 even on failure")
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// TestDingTalkServerShapes pins what the fake DingTalk API answers, as DingTalk's
// documentation and SDKs describe it.
func TestDingTalkServerShapes(t *testing.T) {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 4, Departments: 6, Members: 40,
		Options: connectortest.Options{NumericDepartmentIDs: true}})
	ids := src.MemberIDs()
	src.EditMember(ids[0], func(m *connector.Member) {
		m.Values.HireDate = member.Date{Year: 2021, Month: time.March, Day: 1}
		m.Values.OfficePhone = ""
		m.Values.ExtendedA = "B-7"
		m.Present = append(m.Present, member.ExtendedAField)
	})
	srv := connectortest.NewDingTalkServer(src, connectortest.DingTalkOptions{Extension: map[member.Field]string{member.ExtendedAField: "工牌"}})
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL() + "/gettoken?appkey=ding-test-app&appsecret=wrong")
	require.NoError(t, err)
	var bad map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&bad))
	resp.Body.Close()
	assert.EqualValues(t, 40089, bad["errcode"], "bad credentials")
	assert.NotEmpty(t, bad["request_id"])

	resp, err = srv.Client().Get(srv.URL() + "/gettoken?appkey=ding-test-app&appsecret=test-secret")
	require.NoError(t, err)
	var tok struct {
		ErrCode     int    `json:"errcode"`
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	require.Zero(t, tok.ErrCode)
	assert.Equal(t, 7200, tok.ExpiresIn)

	// the walk: direct children only, with names and parents
	subs := dingCall(t, srv, "/topapi/v2/department/listsub", tok.AccessToken, map[string]any{"dept_id": 1})
	require.EqualValues(t, 0, subs["errcode"])
	for _, d := range subs["result"].([]any) {
		assert.EqualValues(t, 1, d.(map[string]any)["parent_id"])
	}

	// a page of members: at most size, has_more and next_cursor, hired_date in epoch
	// milliseconds at midnight China time, unset fields left out, extension a JSON
	// object in a string
	var found map[string]any
	for _, dep := range append([]string{"1"}, src.DepartmentIDs()...) {
		for cursor := 0.0; ; {
			page := dingCall(t, srv, "/topapi/v2/user/list", tok.AccessToken, map[string]any{"dept_id": dep, "cursor": cursor, "size": 2})
			require.EqualValues(t, 0, page["errcode"], "%v", page)
			r := page["result"].(map[string]any)
			list := r["list"].([]any)
			assert.LessOrEqual(t, len(list), 2)
			for _, u := range list {
				if u.(map[string]any)["userid"] == ids[0] {
					found = u.(map[string]any)
				}
			}
			if r["has_more"] != true {
				assert.NotContains(t, r, "next_cursor")
				break
			}
			cursor = r["next_cursor"].(float64)
		}
	}
	require.NotNil(t, found)
	assert.EqualValues(t, time.Date(2021, time.March, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).UnixMilli(), found["hired_date"])
	assert.NotContains(t, found, "telephone", "unset: left out")
	assert.Equal(t, `{"工牌":"B-7"}`, found["extension"])
	assert.Equal(t, "86", found["state_code"])
	assert.IsType(t, []any{}, found["dept_id_list"])
	assert.Equal(t, "union-"+ids[0], found["unionid"])

	over := dingCall(t, srv, "/topapi/v2/user/list", tok.AccessToken, map[string]any{"dept_id": 1, "cursor": 0, "size": 101})
	assert.EqualValues(t, 400002, over["errcode"], "pages of at most 100")

	// tokens: unknown 40014; expired 88 with sub_code 40014
	assert.EqualValues(t, 40014, dingCall(t, srv, "/topapi/v2/department/get", "nope", map[string]any{"dept_id": 1})["errcode"])
	srv.ExpireTokens()
	expired := dingCall(t, srv, "/topapi/v2/department/get", tok.AccessToken, map[string]any{"dept_id": 1})
	assert.EqualValues(t, 88, expired["errcode"])
	assert.Equal(t, "40014", expired["sub_code"])

	// out of scope: listed by the parent, unreadable itself (50004); unknown: 60003
	resp, err = srv.Client().Get(srv.URL() + "/gettoken?appkey=ding-test-app&appsecret=test-secret")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	out := src.DepartmentIDs()[0]
	src.SetOutOfScope(out)
	assert.EqualValues(t, 50004, dingCall(t, srv, "/topapi/v2/department/get", tok.AccessToken, map[string]any{"dept_id": out})["errcode"])
	assert.EqualValues(t, 50004, dingCall(t, srv, "/topapi/v2/user/list", tok.AccessToken, map[string]any{"dept_id": out, "cursor": 0, "size": 10})["errcode"])
	assert.EqualValues(t, 60003, dingCall(t, srv, "/topapi/v2/department/get", tok.AccessToken, map[string]any{"dept_id": 99999})["errcode"])
	assert.EqualValues(t, 60121, dingCall(t, srv, "/topapi/v2/user/get", tok.AccessToken, map[string]any{"userid": "nobody"})["errcode"])

	// the login: a code is good once
	code := srv.LoginCode("union-" + ids[1])
	exchange := func() *http.Response {
		body := fmt.Sprintf(`{"clientId":"ding-test-app","clientSecret":"test-secret","code":%q,"grantType":"authorization_code"}`, code)
		resp, err := srv.Client().Post(srv.URL()+"/v1.0/oauth2/userAccessToken", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		return resp
	}
	first := exchange()
	var user struct{ AccessToken string }
	require.NoError(t, json.NewDecoder(first.Body).Decode(&user))
	first.Body.Close()
	require.NotEmpty(t, user.AccessToken)
	second := exchange()
	second.Body.Close()
	assert.Equal(t, http.StatusBadRequest, second.StatusCode)
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/v1.0/contact/users/me", nil)
	req.Header.Set("x-acs-dingtalk-access-token", user.AccessToken)
	resp, err = srv.Client().Do(req)
	require.NoError(t, err)
	var me map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&me))
	resp.Body.Close()
	assert.Equal(t, "union-"+ids[1], me["unionId"])
}

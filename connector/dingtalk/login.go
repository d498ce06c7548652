package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// AuthURL returns the address of DingTalk's login page for the app
// (login.dingtalk.com/oauth2/auth): the user scans its QR code with DingTalk (or
// signs in), consents, and DingTalk redirects the browser to redirectURI — an
// address registered in the app's security settings — with the authorization code
// (authCode) and the state. Make state with connector.NewLoginState and keep it with
// the user's session for Login.
func (c *Client) AuthURL(redirectURI, state string) (string, error) {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return "", fmt.Errorf("dingtalk: redirect URI %q is not an http(s) URL: %w", redirectURI, orgkit.ErrInvalid)
	}
	if state == "" {
		return "", fmt.Errorf("dingtalk: a login needs a state value (connector.NewLoginState): %w", orgkit.ErrInvalid)
	}
	q := url.Values{"redirect_uri": {redirectURI}, "response_type": {"code"}, "client_id": {c.cfg.AppKey},
		"scope": {"openid"}, "state": {state}, "prompt": {"consent"}}
	return c.login + "/oauth2/auth?" + q.Encode(), nil
}

// LoginIdentity finishes a QR-code login up to the platform user: it checks that the
// redirect's state is want (connector.ErrLoginState), exchanges its authorization
// code (authCode, or code) for the user's token (/v1.0/oauth2/userAccessToken: a
// code DingTalk refuses — invalid, expired, used — is a *connector.PlatformError of
// kind connector.ErrLoginCode), reads the user's unionId (/v1.0/contact/users/me)
// and maps it to the user's userid in the organization (/topapi/user/getbyunionid:
// a DingTalk user outside it is refused with connector.ErrLoginUnknown). The
// identity is in the form sync binds members by.
func (c *Client) LoginIdentity(ctx context.Context, redirect url.Values, want string) (connector.LoginIdentity, error) {
	id := connector.LoginIdentity{Platform: orgkit.DingTalk, TenantID: c.cfg.CorpID}
	if err := connector.CheckLoginState(want, redirect.Get("state")); err != nil {
		return id, err
	}
	code := cmpOr(redirect.Get("authCode"), redirect.Get("code"))
	if code == "" {
		return id, fmt.Errorf("dingtalk: the login redirect carries no authorization code: %w", connector.ErrLoginCode)
	}
	var tok struct {
		AccessToken string `json:"accessToken"`
		ExpireIn    int64  `json:"expireIn"`
		CorpID      string `json:"corpId"`
	}
	err := c.callAPI(ctx, http.MethodPost, "/v1.0/oauth2/userAccessToken", connector.Secret{}, map[string]string{
		"clientId": c.cfg.AppKey, "clientSecret": c.cfg.AppSecret.Reveal(), "code": code, "grantType": "authorization_code"}, &tok)
	if err != nil {
		return id, err
	}
	if tok.AccessToken == "" {
		return id, &connector.PlatformError{Platform: orgkit.DingTalk, Op: "/v1.0/oauth2/userAccessToken", HTTPStatus: http.StatusOK,
			Message: "no access token in the answer", Kind: connector.ErrPlatform}
	}
	var me struct {
		UnionID string `json:"unionId"`
	}
	if err := c.callAPI(ctx, http.MethodGet, "/v1.0/contact/users/me", connector.NewSecret(tok.AccessToken), nil, &me); err != nil {
		return id, err
	}
	if me.UnionID == "" {
		return id, &connector.LoginError{Identity: id, Kind: connector.ErrLoginUnknown, Detail: "DingTalk returned no unionId"}
	}
	var got struct {
		Result struct {
			UserID      string `json:"userid"`
			ContactType int    `json:"contact_type"`
		} `json:"result"`
	}
	err = c.post(ctx, "/topapi/user/getbyunionid", map[string]string{"unionid": me.UnionID}, &got)
	switch {
	case CodeOf(err) == codeUnknownUser:
		return id, &connector.LoginError{Identity: id, Kind: connector.ErrLoginUnknown, Detail: "not in the organization (unionId " + me.UnionID + ")"}
	case err != nil:
		return id, err
	case got.Result.ContactType != 0: // 1: an external contact, not a member
		return id, &connector.LoginError{Identity: id, Kind: connector.ErrLoginUnknown, Detail: "an external contact, not a member"}
	}
	id.UserID = got.Result.UserID
	return id, nil
}

// Login finishes a QR-code login: LoginIdentity, then the member of the directory
// that the user is bound to (connector.ResolveLoginIn). Refusals match
// connector.ErrLoginRefused: a state mismatch (ErrLoginState), a code DingTalk
// refuses (ErrLoginCode), a user outside the organization or bound to no member
// (ErrLoginUnknown), an inactive member (ErrLoginInactive), a member whose login is
// blocked (ErrLoginBlocked), a directory bound elsewhere (ErrBoundElsewhere).
// Other errors are failures to reach DingTalk.
func (c *Client) Login(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, redirect url.Values, want string) (member.Member, error) {
	id, err := c.LoginIdentity(ctx, redirect, want)
	if err != nil {
		return member.Member{}, err
	}
	return connector.ResolveLoginIn(ctx, svc, dir, id)
}

// callAPI calls the newer API (api.dingtalk.com) with a JSON body (for POST) and,
// if tok is set, the user's token in x-acs-dingtalk-access-token. Dropped
// connections, HTTP 429 and 5xx are retried with backoff; other failures are
// *connector.PlatformError values with DingTalk's code and request ID: a refused
// authorization code of kind connector.ErrLoginCode, refused app credentials
// connector.ErrBadCredentials.
func (c *Client) callAPI(ctx context.Context, method, path string, tok connector.Secret, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("dingtalk: %s: %w", path, err)
		}
	}
	type apiErr struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"requestid"`
	}
	fail := func(ans apicall.Answer, e apiErr, kind error) *connector.PlatformError {
		return &connector.PlatformError{Platform: orgkit.DingTalk, Op: path, HTTPStatus: ans.Status, Code: e.Code,
			Message: cmpOr(e.Message, http.StatusText(ans.Status)), RequestID: e.RequestID, RetryAfter: ans.RetryAfter, Kind: kind}
	}
	caller := apicall.Caller{HTTP: c.http, Pacer: &c.pacer, Policy: &c.policy, ThrottleDelay: c.throttleDelay(), AnyStatus: true,
		Fail: func(ans apicall.Answer, _ string, kind error) *connector.PlatformError {
			pe := fail(apicall.Answer{Status: ans.Status}, apiErr{}, kind)
			if ans.Status == 0 {
				pe.Message = "no answer"
			}
			return pe
		}}
	build := func(string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, method, c.api+path, bytes.NewReader(payload))
		if err != nil {
			return nil, fmt.Errorf("dingtalk: %s: %w", path, apicall.StripURL(err))
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		if !tok.IsZero() {
			req.Header.Set("x-acs-dingtalk-access-token", tok.Reveal())
		}
		return req, nil
	}
	return caller.Do(ctx, build, func(ans apicall.Answer) apicall.Verdict {
		var e apiErr
		if ans.Status >= 300 {
			_ = json.Unmarshal(ans.Body, &e)
			low := strings.ToLower(e.Code)
			switch {
			case strings.Contains(low, "clientid") || strings.Contains(low, "secret"):
				return apicall.Verdict{Err: fail(ans, e, connector.ErrBadCredentials)}
			case path == "/v1.0/oauth2/userAccessToken" && ans.Status < 500:
				return apicall.Verdict{Err: fail(ans, e, connector.ErrLoginCode)}
			case ans.Status == http.StatusForbidden:
				return apicall.Verdict{Err: fail(ans, e, connector.ErrPermission)}
			}
			return apicall.Verdict{Err: fail(ans, e, connector.ErrPlatform)}
		}
		if err := json.Unmarshal(ans.Body, out); err != nil {
			e.Message = "unexpected answer: " + err.Error()
			return apicall.Verdict{Err: fail(ans, e, connector.ErrPlatform)}
		}
		return apicall.Verdict{}
	})
}

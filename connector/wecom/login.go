package wecom

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// DefaultLoginURL is WeCom's web login page for self-built apps, which shows the QR
// code members scan with the WeCom app.
const DefaultLoginURL = "https://login.work.weixin.qq.com/wwlogin/sso/login"

// loginPath is the API that exchanges a login code for the user's identity.
const loginPath = "/cgi-bin/auth/getuserinfo"

// codeInvalidLoginCode is WeCom's answer to an invalid, used or expired code.
const codeInvalidLoginCode = 40029

// LoginPanel holds the parameters of WeCom's embeddable web login component
// (ww.createWWLoginPanel in @wecom/jssdk): marshalled to JSON, it is the component's
// params object. The redirect after a scan brings the same code and state as the
// login page's.
type LoginPanel struct {
	LoginType   string `json:"login_type"` // always "CorpApp": a self-built app
	AppID       string `json:"appid"`      // the corp ID
	AgentID     string `json:"agentid"`
	RedirectURI string `json:"redirect_uri"`
	State       string `json:"state"`
}

// LoginPanel returns the web login component's parameters for one login; see
// LoginURL for the checks.
func (c *Client) LoginPanel(redirectURI, state string) (LoginPanel, error) {
	if err := checkLoginParams(redirectURI, state); err != nil {
		return LoginPanel{}, err
	}
	return LoginPanel{LoginType: "CorpApp", AppID: c.cfg.CorpID, AgentID: c.cfg.AgentID, RedirectURI: redirectURI, State: state}, nil
}

// LoginURL returns the address of WeCom's QR-code login page for one login
// (DefaultLoginURL?login_type=CorpApp&appid=…&agentid=…&redirect_uri=…&state=…).
// After the member scans the code and agrees, WeCom redirects the browser to
// redirectURI with the parameters code and state (without code when the member
// declines). redirectURI must be an absolute http(s) URL whose host is the app's
// trusted domain in WeCom's admin console; state must be 1 to 128 letters and digits
// (as connector.NewLoginState makes): the host keeps it with the session and checks
// the redirect's with connector.CheckLoginState before calling Login.
func (c *Client) LoginURL(redirectURI, state string) (string, error) {
	if err := checkLoginParams(redirectURI, state); err != nil {
		return "", err
	}
	q := url.Values{"login_type": {"CorpApp"}, "appid": {c.cfg.CorpID}, "agentid": {c.cfg.AgentID},
		"redirect_uri": {redirectURI}, "state": {state}}
	return cmp.Or(c.opts.LoginURL, DefaultLoginURL) + "?" + q.Encode(), nil
}

func checkLoginParams(redirectURI, state string) error {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.Fragment != "" || !apicall.Printable(redirectURI) {
		return fmt.Errorf("wecom: login redirect URI %q is not an absolute http(s) URL: %w", redirectURI, orgkit.ErrInvalid)
	}
	if state == "" || len(state) > 128 || strings.IndexFunc(state, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) >= 0 {
		return fmt.Errorf("wecom: login state must be 1 to 128 letters and digits: %w", orgkit.ErrInvalid)
	}
	return nil
}

// Exchange turns the code of a login redirect into the identity of who logged in:
// the member's userid in this enterprise (auth/getuserinfo, with the app's access
// token). It fails with a *connector.PlatformError of kind connector.ErrLoginCode
// for a code WeCom refuses (40029: invalid, already used — a code is good once — or
// older than five minutes) and for a blank or malformed one, which it does not send;
// with a *connector.LoginError of kind connector.ErrLoginUnknown when the user is
// not a member of the enterprise (WeCom answers an openid instead of a userid); and
// with the client's other errors when WeCom cannot be reached.
func (c *Client) Exchange(ctx context.Context, code string) (connector.LoginIdentity, error) {
	id := connector.LoginIdentity{Platform: orgkit.WeCom, TenantID: c.cfg.CorpID}
	if code == "" || len(code) > 512 || !apicall.Printable(code) {
		return id, &connector.PlatformError{Platform: orgkit.WeCom, Op: loginPath, Kind: connector.ErrLoginCode,
			Message: "the login code is empty, longer than 512 bytes, or holds spaces or control characters"}
	}
	var out struct {
		envelope
		UserID string `json:"userid"`
		OpenID string `json:"openid"`
	}
	if err := c.get(ctx, loginPath, url.Values{"code": {code}}, &out); err != nil {
		if pe, ok := err.(*connector.PlatformError); ok && pe.Code == fmt.Sprint(codeInvalidLoginCode) {
			pe.Kind = connector.ErrLoginCode
		}
		return id, err
	}
	if out.UserID == "" {
		detail := "WeCom answered without a userid"
		if out.OpenID != "" {
			detail = fmt.Sprintf("not a member of the enterprise (WeCom answered openid %q)", out.OpenID)
		}
		return id, &connector.LoginError{Identity: id, Kind: connector.ErrLoginUnknown, Detail: detail}
	}
	id.UserID = out.UserID
	return id, nil
}

// Login exchanges the code of a login redirect (Exchange) and resolves the user to
// the member of the directory snap (connector.ResolveLogin): the member bound to
// the userid in a directory synced from this enterprise. It refuses a code WeCom
// refuses (connector.ErrLoginCode), someone outside the enterprise or not in the
// directory (connector.ErrLoginUnknown), an inactive member
// (connector.ErrLoginInactive), a blocked one (connector.ErrLoginBlocked) and a
// directory bound elsewhere (connector.ErrBoundElsewhere); every refusal matches
// connector.ErrLoginRefused. Check the redirect's state (connector.CheckLoginState)
// before.
func (c *Client) Login(ctx context.Context, snap *directory.Snapshot, code string) (member.Member, error) {
	if snap == nil {
		return member.Member{}, fmt.Errorf("wecom: Login needs a directory snapshot: %w", orgkit.ErrInvalid)
	}
	id, err := c.Exchange(ctx, code)
	if err != nil {
		return member.Member{}, err
	}
	return connector.ResolveLogin(snap, id)
}

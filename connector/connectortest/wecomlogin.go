package connectortest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// WeCom's web login (QR code) as the fake serves it.
//
// The login page (GET /wwlogin/sso/login, WeCom's login.work.weixin.qq.com page for
// self-built apps) checks login_type=CorpApp, appid (the corp ID), agentid
// (WeComOptions.AgentID) and an absolute redirect_uri, then plays a user who scans
// the QR code and agrees: it redirects (302) to redirect_uri with a fresh code and
// the state unchanged, for the user set with ScanAs (a user who declines: no code).
// The code exchange (GET /cgi-bin/auth/getuserinfo?access_token=…&code=…) answers a
// member's code with {"userid", "user_ticket"} and an outsider's with {"openid",
// "external_userid"}, as WeCom does; a code is good for one exchange, and an unknown,
// used or expired code answers 40029 (invalid code).

// wecomLogin is the fake's login state, guarded by WeComServer.mu.
type wecomLogin struct {
	codes  map[string]wecomLoginCode // outstanding codes
	issued int
	scan   wecomLoginCode // who scans on the login page
}

type wecomLoginCode struct {
	userID, openID string
}

// LoginCode issues a one-time login code that the code exchange answers with the
// userid, as after a member of the enterprise scanned the QR code. The userid need
// not be in the source (someone added upstream since the last sync, say).
func (w *WeComServer) LoginCode(userID string) string {
	return w.issueLoginCode(wecomLoginCode{userID: userID})
}

// OutsiderLoginCode issues a one-time login code that the code exchange answers
// with an openid and no userid, as after someone outside the enterprise scanned.
func (w *WeComServer) OutsiderLoginCode(openID string) string {
	return w.issueLoginCode(wecomLoginCode{openID: openID})
}

// ExpireLoginCodes makes every code issued so far expire: exchanging one answers
// 40029.
func (w *WeComServer) ExpireLoginCodes() {
	w.mu.Lock()
	defer w.mu.Unlock()
	clear(w.login.codes)
}

// ScanAs sets who scans the QR code on the login page from now on: the member with
// the userid, or (userID "") someone who declines, whose redirect brings no code.
func (w *WeComServer) ScanAs(userID string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.login.scan = wecomLoginCode{userID: userID}
}

func (w *WeComServer) issueLoginCode(c wecomLoginCode) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.issueLoginCodeLocked(c)
}

func (w *WeComServer) issueLoginCodeLocked(c wecomLoginCode) string {
	if w.login.codes == nil {
		w.login.codes = map[string]wecomLoginCode{}
	}
	w.login.issued++
	code := "code-" + strconv.Itoa(w.login.issued) + "-fake"
	w.login.codes[code] = c
	return code
}

// exchangeLoginCode answers auth/getuserinfo: the code is used up.
func (w *WeComServer) exchangeLoginCode(code string) map[string]any {
	w.mu.Lock()
	c, ok := w.login.codes[code]
	delete(w.login.codes, code)
	w.mu.Unlock()
	switch {
	case !ok || code == "":
		return map[string]any{"errcode": 40029, "errmsg": "invalid code, hint: [1700000000_40029_fake]"}
	case c.userID != "":
		return map[string]any{"errcode": 0, "errmsg": "ok", "userid": c.userID, "user_ticket": "ticket-" + code}
	default:
		return map[string]any{"errcode": 0, "errmsg": "ok", "openid": c.openID, "external_userid": "wm-" + c.openID}
	}
}

// serveLoginPage answers the web login page.
func (w *WeComServer) serveLoginPage(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(why string) { http.Error(rw, "该链接无法访问: "+why, http.StatusBadRequest) }
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("login_type") != "CorpApp":
		bad(fmt.Sprintf("login_type %q", q.Get("login_type")))
		return
	case q.Get("appid") != w.opts.CorpID:
		bad(fmt.Sprintf("appid %q", q.Get("appid")))
		return
	case q.Get("agentid") != cmp.Or(w.opts.AgentID, DefaultWeComAgentID):
		bad(fmt.Sprintf("agentid %q", q.Get("agentid")))
		return
	case err != nil || !redirect.IsAbs() || redirect.Host == "":
		bad(fmt.Sprintf("redirect_uri %q", q.Get("redirect_uri")))
		return
	}
	back := redirect.Query()
	w.mu.Lock()
	if scan := w.login.scan; scan.userID != "" {
		back.Set("code", w.issueLoginCodeLocked(scan))
	}
	w.mu.Unlock()
	if s := q.Get("state"); s != "" {
		back.Set("state", s)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(rw, r, redirect.String(), http.StatusFound)
}

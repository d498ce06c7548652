package dingtalk

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
	"github.com/orgkit/orgkit/member"
)

// DingTalk's hosts: the server API (oapi), the newer API (api) and the login pages.
const (
	DefaultBaseURL    = "https://oapi.dingtalk.com"
	DefaultAPIBaseURL = "https://api.dingtalk.com"
	DefaultLoginURL   = "https://login.dingtalk.com"
)

// Options tune a Client. The zero value talks to DingTalk's own hosts with
// http.DefaultClient, keeps tokens in memory, does not pace, retries a busy or
// throttled call three times, reads hire dates in China Standard Time, and maps no
// extension attributes.
type Options struct {
	// BaseURL replaces DefaultBaseURL (oapi.dingtalk.com: tokens, departments,
	// members), APIBaseURL DefaultAPIBaseURL (api.dingtalk.com: the login's user
	// token and profile) and LoginURL DefaultLoginURL (the QR-code login page) —
	// for tests and private deployments.
	BaseURL, APIBaseURL, LoginURL string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Tokens keeps access tokens, so that several clients can share one; nil means
	// a cache of this client's own.
	Tokens connector.TokenCache
	// Interval is the least time between two requests (0: no pacing). DingTalk
	// allows an app about 20 calls a second per API (90018), and limits calls per
	// minute per app (90006) and per organization (90005).
	Interval time.Duration
	// MaxRetries is how many times a busy (-1), throttled (90018, 90006, 90005,
	// 90002, HTTP 429) or failed call is retried (0 means 3, negative never).
	MaxRetries int
	// BaseDelay and MaxDelay bound the backoff between retries (0: 500 ms and 30 s);
	// the wait is random below the doubled delay. A throttled call waits at least
	// ThrottleDelay (0 means 1 s), or what Retry-After asks.
	BaseDelay, MaxDelay, ThrottleDelay time.Duration
	// Extension maps the keys of a member's extension attributes (the JSON object
	// DingTalk calls extension, say {"爱好":"旅游"}) onto member fields: text fields
	// and dates (YYYY-MM-DD) the member lists do not give, say {"工牌":
	// member.ExtendedAField, "生日": member.BirthdayField}.
	Extension map[string]member.Field
	// ReportingManagers also reads every member's details (user/get, one call per
	// member) for the direct manager (manager_userid), which the member lists do not
	// give; without it the reporting manager stays the directory's own.
	ReportingManagers bool
	// PageSize is the number of members asked per page (1–100; 0 means 100, the
	// most DingTalk gives).
	PageSize int
	// Location is the time zone hire dates (epoch milliseconds) are read in; nil
	// means China Standard Time (UTC+8, DingTalk's own).
	Location *time.Location
	// Sleep waits between retries; nil means a timer. Tests inject one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// chinaTime is China Standard Time: UTC+8 all year (China has kept no daylight
// saving time since 1991), without depending on the system's time zone database.
var chinaTime = time.FixedZone("CST", 8*3600)

// Client reads a DingTalk organization's directory through DingTalk's server API,
// turns its contact-change events into delta snapshots (Delta), and finishes
// QR-code logins (Login). It is a connector.Source and a connector.DepartmentFetcher, and is safe for
// concurrent use.
type Client struct {
	cfg              Config
	opts             Options
	base, api, login string
	http             *http.Client
	policy           apicall.Policy
	pacer            apicall.Pacer
	tokens           *apicall.Tokens
	fields           connector.Fields
	loc              *time.Location
	pageSize         int
}

var (
	_ connector.Source            = (*Client)(nil)
	_ connector.DepartmentFetcher = (*Client)(nil)
)

// New returns a client for the app, after checking the configuration and options.
func New(cfg Config, opts Options) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var errs []error
	host := func(name, v, def string) string {
		u := strings.TrimRight(cmp.Or(v, def), "/")
		if p, err := url.Parse(u); err != nil || p.Scheme != "https" && p.Scheme != "http" || p.Host == "" {
			errs = append(errs, fmt.Errorf("dingtalk: %s %q is not an http(s) URL: %w", name, v, orgkit.ErrInvalid))
		}
		return u
	}
	c := &Client{cfg: cfg, opts: opts, http: cmp.Or(opts.HTTPClient, http.DefaultClient), loc: cmp.Or(opts.Location, chinaTime)}
	c.base = host("BaseURL", opts.BaseURL, DefaultBaseURL)
	c.api = host("APIBaseURL", opts.APIBaseURL, DefaultAPIBaseURL)
	c.login = host("LoginURL", opts.LoginURL, DefaultLoginURL)
	switch {
	case opts.PageSize == 0:
		c.pageSize = 100
	case opts.PageSize < 0 || opts.PageSize > 100:
		errs = append(errs, fmt.Errorf("dingtalk: PageSize %d is not between 1 and 100: %w", opts.PageSize, orgkit.ErrInvalid))
	default:
		c.pageSize = opts.PageSize
	}
	fields, err := declaredFields(opts.Extension, opts.ReportingManagers)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.fields = fields
	c.policy = apicall.Policy{Interval: opts.Interval, MaxRetries: opts.MaxRetries, BaseDelay: opts.BaseDelay,
		MaxDelay: opts.MaxDelay, Sleep: opts.Sleep, Now: opts.Now}
	c.tokens = &apicall.Tokens{Cache: opts.Tokens, Key: "dingtalk:" + cfg.CorpID + ":" + cfg.AppKey, Fetch: c.fetchToken, Now: opts.Now}
	return c, nil
}

// Platform implements connector.Source.
func (c *Client) Platform() orgkit.Platform { return orgkit.DingTalk }

// TenantID implements connector.Source: the corp ID.
func (c *Client) TenantID() string { return c.cfg.CorpID }

// Fields implements connector.Source: names, contacts, job title, employee number,
// hire date, work place, office phone, avatar, departments, the fields Extension
// maps onto, and with ReportingManagers the reporting manager; department names,
// parents, orders and leaders. A fetch declares fewer when the app may not see some
// (see Fetch).
func (c *Client) Fields() connector.Fields {
	return c.fields.Clone()
}

// String describes the client without its secret.
func (c *Client) String() string { return "dingtalk.Client{" + c.cfg.String() + "}" }

// DingTalk's error codes the client acts on.
const (
	codeBusy           = -1
	codeSubCode        = 88 // the reason is in sub_code
	codeBadSecret      = 40001
	codeBadCorpID      = 40013
	codeInvalidToken   = 40014
	codeMissingToken   = 41001
	codeExpiredToken   = 42001
	codeBadAppKey      = 40089
	codeOutOfScope     = 50004
	codeUserOutOfScope = 50002
	codeDeptMissing    = 60003
	codeNoPermission   = 60011
	codeIPNotTrusted   = 60020
	codeUnknownUser    = 60121
	codeLimitPlatform  = 90002
	codeLimitOrgMinute = 90005
	codeLimitAppMinute = 90006
	codeLimitAppSecond = 90018
	codeQuotaExhausted = 90020
)

// flexString reads a JSON string or number as text (DingTalk's sub_code comes both
// ways).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		*f = ""
		return nil
	}
	*f = flexString(b)
	return nil
}

// envelope is the part of every oapi answer that says whether it succeeded.
type envelope struct {
	ErrCode   int        `json:"errcode"`
	ErrMsg    string     `json:"errmsg"`
	SubCode   flexString `json:"sub_code"`
	SubMsg    string     `json:"sub_msg"`
	RequestID string     `json:"request_id"`
}

// code is the code that says what happened: sub_code under 88, else errcode.
func (e *envelope) code() int {
	if e.ErrCode == codeSubCode {
		if n, err := strconv.Atoi(strings.TrimSpace(string(e.SubCode))); err == nil {
			return n
		}
	}
	return e.ErrCode
}

// CodeOf returns DingTalk's code in err, when err is a *connector.PlatformError of
// DingTalk's oapi: the sub-code under 88, else the error code (0 when none).
func CodeOf(err error) int {
	var pe *connector.PlatformError
	if !errors.As(err, &pe) || pe.Platform != orgkit.DingTalk {
		return 0
	}
	code, _ := strconv.Atoi(pe.Code)
	if code == codeSubCode {
		if n, err := strconv.Atoi(pe.SubCode); err == nil {
			return n
		}
	}
	return code
}

// fetchToken asks DingTalk for the app's access token.
func (c *Client) fetchToken(ctx context.Context) (connector.Token, error) {
	q := url.Values{"appkey": {c.cfg.AppKey}, "appsecret": {c.cfg.AppSecret.Reveal()}}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	start := c.now()
	if err := c.call(ctx, http.MethodGet, "/gettoken", q, nil, &out, false); err != nil {
		return connector.Token{}, err
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return connector.Token{}, c.fail("/gettoken", http.StatusOK, envelope{}, "no access token in the answer", connector.ErrPlatform)
	}
	return connector.Token{Value: connector.NewSecret(out.AccessToken), Expires: start.Add(time.Duration(out.ExpiresIn) * time.Second)}, nil
}

func (c *Client) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

// post calls an oapi API with the access token and a JSON body, and decodes the
// answer into out.
func (c *Client) post(ctx context.Context, path string, body, out any) error {
	return c.call(ctx, http.MethodPost, path, nil, body, out, true)
}

// call sends one oapi request, retrying dropped connections, server errors, busy
// and throttled answers with backoff, and (withToken) refreshing a refused token
// once.
func (c *Client) call(ctx context.Context, method, path string, q url.Values, body, out any, withToken bool) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("dingtalk: %s: %w", path, err)
		}
	}
	caller := apicall.Caller{HTTP: c.http, Pacer: &c.pacer, Policy: &c.policy, ThrottleDelay: c.throttleDelay(),
		Fail: func(ans apicall.Answer, msg string, kind error) *connector.PlatformError {
			return c.fail(path, ans.Status, envelope{}, msg, kind)
		}}
	if withToken {
		caller.Tokens = c.tokens
	}
	build := func(token string) (*http.Request, error) {
		query := url.Values{}
		for k, v := range q {
			query[k] = v
		}
		if withToken {
			query.Set("access_token", token)
		}
		u := c.base + path
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
		if err != nil {
			return nil, fmt.Errorf("dingtalk: %s: %w", path, apicall.StripURL(err))
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		return req, nil
	}
	return caller.Do(ctx, build, func(ans apicall.Answer) apicall.Verdict {
		var env envelope
		if err := json.Unmarshal(ans.Body, &env); err != nil {
			return apicall.Verdict{Err: c.fail(path, ans.Status, env, "the answer is not JSON: "+err.Error(), connector.ErrPlatform)}
		}
		fail := func(kind error) *connector.PlatformError { return c.fail(path, ans.Status, env, "", kind) }
		switch env.code() {
		case 0:
			if err := json.Unmarshal(ans.Body, out); err != nil {
				return apicall.Verdict{Err: c.fail(path, ans.Status, env, "unexpected answer: "+err.Error(), connector.ErrPlatform)}
			}
			return apicall.Verdict{}
		case codeInvalidToken, codeExpiredToken, codeMissingToken:
			return apicall.Verdict{Err: fail(connector.ErrPlatform), RefreshToken: true}
		case codeBusy:
			return apicall.Verdict{Err: fail(connector.ErrPlatform), Retry: true}
		case codeLimitAppSecond, codeLimitAppMinute, codeLimitOrgMinute, codeLimitPlatform:
			return apicall.Verdict{Err: fail(connector.ErrRateLimited), Retry: true, Delay: c.throttleDelay()}
		case codeQuotaExhausted:
			return apicall.Verdict{Err: fail(connector.ErrRateLimited)}
		case codeBadSecret, codeBadCorpID, codeBadAppKey, codeIPNotTrusted:
			return apicall.Verdict{Err: fail(connector.ErrBadCredentials)}
		case codeOutOfScope, codeUserOutOfScope, codeNoPermission:
			return apicall.Verdict{Err: fail(connector.ErrPermission)}
		default:
			return apicall.Verdict{Err: fail(connector.ErrPlatform)}
		}
	})
}

func (c *Client) throttleDelay() time.Duration { return cmp.Or(c.opts.ThrottleDelay, time.Second) }

// fail builds the error of an oapi call; msg, when set, replaces the answer's own.
func (c *Client) fail(path string, status int, env envelope, msg string, kind error) *connector.PlatformError {
	e := &connector.PlatformError{Platform: orgkit.DingTalk, Op: path, HTTPStatus: status, Kind: kind,
		SubCode: string(env.SubCode), RequestID: env.RequestID}
	if env.ErrCode != 0 {
		e.Code = strconv.Itoa(env.ErrCode)
	}
	e.Message = cmp.Or(msg, env.ErrMsg)
	if env.SubMsg != "" && env.SubMsg != e.Message {
		e.Message += ": " + env.SubMsg
	}
	return e
}

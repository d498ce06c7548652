package wecom

import (
	"cmp"
	"context"
	"encoding/json"
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

// DefaultBaseURL is WeCom's API host.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// Options tune a Client. The zero value talks to DefaultBaseURL with
// http.DefaultClient, keeps tokens in memory, does not pace, and retries a busy or
// throttled call three times.
type Options struct {
	// BaseURL replaces DefaultBaseURL (tests, private deployments).
	BaseURL string
	// LoginURL replaces DefaultLoginURL, the web login page LoginURL sends users
	// to (tests, private deployments).
	LoginURL string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Tokens keeps access tokens, so that several clients can share one; nil means
	// a cache of this client's own.
	Tokens connector.TokenCache
	// Interval is the least time between two requests (0: no pacing). WeCom allows
	// about 10,000 calls a minute per API and enterprise.
	Interval time.Duration
	// MaxRetries is how many times a busy (-1), throttled (45009, 45033) or failed
	// call is retried (0 means 3, negative never).
	MaxRetries int
	// BaseDelay and MaxDelay bound the backoff between retries (0: 500 ms and 30 s);
	// the wait is random below the doubled delay. A throttled call waits at least
	// ThrottleDelay (0 means 1 s).
	BaseDelay, MaxDelay, ThrottleDelay time.Duration
	// ExtAttrs maps the names of custom attributes (extattr, type text) onto member
	// fields: WeCom has no employee number or hire date, so organizations keep them
	// there (say {"工号": member.EmployeeNumberField, "入职日期":
	// member.HireDateField}). Text fields and dates (YYYY-MM-DD) can be mapped.
	ExtAttrs map[string]member.Field
	// Sleep waits between retries; nil means a timer. Tests inject one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Client reads a WeCom enterprise's directory through its server API. It is a
// connector.Source and a connector.DepartmentFetcher, and is safe for concurrent use.
type Client struct {
	cfg    Config
	opts   Options
	base   string
	http   *http.Client
	policy apicall.Policy
	pacer  apicall.Pacer
	tokens *apicall.Tokens
	fields connector.Fields
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
	base := strings.TrimRight(cmp.Or(opts.BaseURL, DefaultBaseURL), "/")
	if u, err := url.Parse(base); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("wecom: BaseURL %q is not an http(s) URL: %w", opts.BaseURL, orgkit.ErrInvalid)
	}
	if opts.LoginURL != "" {
		if u, err := url.Parse(opts.LoginURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("wecom: LoginURL %q is not an http(s) URL without query: %w", opts.LoginURL, orgkit.ErrInvalid)
		}
	}
	fields, err := declaredFields(opts.ExtAttrs)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, opts: opts, base: base, http: cmp.Or(opts.HTTPClient, http.DefaultClient), fields: fields}
	c.policy = apicall.Policy{Interval: opts.Interval, MaxRetries: opts.MaxRetries, BaseDelay: opts.BaseDelay,
		MaxDelay: opts.MaxDelay, Sleep: opts.Sleep, Now: opts.Now}
	c.tokens = &apicall.Tokens{Cache: opts.Tokens, Key: "wecom:" + cfg.CorpID + ":" + cfg.AgentID, Fetch: c.fetchToken, Now: opts.Now}
	return c, nil
}

// Platform implements connector.Source.
func (c *Client) Platform() orgkit.Platform { return orgkit.WeCom }

// TenantID implements connector.Source: the corp ID.
func (c *Client) TenantID() string { return c.cfg.CorpID }

// Fields implements connector.Source: names, contacts, job title, gender, avatar,
// office phone, departments, reporting manager and the fields ExtAttrs maps onto;
// department names, parents, orders and leaders. A fetch declares fewer when the app
// may not see some (see Fetch).
func (c *Client) Fields() connector.Fields {
	return c.fields.Clone()
}

// String describes the client without its secret.
func (c *Client) String() string { return "wecom.Client{" + c.cfg.String() + "}" }

// WeCom's error codes the client acts on.
const (
	codeBusy              = -1
	codeBadSecret         = 40001
	codeBadCorpID         = 40013
	codeInvalidToken      = 40014
	codeMissingToken      = 41001
	codeExpiredToken      = 42001
	codeRateLimited       = 45009
	codeConcurrency       = 45033
	codeNewIPForSync      = 48009
	codeIPNotTrusted      = 60020
	codeNoPrivilege       = 60011
	codeDepartmentMissing = 60003
)

// envelope is the part of every answer that says whether it succeeded.
type envelope struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// fetchToken asks WeCom for an access token.
func (c *Client) fetchToken(ctx context.Context) (connector.Token, error) {
	q := url.Values{"corpid": {c.cfg.CorpID}, "corpsecret": {c.cfg.Secret.Reveal()}}
	var out struct {
		envelope
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	now := time.Now
	if c.opts.Now != nil {
		now = c.opts.Now
	}
	start := now()
	if err := c.call(ctx, "/cgi-bin/gettoken", q, &out, false); err != nil {
		return connector.Token{}, err
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return connector.Token{}, c.fail("/cgi-bin/gettoken", http.StatusOK, 0, "no access token in the answer", connector.ErrPlatform)
	}
	return connector.Token{Value: connector.NewSecret(out.AccessToken), Expires: start.Add(time.Duration(out.ExpiresIn) * time.Second)}, nil
}

// get calls an API with the access token, refreshing the token once if WeCom refuses
// it, and decodes the answer into out.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.call(ctx, path, q, out, true)
}

// call sends one GET, retrying dropped connections, server errors, busy and
// throttled answers with backoff, and (withToken) refreshing a refused token once.
func (c *Client) call(ctx context.Context, path string, q url.Values, out any, withToken bool) error {
	caller := apicall.Caller{HTTP: c.http, Pacer: &c.pacer, Policy: &c.policy, ThrottleDelay: c.throttleDelay(),
		Fail: func(ans apicall.Answer, msg string, kind error) *connector.PlatformError {
			return c.fail(path, ans.Status, 0, msg, kind)
		}}
	if withToken {
		caller.Tokens = c.tokens
	}
	build := func(token string) (*http.Request, error) {
		u := c.base + path
		query := url.Values{}
		for k, v := range q {
			query[k] = v
		}
		if withToken {
			query.Set("access_token", token)
		}
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("wecom: %s: %w", path, apicall.StripURL(err))
		}
		return req, nil
	}
	return caller.Do(ctx, build, func(ans apicall.Answer) apicall.Verdict {
		var env envelope
		if err := json.Unmarshal(ans.Body, &env); err != nil {
			return apicall.Verdict{Err: c.fail(path, ans.Status, 0, "the answer is not JSON: "+err.Error(), connector.ErrPlatform)}
		}
		fail := func(kind error) *connector.PlatformError {
			return c.fail(path, ans.Status, env.ErrCode, env.ErrMsg, kind)
		}
		switch env.ErrCode {
		case 0:
			if err := json.Unmarshal(ans.Body, out); err != nil {
				return apicall.Verdict{Err: c.fail(path, ans.Status, 0, "unexpected answer: "+err.Error(), connector.ErrPlatform)}
			}
			return apicall.Verdict{}
		case codeInvalidToken, codeExpiredToken, codeMissingToken:
			return apicall.Verdict{Err: fail(connector.ErrPlatform), RefreshToken: true}
		case codeBusy:
			return apicall.Verdict{Err: fail(connector.ErrPlatform), Retry: true}
		case codeRateLimited, codeConcurrency:
			return apicall.Verdict{Err: fail(connector.ErrRateLimited), Retry: true, Delay: c.throttleDelay()}
		case codeBadSecret, codeBadCorpID, codeIPNotTrusted, codeNewIPForSync:
			return apicall.Verdict{Err: fail(connector.ErrBadCredentials)}
		case codeNoPrivilege:
			return apicall.Verdict{Err: fail(connector.ErrPermission)}
		default:
			return apicall.Verdict{Err: fail(connector.ErrPlatform)}
		}
	})
}

func (c *Client) throttleDelay() time.Duration { return cmp.Or(c.opts.ThrottleDelay, time.Second) }

func (c *Client) fail(path string, status, code int, msg string, kind error) *connector.PlatformError {
	e := &connector.PlatformError{Platform: orgkit.WeCom, Op: path, HTTPStatus: status, Message: msg, Kind: kind}
	if code != 0 {
		e.Code = strconv.Itoa(code)
	}
	// WeCom's messages carry the request's ID as "hint: [...]"
	if _, rest, ok := strings.Cut(msg, "hint: ["); ok {
		if id, _, ok := strings.Cut(rest, "]"); ok {
			e.RequestID = id
		}
	}
	return e
}

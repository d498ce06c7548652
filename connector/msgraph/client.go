package msgraph

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/internal/apicall"
	"github.com/orgkit/orgkit/member"
)

// The public cloud's hosts. Sovereign clouds have their own (Microsoft Graph for
// US Government: https://login.microsoftonline.us and https://graph.microsoft.us;
// operated by 21Vianet: https://login.chinacloudapi.cn and
// https://microsoftgraph.chinacloudapi.cn).
const (
	DefaultLoginURL = "https://login.microsoftonline.com"
	DefaultGraphURL = "https://graph.microsoft.com"
)

// Options tune a Client. The zero value talks to the public cloud with
// http.DefaultClient, keeps tokens in memory, does not pace, reads 999 users a page,
// maps each user's department directly under the root, and retries a throttled or
// failed call three times.
type Options struct {
	// LoginURL and GraphURL replace DefaultLoginURL and DefaultGraphURL (tests,
	// sovereign clouds). The token's scope is GraphURL + "/.default".
	LoginURL, GraphURL string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Tokens keeps access tokens, so that several clients can share one; nil means
	// a cache of this client's own.
	Tokens connector.TokenCache
	// Interval is the least time between two requests (0: no pacing).
	Interval time.Duration
	// MaxRetries is how many times a throttled (429), unavailable (503) or failed
	// call is retried (0 means 3, negative never).
	MaxRetries int
	// BaseDelay and MaxDelay bound the backoff between retries (0: 500 ms and
	// 30 s); the wait is random below the doubled delay. A delay Microsoft Graph
	// asks for (Retry-After) is honoured instead.
	BaseDelay, MaxDelay time.Duration
	// PageSize is the $top of each page of users (0 means 999, the most Graph
	// allows); Graph may answer fewer.
	PageSize int
	// CompanyLevel maps each companyName to a department directly under the root,
	// with the departments of its users below it, for tenants that hold several
	// companies. Without it companyName is not read and each department string is a
	// department directly under the root.
	CompanyLevel bool
	// ExtensionAttributes maps on-premises extension attributes
	// ("extensionAttribute1" … "extensionAttribute15") onto member fields: text
	// fields and dates (YYYY-MM-DD).
	ExtensionAttributes map[string]member.Field
	// Exclude leaves users out of the directory, besides guests (which are always
	// left out): room and equipment accounts, service accounts — Graph marks none
	// of them. A user it excludes is not listed, and a delta reports them removed.
	Exclude func(User) bool
	// Group limits the directory to the members of one security or Microsoft 365
	// group (its object ID), nested groups included (transitiveMembers). The
	// delta query cannot follow group membership: a client with a Group reads
	// everything on each sync (its snapshots carry no cursor, and FetchChanges
	// answers connector.ErrCursorExpired).
	Group string
	// HireDateLocation is the time zone in which employeeHireDate's instant is
	// read as a calendar date (nil means UTC, as Microsoft Entra stores it).
	HireDateLocation *time.Location
	// Sleep waits between retries; nil means a timer. Tests inject one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Client reads a Microsoft Entra tenant's directory through Microsoft Graph, as a
// connector.Source and connector.DeltaSource, and signs members in with their
// Microsoft account (SignIn). It is safe for concurrent use.
type Client struct {
	cfg    Config
	opts   Options
	login  string
	graph  string
	host   *url.URL // GraphURL parsed: next and delta links must stay on it
	http   *http.Client
	policy apicall.Policy
	pacer  apicall.Pacer
	tokens *apicall.Tokens
	fields connector.Fields
	ext    []extAttr
	jwks   *keySet
}

// extAttr is one entry of Options.ExtensionAttributes.
type extAttr struct {
	name  string
	field member.Field
}

var (
	_ connector.Source      = (*Client)(nil)
	_ connector.DeltaSource = (*Client)(nil)
)

// New returns a client for the app, after checking the configuration and options.
func New(cfg Config, opts Options) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	login, err := baseURL("LoginURL", opts.LoginURL, DefaultLoginURL)
	if err != nil {
		return nil, err
	}
	graph, err := baseURL("GraphURL", opts.GraphURL, DefaultGraphURL)
	if err != nil {
		return nil, err
	}
	host, _ := url.Parse(graph)
	if opts.PageSize < 0 || opts.PageSize > 999 {
		return nil, fmt.Errorf("msgraph: PageSize %d is not between 1 and 999: %w", opts.PageSize, orgkit.ErrInvalid)
	}
	if opts.Group != "" && !isGUID(opts.Group) {
		return nil, fmt.Errorf("msgraph: Group %q is not a group's object ID (a GUID): %w", opts.Group, orgkit.ErrInvalid)
	}
	fields, ext, err := declaredFields(opts.ExtensionAttributes)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, opts: opts, login: login, graph: graph, host: host, http: cmp.Or(opts.HTTPClient, http.DefaultClient),
		fields: fields, ext: ext}
	c.policy = apicall.Policy{Interval: opts.Interval, MaxRetries: opts.MaxRetries, BaseDelay: opts.BaseDelay,
		MaxDelay: opts.MaxDelay, Sleep: opts.Sleep, Now: opts.Now}
	c.tokens = &apicall.Tokens{Cache: opts.Tokens, Key: "msgraph:" + login + ":" + cfg.TenantID + ":" + cfg.ClientID + ":" + graph,
		Fetch: c.fetchToken, Now: opts.Now}
	c.jwks = &keySet{}
	return c, nil
}

func baseURL(name, v, def string) (string, error) {
	s := strings.TrimRight(cmp.Or(v, def), "/")
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("msgraph: %s %q is not an http(s) base URL: %w", name, v, orgkit.ErrInvalid)
	}
	return s, nil
}

// Platform implements connector.Source: orgkit.Teams.
func (c *Client) Platform() orgkit.Platform { return orgkit.Teams }

// TenantID implements connector.Source: the tenant ID.
func (c *Client) TenantID() string { return c.cfg.TenantID }

// Fields implements connector.Source: full name, email, mobile, office phone, job
// title, employee number, hire date, preferred language, sign-in account, primary
// department, reporting manager and the fields ExtensionAttributes maps onto;
// department names and parents.
func (c *Client) Fields() connector.Fields {
	return c.fields.Clone()
}

// String describes the client without its credential.
func (c *Client) String() string { return "msgraph.Client{" + c.cfg.String() + "}" }

func (c *Client) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

// tokenEndpoint is the tenant's v2.0 token endpoint.
func (c *Client) tokenEndpoint() string {
	return c.login + "/" + url.PathEscape(c.cfg.TenantID) + "/oauth2/v2.0/token"
}

// fetchToken asks the identity platform for an app-only token (client credentials).
func (c *Client) fetchToken(ctx context.Context) (connector.Token, error) {
	form := url.Values{"client_id": {c.cfg.ClientID}, "scope": {c.graph + "/.default"}, "grant_type": {"client_credentials"}}
	if err := c.authenticate(form); err != nil {
		return connector.Token{}, err
	}
	var out struct {
		TokenType   string          `json:"token_type"`
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	start := c.now()
	if err := c.postForm(ctx, "/oauth2/v2.0/token", c.tokenEndpoint(), form, &out, nil); err != nil {
		return connector.Token{}, err
	}
	secs, _ := strconv.ParseInt(strings.Trim(string(out.ExpiresIn), `"`), 10, 64) // a number; older endpoints sent a string
	if out.AccessToken == "" || secs <= 0 || !strings.EqualFold(out.TokenType, "Bearer") {
		return connector.Token{}, &connector.PlatformError{Platform: orgkit.Teams, Op: "/oauth2/v2.0/token", HTTPStatus: http.StatusOK,
			Message: "no bearer token in the answer", Kind: connector.ErrPlatform}
	}
	return connector.Token{Value: connector.NewSecret(out.AccessToken), Expires: start.Add(time.Duration(secs) * time.Second)}, nil
}

// authenticate adds the app's credential to a token request: the client secret, or
// a client assertion signed with the certificate.
func (c *Client) authenticate(form url.Values) error {
	if c.cfg.Certificate == nil {
		form.Set("client_secret", c.cfg.ClientSecret.Reveal())
		return nil
	}
	assertion, err := c.assertion()
	if err != nil {
		return err
	}
	form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
	form.Set("client_assertion", assertion)
	return nil
}

// assertion is the certificate credential: a JWT the app signs with its key (PS256,
// the certificate's SHA-256 thumbprint in x5t#S256), valid for ten minutes.
func (c *Client) assertion() (string, error) {
	now := c.now()
	header := map[string]any{"alg": "PS256", "typ": "JWT", "x5t#S256": c.cfg.Certificate.x5tS256()}
	claims := map[string]any{"aud": c.tokenEndpoint(), "iss": c.cfg.ClientID, "sub": c.cfg.ClientID, "jti": uuid.NewString(),
		"nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPSS(rand.Reader, c.cfg.Certificate.key, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		return "", fmt.Errorf("msgraph: signing the client assertion: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// postForm posts a form to the identity platform (c.do), retrying throttled,
// unavailable and dropped calls; a refusal of the credentials or the request is
// never retried: invalid_client, unauthorized_client, invalid_request,
// invalid_grant, invalid_scope, invalid_resource and an answer without an error
// code are connector.ErrBadCredentials, other codes connector.ErrPlatform. With
// grant set (a code exchange), invalid_grant is of that kind. The error carries
// the AADSTS code (SubCode), the trace ID (RequestID) and the correlation ID
// (ClientRequestID).
func (c *Client) postForm(ctx context.Context, op, endpoint string, form url.Values, out any, grant error) error {
	refuse := func(_ apicall.Answer, e *connector.PlatformError) apicall.Verdict {
		switch e.Code {
		case "invalid_grant":
			if grant != nil {
				e.Kind = grant // the code was refused: expired, used, for another redirect or verifier
				break
			}
			e.Kind = connector.ErrBadCredentials
		case "invalid_client", "unauthorized_client", "invalid_request", "invalid_scope", "invalid_resource", "":
			// a wrong secret or certificate, an unknown app or tenant, a disabled app
			e.Kind = connector.ErrBadCredentials
		}
		return apicall.Verdict{Err: e}
	}
	return c.do(ctx, request{op: op, method: http.MethodPost, url: endpoint, form: form, refuse: refuse}, out)
}

// errExpired marks an answer that the delta link has expired.
var errExpired = errors.New("delta link expired")

// get calls Microsoft Graph (c.do): u is a path under GraphURL ("/v1.0/users?…")
// or a next or delta link Graph gave (which must point at GraphURL's host, so that
// the token never goes elsewhere). It refreshes the token once when Graph refuses
// it (401; refused again, connector.ErrBadCredentials), retries throttling (429),
// 503 and other server errors and dropped connections honouring Retry-After, and
// fails at once on anything else: 403 is connector.ErrPermission, an expired delta
// link (410, or 400 syncStateNotFound or resyncRequired) an error matching
// errExpired, the rest connector.ErrPlatform.
func (c *Client) get(ctx context.Context, op, u string, out any) error {
	if strings.HasPrefix(u, "/") {
		u = c.graph + u
	} else if err := c.onGraph(u); err != nil {
		return err
	}
	refuse := func(ans apicall.Answer, e *connector.PlatformError) apicall.Verdict {
		switch {
		case ans.Status == http.StatusUnauthorized:
			e.Kind = connector.ErrBadCredentials
			return apicall.Verdict{Err: e, RefreshToken: true}
		case ans.Status == http.StatusForbidden:
			e.Kind = connector.ErrPermission
		case ans.Status == http.StatusGone || ans.Status == http.StatusBadRequest &&
			(e.Code == "syncStateNotFound" || e.Code == "resyncRequired" || e.SubCode == "syncStateNotFound"):
			return apicall.Verdict{Err: fmt.Errorf("%w: %w", errExpired, e)}
		}
		return apicall.Verdict{Err: e}
	}
	return c.do(ctx, request{op: op, method: http.MethodGet, url: u, token: true, refuse: refuse}, out)
}

// request is one call of c.do.
type request struct {
	op     string // the API, in errors ("/v1.0/users")
	method string
	url    string
	form   url.Values // the body, sent as a form; nil sends none
	token  bool       // sent with the app's access token as the bearer
	// refuse decides on an answer with another status than 200, 429 and 5xx: e is
	// its error (kind connector.ErrPlatform) with what the body says. nil fails with e.
	refuse func(ans apicall.Answer, e *connector.PlatformError) apicall.Verdict
}

// do sends a call through apicall.Caller.Do, paced: each attempt carries a
// client-request-id of its own (a UUID, which Graph returns); a dropped
// connection, HTTP 429 and server errors are retried with backoff honouring
// Retry-After, ErrRateLimited after 429 and ErrPlatform otherwise once the retries
// run out; a token the platform refuses (as r.refuse says) is refreshed once. An
// answer with HTTP 200 is decoded into out. Every error of an answer is a
// *connector.PlatformError carrying the code, message and request IDs its body and
// headers hold (explain), the last answer's when the retries ran out, and never the
// request's address (which holds tokens and secrets).
func (c *Client) do(ctx context.Context, r request, out any) error {
	var sent string // the client-request-id of the last attempt
	caller := apicall.Caller{HTTP: c.http, Pacer: &c.pacer, Policy: &c.policy, AnyStatus: true,
		Fail: func(ans apicall.Answer, msg string, kind error) *connector.PlatformError {
			if ans.Status != 0 {
				msg = http.StatusText(ans.Status)
			}
			e := c.failure(r.op, ans, sent, msg, kind)
			explain(e, ans.Body)
			return e
		}}
	if r.token {
		caller.Tokens = c.tokens
	}
	build := func(token string) (*http.Request, error) {
		var body io.Reader
		if r.form != nil {
			body = strings.NewReader(r.form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
		if err != nil {
			e := c.failure(r.op, apicall.Answer{}, "", "the request cannot be made", connector.ErrPlatform)
			e.Err = apicall.StripURL(err)
			return nil, e
		}
		sent = uuid.NewString()
		req.Header.Set("Accept", "application/json")
		req.Header.Set("client-request-id", sent)
		req.Header.Set("return-client-request-id", "true")
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req, nil
	}
	return caller.Do(ctx, build, func(ans apicall.Answer) apicall.Verdict {
		if ans.Status == http.StatusOK {
			if err := json.Unmarshal(ans.Body, out); err != nil {
				return apicall.Verdict{Err: c.failure(r.op, ans, sent, "unexpected answer: "+err.Error(), connector.ErrPlatform)}
			}
			return apicall.Verdict{}
		}
		e := caller.Fail(ans, "", connector.ErrPlatform)
		if r.refuse == nil {
			return apicall.Verdict{Err: e}
		}
		return r.refuse(ans, e)
	})
}

// failure is the error of an answer (Status 0: none came), with msg and kind, the
// answer's request-id header and the client-request-id Graph returned, or else
// the one sent.
func (c *Client) failure(op string, ans apicall.Answer, sent, msg string, kind error) *connector.PlatformError {
	return &connector.PlatformError{Platform: orgkit.Teams, Op: op, HTTPStatus: ans.Status, Message: msg, Kind: kind,
		RetryAfter: ans.RetryAfter, RequestID: ans.Header.Get("request-id"), ClientRequestID: cmp.Or(ans.Header.Get("client-request-id"), sent)}
}

// explain puts into e what an error body says: Microsoft Graph's
// {"error": {code, message, innerError: {code, request-id, client-request-id}}}
// (the inner code becomes SubCode), or the identity platform's {error,
// error_description, error_codes, trace_id, correlation_id} (the first code
// becomes SubCode "AADSTS…", the trace ID RequestID, the correlation ID
// ClientRequestID). A body that is neither leaves e as it is.
func explain(e *connector.PlatformError, body []byte) {
	var env struct {
		Error         json.RawMessage `json:"error"`
		Description   string          `json:"error_description"`
		Codes         []int           `json:"error_codes"`
		TraceID       string          `json:"trace_id"`
		CorrelationID string          `json:"correlation_id"`
	}
	if json.Unmarshal(body, &env) != nil {
		return
	}
	var ge struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			Code            string `json:"code"`
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	}
	if json.Unmarshal(env.Error, &ge) == nil {
		e.Code, e.SubCode, e.Message = ge.Code, ge.InnerError.Code, cmp.Or(ge.Message, e.Message)
		e.RequestID = cmp.Or(ge.InnerError.RequestID, e.RequestID)
		e.ClientRequestID = cmp.Or(ge.InnerError.ClientRequestID, e.ClientRequestID)
		return
	}
	_ = json.Unmarshal(env.Error, &e.Code)
	e.Message = cmp.Or(env.Description, e.Message)
	if len(env.Codes) > 0 {
		e.SubCode = "AADSTS" + strconv.Itoa(env.Codes[0])
	}
	e.RequestID = cmp.Or(env.TraceID, e.RequestID)
	e.ClientRequestID = cmp.Or(env.CorrelationID, e.ClientRequestID)
}

// onGraph checks that a link Graph gave points at GraphURL, so that the token never
// goes elsewhere.
func (c *Client) onGraph(link string) error {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != c.host.Scheme || u.Host != c.host.Host || !strings.HasPrefix(u.Path, c.host.Path+"/") {
		return &connector.PlatformError{Platform: orgkit.Teams, Op: "next link", Message: "Microsoft Graph gave a link outside " + c.graph,
			Kind: connector.ErrPlatform}
	}
	return nil
}

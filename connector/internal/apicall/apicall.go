// Package apicall holds what the platform clients share: pacing, retries with
// backoff and jitter, access tokens kept in a connector.TokenCache and refreshed once
// when the platform refuses them, and errors stripped of request addresses (which
// carry tokens and secrets).
package apicall

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Policy says how often a client calls and how it retries.
type Policy struct {
	// Interval is the least time between two requests of a client (0: no pacing).
	Interval time.Duration
	// MaxRetries is how many times a throttled, busy or failed call is retried
	// (0 means 3; negative means never).
	MaxRetries int
	// BaseDelay is the first backoff (0 means 500 ms); each retry doubles it, up to
	// MaxDelay (0 means 30 s), and the wait is drawn at random below it (full
	// jitter). A delay the platform asks for (Retry-After) is honoured instead.
	BaseDelay, MaxDelay time.Duration
	// Sleep waits; nil means a timer that honours ctx. Tests inject one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Retries is the number of retries the policy allows.
func (p *Policy) Retries() int {
	switch {
	case p.MaxRetries < 0:
		return 0
	case p.MaxRetries == 0:
		return 3
	}
	return p.MaxRetries
}

// Delay is the wait before retry number attempt (0 for the first retry): asked, when
// the platform asked for a delay, else a random time below the doubled base.
func (p *Policy) Delay(attempt int, asked time.Duration) time.Duration {
	if asked > 0 {
		return asked
	}
	base, ceil := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if ceil <= 0 {
		ceil = 30 * time.Second
	}
	d := base << min(attempt, 20)
	if d <= 0 || d > ceil {
		d = ceil
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

// Wait sleeps for d, honouring ctx.
func (p *Policy) Wait(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

func (p *Policy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Sleep waits for d or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Pacer spaces a client's requests by the policy's Interval.
type Pacer struct {
	mu   sync.Mutex
	next time.Time
}

// Wait blocks until the next request may go.
func (pc *Pacer) Wait(ctx context.Context, p *Policy) error {
	if p.Interval <= 0 {
		return ctx.Err()
	}
	pc.mu.Lock()
	now := p.now()
	at := pc.next
	if at.Before(now) {
		at = now
	}
	pc.next = at.Add(p.Interval)
	pc.mu.Unlock()
	return p.Wait(ctx, at.Sub(now))
}

// Tokens hands out a platform's access token: from the cache while it is valid for
// more than the margin, else fetched anew and kept.
type Tokens struct {
	// Cache keeps tokens, shared between instances; nil keeps them in this process.
	Cache connector.TokenCache
	Key   string
	// Fetch asks the platform for a new token.
	Fetch func(ctx context.Context) (connector.Token, error)
	// Margin: a token that expires within it is fetched anew (0 means 5 minutes).
	Margin time.Duration
	Now    func() time.Time

	mu   sync.Mutex // one fetch at a time in this process
	once sync.Once  // sets a nil Cache
}

// cache returns t.Cache, or the process-local cache made the first time it is
// needed when t.Cache is nil.
func (t *Tokens) cache() connector.TokenCache {
	t.once.Do(func() {
		if t.Cache == nil {
			t.Cache = &connector.MemoryTokenCache{}
		}
	})
	return t.Cache
}

func (t *Tokens) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Tokens) fresh(tok connector.Token) bool {
	margin := t.Margin
	if margin <= 0 {
		margin = 5 * time.Minute
	}
	return !tok.Value.IsZero() && t.now().Add(margin).Before(tok.Expires)
}

// Get returns a valid token.
func (t *Tokens) Get(ctx context.Context) (connector.Secret, error) {
	if tok, ok, err := t.cache().Get(ctx, t.Key); err != nil {
		return connector.Secret{}, err
	} else if ok && t.fresh(tok) {
		return tok.Value, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok, ok, err := t.cache().Get(ctx, t.Key); err != nil {
		return connector.Secret{}, err
	} else if ok && t.fresh(tok) {
		return tok.Value, nil // fetched meanwhile
	}
	return t.fetch(ctx)
}

// Refresh drops stale, which the platform refused, and returns a new token (or one
// another caller has fetched meanwhile).
func (t *Tokens) Refresh(ctx context.Context, stale connector.Secret) (connector.Secret, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.cache().Delete(ctx, t.Key, stale); err != nil {
		return connector.Secret{}, err
	}
	if tok, ok, err := t.cache().Get(ctx, t.Key); err != nil {
		return connector.Secret{}, err
	} else if ok && t.fresh(tok) && tok.Value.Reveal() != stale.Reveal() {
		return tok.Value, nil
	}
	return t.fetch(ctx)
}

func (t *Tokens) fetch(ctx context.Context) (connector.Secret, error) {
	tok, err := t.Fetch(ctx)
	if err != nil {
		return connector.Secret{}, err
	}
	if err := t.cache().Put(ctx, t.Key, tok); err != nil {
		return connector.Secret{}, err
	}
	return tok.Value, nil
}

// StripURL returns err without the request address a *url.Error carries (it holds
// access tokens and secrets in its query).
func StripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// Answer is one HTTP answer as a client reads it.
type Answer struct {
	// Status is the HTTP status.
	Status int
	// Body is the answer's body (at most MaxBody bytes).
	Body []byte
	// RetryAfter is the delay the answer's Retry-After header asked for (seconds,
	// possibly fractional), or 0.
	RetryAfter time.Duration
	// Header holds the answer's headers (request IDs, say).
	Header http.Header
}

// MaxBody is the most of an answer's body Send reads.
const MaxBody = 64 << 20

// Send makes one request after the pacer allows it, and reads the answer (at most
// MaxBody bytes) and the delay its Retry-After header asks for. An error means no
// answer came; it may hold the request's address (see StripURL).
func Send(ctx context.Context, hc *http.Client, pc *Pacer, p *Policy, req *http.Request) (Answer, error) {
	if err := pc.Wait(ctx, p); err != nil {
		return Answer{}, err
	}
	resp, err := hc.Do(req.WithContext(ctx))
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	a := Answer{Status: resp.StatusCode, RetryAfter: RetryAfter(resp.Header.Get("Retry-After")), Header: resp.Header}
	a.Body, err = io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return Answer{RetryAfter: a.RetryAfter}, err
	}
	return a, nil
}

// RetryAfter reads a Retry-After header given in seconds (possibly fractional, as
// some platforms send); anything else, or nothing, is 0.
func RetryAfter(s string) time.Duration {
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f <= 0 || f > 24*3600 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// Text sets a member field from an upstream text the answer may leave out (nil): when
// given, set receives it and the field is marked present in m; when left out, the
// field stays absent and the directory keeps its value.
func Text(m *connector.Member, p *string, f member.Field, set func(string)) {
	if p != nil {
		set(*p)
		m.Present = append(m.Present, f)
	}
}

// TextField reports whether a member field can be set from a platform's free text
// (a custom attribute): text fields and dates (YYYY-MM-DD).
func TextField(f member.Field) bool {
	switch f {
	case member.EmployeeNumberField, member.WorkPlaceField, member.ExtensionField, member.QQField, member.WeChatField,
		member.ExtendedAField, member.ExtendedBField, member.BioField, member.WorkDetailsField,
		member.HireDateField, member.EmploymentDateField, member.BirthdayField:
		return true
	}
	return false
}

// SetText sets a TextField from text; it reports false, leaving m as it was, for a
// date that does not parse or a field TextField refuses.
func SetText(m *member.Member, f member.Field, s string) bool {
	switch f {
	case member.EmployeeNumberField:
		m.EmployeeNumber = s
	case member.WorkPlaceField:
		m.WorkPlace = s
	case member.ExtensionField:
		m.Extension = s
	case member.QQField:
		m.QQ = s
	case member.WeChatField:
		m.WeChat = s
	case member.ExtendedAField:
		m.ExtendedA = s
	case member.ExtendedBField:
		m.ExtendedB = s
	case member.BioField:
		m.Bio = s
	case member.WorkDetailsField:
		m.WorkDetails = s
	case member.HireDateField, member.EmploymentDateField, member.BirthdayField:
		var d member.Date
		if s != "" {
			var err error
			if d, err = member.ParseDate(s); err != nil {
				return false
			}
		}
		switch f {
		case member.HireDateField:
			m.HireDate = d
		case member.EmploymentDateField:
			m.EmploymentDate = d
		default:
			m.Birthday = d
		}
	default:
		return false
	}
	return true
}

// Verdict is what a client makes of an answer with HTTP status 200 (or, with
// Caller.AnyStatus, another that is not retried anyway).
type Verdict struct {
	// Err is the call's failure; nil means the call succeeded.
	Err error
	// Retry: the platform was busy or throttled the call; it is retried after a
	// backoff (at least Delay, or what Retry-After asks), and Err is returned once
	// the retries are spent.
	Retry bool
	Delay time.Duration
	// RefreshToken: the platform refused the access token; a new one is fetched and
	// the call sent again, once (a refresh is not a retry). Err is returned when the
	// call has no token or the new one is refused too.
	RefreshToken bool
}

// Caller sends a client's calls: paced, retried, with its access token.
type Caller struct {
	HTTP   *http.Client
	Pacer  *Pacer
	Policy *Policy
	// Tokens hands out the access token; nil sends calls without one.
	Tokens *Tokens
	// ThrottleDelay is the least wait after HTTP 429.
	ThrottleDelay time.Duration
	// Fail builds the error of an answer that did not come (Status 0; RetryAfter
	// may be set when the body broke off) or that Do refuses itself (HTTP 429, a
	// server error, another status than 200 without AnyStatus): msg says what
	// happened, kind is the connector error kind. It sees the whole answer, so that
	// the error can carry what the body and headers say (the platform's error code,
	// request IDs); after the last retry Do returns the error Fail built for the
	// last answer.
	Fail func(ans Answer, msg string, kind error) *connector.PlatformError
	// AnyStatus hands judge every answer but HTTP 429 and server errors, not only
	// those with HTTP 200 (for APIs whose errors come with 4xx statuses).
	AnyStatus bool
}

// Do sends a call until it succeeds or fails for good: build makes each attempt's
// request anew (so that each can carry a request ID of its own) with the access
// token (empty without Tokens); a dropped connection, HTTP 429 and server errors
// are retried with backoff, honouring Retry-After; another status than 200 fails
// (with AnyStatus, judge decides on it), and judge decides on an answer with status
// 200. Once the retries have run out Do returns the error of the last attempt
// (built by Fail, or judge's), carrying the delay its answer asked for
// (RetryAfter). An error of build, of Tokens or of ctx is returned as it is.
func (c *Caller) Do(ctx context.Context, build func(token string) (*http.Request, error), judge func(Answer) Verdict) error {
	var tok connector.Secret
	refreshed := false
	retries := c.Policy.Retries()
	for attempt := 0; ; attempt++ {
		if c.Tokens != nil && tok.IsZero() {
			var err error
			if tok, err = c.Tokens.Get(ctx); err != nil {
				return err
			}
		}
		req, err := build(tok.Reveal())
		if err != nil {
			return err
		}
		ans, err := Send(ctx, c.HTTP, c.Pacer, c.Policy, req)
		var v Verdict
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			e := c.Fail(ans, "no answer", connector.ErrPlatform)
			e.Err = StripURL(err)
			v = Verdict{Err: e, Retry: true}
		case ans.Status == http.StatusTooManyRequests:
			v = Verdict{Err: c.Fail(ans, "too many requests", connector.ErrRateLimited), Retry: true, Delay: c.ThrottleDelay}
		case ans.Status >= 500:
			v = Verdict{Err: c.Fail(ans, http.StatusText(ans.Status), connector.ErrPlatform), Retry: true}
		case ans.Status != http.StatusOK && !c.AnyStatus:
			return c.Fail(ans, http.StatusText(ans.Status), connector.ErrPlatform)
		default:
			v = judge(ans)
		}
		switch {
		case v.Err == nil:
			return nil
		case v.RefreshToken:
			if c.Tokens == nil || refreshed {
				return v.Err
			}
			refreshed = true
			if tok, err = c.Tokens.Refresh(ctx, tok); err != nil {
				return err
			}
			attempt-- // a refreshed token is not a retry
		case v.Retry:
			if attempt >= retries {
				var pe *connector.PlatformError
				if errors.As(v.Err, &pe) {
					pe.RetryAfter = ans.RetryAfter
				}
				return v.Err
			}
			if err := c.Policy.Wait(ctx, c.Policy.Delay(attempt, max(ans.RetryAfter, v.Delay))); err != nil {
				return err
			}
		default:
			return v.Err
		}
	}
}

// OwnedFields returns the fields a client owns: owned (the member fields it always
// maps, listed among them), the department fields node, and the fields ext maps
// onto, which must be TextFields the member lists do not give (not in listed).
// The error names the client (prefix) and its option (say "ExtAttrs"), and every
// mapping it refuses.
func OwnedFields(prefix, option string, owned, listed []member.Field, node []orgtree.Field, ext map[string]member.Field) (connector.Fields, error) {
	f := connector.Fields{Member: slices.Clone(owned), Node: slices.Clone(node)}
	var bad []string
	for name, fd := range ext {
		if !TextField(fd) || slices.Contains(listed, fd) {
			bad = append(bad, strconv.Quote(name)+" → "+fd.String())
			continue
		}
		if !slices.Contains(f.Member, fd) {
			f.Member = append(f.Member, fd)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return connector.Fields{}, fmt.Errorf("%s: %s cannot map %s (only text fields and dates the member lists do not give): %w",
			prefix, option, strings.Join(bad, ", "), orgkit.ErrInvalid)
	}
	return f, f.Validate()
}

// ConfigCheck collects what is wrong with a client's configuration, every field at
// fault, each error matching orgkit.ErrInvalid.
type ConfigCheck struct {
	// Prefix names the client in the errors ("wecom").
	Prefix string
	errs   []error
}

// Bad records that field is wrong: why says how ("is empty").
func (c *ConfigCheck) Bad(field, why string) {
	c.errs = append(c.errs, fmt.Errorf("%s: config %s %s: %w", c.Prefix, field, why, orgkit.ErrInvalid))
}

// Word checks that v, the value of field, is given and printable ASCII without
// spaces.
func (c *ConfigCheck) Word(field, v string) {
	switch {
	case v == "":
		c.Bad(field, "is empty")
	case !Printable(v):
		c.Bad(field, "has spaces or control characters")
	}
}

// Digits checks that v, the value of field, is given and all digits.
func (c *ConfigCheck) Digits(field, v string) {
	switch {
	case v == "":
		c.Bad(field, "is empty")
	case strings.Trim(v, "0123456789") != "":
		c.Bad(field, "is not a number")
	}
}

// Err returns what was recorded, joined, or nil.
func (c *ConfigCheck) Err() error { return errors.Join(c.errs...) }

// Printable reports whether s is printable ASCII without spaces.
func Printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// MappedFields are the distinct fields a custom-attribute mapping maps onto, in
// order.
func MappedFields(ext map[string]member.Field) []member.Field {
	var out []member.Field
	for _, f := range ext {
		out = append(out, f)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

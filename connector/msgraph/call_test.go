package msgraph_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/msgraph"
)

// scripted is one answer of a scriptedServer: a status with a body and headers, or
// a connection closed without an answer (drop).
type scripted struct {
	status     int
	body       string
	retryAfter string
	drop       bool
}

// scriptedServer answers each path from a script (the last answer repeats) and
// records the client-request-id of every request.
type scriptedServer struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	script  map[string][]scripted
	crids   map[string][]string
	tokenNo int
}

const tokenPath = "/" + tenantID + "/oauth2/v2.0/token"

func newScriptedServer(t *testing.T) *scriptedServer {
	s := &scriptedServer{t: t, script: map[string][]scripted{}, crids: map[string][]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.set(tokenPath)
	s.set("/v1.0/users/delta")
	return s
}

// set scripts the path's answers; none means success.
func (s *scriptedServer) set(path string, answers ...scripted) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[path], s.crids[path] = answers, nil
}

// sent returns the client-request-ids the path's requests carried.
func (s *scriptedServer) sent(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.crids[path]...)
}

func (s *scriptedServer) serve(rw http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	path := r.URL.Path
	crid := r.Header.Get("client-request-id")
	s.crids[path] = append(s.crids[path], crid)
	n := len(s.crids[path])
	var a scripted
	if as := s.script[path]; len(as) > 0 {
		a = as[min(n, len(as))-1]
	} else {
		a.status = http.StatusOK
		switch path {
		case tokenPath:
			s.tokenNo++
			a.body = fmt.Sprintf(`{"token_type":"Bearer","expires_in":3599,"access_token":"graph-token-%d"}`, s.tokenNo)
		default:
			a.body = `{"value":[],"@odata.deltaLink":"` + s.srv.URL + `/v1.0/users/delta?$deltatoken=next"}`
		}
	}
	s.mu.Unlock()
	if a.drop {
		conn, _, err := rw.(http.Hijacker).Hijack()
		require.NoError(s.t, err)
		_ = conn.Close()
		return
	}
	reqID := fmt.Sprintf("req-%s-%d", strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"), n)
	rw.Header().Set("request-id", reqID)
	if crid != "" {
		rw.Header().Set("client-request-id", crid)
	}
	if a.retryAfter != "" {
		rw.Header().Set("Retry-After", a.retryAfter)
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(a.status)
	_, _ = rw.Write([]byte(a.body))
}

func (s *scriptedServer) client(t *testing.T, sl *sleeps) *msgraph.Client {
	c, err := msgraph.New(msgraph.Config{TenantID: tenantID, ClientID: clientID, ClientSecret: connector.NewSecret(secret)},
		// no kept-alive connections: the transport would resend a GET dropped on one itself
		msgraph.Options{LoginURL: s.srv.URL, GraphURL: s.srv.URL, HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
			Sleep: sl.sleep})
	require.NoError(t, err)
	return c
}

// graphBody is Graph's error body.
func graphBody(code, inner, msg string) string {
	return fmt.Sprintf(`{"error":{"code":%q,"message":%q,"innerError":{"code":%q,"date":"2026-12-06T00:00:00","request-id":"inner-req","client-request-id":"inner-crid"}}}`,
		code, msg, inner)
}

// tokenBody is the identity platform's error body.
func tokenBody(code string, aadsts int) string {
	return fmt.Sprintf(`{"error":%q,"error_description":"AADSTS%d: refused.","error_codes":[%d],"trace_id":"trace-1","correlation_id":"corr-1"}`,
		code, aadsts, aadsts)
}

// TestGraphAnswers: what each answer of Microsoft Graph makes of a call (a delta
// link followed): a refused token is refreshed once, then the credentials are bad;
// 403 is a permission error; an expired delta link (410, or 400 syncStateNotFound
// or resyncRequired) expires the cursor; 429, 5xx and dropped connections are
// retried, and the error after the last retry carries Graph's code, message,
// request IDs and the Retry-After asked.
func TestGraphAnswers(t *testing.T) {
	const delta = "/v1.0/users/delta"
	for _, tc := range []struct {
		name    string
		answers []scripted
		kind    error
		calls   int // Graph requests
		tokens  int // token requests
		sleeps  int
		check   func(t *testing.T, pe *connector.PlatformError)
	}{
		{name: "refused token refreshed once, then bad credentials",
			answers: []scripted{{status: 401, body: graphBody("InvalidAuthenticationToken", "", "Access token has expired.")}},
			kind:    connector.ErrBadCredentials, calls: 2, tokens: 2,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "InvalidAuthenticationToken", pe.Code)
				assert.Equal(t, "Access token has expired.", pe.Message)
			}},
		{name: "refused token, refreshed, then served",
			answers: []scripted{{status: 401, body: graphBody("InvalidAuthenticationToken", "", "expired")}, {status: 200,
				body: `{"value":[],"@odata.deltaLink":"http://x/"}`}},
			calls: 2, tokens: 2},
		{name: "403", answers: []scripted{{status: 403, body: graphBody("Authorization_RequestDenied", "", "Insufficient privileges.")}},
			kind: connector.ErrPermission, calls: 1, tokens: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Authorization_RequestDenied", pe.Code)
				assert.Equal(t, "inner-req", pe.RequestID, "the innerError's request-id")
				assert.Equal(t, "inner-crid", pe.ClientRequestID)
			}},
		{name: "410", answers: []scripted{{status: 410, body: graphBody("resyncRequired", "", "resync")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 syncStateNotFound", answers: []scripted{{status: 400, body: graphBody("syncStateNotFound", "", "gone")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 resyncRequired", answers: []scripted{{status: 400, body: graphBody("resyncRequired", "", "gone")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 inner syncStateNotFound", answers: []scripted{{status: 400, body: graphBody("BadRequest", "syncStateNotFound", "gone")}},
			kind: connector.ErrCursorExpired, calls: 1, tokens: 1},
		{name: "400 other", answers: []scripted{{status: 400, body: graphBody("Request_BadRequest", "", "Invalid request.")}},
			kind: connector.ErrPlatform, calls: 1, tokens: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Request_BadRequest", pe.Code)
				assert.Equal(t, "Invalid request.", pe.Message)
			}},
		{name: "404 without a body", answers: []scripted{{status: 404}},
			kind: connector.ErrPlatform, calls: 1, tokens: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Not Found", pe.Message)
				assert.Equal(t, "req-v1.0-users-delta-1", pe.RequestID, "the request-id header")
			}},
		{name: "503 until retries run out",
			answers: []scripted{{status: 503, retryAfter: "3", body: graphBody("serviceNotAvailable", "", "The service is temporarily unavailable.")}},
			kind:    connector.ErrPlatform, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, http.StatusServiceUnavailable, pe.HTTPStatus)
				assert.Equal(t, "serviceNotAvailable", pe.Code)
				assert.Equal(t, "The service is temporarily unavailable.", pe.Message)
				assert.Equal(t, "inner-req", pe.RequestID)
				assert.Equal(t, "inner-crid", pe.ClientRequestID)
				assert.Equal(t, 3*time.Second, pe.RetryAfter)
			}},
		{name: "429 until retries run out",
			answers: []scripted{{status: 429, retryAfter: "2", body: graphBody("TooManyRequests", "", "Too many requests.")}},
			kind:    connector.ErrRateLimited, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "TooManyRequests", pe.Code)
				assert.Equal(t, "Too many requests.", pe.Message)
				assert.Equal(t, "inner-req", pe.RequestID)
				assert.Equal(t, 2*time.Second, pe.RetryAfter)
			}},
		{name: "502 without a body until retries run out", answers: []scripted{{status: 502}},
			kind: connector.ErrPlatform, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Bad Gateway", pe.Message)
				assert.Equal(t, "req-v1.0-users-delta-4", pe.RequestID, "the last answer's request-id header")
			}},
		{name: "dropped until retries run out", answers: []scripted{{drop: true}},
			kind: connector.ErrPlatform, calls: 4, tokens: 1, sleeps: 3,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "no answer", pe.Message)
				assert.Zero(t, pe.HTTPStatus)
				assert.NotNil(t, pe.Err, "the transport's error")
			}},
		{name: "dropped, then served", answers: []scripted{{drop: true}, {drop: true}, {status: 200, body: `{"value":[],"@odata.deltaLink":"http://x/"}`}},
			calls: 3, tokens: 1, sleeps: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScriptedServer(t)
			sl := &sleeps{}
			c := s.client(t, sl)
			s.set(delta, tc.answers...)
			_, err := c.FetchChanges(context.Background(), s.srv.URL+delta+"?$deltatoken=old")
			assert.Len(t, s.sent(delta), tc.calls, "Graph requests")
			assert.Len(t, s.sent(tokenPath), tc.tokens, "token requests")
			assert.Len(t, sl.all(), tc.sleeps, "waits between retries")
			if tc.kind == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.kind)
			assert.NotContains(t, err.Error(), "graph-token-", "no token in errors")
			assert.NotContains(t, err.Error(), "deltatoken", "no request address in errors")
			assert.NotContains(t, err.Error(), secret)
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, orgkit.Teams, pe.Platform)
			assert.Equal(t, delta, pe.Op)
			if tc.check != nil {
				tc.check(t, pe)
			}
		})
	}
}

// TestClientRequestIDPerAttempt: every attempt of a call carries a client-request-id
// of its own (a UUID), and the error names the last attempt's when Graph's body
// names none.
func TestClientRequestIDPerAttempt(t *testing.T) {
	const delta = "/v1.0/users/delta"
	s := newScriptedServer(t)
	sl := &sleeps{}
	c := s.client(t, sl)
	s.set(delta, scripted{status: 503}, scripted{drop: true}, scripted{status: 429})
	_, err := c.FetchChanges(context.Background(), s.srv.URL+delta+"?$deltatoken=old")
	require.ErrorIs(t, err, connector.ErrRateLimited)
	sent := s.sent(delta)
	require.Len(t, sent, 4)
	seen := map[string]bool{}
	for _, id := range sent {
		_, perr := uuid.Parse(id)
		assert.NoError(t, perr, "a UUID: %q", id)
		assert.False(t, seen[id], "a fresh ID for each attempt: %q", id)
		seen[id] = true
	}
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, sent[len(sent)-1], pe.ClientRequestID, "the last attempt's, as Graph returned it")

	// the token endpoint's attempts too; a dropped call names the ID it sent
	s.set(tokenPath, scripted{drop: true})
	c = s.client(t, sl)
	_, err = c.Fetch(context.Background())
	require.ErrorIs(t, err, connector.ErrPlatform)
	sent = s.sent(tokenPath)
	require.Len(t, sent, 4)
	assert.Len(t, map[string]bool{sent[0]: true, sent[1]: true, sent[2]: true, sent[3]: true}, 4)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, sent[3], pe.ClientRequestID, "the ID the last attempt sent")
	assert.NotContains(t, err.Error(), secret)
}

// TestTokenEndpointAnswers: a refusal of the app's credentials or request is
// ErrBadCredentials, at once, with the AADSTS code, trace and correlation IDs; 429,
// 5xx and dropped connections are retried.
func TestTokenEndpointAnswers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []scripted
		kind    error
		calls   int
		check   func(t *testing.T, pe *connector.PlatformError)
	}{
		{name: "invalid_client", answers: []scripted{{status: 401, body: tokenBody("invalid_client", 7000215)}},
			kind: connector.ErrBadCredentials, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "invalid_client", pe.Code)
				assert.Equal(t, "AADSTS7000215", pe.SubCode)
				assert.Equal(t, "AADSTS7000215: refused.", pe.Message)
				assert.Equal(t, "trace-1", pe.RequestID)
				assert.Equal(t, "corr-1", pe.ClientRequestID)
				assert.Equal(t, http.StatusUnauthorized, pe.HTTPStatus)
			}},
		{name: "unauthorized_client", answers: []scripted{{status: 400, body: tokenBody("unauthorized_client", 700016)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_request", answers: []scripted{{status: 400, body: tokenBody("invalid_request", 90002)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_grant", answers: []scripted{{status: 400, body: tokenBody("invalid_grant", 70008)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_scope", answers: []scripted{{status: 400, body: tokenBody("invalid_scope", 70011)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "invalid_resource", answers: []scripted{{status: 400, body: tokenBody("invalid_resource", 500011)}}, kind: connector.ErrBadCredentials, calls: 1},
		{name: "no code", answers: []scripted{{status: 400, body: `{}`}}, kind: connector.ErrBadCredentials, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, "Bad Request", pe.Message)
				assert.Equal(t, "req-"+strings.ReplaceAll(strings.Trim(tokenPath, "/"), "/", "-")+"-1", pe.RequestID)
			}},
		{name: "another refusal", answers: []scripted{{status: 400, body: tokenBody("interaction_required", 50076)}}, kind: connector.ErrPlatform, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.NotErrorIs(t, pe, connector.ErrBadCredentials)
				assert.Equal(t, "AADSTS50076", pe.SubCode)
			}},
		{name: "throttled, then served", answers: []scripted{{status: 429, retryAfter: "1"}, {status: 503}, {drop: true},
			{status: 200, body: `{"token_type":"Bearer","expires_in":"3599","access_token":"graph-token-x"}`}}, calls: 4},
		{name: "throttled until retries run out", answers: []scripted{{status: 429, retryAfter: "4", body: tokenBody("temporarily_unavailable", 50196)}},
			kind: connector.ErrRateLimited, calls: 4,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Equal(t, 4*time.Second, pe.RetryAfter)
				assert.Equal(t, http.StatusTooManyRequests, pe.HTTPStatus)
				assert.Equal(t, "temporarily_unavailable", pe.Code, "what the last answer's body says")
				assert.Equal(t, "AADSTS50196", pe.SubCode)
				assert.Equal(t, "trace-1", pe.RequestID)
				assert.Equal(t, "corr-1", pe.ClientRequestID)
			}},
		{name: "unavailable until retries run out", answers: []scripted{{status: 503, body: tokenBody("temporarily_unavailable", 50196)}},
			kind: connector.ErrPlatform, calls: 4},
		{name: "no bearer token", answers: []scripted{{status: 200, body: `{"token_type":"Bearer","expires_in":3599}`}}, kind: connector.ErrPlatform, calls: 1},
		{name: "not JSON", answers: []scripted{{status: 200, body: `<html>`}}, kind: connector.ErrPlatform, calls: 1,
			check: func(t *testing.T, pe *connector.PlatformError) {
				assert.Contains(t, pe.Message, "unexpected answer")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScriptedServer(t)
			s.set(tokenPath, tc.answers...)
			sl := &sleeps{}
			_, err := s.client(t, sl).FetchChanges(context.Background(), s.srv.URL+"/v1.0/users/delta?$deltatoken=old")
			assert.Len(t, s.sent(tokenPath), tc.calls, "token requests")
			assert.Len(t, sl.all(), tc.calls-1, "a wait before each retry")
			if tc.kind == nil {
				require.NoError(t, err)
				return
			}
			assert.Empty(t, s.sent("/v1.0/users/delta"), "no token, no Graph call")
			require.ErrorIs(t, err, tc.kind)
			assert.NotContains(t, err.Error(), secret)
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, orgkit.Teams, pe.Platform)
			assert.Equal(t, "/oauth2/v2.0/token", pe.Op)
			if tc.check != nil {
				tc.check(t, pe)
			}
		})
	}
}

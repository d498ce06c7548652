package wecom_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
	"github.com/orgkit/orgkit/directory"
)

// canned answers every call of one path with a WeCom error code, whatever the
// token: a platform that keeps canned even a fresh token.
type canned struct {
	next http.RoundTripper
	path string
	body string
}

func (r canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != r.path {
		return r.next.RoundTrip(req)
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(r.body)), Request: req}, nil
}

// syncedFixture is a fixture synced once into a fresh directory.
func syncedFixture(t *testing.T) (*fixture, *directory.Service, orgkit.DirectoryID, uint64) {
	t.Helper()
	f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
	svc := directory.New(directory.Options{})
	dir, err := svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	_, err = connector.Sync(f.ctx, svc, dir.ID(), f.client, connector.SyncOptions{})
	require.NoError(t, err)
	snap, err := svc.Snapshot(f.ctx, dir.ID())
	require.NoError(t, err)
	// something changed upstream, which a failed sync must not apply
	f.src.EditMember(f.src.MemberIDs()[0], func(m *connector.Member) { m.Values.JobTitle = "changed upstream" })
	return f, svc, dir.ID(), snap.Version()
}

func assertUnchanged(t *testing.T, f *fixture, svc *directory.Service, dir orgkit.DirectoryID, version uint64) {
	t.Helper()
	snap, err := svc.Snapshot(f.ctx, dir)
	require.NoError(t, err)
	assert.Equal(t, version, snap.Version(), "nothing applied")
}

// TestTokenRefusedAfterRefresh: a token refused again right after a refresh is
// refreshed no more — the call fails after exactly one refresh, without retries —
// and a sync that meets it applies nothing.
func TestTokenRefusedAfterRefresh(t *testing.T) {
	for _, code := range []string{"42001", "40014", "41001"} {
		t.Run(code, func(t *testing.T) {
			f, svc, dir, version := syncedFixture(t)
			client, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret(secret)},
				wecom.Options{BaseURL: f.srv.URL(), ExtAttrs: extAttrs(), Sleep: f.sleeps.sleep,
					HTTPClient: &http.Client{Transport: canned{next: f.srv.Client().Transport, path: "/cgi-bin/user/list",
						body: `{"errcode":` + code + `,"errmsg":"access_token expired, hint: [1700000000_1_refused]"}`}}})
			require.NoError(t, err)
			before := f.srv.TokensIssued()
			_, err = connector.Sync(f.ctx, svc, dir, client, connector.SyncOptions{})
			require.ErrorIs(t, err, connector.ErrPlatform)
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, code, pe.Code)
			assert.Equal(t, "/cgi-bin/user/list", pe.Op)
			assert.Equal(t, before+2, f.srv.TokensIssued(), "the client's first token, then exactly one refresh")
			assert.Zero(t, f.sleeps.count(), "a refused token is not retried")
			assert.NotContains(t, err.Error(), "token-")
			assertUnchanged(t, f, svc, dir, version)
		})
	}
}

// TestGivingUpAppliesNothing: a sync whose fetch gives up — throttled past the
// retries, busy past the retries, bad credentials, an app that lost its permission
// — returns the platform's error and applies nothing; once WeCom answers again the
// next sync applies the change.
func TestGivingUpAppliesNothing(t *testing.T) {
	f, svc, dir, version := syncedFixture(t)

	f.srv.Throttle(1000)
	_, err := connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrRateLimited)
	assert.Equal(t, 3, f.sleeps.count(), "three retries, then it gives up")
	assertUnchanged(t, f, svc, dir, version)
	f.srv.Throttle(0)

	f.srv.Busy(1000)
	_, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPlatform)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "-1", pe.Code)
	assertUnchanged(t, f, svc, dir, version)
	f.srv.Busy(0)

	f.srv.FailNext("/cgi-bin/department/simplelist", 60011)
	_, err = connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPermission)
	assertUnchanged(t, f, svc, dir, version)

	bad, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret("wrong")},
		wecom.Options{BaseURL: f.srv.URL(), HTTPClient: f.srv.Client(), ExtAttrs: extAttrs(), Sleep: f.sleeps.sleep})
	require.NoError(t, err)
	sleeps := f.sleeps.count()
	_, err = connector.Sync(f.ctx, svc, dir, bad, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrBadCredentials)
	assert.Equal(t, sleeps, f.sleeps.count(), "bad credentials are never retried")
	assertUnchanged(t, f, svc, dir, version)

	rep, err := connector.Sync(f.ctx, svc, dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1}, rep.Counts, "the change applies once WeCom answers")
}

// throttling answers the first n calls of one path with an HTTP status (429 or 503)
// and a Retry-After header.
type throttling struct {
	next       http.RoundTripper
	path       string
	status     int
	retryAfter string
	n          *int
}

func (r throttling) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != r.path || *r.n <= 0 {
		return r.next.RoundTrip(req)
	}
	*r.n--
	h := http.Header{}
	if r.retryAfter != "" {
		h.Set("Retry-After", r.retryAfter)
	}
	return &http.Response{StatusCode: r.status, Header: h, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

// TestHTTPThrottlingHonoursRetryAfter: an HTTP 429 or 503 (from a gateway in front of
// WeCom) is retried after the wait Retry-After asks for, fractional seconds
// included; past the retries the fetch gives up with ErrRateLimited (429) or
// ErrPlatform (503).
func TestHTTPThrottlingHonoursRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		status     int
		retryAfter string
		want       time.Duration
		kind       error
	}{
		{http.StatusTooManyRequests, "2.5", 2500 * time.Millisecond, connector.ErrRateLimited},
		{http.StatusTooManyRequests, "", time.Second, connector.ErrRateLimited}, // the throttle delay
		{http.StatusServiceUnavailable, "3", 3 * time.Second, connector.ErrPlatform},
	} {
		t.Run(fmt.Sprint(tc.status, "/", tc.retryAfter), func(t *testing.T) {
			f := newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{})
			n := 2
			client, err := wecom.New(wecom.Config{CorpID: "ww-test-corp", AgentID: "1000002", Secret: connector.NewSecret(secret)},
				wecom.Options{BaseURL: f.srv.URL(), ExtAttrs: extAttrs(), Sleep: f.sleeps.sleep,
					HTTPClient: &http.Client{Transport: throttling{next: f.srv.Client().Transport, path: "/cgi-bin/department/simplelist",
						status: tc.status, retryAfter: tc.retryAfter, n: &n}}})
			require.NoError(t, err)
			got, err := client.Fetch(f.ctx)
			require.NoError(t, err)
			assert.Len(t, got.Members, 150)
			require.Equal(t, 2, f.sleeps.count(), "each answer retried once")
			assert.Equal(t, []time.Duration{tc.want, tc.want}, f.sleeps.d)

			n = 1000
			_, err = client.Fetch(f.ctx)
			require.ErrorIs(t, err, tc.kind)
			var pe *connector.PlatformError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.status, pe.HTTPStatus)
			if tc.retryAfter != "" {
				assert.Equal(t, tc.want, pe.RetryAfter)
			}
			assert.Equal(t, 2+3, f.sleeps.count(), "three retries (four answers), then it gives up")
		})
	}
}

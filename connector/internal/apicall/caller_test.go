package apicall

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
)

// TestCallerDo: HTTP 429 and busy answers are retried up to the policy's limit and
// the last failure, which Fail builds from the whole answer, carries Retry-After; a
// refused token is refreshed once, and that refresh is not counted as a retry.
func TestCallerDo(t *testing.T) {
	var hits, fetched atomic.Int32
	answers := []func(w http.ResponseWriter){
		func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "2")
			w.Header().Set("X-Request-Id", "r1")
			w.WriteHeader(http.StatusTooManyRequests)
		},
		func(w http.ResponseWriter) { _, _ = w.Write([]byte("busy")) },
		func(w http.ResponseWriter) { _, _ = w.Write([]byte("stale")) },
		func(w http.ResponseWriter) { _, _ = w.Write([]byte("ok")) },
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers[min(int(hits.Add(1))-1, len(answers)-1)](w)
	}))
	defer srv.Close()
	var waits []time.Duration
	pol := &Policy{MaxRetries: 2, Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	tokens := &Tokens{Cache: &connector.MemoryTokenCache{}, Key: "k", Fetch: func(context.Context) (connector.Token, error) {
		n := fetched.Add(1)
		return connector.Token{Value: connector.NewSecret(string(rune('a' + n))), Expires: time.Now().Add(time.Hour)}, nil
	}}
	c := &Caller{HTTP: srv.Client(), Pacer: &Pacer{}, Policy: pol, Tokens: tokens, ThrottleDelay: time.Second,
		Fail: func(ans Answer, msg string, kind error) *connector.PlatformError {
			return &connector.PlatformError{HTTPStatus: ans.Status, Message: msg, Kind: kind, RequestID: ans.Header.Get("X-Request-Id")}
		}}
	var sent []string
	build := func(token string) (*http.Request, error) {
		sent = append(sent, token)
		return http.NewRequest(http.MethodGet, srv.URL, nil)
	}
	judge := func(a Answer) Verdict {
		switch string(a.Body) {
		case "ok":
			return Verdict{}
		case "stale":
			return Verdict{Err: &connector.PlatformError{Message: "stale", Kind: connector.ErrPlatform}, RefreshToken: true}
		}
		return Verdict{Err: &connector.PlatformError{Message: "busy", Kind: connector.ErrPlatform}, Retry: true}
	}
	require.NoError(t, c.Do(context.Background(), build, judge))
	assert.Equal(t, []string{"b", "b", "b", "c"}, sent, "the token is refreshed once, after the refusal")
	require.Len(t, waits, 2)
	assert.Equal(t, 2*time.Second, waits[0], "Retry-After is honoured")

	hits.Store(0)
	answers = answers[:1] // always 429
	err := c.Do(context.Background(), build, judge)
	require.ErrorIs(t, err, connector.ErrRateLimited)
	var pe *connector.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2*time.Second, pe.RetryAfter)
	assert.Equal(t, "r1", pe.RequestID, "Fail sees the whole answer")
	assert.Equal(t, int32(3), hits.Load(), "the first try and two retries")

	c.Tokens = nil
	sent = nil
	hits.Store(0)
	answers = []func(http.ResponseWriter){func(w http.ResponseWriter) { _, _ = w.Write([]byte("stale")) }}
	err = c.Do(context.Background(), build, judge)
	require.Error(t, err, "without tokens a refused token fails at once")
	assert.Equal(t, []string{""}, sent)
}

package apicall

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

func TestDelay(t *testing.T) {
	p := Policy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	assert.Equal(t, 3*time.Second, p.Delay(0, 3*time.Second), "what the platform asks for is honoured")
	for attempt := range 8 {
		ceil := min(100*time.Millisecond<<attempt, time.Second)
		for range 50 {
			d := p.Delay(attempt, 0)
			require.Positive(t, d)
			require.LessOrEqual(t, d, ceil, "attempt %d", attempt)
		}
	}
	assert.Equal(t, 3, (&Policy{}).Retries())
	assert.Equal(t, 0, (&Policy{MaxRetries: -1}).Retries())
}

func TestPacer(t *testing.T) {
	now := time.Unix(1000, 0)
	var waits []time.Duration
	p := Policy{Interval: 50 * time.Millisecond, Now: func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	var pc Pacer
	for range 3 {
		require.NoError(t, pc.Wait(context.Background(), &p))
	}
	assert.Equal(t, []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond}, waits)
	now = now.Add(time.Second) // idle for a while: no wait
	waits = nil
	require.NoError(t, pc.Wait(context.Background(), &p))
	assert.Equal(t, []time.Duration{0}, waits)
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	fetched := 0
	cache := &connector.MemoryTokenCache{}
	tokens := func() *Tokens {
		return &Tokens{Cache: cache, Key: "k", Now: func() time.Time { return now }, Fetch: func(context.Context) (connector.Token, error) {
			fetched++
			return connector.Token{Value: connector.NewSecret(fmt.Sprint("t", fetched)), Expires: now.Add(2 * time.Hour)}, nil
		}}
	}
	a, b := tokens(), tokens()
	t1, err := a.Get(ctx)
	require.NoError(t, err)
	t2, err := b.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "t1", t2.Reveal(), "shared through the cache")
	assert.Equal(t, 1, fetched)

	// refused: a refreshes; b, refused the same stale token, takes a's new one
	n1, err := a.Refresh(ctx, t1)
	require.NoError(t, err)
	n2, err := b.Refresh(ctx, t1)
	require.NoError(t, err)
	assert.Equal(t, "t2", n1.Reveal())
	assert.Equal(t, "t2", n2.Reveal())
	assert.Equal(t, 2, fetched)

	// close to expiry: fetched anew
	now = now.Add(2*time.Hour - time.Minute)
	n3, err := a.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "t3", n3.Reveal())
}

func TestStripURL(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://x/cgi-bin/gettoken?corpsecret=s3cr3t", Err: context.DeadlineExceeded}
	got := StripURL(err)
	assert.NotContains(t, got.Error(), "s3cr3t")
	assert.True(t, errors.Is(got, context.DeadlineExceeded))
}

func TestRetryAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "2": 2 * time.Second, "2.128": 2128 * time.Millisecond, " 1 ": time.Second,
		"-1": 0, "soon": 0, "Wed, 21 Oct 2015 07:28:00 GMT": 0, "1e9": 0} {
		assert.Equal(t, want, RetryAfter(in), "%q", in)
	}
}

func TestOwnedFields(t *testing.T) {
	listed := []member.Field{member.FullNameField, member.EmployeeNumberField}
	owned := append(slices.Clone(listed), member.PrimaryDepartmentField)
	node := []orgtree.Field{orgtree.NameField}
	f, err := OwnedFields("x", "Ext", owned, listed, node, map[string]member.Field{"a": member.BirthdayField, "b": member.BirthdayField})
	require.NoError(t, err)
	assert.Equal(t, append(slices.Clone(owned), member.BirthdayField), f.Member, "a mapped field once, after the owned ones")
	assert.Equal(t, node, f.Node)
	_, err = OwnedFields("x", "Ext", owned, listed, node, map[string]member.Field{"工号": member.EmployeeNumberField, "d": member.PrimaryDepartmentField})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	assert.Contains(t, err.Error(), `x: Ext cannot map "d" → `, "a field no text sets")
	assert.Contains(t, err.Error(), `"工号" → `, "a field the lists give")
}

func TestConfigCheck(t *testing.T) {
	c := ConfigCheck{Prefix: "x"}
	c.Word("A", "ok")
	c.Digits("B", "123")
	require.NoError(t, c.Err())
	c.Word("C", "")
	c.Word("D", "a b")
	c.Digits("E", "12a")
	err := c.Err()
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	assert.Equal(t, "x: config C is empty: orgkit: invalid\nx: config D has spaces or control characters: orgkit: invalid\nx: config E is not a number: orgkit: invalid", err.Error())
}

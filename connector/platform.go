package connector

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/orgkit/orgkit"
)

// Errors of the platform clients (connector/wecom, …). A *PlatformError matches the
// one its kind says, and each wraps orgkit.ErrPrecondition: nothing was applied.
var (
	// ErrBadCredentials: the platform refused the app's credentials (a wrong secret or
	// corp ID, a caller IP the platform does not trust). Clients never retry it.
	ErrBadCredentials = fmt.Errorf("connector: platform refused the credentials: %w", orgkit.ErrPrecondition)
	// ErrRateLimited: the platform kept answering that the app calls too often, past
	// the client's retries (or a quota is spent for the period).
	ErrRateLimited = fmt.Errorf("connector: platform rate limit: %w", orgkit.ErrPrecondition)
	// ErrPermission: the app may not read what it asked for (out of its scope, a
	// permission not granted).
	ErrPermission = fmt.Errorf("connector: platform permission denied: %w", orgkit.ErrPrecondition)
	// ErrPlatform: any other answer the platform gave instead of data, or a
	// connection that kept failing.
	ErrPlatform = fmt.Errorf("connector: platform call failed: %w", orgkit.ErrPrecondition)
)

// PlatformError is an error answer from a platform's API, as every client reports
// it. It never holds credentials or tokens.
type PlatformError struct {
	Platform orgkit.Platform
	// Op is the API called, e.g. "/cgi-bin/user/list".
	Op string
	// HTTPStatus is the HTTP status of the answer (0 when none came).
	HTTPStatus int
	// Code and SubCode are the platform's error codes ("60011"; DingTalk's
	// sub_code, Graph's inner error code), Message its message.
	Code, SubCode, Message string
	// RequestID is the platform's ID of the request, for its support.
	RequestID string
	// ClientRequestID is the ID the client gave the request (Microsoft Graph's
	// client-request-id), which the platform's logs also keep.
	ClientRequestID string
	// RetryAfter is how long the platform asked to wait, if it said.
	RetryAfter time.Duration
	// Kind is ErrBadCredentials, ErrRateLimited, ErrPermission or ErrPlatform.
	Kind error
	// Err is the underlying error of a call that got no answer (a dropped
	// connection), with the request's address left out.
	Err error
}

// Error renders the platform, the API, the codes and the message.
func (e *PlatformError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "connector: %s %s", e.Platform, e.Op)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": code %s", e.Code)
		if e.SubCode != "" {
			fmt.Fprintf(&b, "/%s", e.SubCode)
		}
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	switch {
	case e.RequestID != "" && e.ClientRequestID != "":
		fmt.Fprintf(&b, " (request %s, client request %s)", e.RequestID, e.ClientRequestID)
	case e.RequestID != "":
		fmt.Fprintf(&b, " (request %s)", e.RequestID)
	case e.ClientRequestID != "":
		fmt.Fprintf(&b, " (client request %s)", e.ClientRequestID)
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *PlatformError) Unwrap() error { return e.Err }

// Is matches the error's kind (ErrPlatform when unset) and every error the kind
// wraps: orgkit.ErrPrecondition, and ErrLoginRefused for ErrLoginCode.
func (e *PlatformError) Is(target error) bool {
	kind := e.Kind
	if kind == nil {
		kind = ErrPlatform
	}
	return errors.Is(kind, target)
}

// Token is an access token a platform issued, with the time it expires.
type Token struct {
	Value   Secret
	Expires time.Time
}

// TokenCache keeps access tokens between calls, so that several client instances
// (one per process, say) can share one token instead of each fetching its own. Keys
// name the platform, tenant and app. Implementations must be safe for concurrent
// use; MemoryTokenCache is the in-process one.
type TokenCache interface {
	// Get returns the token kept under key, if any.
	Get(ctx context.Context, key string) (Token, bool, error)
	// Put keeps the token under key.
	Put(ctx context.Context, key string, t Token) error
	// Delete forgets the token under key if it is still value (the platform refused
	// it), so that a token another instance has just refreshed survives.
	Delete(ctx context.Context, key string, value Secret) error
}

// MemoryTokenCache is a TokenCache in memory. The zero value is ready to use.
type MemoryTokenCache struct {
	mu sync.Mutex
	m  map[string]Token
}

// Get implements TokenCache.
func (c *MemoryTokenCache) Get(_ context.Context, key string) (Token, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[key]
	return t, ok, nil
}

// Put implements TokenCache.
func (c *MemoryTokenCache) Put(_ context.Context, key string, t Token) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]Token{}
	}
	c.m[key] = t
	return nil
}

// Delete implements TokenCache.
func (c *MemoryTokenCache) Delete(_ context.Context, key string, value Secret) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.m[key]; ok && t.Value.Reveal() == value.Reveal() {
		delete(c.m, key)
	}
	return nil
}

var _ TokenCache = (*MemoryTokenCache)(nil)

package msgraph

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// SignIn is one Microsoft sign-in under way (the authorization code flow with
// OpenID Connect and PKCE): send the user's browser to URL, and keep the rest with
// the user's session, on the server side — they are what the redirect back is
// checked against, and the verifier proves that this client started the sign-in.
type SignIn struct {
	// URL is the tenant's authorization endpoint with the request.
	URL string
	// RedirectURI is where Microsoft sends the browser back with the code.
	RedirectURI string
	// State, Nonce and Verifier are fresh random values: the state comes back with
	// the redirect, the nonce inside the ID token, and the verifier (PKCE, S256)
	// goes with the code exchange.
	State, Nonce, Verifier string
}

// String shows the URL's host and hides the session values.
func (s SignIn) String() string {
	host := s.URL
	if u, err := url.Parse(s.URL); err == nil {
		host = u.Host
	}
	return "msgraph.SignIn{" + host + " state, nonce, verifier [redacted]}"
}

// Identity is who signed in, as the ID token says after every check.
type Identity struct {
	// ObjectID is the user's object ID (oid): the Graph user ID, which sync binds
	// members by.
	ObjectID string
	// TenantID is the tenant (tid).
	TenantID string
	// Name and Username are the display name and sign-in name (name,
	// preferred_username), for logs only: never identify a user by them.
	Name, Username string
}

// StartSignIn begins a sign-in that returns to redirectURI (registered on the app
// as a Web redirect URI: https, or http on localhost). It asks for the openid and
// profile scopes, and the code comes back in the query.
func (c *Client) StartSignIn(redirectURI string) (SignIn, error) {
	if err := checkRedirect(redirectURI); err != nil {
		return SignIn{}, err
	}
	s := SignIn{RedirectURI: redirectURI, State: connector.NewLoginState(), Nonce: rand.Text(), Verifier: rand.Text() + rand.Text()}
	q := url.Values{"client_id": {c.cfg.ClientID}, "response_type": {"code"}, "redirect_uri": {redirectURI}, "response_mode": {"query"},
		"scope": {"openid profile"}, "state": {s.State}, "nonce": {s.Nonce}, "code_challenge": {challenge(s.Verifier)},
		"code_challenge_method": {"S256"}}
	s.URL = c.login + "/" + url.PathEscape(c.cfg.TenantID) + "/oauth2/v2.0/authorize?" + q.Encode()
	return s, nil
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func checkRedirect(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Fragment != "":
		return fmt.Errorf("msgraph: redirect URI %q is not an absolute URL without a fragment: %w", s, orgkit.ErrInvalid)
	case u.Scheme == "https":
	case u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"):
	default:
		return fmt.Errorf("msgraph: redirect URI %q must be https (http only on localhost): %w", s, orgkit.ErrInvalid)
	}
	return nil
}

// FinishSignIn completes a sign-in from the redirect's query: it refuses a state
// that is not the sign-in's (connector.ErrLoginState) and an error the redirect
// carries (the user cancelled, consent missing: connector.ErrLoginCode), exchanges
// the code at the token endpoint with the verifier and the app's credential (a
// refused code is a *connector.PlatformError of kind connector.ErrLoginCode), and
// verifies the ID token: signed with RS256 by one of the keys the tenant publishes
// (read from its OpenID configuration, kept, and read again when Microsoft rotates
// them), from the tenant's issuer, for this app, not expired (five minutes of
// clock skew allowed), with the sign-in's nonce — else ErrIDToken.
func (c *Client) FinishSignIn(ctx context.Context, s SignIn, redirect url.Values) (Identity, error) {
	if err := connector.CheckLoginState(s.State, redirect.Get("state")); err != nil {
		return Identity{}, err
	}
	if e := redirect.Get("error"); e != "" {
		return Identity{}, &connector.PlatformError{Platform: c.Platform(), Op: "/oauth2/v2.0/authorize", Code: e,
			Message: redirect.Get("error_description"), Kind: connector.ErrLoginCode}
	}
	code := redirect.Get("code")
	if code == "" {
		return Identity{}, &connector.PlatformError{Platform: c.Platform(), Op: "/oauth2/v2.0/authorize", Message: "the redirect carries no code",
			Kind: connector.ErrLoginCode}
	}
	if s.Nonce == "" || s.Verifier == "" || checkRedirect(s.RedirectURI) != nil {
		return Identity{}, fmt.Errorf("msgraph: FinishSignIn needs the SignIn that StartSignIn returned: %w", orgkit.ErrInvalid)
	}
	form := url.Values{"client_id": {c.cfg.ClientID}, "grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {s.RedirectURI}, "code_verifier": {s.Verifier}, "scope": {"openid profile"}}
	if err := c.authenticate(form); err != nil {
		return Identity{}, err
	}
	var out struct {
		IDToken string `json:"id_token"`
	}
	if err := c.postForm(ctx, "/oauth2/v2.0/token", c.tokenEndpoint(), form, &out, connector.ErrLoginCode); err != nil {
		return Identity{}, err
	}
	issuer, _, err := c.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	claims, err := verifyIDToken(out.IDToken, func(kid string) (*rsa.PublicKey, error) { return c.key(ctx, kid) },
		idCheck{issuer: issuer, audience: c.cfg.ClientID, nonce: s.Nonce, now: c.now(), skew: 5 * time.Minute})
	if err != nil {
		return Identity{}, err
	}
	return Identity{ObjectID: claims.Oid, TenantID: claims.Tid, Name: claims.Name, Username: claims.PreferredUsername}, nil
}

// SignInMember completes a sign-in (FinishSignIn) and resolves the user to the
// member of the directory that sync bound to their object ID
// (connector.ResolveLoginIn): an unknown user, an inactive member and a member
// whose login is blocked are refused (connector.ErrLoginUnknown, ErrLoginInactive,
// ErrLoginBlocked), as is a directory bound to another tenant.
func (c *Client) SignInMember(ctx context.Context, svc *directory.Service, dir orgkit.DirectoryID, s SignIn, redirect url.Values) (member.Member, error) {
	id, err := c.FinishSignIn(ctx, s, redirect)
	if err != nil {
		return member.Member{}, err
	}
	return connector.ResolveLoginIn(ctx, svc, dir, c.LoginIdentity(id))
}

// LoginIdentity is the identity in the form the directory's bindings use: the
// platform, the configured tenant ID and the object ID.
func (c *Client) LoginIdentity(id Identity) connector.LoginIdentity {
	return connector.LoginIdentity{Platform: c.Platform(), TenantID: c.cfg.TenantID, UserID: strings.TrimSpace(id.ObjectID)}
}

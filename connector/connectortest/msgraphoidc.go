package connectortest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// oidcIssuer is the tenant's sign-in side: its signing keys, the authorization
// codes it has issued and the faults tests inject. Guarded by the server's mutex.
type oidcIssuer struct {
	keys    []signingKey // published; the last signs
	codes   map[string]*authCode
	tamper  func(claims map[string]any)
	foreign bool
	n       int
}

type signingKey struct {
	kid string
	key *rsa.PrivateKey
}

// authCode is an authorization code the fake issued, until redeemed.
type authCode struct {
	user, nonce, challenge, redirect string
}

func newSigningKey(n int) signingKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return signingKey{kid: fmt.Sprintf("fake-key-%d", n), key: k}
}

// oidcLocked returns the sign-in side, making its first key on first use. Call with
// g.mu held.
func (g *GraphServer) oidcLocked() *oidcIssuer {
	if g.oidc == nil {
		g.oidc = &oidcIssuer{codes: map[string]*authCode{}}
		g.oidc.n++
		g.oidc.keys = []signingKey{newSigningKey(g.oidc.n)}
	}
	return g.oidc
}

// Issuer is the tenant's issuer, as its ID tokens and OpenID configuration name it.
func (g *GraphServer) Issuer() string { return g.srv.URL + "/" + g.opts.TenantID + "/v2.0" }

// RotateSigningKey makes a new signing key: ID tokens are signed with it from now
// on, and the key set publishes it; with retireOld the earlier keys leave the key
// set.
func (g *GraphServer) RotateSigningKey(retireOld bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.oidcLocked()
	o.n++
	k := newSigningKey(o.n)
	if retireOld {
		o.keys = nil
	}
	o.keys = append(o.keys, k)
}

// TamperIDTokens makes the token endpoint change the claims of the ID tokens it
// issues (nil: stop), to test that clients refuse them: another issuer or
// audience, an expired token, another nonce.
func (g *GraphServer) TamperIDTokens(edit func(claims map[string]any)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.oidcLocked().tamper = edit
}

// SignWithForeignKey makes the token endpoint sign ID tokens with a key the tenant
// does not publish, under the current key's ID (a forged token), until called with
// false.
func (g *GraphServer) SignWithForeignKey(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.oidcLocked().foreign = on
}

// Authorize plays the user's browser at the authorization endpoint: it reads the
// authorization URL a client built (checking the tenant, the app, the response
// type, the scope, the redirect URI and the PKCE challenge), signs in as the
// member with the external ID user, and returns the query the browser comes back
// to the redirect URI with (code and state).
func (g *GraphServer) Authorize(authURL, user string) (url.Values, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	switch {
	case u.Path != "/"+g.opts.TenantID+"/oauth2/v2.0/authorize":
		return nil, fmt.Errorf("connectortest: authorization URL %q is not the tenant's authorization endpoint", u.Path)
	case q.Get("client_id") != g.opts.ClientID:
		return nil, fmt.Errorf("connectortest: unknown client_id %q", q.Get("client_id"))
	case q.Get("response_type") != "code" || !strings.Contains(q.Get("scope"), "openid"):
		return nil, fmt.Errorf("connectortest: response_type %q and scope %q: want code and openid", q.Get("response_type"), q.Get("scope"))
	case q.Get("redirect_uri") == "" || q.Get("state") == "" || q.Get("nonce") == "":
		return nil, fmt.Errorf("connectortest: redirect_uri, state and nonce are required")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		return nil, fmt.Errorf("connectortest: a PKCE S256 challenge is required")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.oidcLocked()
	code := "code-" + rand.Text()
	o.codes[code] = &authCode{user: user, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	return url.Values{"code": {code}, "state": {q.Get("state")}, "session_state": {"fake-session"}}, nil
}

func (g *GraphServer) serveOIDC(rw http.ResponseWriter, r *http.Request) {
	base := g.srv.URL + "/" + g.opts.TenantID
	if strings.HasSuffix(r.URL.Path, "/openid-configuration") {
		writeJSON(rw, map[string]any{"issuer": g.Issuer(), "jwks_uri": base + "/discovery/v2.0/keys",
			"authorization_endpoint": base + "/oauth2/v2.0/authorize", "token_endpoint": base + "/oauth2/v2.0/token",
			"id_token_signing_alg_values_supported": []string{"RS256"}, "response_types_supported": []string{"code", "id_token", "code id_token"}})
		return
	}
	g.mu.Lock()
	o := g.oidcLocked()
	var keys []any
	for _, k := range o.keys {
		pub := k.key.PublicKey
		keys = append(keys, map[string]any{"kty": "RSA", "use": "sig", "kid": k.kid, "x5t": k.kid,
			"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			"issuer": g.Issuer()})
	}
	g.mu.Unlock()
	writeJSON(rw, map[string]any{"keys": keys})
}

// redeemCode serves the authorization code grant. Call with g.mu held.
func (g *GraphServer) redeemCode(rw http.ResponseWriter, r *http.Request, f url.Values, reqID string) {
	o := g.oidcLocked()
	if !g.clientAuthenticated(r, f) {
		tokenFail(rw, http.StatusUnauthorized, "invalid_client", 7000215, "Invalid client secret provided.", reqID)
		return
	}
	c, ok := o.codes[f.Get("code")]
	if !ok {
		tokenFail(rw, http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity.", reqID)
		return
	}
	delete(o.codes, f.Get("code")) // one use
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	switch {
	case f.Get("redirect_uri") != c.redirect:
		tokenFail(rw, http.StatusBadRequest, "invalid_grant", 50148, "The redirect URI does not match the one used to obtain the code.", reqID)
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
		tokenFail(rw, http.StatusBadRequest, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.", reqID)
		return
	}
	now := time.Now()
	claims := map[string]any{"ver": "2.0", "iss": g.Issuer(), "aud": g.opts.ClientID, "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(time.Hour).Unix(), "nonce": c.nonce, "oid": c.user, "tid": g.opts.TenantID, "sub": "pairwise-" + c.user,
		"name": "User " + c.user, "preferred_username": c.user + "@" + g.opts.Domain}
	if o.tamper != nil {
		o.tamper(claims)
	}
	k := o.keys[len(o.keys)-1]
	signer := k.key
	if o.foreign {
		signer = newSigningKey(0).key
	}
	writeJSON(rw, map[string]any{"token_type": "Bearer", "scope": "openid profile", "expires_in": 3599,
		"access_token": "user-token-" + rand.Text(), "id_token": signJWT(signer, k.kid, claims)})
}

// clientAuthenticated checks the app's secret or assertion on a token request.
func (g *GraphServer) clientAuthenticated(r *http.Request, f url.Values) bool {
	if s := f.Get("client_secret"); s != "" {
		return s == g.opts.ClientSecret
	}
	return f.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" &&
		g.assertionValid(f.Get("client_assertion"), "http://"+r.Host+r.URL.Path)
}

// SignIDToken signs claims as the tenant signs ID tokens (RS256, its current key's
// ID), for tests that build their own tokens.
func (g *GraphServer) SignIDToken(claims map[string]any) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	o := g.oidcLocked()
	k := o.keys[len(o.keys)-1]
	return signJWT(k.key, k.kid, claims)
}

func signJWT(key *rsa.PrivateKey, kid string, claims map[string]any) string {
	h, _ := json.Marshal(map[string]any{"typ": "JWT", "alg": "RS256", "kid": kid})
	c, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

package msgraph

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/orgkit/orgkit/connector"
)

// ErrIDToken: the ID token that came with a sign-in is not one to trust — not a
// well-formed JWT, not signed by one of the tenant's current keys with RS256, from
// another issuer, for another app, expired or not yet valid, or with another
// nonce than the sign-in started with. It matches connector.ErrLoginRefused.
var ErrIDToken = fmt.Errorf("%w: the ID token is not valid", connector.ErrLoginRefused)

// maxTokenSize bounds the ID tokens and key sets the client reads.
const maxTokenSize = 64 << 10

// idClaims are the claims of a Microsoft identity platform v2.0 ID token that the
// client checks and uses.
type idClaims struct {
	Iss               string          `json:"iss"`
	Aud               json.RawMessage `json:"aud"` // a string, or an array of strings
	Exp               *float64        `json:"exp"`
	Nbf               *float64        `json:"nbf"`
	Iat               *float64        `json:"iat"`
	Nonce             string          `json:"nonce"`
	Oid               string          `json:"oid"`
	Tid               string          `json:"tid"`
	Sub               string          `json:"sub"`
	Name              string          `json:"name"`
	PreferredUsername string          `json:"preferred_username"`
}

// jwk is one key of a JSON Web Key Set.
type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// parseJWKS reads a JSON Web Key Set: the RSA signing keys by key ID. Keys of other
// types or uses, and malformed ones, are skipped.
func parseJWKS(b []byte) (map[string]*rsa.PublicKey, error) {
	if len(b) > maxTokenSize*4 {
		return nil, errors.New("key set too large")
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("key set is not JSON: %w", err)
	}
	out := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Kid == "" || k.Use != "" && k.Use != "sig" || k.Alg != "" && k.Alg != "RS256" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.N, "="))
		e, err2 := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.E, "="))
		if err1 != nil || err2 != nil || len(n) < 256 || len(n) > 1024 || len(e) == 0 || len(e) > 4 {
			continue // RSA keys of 2048 to 8192 bits
		}
		exp := int(new(big.Int).SetBytes(e).Int64())
		if exp < 3 || exp%2 == 0 {
			continue
		}
		out[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
	}
	if len(out) == 0 {
		return nil, errors.New("key set has no RSA signing key")
	}
	return out, nil
}

// idCheck is what an ID token must say.
type idCheck struct {
	issuer, audience, nonce string
	now                     time.Time
	skew                    time.Duration
}

// verifyIDToken checks an ID token's form, signature (RS256 by a key that keys
// finds by the token's key ID) and claims. keys reports whether it knows the key
// ID; it may fetch the set again once for an unknown one.
func verifyIDToken(raw string, keys func(kid string) (*rsa.PublicKey, error), want idCheck) (*idClaims, error) {
	bad := func(why string) error { return fmt.Errorf("msgraph: ID token %s: %w", why, ErrIDToken) }
	if len(raw) > maxTokenSize {
		return nil, bad("is too large")
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, bad("is not a signed JWT (three parts)")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, bad("header is not base64url")
	}
	var h struct {
		Alg  string          `json:"alg"`
		Kid  string          `json:"kid"`
		Typ  string          `json:"typ"`
		Crit json.RawMessage `json:"crit"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, bad("header is not JSON")
	}
	if h.Alg != "RS256" {
		return nil, bad(fmt.Sprintf("is signed with %q, not RS256", h.Alg))
	}
	if len(h.Crit) > 0 {
		return nil, bad("has critical header parameters")
	}
	if h.Kid == "" {
		return nil, bad("names no key")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, bad("signature is not base64url")
	}
	key, err := keys(h.Kid)
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, bad("is signed with a key the tenant does not publish (" + h.Kid + ")")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return nil, bad("signature does not verify")
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, bad("claims are not base64url")
	}
	var c idClaims
	if err := json.Unmarshal(cb, &c); err != nil {
		return nil, bad("claims are not JSON")
	}
	if c.Iss != want.issuer {
		return nil, bad(fmt.Sprintf("issuer %q is not the tenant's (%q)", c.Iss, want.issuer))
	}
	var aud []string
	if json.Unmarshal(c.Aud, &aud) != nil {
		var one string
		if json.Unmarshal(c.Aud, &one) != nil {
			return nil, bad("has no audience")
		}
		aud = []string{one}
	}
	if len(aud) != 1 || aud[0] != want.audience {
		return nil, bad(fmt.Sprintf("audience %q is not this app", aud))
	}
	if c.Exp == nil || c.Iat == nil {
		return nil, bad("has no expiry or issue time")
	}
	now := float64(want.now.Unix())
	skew := want.skew.Seconds()
	if *c.Exp <= now-skew {
		return nil, bad("has expired")
	}
	if c.Nbf != nil && *c.Nbf > now+skew || *c.Iat > now+skew {
		return nil, bad("is not valid yet")
	}
	if want.nonce == "" || subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(want.nonce)) != 1 {
		return nil, bad("nonce is not the sign-in's")
	}
	if c.Oid == "" {
		return nil, bad("names no user (oid)")
	}
	return &c, nil
}

// keySet keeps the tenant's signing keys and its issuer, read from the OpenID
// configuration and the key set it names, and reads them again for a key it does
// not know (Microsoft rotates its keys), at most once a minute.
type keySet struct {
	mu      sync.Mutex
	issuer  string
	jwksURI string
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

// keyRefetch is how often an unknown key ID may make the client read the key set
// again; keyTTL how long a key set is kept.
const (
	keyRefetch = time.Minute
	keyTTL     = 24 * time.Hour
)

// discover reads the tenant's OpenID configuration (issuer, key set address) once.
func (c *Client) discover(ctx context.Context) (issuer, jwksURI string, err error) {
	ks := c.jwks
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.issuer != "" {
		return ks.issuer, ks.jwksURI, nil
	}
	var conf struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	u := c.login + "/" + url.PathEscape(c.cfg.TenantID) + "/v2.0/.well-known/openid-configuration"
	if err := c.getPublic(ctx, "/v2.0/.well-known/openid-configuration", u, &conf); err != nil {
		return "", "", err
	}
	if conf.Issuer == "" || !strings.HasPrefix(conf.JWKSURI, c.login+"/") {
		return "", "", &connector.PlatformError{Platform: c.Platform(), Op: "/v2.0/.well-known/openid-configuration",
			Message: "the OpenID configuration names no issuer, or keys outside " + c.login, Kind: connector.ErrPlatform}
	}
	ks.issuer, ks.jwksURI = conf.Issuer, conf.JWKSURI
	return ks.issuer, ks.jwksURI, nil
}

// key returns the tenant's signing key with the ID, reading the key set when it
// has none yet, when it is old, or (at most once a minute) when it lacks the ID.
func (c *Client) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	_, jwksURI, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	ks := c.jwks
	ks.mu.Lock()
	defer ks.mu.Unlock()
	now := c.now()
	if k, ok := ks.keys[kid]; ok && now.Sub(ks.fetched) < keyTTL {
		return k, nil
	}
	if ks.keys != nil && now.Sub(ks.fetched) < keyRefetch {
		return ks.keys[kid], nil // read a moment ago: the ID is not the tenant's
	}
	var raw json.RawMessage
	if err := c.getPublic(ctx, "/discovery/v2.0/keys", jwksURI, &raw); err != nil {
		return nil, err
	}
	keys, err := parseJWKS(raw)
	if err != nil {
		return nil, &connector.PlatformError{Platform: c.Platform(), Op: "/discovery/v2.0/keys", Message: err.Error(), Kind: connector.ErrPlatform}
	}
	ks.keys, ks.fetched = keys, now
	return keys[kid], nil
}

// getPublic reads a public document of the login host (no token) through c.do,
// retrying as other calls do; another status than 200 fails at once.
func (c *Client) getPublic(ctx context.Context, op, u string, out any) error {
	return c.do(ctx, request{op: op, method: http.MethodGet, url: u}, out)
}

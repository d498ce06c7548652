package msgraph

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzIDToken feeds the ID token check arbitrary tokens and the key set parser
// arbitrary key sets. Neither panics; a token passes only when it is signed by the
// key and says what the check wants, and every refusal matches ErrIDToken.
func FuzzIDToken(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(f, err)
	n := base64.RawURLEncoding.EncodeToString(key.N.Bytes())
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())
	f.Add("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJpIiwiYXVkIjoiYSIsIm5vbmNlIjoibiJ9.c2ln", `{"keys":[{"kty":"RSA","kid":"k","n":"`+n+`","e":"`+e+`"}]}`)
	f.Add("eyJhbGciOiJub25lIn0.e30.", `{"keys":[]}`)
	f.Add("a.b.c.d", `{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}]}`)
	f.Add(strings.Repeat("x", 100), "null")
	want := idCheck{issuer: "i", audience: "a", nonce: "n", now: time.Unix(1_700_000_000, 0), skew: 5 * time.Minute}
	f.Fuzz(func(t *testing.T, token, jwks string) {
		keys, err := parseJWKS([]byte(jwks))
		if err == nil {
			require.NotEmpty(t, keys)
			for _, k := range keys {
				require.GreaterOrEqual(t, k.N.BitLen(), 2041)
			}
		}
		c, err := verifyIDToken(token, func(kid string) (*rsa.PublicKey, error) {
			if kid == "k" {
				return &key.PublicKey, nil
			}
			return keys[kid], nil
		}, want)
		if err != nil {
			require.ErrorIs(t, err, ErrIDToken)
			return
		}
		require.Equal(t, "i", c.Iss)
		require.Equal(t, "n", c.Nonce)
		require.NotEmpty(t, c.Oid)
	})
}

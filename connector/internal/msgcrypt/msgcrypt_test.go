package msgcrypt

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgkit/orgkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters
	testToken = "callback-token"
)

var errRefused = errors.New("refused")

func receiver(now time.Time) *Receiver {
	c, _ := NewCipher(testKey)
	return &Receiver{Token: testToken, Cipher: c, ID: "corp", IDName: "receiver", MaxAge: time.Minute,
		Now: func() time.Time { return now }, Refused: errRefused,
		Time: func(ts string) (time.Time, bool) {
			n, err := strconv.ParseInt(ts, 10, 64)
			return time.Unix(n, 0), err == nil
		}}
}

func TestNewCipher(t *testing.T) {
	for _, k := range []string{"", "short", testKey + "A", testKey[:42] + "!"} {
		_, err := NewCipher(k)
		assert.ErrorIs(t, err, ErrKey, "%q", k)
	}
	_, err := NewCipher(testKey)
	require.NoError(t, err)
}

func TestRoundTrip(t *testing.T) {
	c, err := NewCipher(testKey)
	require.NoError(t, err)
	for _, msg := range []string{"", "success", "<xml>一二三</xml>", string(make([]byte, 100))} {
		enc, err := c.Encrypt([]byte(msg), "corp")
		require.NoError(t, err)
		raw, err := base64.StdEncoding.DecodeString(enc)
		require.NoError(t, err)
		assert.Zero(t, len(raw)%32, "padded to 32 bytes")
		got, id, err := c.Decrypt(enc)
		require.NoError(t, err)
		assert.Equal(t, msg, string(got))
		assert.Equal(t, "corp", id)
	}
}

func TestOpen(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	r := receiver(now)
	enc, err := r.Cipher.Encrypt([]byte("hello"), "corp")
	require.NoError(t, err)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := Sign(testToken, ts, "n", enc)

	_, err = r.Open(sig, ts, "", enc, "something is missing")
	require.ErrorIs(t, err, errRefused)
	assert.Contains(t, err.Error(), "something is missing")
	_, err = r.Open(sig+"0", ts, "n", enc, "")
	require.ErrorIs(t, err, errRefused)
	assert.Contains(t, err.Error(), "signature")

	msg, err := r.Open(sig, ts, "n", enc, "")
	require.NoError(t, err)
	assert.Equal(t, "hello", string(msg))
	_, err = r.Open(sig, ts, "n", enc, "")
	require.ErrorIs(t, err, errRefused)
	assert.Contains(t, err.Error(), "replay")
	_, err = r.Open(strings.ToUpper(sig), ts, "n", enc, "")
	require.ErrorIs(t, err, errRefused, "the signature in capitals is the same callback")
	assert.Contains(t, err.Error(), "replay")

	old := strconv.FormatInt(now.Add(-2*time.Minute).Unix(), 10)
	_, err = r.Open(Sign(testToken, old, "n", enc), old, "n", enc, "")
	require.ErrorIs(t, err, errRefused)
	assert.Contains(t, err.Error(), "outside")

	other, err := r.Cipher.Encrypt([]byte("hello"), "other")
	require.NoError(t, err)
	_, err = r.Open(Sign(testToken, ts, "n", other), ts, "n", other, "")
	require.ErrorIs(t, err, errRefused)
	assert.Contains(t, err.Error(), `for receiver "other", not "corp"`)
}

// FuzzDecrypt feeds Decrypt arbitrary text and properly encrypted messages of
// arbitrary content: it never panics, refuses with a *DecryptError, and gives back
// what was encrypted.
func FuzzDecrypt(f *testing.F) {
	f.Add("", []byte("success"), "corp")
	f.Add("AAAA", []byte(`{"EventType":"check_url"}`), "")
	f.Add("AAAAAAAAAAAAAAAAAAAAAA==", []byte("<xml></xml>"), "ww-test-corp")
	c, err := NewCipher(testKey)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, text string, msg []byte, id string) {
		if got, gotID, err := c.Decrypt(text); err != nil {
			var de *DecryptError
			require.ErrorAs(t, err, &de)
			require.Nil(t, got)
		} else {
			require.LessOrEqual(t, len(got)+len(gotID), len(text))
		}
		enc, err := c.Encrypt(msg, id)
		require.NoError(t, err)
		got, gotID, err := c.Decrypt(enc)
		require.NoError(t, err)
		require.Equal(t, msg, got)
		require.Equal(t, id, gotID)
	})
}

func TestNewReceiver(t *testing.T) {
	_, err := NewReceiver(Settings{Prefix: "x", EncodingAESKey: "short", IDField: "OwnerKey", IDHint: " (hint)"})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	assert.Equal(t, "x: callback Token is empty: orgkit: invalid\nx: callback EncodingAESKey is not 43 characters of base64: orgkit: invalid\n"+
		"x: callback OwnerKey is empty (hint): orgkit: invalid", err.Error())
	r, err := NewReceiver(Settings{Prefix: "x", Token: testToken, EncodingAESKey: testKey, ID: "corp", IDField: "ReceiverID"})
	require.NoError(t, err)
	assert.Equal(t, 5*time.Minute, r.MaxAge, "the default")
}

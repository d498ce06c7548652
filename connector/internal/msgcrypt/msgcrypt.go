// Package msgcrypt implements the signed, encrypted callback scheme WeCom and
// DingTalk share: a message is AES-256-CBC encrypted (the key the 43-character
// EncodingAESKey encodes, the IV its first 16 bytes) over 16 random bytes, the
// message's length (4 bytes, big-endian), the message and the ID of the app it is
// for (WeCom's receiver ID, DingTalk's owner key), padded (PKCS#7) to 32 bytes, and
// signed with SHA-1, in hex, over the token, timestamp, nonce and ciphertext,
// sorted and joined. Receiver checks a callback's signature, age and novelty; the
// clients and the test fakes use the same code.
package msgcrypt

import (
	"bytes"
	"cmp"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orgkit/orgkit"
)

// blockPad is the block size the scheme pads to (twice AES's).
const blockPad = 32

// Cipher encrypts and decrypts messages with one EncodingAESKey.
type Cipher struct {
	block cipher.Block
	iv    []byte
}

// ErrKey: the EncodingAESKey is not 43 characters of base64 (32 bytes).
var ErrKey = errors.New("EncodingAESKey is not 43 characters of base64")

// NewCipher decodes an EncodingAESKey: 43 characters of base64 (a 32-byte key
// without its padding).
func NewCipher(encodingAESKey string) (*Cipher, error) {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(encodingAESKey) != 43 || len(key) != 32 {
		return nil, ErrKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &Cipher{block: block, iv: key[:16]}, nil
}

// Sign is the scheme's signature: SHA-1, in hex, over the token, timestamp, nonce
// and ciphertext, sorted and joined.
func Sign(token, ts, nonce, encrypted string) string {
	parts := []string{token, ts, nonce, encrypted}
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// Encrypt encrypts msg for the app id and returns the ciphertext in base64.
func (c *Cipher) Encrypt(msg []byte, id string) (string, error) {
	plain := make([]byte, 20, 20+len(msg)+len(id)+blockPad)
	if _, err := rand.Read(plain[:16]); err != nil {
		return "", err
	}
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(msg)))
	plain = append(append(plain, msg...), id...)
	pad := blockPad - len(plain)%blockPad
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(c.block, c.iv).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out), nil
}

// DecryptError says why a ciphertext did not decrypt.
type DecryptError struct{ Reason string }

func (e *DecryptError) Error() string { return e.Reason }

// Decrypt undoes Encrypt: it returns the message and the app ID it was encrypted
// for (which the caller checks), or a *DecryptError.
func (c *Cipher) Decrypt(encrypted string) (msg []byte, id string, err error) {
	data, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil || len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, "", &DecryptError{"the message is not AES-CBC text in base64"}
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(c.block, c.iv).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > blockPad || pad > len(plain) || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, "", &DecryptError{"bad padding"}
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, "", &DecryptError{"the message is too short"}
	}
	n := binary.BigEndian.Uint32(plain[16:20])
	if uint64(n) > uint64(len(plain)-20) {
		return nil, "", &DecryptError{"bad message length"}
	}
	return plain[20 : 20+n], string(plain[20+n:]), nil
}

// Receiver verifies and decrypts callbacks for one app: signature, age, novelty,
// encryption and app ID. It is safe for concurrent use.
type Receiver struct {
	// Token signs every callback.
	Token string
	// Cipher decrypts them.
	Cipher *Cipher
	// ID is the app ID every message must carry; IDName names it in errors
	// ("receiver", "owner").
	ID, IDName string
	// MaxAge is how far from now a callback's timestamp may be.
	MaxAge time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Time reads a callback's timestamp; false refuses it.
	Time func(ts string) (time.Time, bool)
	// Refused is the error every refusal wraps.
	Refused error

	mu     sync.Mutex
	seen   map[string]time.Time // signatures of accepted callbacks, until they are too old anyway
	pruned time.Time
}

// Refuse returns the refusal error for a reason.
func (r *Receiver) Refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", r.Refused, fmt.Sprintf(format, args...))
}

func (r *Receiver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Open checks the signature, age and novelty of a callback and decrypts its text.
// missing is the refusal's wording when a part is missing.
func (r *Receiver) Open(sig, ts, nonce, encrypted, missing string) ([]byte, error) {
	if sig == "" || ts == "" || nonce == "" || encrypted == "" {
		return nil, r.Refuse("%s", missing)
	}
	want := Sign(r.Token, ts, nonce, encrypted)
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(sig))) != 1 {
		return nil, r.Refuse("the signature does not match")
	}
	at, ok := r.Time(ts)
	if !ok {
		return nil, r.Refuse("timestamp %q is not a number", ts)
	}
	now := r.now()
	if at.Before(now.Add(-r.MaxAge)) || at.After(now.Add(r.MaxAge)) {
		return nil, r.Refuse("sent at %s, outside %s of now", at.UTC().Format(time.RFC3339), r.MaxAge)
	}
	msg, id, err := r.Cipher.Decrypt(encrypted)
	if err != nil {
		return nil, r.Refuse("%v", err)
	}
	if subtle.ConstantTimeCompare([]byte(id), []byte(r.ID)) != 1 {
		return nil, r.Refuse("for %s %q, not %q", r.IDName, id, r.ID)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.seen[want]; dup {
		return nil, r.Refuse("seen before (a replay)")
	}
	if r.seen == nil {
		r.seen = map[string]time.Time{}
	}
	r.seen[want] = at
	if now.Sub(r.pruned) > r.MaxAge {
		for s, t := range r.seen {
			if t.Before(now.Add(-r.MaxAge)) {
				delete(r.seen, s)
			}
		}
		r.pruned = now
	}
	return msg, nil
}

// Settings are what a client's callback configuration holds, and how the client
// names it in errors.
type Settings struct {
	// Prefix names the client in errors ("wecom").
	Prefix string
	// Token and EncodingAESKey are the subscription's secrets.
	Token, EncodingAESKey string
	// ID is the app ID every message must carry; IDField names its configuration
	// field in errors ("ReceiverID"), IDHint says what belongs there (" (the
	// AppKey, or the corp ID)", or ""), IDName names the ID in refusals ("receiver").
	ID, IDField, IDHint, IDName string
	// MaxAge is how far from now a callback's timestamp may be (0 means 5 minutes).
	MaxAge time.Duration
	// Now, Time and Refused are the Receiver's.
	Now     func() time.Time
	Time    func(ts string) (time.Time, bool)
	Refused error
}

// NewReceiver checks the settings — a token, a 43-character EncodingAESKey and an
// app ID, every one at fault named in an error matching orgkit.ErrInvalid — and
// returns their Receiver.
func NewReceiver(s Settings) (*Receiver, error) {
	var errs []error
	if s.Token == "" {
		errs = append(errs, fmt.Errorf("%s: callback Token is empty: %w", s.Prefix, orgkit.ErrInvalid))
	}
	c, err := NewCipher(s.EncodingAESKey)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: callback EncodingAESKey is not 43 characters of base64: %w", s.Prefix, orgkit.ErrInvalid))
	}
	if s.ID == "" {
		errs = append(errs, fmt.Errorf("%s: callback %s is empty%s: %w", s.Prefix, s.IDField, s.IDHint, orgkit.ErrInvalid))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Receiver{Token: s.Token, Cipher: c, ID: s.ID, IDName: s.IDName, MaxAge: cmp.Or(s.MaxAge, 5*time.Minute),
		Now: s.Now, Time: s.Time, Refused: s.Refused}, nil
}

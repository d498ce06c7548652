package connectortest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/orgkit/orgkit/connector/internal/msgcrypt"
)

// callbackCipher decodes a 43-character EncodingAESKey.
func callbackCipher(encodingAESKey string) (*msgcrypt.Cipher, error) {
	c, err := msgcrypt.NewCipher(encodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("connectortest: EncodingAESKey must be 43 characters of base64")
	}
	return c, nil
}

// EncryptDingTalkCallback encrypts and signs an event as DingTalk sends it to an
// app's callback address, for tests of callback handlers: AES-256-CBC with the key
// the EncodingAESKey encodes (43 characters of base64, the IV its first 16 bytes)
// over 16 random bytes, the message's length (4 bytes, big-endian), the message (the
// event's JSON) and the owner key (the AppKey, or the corp ID), padded (PKCS#7) to
// 32 bytes; signed with SHA-1 over the sorted token, timestamp (milliseconds),
// nonce and ciphertext. It returns the query (msg_signature, timestamp, nonce) and
// the POST body ({"encrypt": …}).
func EncryptDingTalkCallback(token, encodingAESKey, ownerKey string, msg []byte, at time.Time, nonce string) (url.Values, []byte, error) {
	c, err := callbackCipher(encodingAESKey)
	if err != nil {
		return nil, nil, err
	}
	encrypted, err := c.Encrypt(msg, ownerKey)
	if err != nil {
		return nil, nil, err
	}
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	q := url.Values{"msg_signature": {msgcrypt.Sign(token, ts, nonce, encrypted)}, "timestamp": {ts}, "nonce": {nonce}}
	body, err := json.Marshal(map[string]string{"encrypt": encrypted})
	return q, body, err
}

// OpenDingTalkReply checks an app's answer to a callback as DingTalk does — the
// JSON object {"msg_signature", "timeStamp", "nonce", "encrypt"}, its signature,
// its encryption and owner key — and returns the text inside ("success" is what
// DingTalk expects).
func OpenDingTalkReply(token, encodingAESKey, ownerKey string, reply []byte) (string, error) {
	var r struct {
		Signature string `json:"msg_signature"`
		TimeStamp string `json:"timeStamp"`
		Nonce     string `json:"nonce"`
		Encrypt   string `json:"encrypt"`
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		return "", fmt.Errorf("connectortest: the reply is not a JSON object: %w", err)
	}
	if r.Signature == "" || r.TimeStamp == "" || r.Nonce == "" || r.Encrypt == "" {
		return "", fmt.Errorf("connectortest: the reply lacks msg_signature, timeStamp, nonce or encrypt")
	}
	if msgcrypt.Sign(token, r.TimeStamp, r.Nonce, r.Encrypt) != r.Signature {
		return "", fmt.Errorf("connectortest: the reply's signature does not match")
	}
	c, err := callbackCipher(encodingAESKey)
	if err != nil {
		return "", err
	}
	msg, owner, err := c.Decrypt(r.Encrypt)
	if err != nil {
		return "", fmt.Errorf("connectortest: the reply: %w", err)
	}
	if owner != ownerKey {
		return "", fmt.Errorf("connectortest: the reply is for owner %q, not %q", owner, ownerKey)
	}
	return string(msg), nil
}

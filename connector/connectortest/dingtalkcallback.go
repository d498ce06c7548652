package connectortest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// dingKey decodes a 43-character EncodingAESKey.
func dingKey(encodingAESKey string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("connectortest: EncodingAESKey must be 43 characters of base64")
	}
	return key, nil
}

func dingSign(token, ts, nonce, encrypted string) string {
	parts := []string{token, ts, nonce, encrypted}
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
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
	key, err := dingKey(encodingAESKey)
	if err != nil {
		return nil, nil, err
	}
	plain := make([]byte, 20, 20+len(msg)+len(ownerKey)+32)
	if _, err := rand.Read(plain[:16]); err != nil {
		return nil, nil, err
	}
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(msg)))
	plain = append(append(plain, msg...), ownerKey...)
	pad := 32 - len(plain)%32
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	encrypted := base64.StdEncoding.EncodeToString(out)
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	q := url.Values{"msg_signature": {dingSign(token, ts, nonce, encrypted)}, "timestamp": {ts}, "nonce": {nonce}}
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
	if dingSign(token, r.TimeStamp, r.Nonce, r.Encrypt) != r.Signature {
		return "", fmt.Errorf("connectortest: the reply's signature does not match")
	}
	key, err := dingKey(encodingAESKey)
	if err != nil {
		return "", err
	}
	data, err := base64.StdEncoding.DecodeString(r.Encrypt)
	if err != nil || len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return "", fmt.Errorf("connectortest: the reply is not AES-CBC text in base64")
	}
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return "", fmt.Errorf("connectortest: bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return "", fmt.Errorf("connectortest: the reply is too short")
	}
	n := int(binary.BigEndian.Uint32(plain[16:20]))
	if n > len(plain)-20 {
		return "", fmt.Errorf("connectortest: bad length")
	}
	if owner := string(plain[20+n:]); owner != ownerKey {
		return "", fmt.Errorf("connectortest: the reply is for owner %q, not %q", owner, ownerKey)
	}
	return string(plain[20 : 20+n]), nil
}

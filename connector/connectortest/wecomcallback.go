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
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EncryptWeComCallback encrypts and signs a callback message as WeCom does, for tests
// of callback handlers: AES-256-CBC with the key the EncodingAESKey encodes (43
// characters of base64) over 16 random bytes, the message's length, the message and
// the receiver ID, padded (PKCS#7) to 32 bytes; signed with SHA-1 over the sorted
// token, timestamp, nonce and ciphertext. It returns the query (msg_signature,
// timestamp, nonce) and the POST body.
func EncryptWeComCallback(token, encodingAESKey, receiverID string, msg []byte, at time.Time, nonce string) (url.Values, []byte, error) {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, nil, fmt.Errorf("connectortest: EncodingAESKey must be 43 characters of base64")
	}
	plain := make([]byte, 20, 20+len(msg)+len(receiverID)+32)
	if _, err := rand.Read(plain[:16]); err != nil {
		return nil, nil, err
	}
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(msg)))
	plain = append(append(plain, msg...), receiverID...)
	pad := 32 - len(plain)%32
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	encrypted := base64.StdEncoding.EncodeToString(out)
	ts := strconv.FormatInt(at.Unix(), 10)
	parts := []string{token, ts, nonce, encrypted}
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	q := url.Values{"msg_signature": {hex.EncodeToString(sum[:])}, "timestamp": {ts}, "nonce": {nonce}}
	body := []byte("<xml><ToUserName><![CDATA[" + receiverID + "]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[" +
		encrypted + "]]></Encrypt></xml>")
	return q, body, nil
}

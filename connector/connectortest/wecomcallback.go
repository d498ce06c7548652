package connectortest

import (
	"net/url"
	"strconv"
	"time"

	"github.com/orgkit/orgkit/connector/internal/msgcrypt"
)

// EncryptWeComCallback encrypts and signs a callback message as WeCom does, for tests
// of callback handlers: AES-256-CBC with the key the EncodingAESKey encodes (43
// characters of base64) over 16 random bytes, the message's length, the message and
// the receiver ID, padded (PKCS#7) to 32 bytes; signed with SHA-1 over the sorted
// token, timestamp, nonce and ciphertext. It returns the query (msg_signature,
// timestamp, nonce) and the POST body.
func EncryptWeComCallback(token, encodingAESKey, receiverID string, msg []byte, at time.Time, nonce string) (url.Values, []byte, error) {
	c, err := callbackCipher(encodingAESKey)
	if err != nil {
		return nil, nil, err
	}
	encrypted, err := c.Encrypt(msg, receiverID)
	if err != nil {
		return nil, nil, err
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	q := url.Values{"msg_signature": {msgcrypt.Sign(token, ts, nonce, encrypted)}, "timestamp": {ts}, "nonce": {nonce}}
	body := []byte("<xml><ToUserName><![CDATA[" + receiverID + "]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[" +
		encrypted + "]]></Encrypt></xml>")
	return q, body, nil
}

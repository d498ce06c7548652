package wecom_test

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
)

// FuzzCallback feeds Decode callbacks from anywhere: arbitrary bodies and queries,
// and properly signed and encrypted messages of arbitrary content. It never panics;
// it either refuses (ErrCallbackRefused) or returns a delta.
func FuzzCallback(f *testing.F) {
	f.Add([]byte(`<xml><Event>change_contact</Event><ChangeType>update_user</ChangeType><UserID>a</UserID><NewUserID>b</NewUserID></xml>`), []byte("<xml><Encrypt>x</Encrypt></xml>"), "sig")
	f.Add([]byte(`<xml><Event>change_contact</Event><ChangeType>create_user</ChangeType><UserID>a</UserID><Department>1,x,,3</Department><IsLeaderInDept>1</IsLeaderInDept><MainDepartment>9</MainDepartment></xml>`), []byte(""), "")
	f.Add([]byte(`<xml><Event>change_contact</Event><ChangeType>create_party</ChangeType><Id>5</Id><Order>-3</Order></xml>`), []byte("<xml><Encrypt>AAAA</Encrypt></xml>"), "0")
	now := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, msg, body []byte, sig string) {
		cb, err := wecom.NewCallbacks(wecom.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret(cbAESKey),
			ReceiverID: "ww-test-corp", Now: func() time.Time { return now }})
		require.NoError(t, err)
		check := func(delta *connector.Snapshot, err error) {
			if err != nil {
				require.True(t, errors.Is(err, wecom.ErrCallbackRefused), "%v", err)
				return
			}
			require.True(t, delta.Delta)
		}
		q := url.Values{"msg_signature": {sig}, "timestamp": {fmt.Sprint(now.Unix())}, "nonce": {"n"}}
		check(cb.Decode(q, body))
		q, b, err := connectortest.EncryptWeComCallback(cbToken, cbAESKey, "ww-test-corp", msg, now, "n2")
		require.NoError(t, err)
		check(cb.Decode(q, b))
	})
}

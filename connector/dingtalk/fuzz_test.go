package dingtalk_test

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/dingtalk"
)

// FuzzCallback feeds Decode callbacks from anywhere: arbitrary bodies and queries,
// and properly signed and encrypted messages of arbitrary content. It never panics;
// it either refuses (ErrCallbackRefused) or returns an event with a type, whose IDs
// are not blank.
func FuzzCallback(f *testing.F) {
	f.Add([]byte(`{"EventType":"user_modify_org","CorpId":"ding-test-corp","UserId":["manager164"],"OptStaffId":"manager164","TimeStamp":"1640657432022"}`),
		[]byte(`{"encrypt":"x"}`), "sig")
	f.Add([]byte(`{"EventType":"org_dept_remove","DeptId":[581208264],"TimeStamp":1640670016319}`), []byte(""), "")
	f.Add([]byte(`{"EventType":"check_url"}`), []byte(`{"encrypt":"AAAA"}`), "0")
	f.Add([]byte(`{"EventType":"user_add_org","UserId":"solo","DeptId":[" ",null,{"a":1}]}`), []byte(`[]`), "")
	f.Add([]byte(`not json`), []byte(`{"encrypt":""}`), "")
	now := time.UnixMilli(1_700_000_000_000)
	f.Fuzz(func(t *testing.T, msg, body []byte, sig string) {
		cb, err := dingtalk.NewCallbacks(dingtalk.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret(cbAESKey),
			OwnerKey: appKey, Now: func() time.Time { return now }})
		require.NoError(t, err)
		check := func(ev *dingtalk.Event, err error) {
			if err != nil {
				require.True(t, errors.Is(err, dingtalk.ErrCallbackRefused), "%v", err)
				return
			}
			require.NotEmpty(t, ev.Type)
			for _, id := range append(ev.UserIDs, ev.DeptIDs...) {
				require.NotEmpty(t, id)
			}
		}
		q := url.Values{"msg_signature": {sig}, "timestamp": {fmt.Sprint(now.UnixMilli())}, "nonce": {"n"}}
		check(cb.Decode(q, body))
		q, b, err := connectortest.EncryptDingTalkCallback(cbToken, cbAESKey, appKey, msg, now, "n2")
		require.NoError(t, err)
		check(cb.Decode(q, b))
	})
}

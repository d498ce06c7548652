package wecom_test

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/wecom"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

const (
	cbToken  = "callback-token"
	cbAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters
)

type callbackFixture struct {
	*fixture
	cb     *wecom.Callbacks
	now    time.Time
	nonces int
	svc    *directory.Service
	dir    orgkit.DirectoryID
}

func newCallbackFixture(t *testing.T) *callbackFixture {
	f := &callbackFixture{fixture: newFixture(t, small(), connectortest.WeComOptions{}, wecom.Options{}), now: time.Unix(1_700_000_000, 0)}
	cb, err := wecom.NewCallbacks(wecom.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret(cbAESKey),
		ReceiverID: "ww-test-corp", Now: func() time.Time { return f.now }})
	require.NoError(t, err)
	f.cb = cb
	f.svc = directory.New(directory.Options{})
	dir, err := f.svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	f.dir = dir.ID()
	_, err = connector.Sync(f.ctx, f.svc, f.dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	return f
}

// event encrypts a change_contact event as WeCom sends it.
func (f *callbackFixture) event(body string) (url.Values, []byte) {
	f.t.Helper()
	f.nonces++
	msg := `<xml><ToUserName><![CDATA[ww-test-corp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
		`<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>` + body + `</xml>`
	q, b, err := connectortest.EncryptWeComCallback(cbToken, cbAESKey, "ww-test-corp", []byte(msg), f.now, fmt.Sprint("nonce", f.nonces))
	require.NoError(f.t, err)
	return q, b
}

func (f *callbackFixture) member(ext string) member.Member {
	f.t.Helper()
	snap, err := f.svc.Snapshot(f.ctx, f.dir)
	require.NoError(f.t, err)
	m, ok := snap.MemberBy(member.ExternalIDField, ext)
	require.True(f.t, ok, ext)
	return m
}

// TestCallbackChangedUserID: WeCom lets a userid change once and says so only in
// its change_contact callback; decoded and synced, the member stays the same, and
// the next full fetch agrees.
func TestCallbackChangedUserID(t *testing.T) {
	f := newCallbackFixture(t)
	old := f.src.MemberIDs()[7]
	before := f.member(old)
	require.True(t, f.src.RenameMember(old, "grace.hopper"))

	q, body := f.event(`<ChangeType>update_user</ChangeType><UserID><![CDATA[` + old + `]]></UserID><NewUserID><![CDATA[grace.hopper]]></NewUserID>`)
	delta, err := f.cb.Decode(q, body)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{old: "grace.hopper"}, delta.RenamedMembers)
	rep, err := connector.SyncSnapshot(f.ctx, f.svc, f.dir, f.client, delta, connector.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberBind: 1}, rep.Counts, "%s", rep.Plan)
	assert.Equal(t, before.ID, f.member("grace.hopper").ID, "the same member")

	rep, err = connector.Sync(f.ctx, f.svc, f.dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "the full fetch agrees: %s", rep.Plan)

	// the same callback again is a replay
	_, err = f.cb.Decode(q, body)
	require.ErrorIs(t, err, wecom.ErrCallbackRefused)
	assert.Contains(t, err.Error(), "replay")
}

func TestCallbackContactChanges(t *testing.T) {
	f := newCallbackFixture(t)
	ids := f.src.MemberIDs()
	gone := ids[9]
	sync := func(body string) *connector.Report {
		t.Helper()
		q, b := f.event(body)
		delta, err := f.cb.Decode(q, b)
		require.NoError(t, err)
		rep, err := connector.SyncSnapshot(f.ctx, f.svc, f.dir, f.client, delta, connector.SyncOptions{})
		require.NoError(t, err)
		return rep
	}
	rep := sync(`<ChangeType>create_party</ChangeType><Id>900</Id><Name><![CDATA[Platform]]></Name><ParentId>1</ParentId><Order>5</Order>`)
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeCreate: 1}, rep.Counts)
	rep = sync(`<ChangeType>create_user</ChangeType><UserID><![CDATA[linus]]></UserID><Name><![CDATA[Linus]]></Name><Department><![CDATA[900,2]]></Department><MainDepartment>900</MainDepartment><IsLeaderInDept><![CDATA[1,0]]></IsLeaderInDept><Status>1</Status>`)
	assert.Equal(t, 1, rep.Counts[connector.MemberCreate], "%s", rep.Plan)
	assert.Equal(t, 1, rep.Counts[connector.NodeManager], "flagged as the new department's leader")
	linus := f.member("linus")
	assert.Equal(t, "Linus", linus.FullName)

	// an event naming only the departments (callbacks set up since August 2022)
	rep = sync(`<ChangeType>update_user</ChangeType><UserID><![CDATA[` + ids[1] + `]]></UserID><Department><![CDATA[900]]></Department>`)
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberMove: 1}, rep.Counts, "%s", rep.Plan)
	assert.Equal(t, orgkit.Active, f.member(ids[1]).Status, "no status in the event: unchanged")

	rep = sync(`<ChangeType>delete_user</ChangeType><UserID><![CDATA[` + gone + `]]></UserID>`)
	assert.Equal(t, 1, rep.Counts[connector.MemberDeactivate])
	assert.Equal(t, orgkit.Inactive, f.member(gone).Status)

	rep = sync(`<ChangeType>update_party</ChangeType><Id>900</Id><Name><![CDATA[Platform Team]]></Name>`)
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeRename: 1}, rep.Counts, "%s", rep.Plan)

	// other events change nothing
	q, b := f.event(`<ChangeType>update_tag</ChangeType><TagId>1</TagId>`)
	delta, err := f.cb.Decode(q, b)
	require.NoError(t, err)
	assert.Empty(t, delta.Members)
	assert.Empty(t, delta.Departments)
}

func TestCallbackRefusals(t *testing.T) {
	f := newCallbackFixture(t)
	q, body := f.event(`<ChangeType>delete_user</ChangeType><UserID><![CDATA[u000001]]></UserID>`)

	sig := []byte(q.Get("msg_signature"))
	sig[0] = map[bool]byte{true: '1', false: '0'}[sig[0] == '0']
	tampered := url.Values{"msg_signature": {string(sig)}, "timestamp": q["timestamp"], "nonce": q["nonce"]}
	_, err := f.cb.Decode(tampered, body)
	require.ErrorIs(t, err, wecom.ErrCallbackRefused)
	assert.Contains(t, err.Error(), "signature")

	f.now = f.now.Add(10 * time.Minute)
	_, err = f.cb.Decode(q, body)
	require.ErrorIs(t, err, wecom.ErrCallbackRefused, "too old")
	f.now = f.now.Add(-10 * time.Minute)

	other, err := wecom.NewCallbacks(wecom.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret(cbAESKey),
		ReceiverID: "ww-other-corp", Now: func() time.Time { return f.now }})
	require.NoError(t, err)
	_, err = other.Decode(q, body)
	require.ErrorIs(t, err, wecom.ErrCallbackRefused)
	assert.Contains(t, err.Error(), "receiver")

	_, err = f.cb.Decode(q, []byte("<xml><nope/></xml>"))
	require.ErrorIs(t, err, wecom.ErrCallbackRefused)
	_, err = f.cb.Decode(url.Values{}, body)
	require.ErrorIs(t, err, wecom.ErrCallbackRefused)

	// the URL check echoes the decrypted text
	eq, eb, err := connectortest.EncryptWeComCallback(cbToken, cbAESKey, "ww-test-corp", []byte("1234567890"), f.now, "n-echo")
	require.NoError(t, err)
	var env struct {
		Encrypt string `xml:"Encrypt"`
	}
	require.NoError(t, xml.Unmarshal(eb, &env))
	eq.Set("echostr", env.Encrypt)
	echo, err := f.cb.VerifyURL(eq)
	require.NoError(t, err)
	assert.Equal(t, "1234567890", echo)
	_, err = wecom.NewCallbacks(wecom.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret("short"), ReceiverID: "x"})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
}

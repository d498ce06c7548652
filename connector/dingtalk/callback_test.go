package dingtalk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/connector/dingtalk"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

const (
	cbToken  = "callback-token"
	cbAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters
)

type callbackFixture struct {
	*fixture
	cb     *dingtalk.Callbacks
	now    time.Time
	nonces int
	svc    *directory.Service
	dir    orgkit.DirectoryID
}

func newCallbackFixture(t *testing.T) *callbackFixture {
	f := &callbackFixture{fixture: newFixture(t, small(), dingtalk.Options{ReportingManagers: true}), now: time.UnixMilli(1_700_000_000_000)}
	cb, err := dingtalk.NewCallbacks(dingtalk.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret(cbAESKey),
		OwnerKey: appKey, Now: func() time.Time { return f.now }})
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

// event encrypts an event as DingTalk sends it.
func (f *callbackFixture) event(eventType string, fields string) (url.Values, []byte) {
	f.t.Helper()
	f.nonces++
	msg := fmt.Sprintf(`{"EventType":%q,"CorpId":%q,"TimeStamp":"%d"%s}`, eventType, corpID, f.now.UnixMilli(), fields)
	q, b, err := connectortest.EncryptDingTalkCallback(cbToken, cbAESKey, appKey, []byte(msg), f.now, fmt.Sprint("nonce", f.nonces))
	require.NoError(f.t, err)
	return q, b
}

// sync decodes an event, turns it into a delta and syncs it.
func (f *callbackFixture) sync(eventType, fields string) *connector.Report {
	f.t.Helper()
	q, b := f.event(eventType, fields)
	ev, err := f.cb.Decode(q, b)
	require.NoError(f.t, err)
	require.Equal(f.t, eventType, ev.Type)
	delta, err := f.client.Delta(f.ctx, ev)
	require.NoError(f.t, err)
	rep, err := connector.SyncSnapshot(f.ctx, f.svc, f.dir, f.client, delta, connector.SyncOptions{})
	require.NoError(f.t, err)
	return rep
}

func (f *callbackFixture) snap() *directory.Snapshot {
	f.t.Helper()
	snap, err := f.svc.Snapshot(f.ctx, f.dir)
	require.NoError(f.t, err)
	return snap
}

func (f *callbackFixture) member(ext string) member.Member {
	f.t.Helper()
	m, ok := f.snap().MemberBy(member.ExternalIDField, ext)
	require.True(f.t, ok, ext)
	return m
}

func (f *callbackFixture) node(ext string) orgtree.Node {
	f.t.Helper()
	n, ok := f.snap().Tree().ByExternalID(ext)
	require.True(f.t, ok, ext)
	return n
}

func TestCallbackContactChanges(t *testing.T) {
	f := newCallbackFixture(t)
	ids := f.src.MemberIDs()

	// a department and a member made upstream, announced by events
	f.src.PutDepartment(connector.Department{ExternalID: "900", Parent: "1", Name: orgkit.Name("Platform"), Order: 5,
		Present: connector.DepartmentFields()})
	rep := f.sync(dingtalk.EventDeptCreate, `,"DeptId":[900]`)
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeCreate: 1}, rep.Counts, "%s", rep.Plan)
	hire := connectortest.NewMember("linus", "Linus", "13800000099", "900", "2")
	f.src.PutMember(hire)
	f.src.EditDepartment("900", func(d *connector.Department) { d.Leaders = []string{"linus"} })
	rep = f.sync(dingtalk.EventUserAdd, `,"UserId":["linus"]`)
	assert.Equal(t, 1, rep.Counts[connector.MemberCreate], "%s", rep.Plan)
	assert.Equal(t, 1, rep.Counts[connector.NodeManager], "flagged as the new department's leader")
	linus := f.member("linus")
	assert.Equal(t, "Linus", linus.FullName)
	assert.Equal(t, f.node("900").ID, linus.Primary, "the first of dept_id_list")
	assert.Equal(t, linus.ID, f.node("900").Manager)

	// a member changed upstream
	f.src.EditMember(ids[1], func(m *connector.Member) { m.Values.JobTitle = "Chief Tester"; m.Departments = []string{"900"} })
	rep = f.sync(dingtalk.EventUserModify, `,"UserId":["`+ids[1]+`"],"OptStaffId":"manager1"`)
	assert.Equal(t, 1, rep.Counts[connector.MemberUpdate], "%s", rep.Plan)
	assert.Equal(t, 1, rep.Counts[connector.MemberMove], "%s", rep.Plan)
	assert.Equal(t, "Chief Tester", f.member(ids[1]).JobTitle)

	// a leader's post taken away: the event about the member says so
	f.src.EditDepartment("900", func(d *connector.Department) { d.Leaders = nil })
	rep = f.sync(dingtalk.EventUserModify, `,"UserId":["linus"]`)
	assert.Equal(t, 1, rep.Counts[connector.NodeManager], "%s", rep.Plan)
	assert.True(t, f.node("900").Manager.IsZero(), "no longer the leader")

	// a member who left
	gone := ids[9]
	f.src.RemoveMember(gone)
	rep = f.sync(dingtalk.EventUserLeave, `,"UserId":["`+gone+`"]`)
	assert.Equal(t, 1, rep.Counts[connector.MemberDeactivate])
	assert.Equal(t, orgkit.Inactive, f.member(gone).Status)

	// a member changed and then gone before the event was handled
	f.src.RemoveMember(ids[10])
	rep = f.sync(dingtalk.EventUserModify, `,"UserId":["`+ids[10]+`"]`)
	assert.Equal(t, 1, rep.Counts[connector.MemberDeactivate], "unknown to DingTalk (60121): removed")

	f.src.EditDepartment("900", func(d *connector.Department) { d.Name = orgkit.Name("Platform Team") })
	rep = f.sync(dingtalk.EventDeptModify, `,"DeptId":[900]`)
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeRename: 1}, rep.Counts, "%s", rep.Plan)

	// a full fetch agrees with what the events did
	rep, err := connector.Sync(f.ctx, f.svc, f.dir, f.client, connector.SyncOptions{})
	require.NoError(t, err)
	assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)

	// other events change nothing
	q, b := f.event("label_user_change", `,"LabelIdList":[1]`)
	ev, err := f.cb.Decode(q, b)
	require.NoError(t, err)
	delta, err := f.client.Delta(f.ctx, ev)
	require.NoError(t, err)
	assert.True(t, delta.Delta)
	assert.Empty(t, delta.Members)
	assert.Empty(t, delta.Departments)

	// a department removed upstream
	f.src.EditMember("linus", func(m *connector.Member) { m.Departments = []string{"2"} })
	f.sync(dingtalk.EventUserModify, `,"UserId":["linus","`+ids[1]+`"]`)
	f.src.EditMember(ids[1], func(m *connector.Member) { m.Departments = []string{"2"} })
	f.sync(dingtalk.EventUserModify, `,"UserId":["`+ids[1]+`"]`)
	f.src.RemoveDepartment("900")
	rep = f.sync(dingtalk.EventDeptRemove, `,"DeptId":[900]`)
	assert.Equal(t, 1, rep.Counts[connector.NodeDeactivate], "%s", rep.Plan)
}

func TestCallbackURLCheckAndReply(t *testing.T) {
	f := newCallbackFixture(t)
	handled := 0
	h := f.cb.Handler(func(ctx context.Context, ev *dingtalk.Event) error {
		handled++
		delta, err := f.client.Delta(ctx, ev)
		if err != nil {
			return err
		}
		_, err = connector.SyncSnapshot(ctx, f.svc, f.dir, f.client, delta, connector.SyncOptions{})
		return err
	})
	post := func(q url.Values, body []byte) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/dingtalk/events?"+q.Encode(), strings.NewReader(string(body))))
		return rec
	}
	rec := post(f.event("check_url", ""))
	require.Equal(t, http.StatusOK, rec.Code)
	text, err := connectortest.OpenDingTalkReply(cbToken, cbAESKey, appKey, rec.Body.Bytes())
	require.NoError(t, err)
	assert.Equal(t, "success", text, "the URL check is answered with the encrypted word success")
	assert.Zero(t, handled, "the URL check is no event to handle")

	ids := f.src.MemberIDs()
	f.src.EditMember(ids[2], func(m *connector.Member) { m.Values.JobTitle = "Archivist" })
	rec = post(f.event(dingtalk.EventUserModify, `,"UserId":["`+ids[2]+`"]`))
	require.Equal(t, http.StatusOK, rec.Code)
	text, err = connectortest.OpenDingTalkReply(cbToken, cbAESKey, appKey, rec.Body.Bytes())
	require.NoError(t, err)
	assert.Equal(t, "success", text)
	assert.Equal(t, 1, handled)
	assert.Equal(t, "Archivist", f.member(ids[2]).JobTitle)

	q, b := f.event(dingtalk.EventUserModify, `,"UserId":["`+ids[2]+`"]`)
	assert.Equal(t, http.StatusOK, post(q, b).Code)
	assert.Equal(t, http.StatusForbidden, post(q, b).Code, "a replay is refused")
	assert.Equal(t, 2, handled)
}

func TestCallbackRefusals(t *testing.T) {
	f := newCallbackFixture(t)
	q, body := f.event(dingtalk.EventUserLeave, `,"UserId":["u000001"]`)

	sig := []byte(q.Get("msg_signature"))
	sig[0] = map[bool]byte{true: '1', false: '0'}[sig[0] == '0']
	tampered := url.Values{"signature": {string(sig)}, "timeStamp": q["timestamp"], "nonce": q["nonce"]}
	_, err := f.cb.Decode(tampered, body)
	require.ErrorIs(t, err, dingtalk.ErrCallbackRefused)
	assert.Contains(t, err.Error(), "signature")

	f.now = f.now.Add(10 * time.Minute)
	_, err = f.cb.Decode(q, body)
	require.ErrorIs(t, err, dingtalk.ErrCallbackRefused, "too old")
	f.now = f.now.Add(-10 * time.Minute)

	other, err := dingtalk.NewCallbacks(dingtalk.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret(cbAESKey),
		OwnerKey: "ding-other-app", Now: func() time.Time { return f.now }})
	require.NoError(t, err)
	_, err = other.Decode(q, body)
	require.ErrorIs(t, err, dingtalk.ErrCallbackRefused)
	assert.Contains(t, err.Error(), "owner")

	_, err = f.cb.Decode(q, []byte(`{"nope":1}`))
	require.ErrorIs(t, err, dingtalk.ErrCallbackRefused)
	_, err = f.cb.Decode(url.Values{}, body)
	require.ErrorIs(t, err, dingtalk.ErrCallbackRefused)

	// the same parameters, with the alternative names DingTalk also uses
	alt := url.Values{"signature": q["msg_signature"], "timeStamp": q["timestamp"], "nonce": q["nonce"]}
	ev, err := f.cb.Decode(alt, body)
	require.NoError(t, err)
	assert.Equal(t, []string{"u000001"}, ev.UserIDs)
	assert.Equal(t, f.now.UnixMilli(), ev.At.UnixMilli())
	_, err = f.cb.Decode(q, body)
	require.ErrorIs(t, err, dingtalk.ErrCallbackRefused, "seen before")
	assert.Contains(t, err.Error(), "replay")

	// an event of another organization
	_, err = f.client.Delta(f.ctx, &dingtalk.Event{Type: dingtalk.EventUserLeave, CorpID: "ding-other", UserIDs: []string{"x"}})
	require.ErrorIs(t, err, dingtalk.ErrCallbackRefused)

	_, err = dingtalk.NewCallbacks(dingtalk.CallbackConfig{Token: connector.NewSecret(cbToken), EncodingAESKey: connector.NewSecret("short")})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	for _, s := range []string{"EncodingAESKey", "OwnerKey"} {
		assert.Contains(t, err.Error(), s)
	}
}

func TestEventIDs(t *testing.T) {
	f := newCallbackFixture(t)
	q, b := f.event(dingtalk.EventDeptRemove, `,"DeptId":[581208264,"7",7,1]`)
	ev, err := f.cb.Decode(q, b)
	require.NoError(t, err)
	assert.Equal(t, []string{"581208264", "7", "1"}, ev.DeptIDs, "numbers and strings, once each")
	delta, err := f.client.Delta(f.ctx, ev)
	require.NoError(t, err)
	assert.Equal(t, []string{"581208264", "7"}, delta.RemovedDepartments, "never the root")
	var raw map[string]any
	require.NoError(t, json.Unmarshal(ev.JSON, &raw))
	assert.Equal(t, dingtalk.EventDeptRemove, raw["EventType"])
	assert.True(t, slices.Equal(ev.UserIDs, nil))
}

func TestDeltaOutOfScopeAndGone(t *testing.T) {
	f := newCallbackFixture(t)
	var top []string // departments right under the root
	for _, id := range f.src.DepartmentIDs() {
		if d, _ := f.src.Department(id); d.Parent == dingtalk.RootID || d.Parent == "" {
			top = append(top, id)
		}
	}
	require.GreaterOrEqual(t, len(top), 2)
	gone := slices.DeleteFunc(f.src.DepartmentIDs(), func(id string) bool { return slices.Contains(top, id) })[0]
	deps := []string{top[0], gone, top[1]}
	f.src.SetOutOfScope(deps[0])
	f.src.RemoveDepartment(deps[1])
	q, b := f.event(dingtalk.EventDeptModify, `,"DeptId":[`+deps[0]+`,`+deps[1]+`,`+deps[2]+`]`)
	ev, err := f.cb.Decode(q, b)
	require.NoError(t, err)
	delta, err := f.client.Delta(f.ctx, ev)
	require.NoError(t, err)
	assert.Equal(t, []string{deps[0]}, delta.PartialDepartments, "out of the app's scope")
	assert.Equal(t, []string{deps[1]}, delta.RemovedDepartments, "gone (60003)")
	require.Len(t, delta.Departments, 1)
	d := delta.Departments[0]
	assert.Equal(t, deps[2], d.ExternalID)
	for _, fd := range connector.DepartmentFields() {
		assert.True(t, d.Has(fd), "department/get gives %s", fd)
	}
}

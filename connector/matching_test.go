package connector_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// withheldContacts is smallSource as a WeCom app made since 2022 sees it: no
// mobiles, no emails.
func withheldContacts(e *env) {
	for _, ext := range e.src.MemberIDs() {
		e.src.EditMember(ext, func(m *connector.Member) {
			m.Present = slices.DeleteFunc(m.Present, func(f member.Field) bool { return f == member.MobileField || f == member.EmailField })
			m.Values.Mobile, m.Values.Email = "", ""
		})
	}
}

// TestFirstSyncWithoutKeys: a first sync into a populated directory where upstream
// gives no usable match key reports whom it could not match instead of creating
// duplicates, and takes explicit bindings.
func TestFirstSyncWithoutKeys(t *testing.T) {
	e := newEnv(t, smallSource())
	withheldContacts(e)
	ada, alan := orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{},
		member.Create{ID: ada, SystemName: orgkit.Name("ada"), FullName: "Ada Lovelace", Mobile: "+8613900000000"},
		member.Create{ID: alan, SystemName: orgkit.Name("alan"), FullName: "Alan Turing", Email: "u2@example.com", LoginMethod: member.LoginByEmail},
	)
	require.NoError(t, err)
	v := e.snap().Version()
	keys := connector.PlanOptions{MatchKeys: []member.Field{member.MobileField, member.EmailField}}

	_, err = connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{PlanOptions: keys})
	require.ErrorIs(t, err, connector.ErrUnmatched)
	require.ErrorIs(t, err, orgkit.ErrPrecondition)
	var un *connector.UnmatchedError
	require.ErrorAs(t, err, &un)
	assert.Len(t, un.Upstream, 10)
	assert.Equal(t, "u1", un.Upstream[0].ExternalID)
	assert.Equal(t, "Ada Lovelace", un.Upstream[0].Name)
	require.Len(t, un.Local, 2)
	assert.ElementsMatch(t, []orgkit.MemberID{ada, alan}, []orgkit.MemberID{un.Local[0].Member, un.Local[1].Member})
	assert.Contains(t, err.Error(), ada.String())
	assert.Equal(t, v, e.snap().Version(), "nothing applied")
	assert.Equal(t, 2, e.snap().MemberCount())

	// bound explicitly: the same members, no duplicates
	bound := keys
	bound.Bindings = map[string]orgkit.MemberID{"u1": ada, "u2": alan}
	rep := e.sync(connector.SyncOptions{PlanOptions: bound})
	assert.Equal(t, 2, rep.Counts[connector.MemberBind], "%s", rep.Plan)
	assert.Equal(t, 8, rep.Counts[connector.MemberCreate])
	assert.Equal(t, ada, e.member("u1").ID)
	assert.Equal(t, alan, e.member("u2").ID)
	assert.Equal(t, "+8613900000000", e.member("u1").Mobile, "withheld upstream: the local mobile stays")
	assert.Equal(t, 10, e.snap().MemberCount())
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestFirstSyncCreateUnmatched(t *testing.T) {
	e := newEnv(t, smallSource())
	withheldContacts(e)
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{}, member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("contractor"), Mobile: "+8613800000000"})
	require.NoError(t, err)
	rep := e.sync(connector.SyncOptions{PlanOptions: connector.PlanOptions{CreateUnmatched: true}})
	assert.Equal(t, 10, rep.Counts[connector.MemberCreate])
	assert.Equal(t, 11, e.snap().MemberCount(), "the local member is someone else")

	// later syncs create newcomers even though local members stay unmatched
	e.src.PutMember(connectortestMember("u11", "New Hire", "sales"))
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberCreate: 1}, rep.Counts)
}

func TestBindingsRefused(t *testing.T) {
	e := newEnv(t, smallSource())
	ada, bob := orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{},
		member.Create{ID: ada, SystemName: orgkit.Name("ada"), Mobile: "+8613800000001"},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), Mobile: "+8613800000002", ExternalID: "legacy-7", LoginMethod: member.LoginByMobile},
	)
	require.NoError(t, err)
	up, err := connector.Fetch(e.ctx, e.src)
	require.NoError(t, err)
	for name, c := range map[string]struct {
		bind map[string]orgkit.MemberID
		want string
	}{
		"unknown upstream member": {map[string]orgkit.MemberID{"nobody": ada}, `"nobody"`},
		"unknown local member":    {map[string]orgkit.MemberID{"u1": orgkit.NewMemberID()}, "no such member"},
		"local member twice":      {map[string]orgkit.MemberID{"u1": ada, "u2": ada}, ada.String()},
		"local member bound":      {map[string]orgkit.MemberID{"u1": bob}, `"legacy-7"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := connector.Plan(e.ctx, e.snap(), up, connector.PlanOptions{Bindings: c.bind, CreateUnmatched: true})
			require.ErrorIs(t, err, orgkit.ErrInvalid)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestBindingBeatsKeys: a local member bound explicitly is not matched by a key too.
func TestBindingBeatsKeys(t *testing.T) {
	e := newEnv(t, smallSource())
	ada := orgkit.NewMemberID()
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{}, member.Create{ID: ada, SystemName: orgkit.Name("ada"), Mobile: "+8613900000000"})
	require.NoError(t, err)
	// u1's mobile is ada's, but the caller says ada is u2
	rep := e.sync(connector.SyncOptions{PlanOptions: connector.PlanOptions{MatchKeys: []member.Field{member.MobileField},
		Bindings: map[string]orgkit.MemberID{"u2": ada}}})
	assert.Equal(t, 1, rep.Counts[connector.MemberBind], "%s", rep.Plan)
	assert.Equal(t, ada, e.member("u2").ID)
	assert.NotEqual(t, ada, e.member("u1").ID)
	assert.Equal(t, "+8613900000000", e.member("u1").Mobile)
	assert.Equal(t, "+8613900000001", e.member("u2").Mobile)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

// TestAvatarURLStored: platforms give avatars as URLs without a MIME type; the sync
// stores them as references instead of dropping them.
func TestAvatarURLStored(t *testing.T) {
	fields := connectortest.DefaultFields()
	fields.Member = append(fields.Member, member.AvatarField)
	src := connectortest.New(connectortest.Options{Fields: &fields})
	for _, d := range smallSource().Snapshot().Departments {
		src.PutDepartment(d)
	}
	m := connectortest.NewMember("u1", "Ada Lovelace", "13900000001", "rd")
	m.Values.Avatar = member.Avatar{URI: "https://static-legacy.dingtalk.com/media/lADPDg7mViaksW3NAkDNAkA_576_576.jpg"}
	m.Present = append(m.Present, member.AvatarField)
	src.PutMember(m)
	e := newEnv(t, src)
	rep := e.sync(connector.SyncOptions{})
	assert.NotContains(t, warningCodes(rep.Warnings), connector.WarnMemberValue)
	a := e.member("u1").Avatar
	assert.Equal(t, m.Values.Avatar, a)
	assert.True(t, a.IsReference(), "stored as a reference, not as a checked picture")
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

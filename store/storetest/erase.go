package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/store"
)

// Erased is what Erase did: the directory and member it erased, and every value it
// erased, for a test to look for in the store's own storage (database files).
type Erased struct {
	Directory orgkit.DirectoryID
	Member    orgkit.MemberID
	// Values are the erased values as text, each distinctive enough (random, at
	// least 11 characters) that finding one anywhere means it was not erased.
	Values []string
}

// Erase runs an erasure on s and checks the store.Eraser contract: a member with
// every field set is created, edited (every personal field gets a second value) and
// deactivated, by change sets whose actor and reason quote its values; then its
// personal fields are erased. It checks that nothing Load, Changes or Directories
// return holds an erased value, that the free text keeps what is not personal, that the structure (IDs,
// versions, departments, the other member) is kept, that the erasure is recorded as
// its own change set, and that stale or invalid requests are refused. It returns
// what it erased, so that a store's own test can also scan its storage.
func Erase(t *testing.T, s store.Eraser) Erased {
	t.Helper()
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	dept := newNode("Research")
	ada := distinctMember(dept.ID, "one")
	bob := newMember("Bob")
	bob.Primary = dept.ID
	// Writers quote personal values in the free text of change sets: the actor and
	// the reason, in other writings than the record's (a national mobile, other case).
	national := func(m *member.Member) string { return strings.TrimPrefix(m.Mobile, "+86") }
	v1 := changeSet(nodeChange(nil, dept), memberChange(nil, ada), memberChange(nil, bob))
	v1.Meta.Reason = "hire " + ada.SystemName.Default + " and Bob"
	_, err := s.Commit(ctx, d.ID, 0, v1)
	require.NoError(t, err)
	ada2 := distinctMember(dept.ID, "two")
	ada2.ID = ada.ID
	v2 := changeSet(memberChange(ada, ada2))
	v2.Meta.Actor = ada.Email
	v2.Meta.Reason = fmt.Sprintf("fix mobile %s of %s", national(ada), ada.FullName)
	_, err = s.Commit(ctx, d.ID, 1, v2)
	require.NoError(t, err)
	ada3 := ada2.Clone()
	ada3.Status = orgkit.Inactive
	v3 := changeSet(memberChange(ada2, ada3))
	v3.Meta.Reason = fmt.Sprintf("deactivate %s (employee %s), mobile %s", strings.ToUpper(ada2.LoginAccount), ada2.EmployeeNumber, national(ada2))
	_, err = s.Commit(ctx, d.ID, 2, v3)
	require.NoError(t, err)

	fields := store.PersonalFields()
	values := personalValues(ada, fields)
	values = append(values, personalValues(ada2, fields)...)
	values = append(values, national(ada), national(ada2), strings.ToUpper(ada2.LoginAccount))
	all := func() string { // everything the store can return, as text
		recs, err := s.Load(ctx, d.ID)
		require.NoError(t, err)
		log, err := allChanges(ctx, s, d.ID, 0)
		require.NoError(t, err)
		dirs, err := s.Directories(ctx)
		require.NoError(t, err)
		b, err := json.Marshal([]any{normalize(recs), log, dirs}) // records in ID order
		require.NoError(t, err)
		return string(b)
	}
	before := all()
	for _, v := range values {
		require.Contains(t, before, v, "the fixture's value is stored before the erasure")
	}

	// Refused requests change nothing.
	e := store.Erasure{ID: newChangeSetID(), Member: ada.ID, Fields: fields,
		Meta: store.Meta{Actor: "dpo@example.com", Reason: "erasure request 42", Time: timestamp()}}
	_, err = s.Erase(ctx, d.ID, 2, e)
	assert.ErrorIs(t, err, orgkit.ErrConflict, "an erasure on a stale base")
	unknown := e
	unknown.Member = orgkit.NewMemberID()
	_, err = s.Erase(ctx, d.ID, 3, unknown)
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "an unknown member")
	_, err = s.Erase(ctx, orgkit.NewDirectoryID(), 3, e)
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "an unknown directory")
	taken := e
	taken.ID = v2.ID
	_, err = s.Erase(ctx, d.ID, 3, taken)
	assert.ErrorIs(t, err, store.ErrDuplicateID, "an erasure with the ID of a committed change set")
	for name, bad := range map[string]store.Erasure{
		"no ID":         {Member: ada.ID, Fields: fields},
		"no member":     {ID: newChangeSetID(), Fields: fields},
		"no field":      {ID: newChangeSetID(), Member: ada.ID},
		"unknown field": {ID: newChangeSetID(), Member: ada.ID, Fields: []member.Field{member.Field(250)}},
	} {
		_, err = s.Erase(ctx, d.ID, 3, bad)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, name)
	}
	require.True(t, before == all(), "refused erasures change nothing")

	head, err := s.Erase(ctx, d.ID, 3, e)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), head, "the erasure is recorded as the next version")

	after := all()
	for _, v := range values {
		assert.False(t, strings.Contains(after, v), "erased value %q is still returned by the store", v)
	}

	// The structure stays.
	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), recs.Head)
	want := store.Redact(ada3, fields)
	i := slices.IndexFunc(recs.Members, func(m *member.Member) bool { return m.ID == ada.ID })
	require.NotEqual(t, -1, i, "the erased member is still loaded")
	assert.Equal(t, want, recs.Members[i], "the current record is redacted")
	assert.Equal(t, store.Pseudonym(ada.ID), recs.Members[i].SystemName, "the system name becomes the pseudonym")
	assert.Equal(t, dept.ID, recs.Members[i].Primary, "departments are kept")
	assert.Equal(t, orgkit.Inactive, recs.Members[i].Status, "the status is kept")
	j := slices.IndexFunc(recs.Members, func(m *member.Member) bool { return m.ID == bob.ID })
	require.NotEqual(t, -1, j)
	assert.Equal(t, bob, recs.Members[j], "other members are untouched")

	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	require.Len(t, log, 4, "no version is added or lost but the erasure's")
	for k, cs := range log {
		assert.Equal(t, uint64(k+1), cs.Version)
	}
	assert.Equal(t, store.Redact(ada, fields), log[0].Changes[1].After, "version 1's after-image is redacted")
	assert.Nil(t, log[0].Changes[1].Before, "a creation stays a creation")
	assert.Equal(t, bob, log[0].Changes[2].After, "another member's image is untouched")
	assert.Equal(t, store.Redact(ada, fields), log[1].Changes[0].Before, "version 2's before-image is redacted")
	assert.Equal(t, store.Redact(ada2, fields), log[1].Changes[0].After, "version 2's after-image is redacted")
	// Free text keeps what is not personal.
	for i, want := range []store.Meta{
		{Actor: v1.Meta.Actor, Reason: "hire [erased] and Bob"},
		{Actor: "[erased]", Reason: "fix mobile [erased] of [erased]"},
		{Actor: v3.Meta.Actor, Reason: "deactivate [erased] (employee [erased]), mobile [erased]"},
	} {
		got := log[i].Meta
		assert.Equal(t, want.Actor, got.Actor, "version %d's actor", i+1)
		assert.Equal(t, want.Reason, got.Reason, "version %d's reason: erased values are scrubbed from free text", i+1)
		orig := []*store.ChangeSet{v1, v2, v3}[i].Meta
		assert.Equal(t, orig.Origin, got.Origin, "version %d's origin", i+1)
		assert.True(t, orig.Time.Equal(got.Time), "version %d's time", i+1)
		assert.Equal(t, orig.Erased, got.Erased, "version %d's erased fields", i+1)
		assert.Equal(t, orig.IfVersion, got.IfVersion, "version %d's pinned version", i+1)
	}
	rec := log[3]
	assert.Equal(t, e.ID, rec.ID, "the erasure's change set keeps its ID")
	assert.Equal(t, store.OriginErase, rec.Meta.Origin)
	assert.Equal(t, e.Meta.Actor, rec.Meta.Actor, "who")
	assert.Equal(t, e.Meta.Reason, rec.Meta.Reason, "why")
	assert.True(t, e.Meta.Time.Equal(rec.Meta.Time), "when")
	assert.Equal(t, fields, rec.Meta.Erased, "which fields")
	require.Len(t, rec.Changes, 1)
	assert.Equal(t, store.Change{Kind: store.KindMember, Before: want, After: want}, rec.Changes[0],
		"the erasure's change holds the redacted record only")

	// Erasing again is harmless.
	again := e
	again.ID = newChangeSetID()
	head, err = s.Erase(ctx, d.ID, 4, again)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), head)
	recs, err = s.Load(ctx, d.ID)
	require.NoError(t, err)
	i = slices.IndexFunc(recs.Members, func(m *member.Member) bool { return m.ID == ada.ID })
	require.NotEqual(t, -1, i)
	assert.Equal(t, want, recs.Members[i], "a second erasure leaves the redacted record as it was")
	return Erased{Directory: d.ID, Member: ada.ID, Values: values}
}

func testErase(t *testing.T, s store.Store) {
	e, ok := s.(store.Eraser)
	if !ok {
		t.Skip("the store does not implement store.Eraser")
	}
	Erase(t, e)
}

// distinctMember returns a member in dept with every field set, each personal value
// random and at least 12 characters long, so that finding it anywhere after an
// erasure means it was not erased.
func distinctMember(dept orgkit.NodeID, tag string) *member.Member {
	r := func(what string) string {
		return fmt.Sprintf("%s-%s-%s", what, tag, strings.ReplaceAll(uuid.NewString(), "-", "")[:12])
	}
	digits := func() string { return fmt.Sprintf("%010d%d", uuid.New().ID(), uuid.New().ID()%10) }
	m := fullMember()
	m.ID = orgkit.NewMemberID()
	m.SystemName = orgkit.Names{Default: r("sys"), ByLang: map[string]string{"en": r("sysen")}}
	m.FullName = r("名字")
	m.GivenName = r("given")
	m.MobileAsWritten = r("mobilew")
	m.EmailAsWritten = r("emailw")
	m.FamilyName = r("family")
	m.Mobile = "+8613" + digits()[:9]
	m.Email = r("mail") + "@example.com"
	m.LoginAccount = r("login")
	m.SSOAccount = r("sso")
	m.Status = orgkit.Active
	m.Primary = dept
	m.Secondary = nil
	m.AffiliatedDepartment, m.AffiliatedOrganization, m.ReportingManager = orgkit.NodeID{}, orgkit.NodeID{}, orgkit.MemberID{}
	m.JobTitle = r("title")
	m.EmployeeNumber = r("emp")
	m.ResponsibleLines = []string{r("line")}
	m.Avatar = member.Avatar{URI: "https://cdn.example.com/" + r("avatar") + ".png", MIMEType: "image/png", Size: 4242,
		SHA256: strings.ReplaceAll(uuid.NewString()+uuid.NewString(), "-", "")}
	m.OfficePhone = "+86-10-" + digits()
	m.Extension = r("ext")
	m.QQ = "qq" + digits()
	m.WeChat = r("wx")
	m.Bio = r("bio")
	m.WorkDetails = r("work")
	m.WorkPlace = r("place")
	m.ExtendedA = r("exta")
	m.ExtendedB = r("extb")
	m.ExternalID = r("extid")
	m.ActivatedAt = time.Date(2011, time.November, 12, 13, 14, 15, 161718000, time.UTC)
	return m
}

// personalValues returns m's distinctive values of the fields, as text.
func personalValues(m *member.Member, fields []member.Field) []string {
	var out []string
	add := func(f member.Field, vs ...string) {
		if slices.Contains(fields, f) {
			out = append(out, vs...)
		}
	}
	add(member.SystemNameField, m.SystemName.Default, m.SystemName.ByLang["en"])
	add(member.FullNameField, m.FullName)
	add(member.GivenNameField, m.GivenName)
	add(member.MobileAsWrittenField, m.MobileAsWritten)
	add(member.EmailAsWrittenField, m.EmailAsWritten)
	add(member.FamilyNameField, m.FamilyName)
	add(member.MobileField, m.Mobile)
	add(member.EmailField, m.Email)
	add(member.LoginAccountField, m.LoginAccount)
	add(member.SSOAccountField, m.SSOAccount)
	add(member.JobTitleField, m.JobTitle)
	add(member.EmployeeNumberField, m.EmployeeNumber)
	add(member.ResponsibleLinesField, m.ResponsibleLines...)
	add(member.AvatarField, m.Avatar.URI, m.Avatar.SHA256)
	add(member.OfficePhoneField, m.OfficePhone)
	add(member.ExtensionField, m.Extension)
	add(member.QQField, m.QQ)
	add(member.WeChatField, m.WeChat)
	add(member.BioField, m.Bio)
	add(member.WorkDetailsField, m.WorkDetails)
	add(member.WorkPlaceField, m.WorkPlace)
	add(member.ExtendedAField, m.ExtendedA)
	add(member.ExtendedBField, m.ExtendedB)
	add(member.ExternalIDField, m.ExternalID)
	return out
}

package directory_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

func TestMemberFieldsValidatedOnTheWritePath(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name  string
		value member.Member
		field member.Field
		code  string
	}{
		{"invalid phone", member.Member{Mobile: "12345"}, member.MobileField, orgkit.CodeMemberMobileInvalid},
		{"invalid email", member.Member{Email: "not-an-email"}, member.EmailField, orgkit.CodeMemberEmailInvalid},
		{"invalid time zone", member.Member{TimeZone: "Mars/Olympus"}, member.TimeZoneField, "field.invalid"},
		{"invalid language", member.Member{Language: "not a language"}, member.LanguageField, "field.invalid"},
		{"invalid region", member.Member{Region: "XX"}, member.RegionField, "field.invalid"},
		{"invalid date", member.Member{HireDate: member.Date{Year: 2023, Month: 2, Day: 30}}, member.HireDateField, "field.invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := f.refuse(member.Update{ID: f.bob, Fields: []member.Field{c.field}, Value: c.value})
			require.Len(t, vs, 1)
			assert.Equal(t, c.code, vs[0].Code)
			assert.Equal(t, 0, vs[0].Command)
			assert.Equal(t, c.field.String(), string(vs[0].Field))
		})
	}
	// normalized forms are stored
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.MobileField, member.EmailField, member.TimeZoneField},
		Value: member.Member{Mobile: "+852-51234567", Email: " Bob@Example.COM ", TimeZone: "Asia/Hong_Kong"}})
	m := f.member(f.bob)
	assert.Equal(t, "+85251234567", m.Mobile)
	assert.Equal(t, "bob@example.com", m.Email)
	// login method email needs an email
	vs := f.refuse(member.Update{ID: f.dave, Fields: []member.Field{member.LoginMethodField}, Value: member.Member{LoginMethod: member.LoginByEmail}})
	assert.Equal(t, []string{orgkit.CodeMemberLoginMethod}, codes(vs))
	// zero and repeated IDs
	vs = f.refuse(member.Create{SystemName: orgkit.Name("x"), Mobile: "13900000077"})
	assert.Equal(t, []string{orgkit.CodeIDZero}, codes(vs))
	vs = f.refuse(member.Create{ID: f.bob, SystemName: orgkit.Name("x"), Mobile: "13900000077"})
	assert.Equal(t, []string{orgkit.CodeRecordExists}, codes(vs))
}

func TestUniqueFields(t *testing.T) {
	f := newFixture(t)
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.EmployeeNumberField, member.EmailField, member.LoginAccountField, member.SSOAccountField, member.ExternalIDField},
		Value: member.Member{EmployeeNumber: "E007", Email: "bob@acme.example", LoginAccount: "bob.li", SSOAccount: "bob@sso", ExternalID: "u-bob"}})
	cases := []struct {
		field member.Field
		value member.Member
	}{
		{member.SystemNameField, member.Member{SystemName: orgkit.Name(" BOB ")}},
		{member.EmployeeNumberField, member.Member{EmployeeNumber: "e007"}},
		{member.MobileField, member.Member{Mobile: "139 0000 0002"}},
		{member.EmailField, member.Member{Email: "BOB@acme.example"}},
		{member.LoginAccountField, member.Member{LoginAccount: "Bob.Li"}},
		{member.SSOAccountField, member.Member{SSOAccount: "BOB@SSO"}},
		{member.ExternalIDField, member.Member{ExternalID: "u-bob"}},
	}
	for _, c := range cases {
		t.Run(c.field.String(), func(t *testing.T) {
			vs := f.refuse(member.Update{ID: f.dave, Fields: []member.Field{c.field}, Value: c.value})
			require.Len(t, vs, 1)
			assert.Equal(t, orgkit.CodeFieldDuplicate, vs[0].Code)
			assert.Equal(t, c.field.String(), string(vs[0].Field))
			assert.Contains(t, vs[0].Message(), "Bob")
		})
	}
	// duplicates inside one batch
	x, y := orgkit.NewMemberID(), orgkit.NewMemberID()
	vs := f.refuse(
		member.Create{ID: x, SystemName: orgkit.Name("x"), Mobile: "13900000050"},
		member.Create{ID: y, SystemName: orgkit.Name("y"), Mobile: "13900000050"},
	)
	require.Equal(t, []string{"field.duplicate"}, codes(vs))
	assert.Equal(t, 1, vs[0].Command)
}

func TestBatchSwappingMobilesIsAccepted(t *testing.T) {
	f := newFixture(t)
	bobMobile, daveMobile := f.member(f.bob).Mobile, f.member(f.dave).Mobile
	f.apply(
		member.Update{ID: f.bob, Fields: []member.Field{member.MobileField}, Value: member.Member{Mobile: daveMobile}},
		member.Update{ID: f.dave, Fields: []member.Field{member.MobileField}, Value: member.Member{Mobile: bobMobile}},
	)
	assert.Equal(t, daveMobile, f.member(f.bob).Mobile)
	assert.Equal(t, bobMobile, f.member(f.dave).Mobile)
	m, ok := f.snap().MemberBy(member.MobileField, daveMobile)
	require.True(t, ok)
	assert.Equal(t, f.bob, m.ID, "the index follows the swap")
}

func TestBatchWithThreeMistakes(t *testing.T) {
	f := newFixture(t)
	before := f.snap()
	ok := orgkit.NewNodeID()
	vs := f.refuse(
		orgtree.Create{ID: ok, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Legal")}, // fine
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("sales")},
		member.Update{ID: f.bob, Fields: []member.Field{member.EmailField}, Value: member.Member{Email: "bob@"}},
		orgtree.SetManager{Node: ok, Member: f.alice}, // fine
		orgtree.Move{Node: f.rd, Parent: f.qa},
	)
	require.Len(t, vs, 3)
	assert.Equal(t, []int{1, 2, 4}, []int{vs[0].Command, vs[1].Command, vs[2].Command})
	assert.Equal(t, []string{orgkit.CodeNodeNameDuplicate, orgkit.CodeMemberEmailInvalid, orgkit.CodeTreeCycle}, codes(vs))
	_, exists := f.snap().Node(ok)
	assert.False(t, exists, "nothing written")
	assert.Same(t, before, f.snap())
}

// A batch of many new members is normalized ahead in parallel: it reports the same
// violations, with the same command indexes, as member by member, and stores the
// normalized values.
func TestLargeBatchOfNewMembers(t *testing.T) {
	f := newFixture(t)
	var cmds []orgkit.Command
	var ids []orgkit.MemberID
	for i := range 300 {
		id := orgkit.NewMemberID()
		ids = append(ids, id)
		c := member.Create{ID: id, SystemName: orgkit.Name(fmt.Sprintf("  user %d ", i)), Email: fmt.Sprintf("U%d@Example.COM", i),
			Mobile: fmt.Sprintf("137 %08d", i), LoginMethod: member.LoginByMobile, Primary: f.sales}
		switch i {
		case 17:
			c.Email = "u17@"
		case 150:
			c.Mobile = "12345"
		}
		cmds = append(cmds, orgtree.SetOrder{Node: f.sales, Order: i}, c) // creates at odd indexes
	}
	vs := f.refuse(cmds...)
	require.Len(t, vs, 2)
	assert.Equal(t, []int{2*17 + 1, 2*150 + 1}, []int{vs[0].Command, vs[1].Command})
	assert.Equal(t, []string{orgkit.CodeMemberEmailInvalid, "member.mobile.invalid"}, codes(vs))

	cmds[2*17+1] = member.Create{ID: ids[17], SystemName: orgkit.Name("user 17"), Email: "u17@example.com",
		Mobile: "13700000017", LoginMethod: member.LoginByMobile, Primary: f.sales}
	cmds[2*150+1] = member.Create{ID: ids[150], SystemName: orgkit.Name("user 150"), Email: "u150@example.com",
		Mobile: "13700000150", LoginMethod: member.LoginByMobile, Primary: f.sales}
	f.apply(cmds...)
	m := f.member(ids[3])
	assert.Equal(t, "user 3", m.SystemName.Default)
	assert.Equal(t, "u3@example.com", m.Email)
	assert.Equal(t, "+8613700000003", m.Mobile)
}

func TestAffiliationsDeriveAndFollowMoves(t *testing.T) {
	f := newFixture(t)
	bj := orgkit.NewNodeID()
	f.apply(directory.SetMultiOrg{On: true},
		orgtree.Create{ID: bj, Parent: f.root, Kind: orgtree.Organization, Name: orgkit.Name("Beijing")})
	s := f.snap()
	bob := f.member(f.bob)
	assert.True(t, bob.AffiliatedDepartment.IsZero())
	assert.Equal(t, f.product, s.AffiliatedDepartment(&bob))
	assert.Equal(t, f.root, s.AffiliatedOrganization(&bob), "nearest organization or company at or above the primary")
	// moving R&D under Beijing moves the derived organization with it
	f.apply(orgtree.Move{Node: f.rd, Parent: bj})
	s = f.snap()
	bob = f.member(f.bob)
	assert.Equal(t, bj, s.AffiliatedOrganization(&bob))
	// setting the derived value explicitly keeps it derived
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.AffiliatedDepartmentField, member.AffiliatedOrganizationField},
		Value: member.Member{AffiliatedDepartment: f.product, AffiliatedOrganization: bj}})
	bob = f.member(f.bob)
	assert.True(t, bob.AffiliatedDepartment.IsZero())
	assert.True(t, bob.AffiliatedOrganization.IsZero())
	// an explicit value sticks; an organization must be an organization or the company
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.AffiliatedDepartmentField}, Value: member.Member{AffiliatedDepartment: f.sales}})
	bob = f.member(f.bob)
	assert.Equal(t, f.sales, f.snap().AffiliatedDepartment(&bob))
	vs := f.refuse(member.Update{ID: f.bob, Fields: []member.Field{member.AffiliatedOrganizationField}, Value: member.Member{AffiliatedOrganization: f.sales}})
	assert.Equal(t, []string{orgkit.CodeMemberAffiliatedOrg}, codes(vs))
	// secondary departments never include the primary
	vs = f.refuse(member.Update{ID: f.bob, Fields: []member.Field{member.SecondaryDepartmentsField}, Value: member.Member{Secondary: []orgkit.NodeID{f.product}}})
	assert.Equal(t, []string{orgkit.CodeMemberSecondaryPrimary}, codes(vs))
}

func TestReportingLines(t *testing.T) {
	f := newFixture(t)
	vs := f.refuse(member.Update{ID: f.alice, Fields: []member.Field{member.ReportingManagerField}, Value: member.Member{ReportingManager: f.bob}})
	assert.Equal(t, []string{orgkit.CodeMemberManagerCycle}, codes(vs), "a reporting cycle")
	vs = f.refuse(member.Update{ID: f.alice, Fields: []member.Field{member.ReportingManagerField}, Value: member.Member{ReportingManager: f.alice}})
	assert.Equal(t, []string{orgkit.CodeMemberManagerSelf}, codes(vs))
	f.apply(member.Deactivate{Members: []orgkit.MemberID{f.dave}})
	vs = f.refuse(member.Update{ID: f.bob, Fields: []member.Field{member.ReportingManagerField}, Value: member.Member{ReportingManager: f.dave}})
	assert.Equal(t, []string{orgkit.CodeMemberManagerInactive}, codes(vs))
	vs = f.refuse(member.Update{ID: f.bob, Fields: []member.Field{member.ReportingManagerField}, Value: member.Member{ReportingManager: orgkit.NewMemberID()}})
	assert.Equal(t, []string{"field.reference.not_found"}, codes(vs), "same directory only")
	assert.ElementsMatch(t, []orgkit.MemberID{f.bob, f.carol}, f.snap().Reports(f.alice))
}

func TestLeavingActiveStatusCleansUp(t *testing.T) {
	f := newFixture(t)
	f.apply(
		member.Update{ID: f.alice, Fields: []member.Field{member.ReportingManagerField}, Value: member.Member{ReportingManager: f.dave}},
		orgtree.SetAssistants{Node: f.sales, Members: []orgkit.MemberID{f.alice, f.bob}},
		orgtree.SetObservers{Node: f.qa, Members: []orgkit.MemberID{f.alice}},
		orgtree.SetIsolation{Node: f.qa, Isolation: orgtree.Isolation{HideFromOutside: true,
			VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{f.alice, f.dave}},
			ContactWhitelist:    orgtree.Whitelist{Members: []orgkit.MemberID{f.alice}}}},
	)
	res := f.apply(member.Deactivate{Members: []orgkit.MemberID{f.alice}, HandOverReports: true})
	s := res.Snapshot
	rd, _ := s.Node(f.rd)
	sales, _ := s.Node(f.sales)
	qa, _ := s.Node(f.qa)
	assert.True(t, rd.Manager.IsZero(), "manager post removed")
	assert.Equal(t, []orgkit.MemberID{f.bob}, sales.Assistants)
	assert.Empty(t, qa.Observers)
	assert.Equal(t, []orgkit.MemberID{f.dave}, qa.Isolation.VisibilityWhitelist.Members)
	assert.Empty(t, qa.Isolation.ContactWhitelist.Members)
	bob, _ := s.Member(f.bob)
	assert.Equal(t, f.dave, bob.ReportingManager, "reports handed over to the leaver's manager")
	alice, _ := s.Member(f.alice)
	assert.Equal(t, f.rd, alice.Primary, "the primary affiliation stays")
	// the change set records every removal with before- and after-images
	kinds := map[orgkit.RecordKind]int{}
	for _, c := range res.ChangeSet.Changes {
		kinds[c.Record().Kind]++
		require.True(t, c.Before().Exists())
	}
	assert.Equal(t, 3, kinds[orgkit.KindDepartment], "R&D, Sales and QA")
	assert.Equal(t, 3, kinds[orgkit.KindMember], "Alice, Bob and Carol")
	// without hand-over, reports get no manager
	f.apply(member.Deactivate{Members: []orgkit.MemberID{f.dave}})
	bob = f.member(f.bob)
	assert.True(t, bob.ReportingManager.IsZero())
	// reactivation does not restore posts
	f.apply(member.Activate{Members: []orgkit.MemberID{f.alice}})
	assert.True(t, f.node(f.rd).Manager.IsZero())
	assert.Equal(t, orgkit.Active, f.member(f.alice).Status)
}

func TestLastOrgAdmin(t *testing.T) {
	f := newFixture(t)
	vs := f.refuse(member.Deactivate{Members: []orgkit.MemberID{f.ada}})
	assert.Equal(t, []string{orgkit.CodeMemberLastAdmin}, codes(vs))
	admin := f.snap().Settings().AdminRole
	vs = f.refuse(role.Unassign{Members: []orgkit.MemberID{f.ada}, Roles: []orgkit.RoleID{admin}})
	assert.Equal(t, []string{orgkit.CodeMemberLastAdmin}, codes(vs))
	// with a second admin it is fine, and the leader post goes with Ada
	f.apply(role.Assign{Members: []orgkit.MemberID{f.alice}, Roles: []orgkit.RoleID{admin}}, member.Deactivate{Members: []orgkit.MemberID{f.ada}})
	s := f.snap()
	assert.True(t, s.IsOrgAdmin(f.alice))
	assert.False(t, s.IsOrgAdmin(f.ada))
	assert.True(t, s.Settings().Leader.IsZero())
}

package connector_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

func TestFirstSyncAndNoOp(t *testing.T) {
	e := newEnv(t, connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 30, Members: 120}))
	rep := e.sync(connector.SyncOptions{})
	require.True(t, rep.Committed)
	assert.Empty(t, rep.Warnings)
	assert.Equal(t, 1, rep.Counts[connector.BindDirectory])
	assert.Equal(t, 30, rep.Counts[connector.NodeCreate])
	assert.Equal(t, 120, rep.Counts[connector.MemberCreate])
	set := e.snap().Settings()
	assert.Equal(t, orgkit.DingTalk, set.Platform)
	assert.Equal(t, "test-corp", set.UpstreamID)
	assert.Contains(t, set.SyncedMemberFields, member.MobileField)
	assert.Contains(t, set.SyncedMemberFields, member.StatusField)
	assert.Equal(t, "1", e.snap().Tree().Root().ExternalID)

	var last *directory.ChangeSet
	for cs, err := range e.svc.History(e.ctx, e.dir, directory.HistoryQuery{}) {
		require.NoError(t, err)
		last = cs
	}
	require.NotNil(t, last)
	assert.Equal(t, directory.OriginSync, last.Meta.Origin)

	version := e.snap().Version()
	again := e.sync(connector.SyncOptions{})
	assert.False(t, again.Committed)
	assert.True(t, again.Plan.Empty(), "%s", again.Plan)
	assert.Equal(t, version, e.snap().Version())
}

func TestSmallSyncShape(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	rd, be := e.node("rd"), e.node("be")
	assert.Equal(t, e.snap().Root(), rd.Parent)
	assert.Equal(t, rd.ID, be.Parent)
	assert.Equal(t, e.member("u1").ID, rd.Manager, "first leader is the manager")
	assert.Equal(t, []orgkit.MemberID{e.member("u2").ID}, rd.Assistants, "other leaders assist")
	u9 := e.member("u9")
	assert.Equal(t, e.node("sales").ID, u9.Primary)
	assert.Equal(t, []orgkit.NodeID{be.ID}, u9.Secondary)
	assert.Equal(t, e.member("u7").ID, u9.ReportingManager)
	assert.Equal(t, "+8613900000008", u9.Mobile, "stored in E.164")
	assert.Equal(t, "Zhang Min", u9.SystemName.Default, "system name derived from the full name")
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestRename(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	e.src.EditDepartment("be", func(d *connector.Department) {
		d.Name = orgkit.Names{Default: "Server", ByLang: map[string]string{"zh-Hans": "服务端"}}
	})
	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeRename: 1}, rep.Counts)
	assert.Equal(t, "Server", e.node("be").Name.Default)
	assert.Equal(t, "服务端", e.node("be").Name.ByLang["zh-Hans"])
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestSubtreeMove(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	e.src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "eng", Parent: "1", Name: orgkit.Name("Engineering"), Order: 3})
	e.src.EditDepartment("rd", func(d *connector.Department) { d.Parent = "eng" })
	e.src.EditDepartment("sales", func(d *connector.Department) { d.Parent = "be" }) // under a moving subtree
	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeCreate: 1, connector.NodeMove: 2}, rep.Counts)
	snap := e.snap()
	assert.Equal(t, []string{"Acme", "Engineering", "R&D", "Backend", "Sales"}, pathNames(snap.Tree().Path(e.node("sales").ID)))
	// and back again: the hierarchy inverts (Backend under Sales) without a cycle
	e.src.EditDepartment("sales", func(d *connector.Department) { d.Parent = "1" })
	e.src.EditDepartment("rd", func(d *connector.Department) { d.Parent = "sales" })
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, 2, rep.Counts[connector.NodeMove])
	assert.Equal(t, []string{"Acme", "Sales", "R&D", "Backend"}, pathNames(e.snap().Tree().Path(e.node("be").ID)))
}

func pathNames(path []orgtree.Node) []string {
	var out []string
	for _, n := range path {
		out = append(out, n.Name.Default)
	}
	return out
}

func TestMemberChangesDepartments(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	e.src.EditMember("u4", func(m *connector.Member) { m.Departments = []string{"fe", "sales"} })
	e.src.EditMember("u9", func(m *connector.Member) { m.Departments = []string{"1"} }) // to the company itself
	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberMove: 2}, rep.Counts)
	u4 := e.member("u4")
	assert.Equal(t, e.node("fe").ID, u4.Primary)
	assert.Equal(t, []orgkit.NodeID{e.node("sales").ID}, u4.Secondary)
	assert.Equal(t, e.snap().Root(), e.member("u9").Primary)
	assert.Empty(t, e.member("u9").Secondary)
}

func TestMemberResignedUpstream(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	// roles are local: give u8 one
	rid := orgkit.NewRoleID()
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{}, role.Create{ID: rid, Name: orgkit.Name("Reviewer")},
		role.Assign{Members: []orgkit.MemberID{e.member("u8").ID}, Roles: []orgkit.RoleID{rid}})
	require.NoError(t, err)
	e.src.EditMember("u8", func(m *connector.Member) { m.Status = connector.Resigned })
	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberResign: 1}, rep.Counts)
	u8 := e.member("u8")
	assert.Equal(t, orgkit.Inactive, u8.Status)
	assert.Equal(t, e.node("sales").ID, u8.Primary, "the primary affiliation stays")
	assert.Empty(t, e.snap().Assignment(u8.ID).Roles, "resignation removes roles")
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestLeaderGoneUpstream(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	// u3 leads Backend and manages u4 and u10; upstream still lists them as reports
	e.src.RemoveMember("u3")
	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, 1, rep.Counts[connector.MemberDeactivate])
	assert.Equal(t, 1, rep.Counts[connector.NodeManager])
	assert.True(t, e.node("be").Manager.IsZero())
	assert.True(t, e.member("u4").ReportingManager.IsZero())
	assert.NotEmpty(t, rep.Warnings)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestRehiredMember(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	id := e.member("u6").ID
	count := e.snap().MemberCount()
	e.src.RemoveMember("u6")
	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberDeactivate: 1}, rep.Counts)
	assert.Equal(t, orgkit.Inactive, e.member("u6").Status)

	e.src.RestoreMember("u6")
	e.src.EditMember("u6", func(m *connector.Member) { m.Values.JobTitle = "Staff Engineer" })
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberActivate: 1, connector.MemberUpdate: 1}, rep.Counts)
	u6 := e.member("u6")
	assert.Equal(t, id, u6.ID, "same member, not a duplicate")
	assert.Equal(t, orgkit.Active, u6.Status)
	assert.Equal(t, "Staff Engineer", u6.JobTitle)
	assert.Equal(t, count, e.snap().MemberCount())
}

func TestDepartmentDeletedWithMembers(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	be := e.node("be")
	// Backend disappears upstream; its people still list it (u9 as secondary), and
	// Backend's leader u3 leaves with it
	e.src.RemoveDepartment("be")
	e.src.RemoveMember("u3")
	// one of four departments is over the safety rule's 20 %; two of ten members left
	// without one is not
	refused, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	assert.Contains(t, err.Error(), "would deactivate 1 of 4 active departments (limit 500 or 20 % each)")
	assert.Equal(t, 2, refused.Plan.Unassigned)
	rep := e.sync(forced)
	assert.Equal(t, 1, rep.Counts[connector.NodeDeactivate])
	assert.Equal(t, 3, rep.Counts[connector.MemberMove], "%s", rep.Plan) // u4, u10 unassigned; u9 keeps Sales
	snap := e.snap()
	n, _ := snap.Node(be.ID)
	assert.Equal(t, orgkit.Inactive, n.Status, "never deleted")
	assert.True(t, e.member("u4").Primary.IsZero(), "no department left: unassigned")
	assert.Equal(t, e.node("sales").ID, e.member("u9").Primary)
	assert.Empty(t, e.member("u9").Secondary)
	assert.Equal(t, be.ID, e.member("u3").Primary, "leavers keep their primary")
	codes := warningCodes(rep.Warnings)
	assert.Contains(t, codes, connector.WarnMemberDepartment)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())

	// it comes back: reactivated, and its people return
	e.src.RestoreDepartment("be")
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, 1, rep.Counts[connector.NodeReactivate])
	assert.Equal(t, 3, rep.Counts[connector.MemberMove])
	assert.Equal(t, be.ID, e.member("u4").Primary)
}

func TestLocalMembersLeaveGoneDepartment(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{Reason: "first"})
	// a local member (no external ID) created before the binding would be refused now,
	// so unbind, add one in Frontend, and sync again
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{}, directoryUnbind())
	require.NoError(t, err)
	local := orgkit.NewMemberID()
	_, err = e.svc.Apply(e.ctx, e.dir, directory.Meta{}, member.Create{ID: local, SystemName: orgkit.Name("temp"), Mobile: "13800000000", Primary: e.node("fe").ID})
	require.NoError(t, err)
	e.src.RemoveDepartment("fe")
	e.src.EditMember("u5", func(m *connector.Member) { m.Departments = []string{"rd"} })
	e.src.EditMember("u6", func(m *connector.Member) { m.Departments = []string{"rd"} })
	rep := e.sync(forced) // one of four departments
	assert.Equal(t, 1, rep.Counts[connector.NodeDeactivate], "%s", rep.Plan)
	m, _ := e.snap().Member(local)
	assert.True(t, m.Primary.IsZero())
	assert.Equal(t, orgkit.Active, m.Status, "local members are not the upstream's to deactivate")
}

func TestNameCollisionSuffixStable(t *testing.T) {
	build := func() *connectortest.Source {
		s := smallSource()
		s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "s2", Parent: "1", Name: orgkit.Name("sales "), Order: 5})
		s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "s3", Parent: "1", Name: orgkit.Name("ＳＡＬＥＳ"), Order: 6})
		return s
	}
	e := newEnv(t, build())
	rep := e.sync(connector.SyncOptions{})
	assert.Contains(t, warningCodes(rep.Warnings), connector.WarnNameCollision)
	names := func(e *env) []string {
		return []string{e.node("sales").Name.Default, e.node("s2").Name.Default, e.node("s3").Name.Default}
	}
	// the smallest external ID ("s2" < "s3" < "sales") keeps the plain name
	want := []string{"Sales (sales)", "sales", "ＳＡＬＥＳ (s3)"}
	assert.Equal(t, want, names(e))
	for range 2 {
		rep := e.sync(connector.SyncOptions{})
		assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)
		assert.Equal(t, want, names(e))
	}
	// a fresh directory gets the same names
	f := newEnv(t, build())
	f.sync(connector.SyncOptions{})
	assert.Equal(t, want, names(f))
	// a suffixed department renamed upstream loses its suffix; the others keep theirs
	e.src.EditDepartment("sales", func(d *connector.Department) { d.Name = orgkit.Name("Sales EMEA") })
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeRename: 1}, rep.Counts)
	assert.Equal(t, []string{"Sales EMEA", "sales", "ＳＡＬＥＳ (s3)"}, names(e))
}

func TestGoneDepartmentYieldsItsName(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	// Sales is replaced upstream by a new department with the same name
	e.src.RemoveDepartment("sales")
	e.src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "sales2", Parent: "1", Name: orgkit.Name("Sales")})
	for _, u := range []string{"u7", "u8", "u9"} {
		e.src.EditMember(u, func(m *connector.Member) { m.Departments[0] = "sales2" })
	}
	rep := e.sync(forced) // one of four departments
	require.True(t, rep.Committed)
	assert.Equal(t, "Sales", e.node("sales2").Name.Default)
	old, _ := e.snap().Tree().ByExternalID("sales")
	assert.Equal(t, "Sales (sales)", old.Name.Default)
	assert.Equal(t, orgkit.Inactive, old.Status)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestFetchFailureAppliesNothing(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	v := e.snap().Version()
	e.src.EditDepartment("rd", func(d *connector.Department) { d.Name = orgkit.Name("Research") })

	e.src.PartialNextFetch()
	rep, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrPartialFetch)
	require.ErrorIs(t, err, orgkit.ErrPrecondition)
	assert.False(t, rep.Committed)
	assert.Equal(t, v, e.snap().Version())

	boom := errors.New("page 3: connection reset")
	e.src.FailNextFetch(boom)
	_, err = connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, v, e.snap().Version())
	assert.Equal(t, "R&D", e.node("rd").Name.Default)

	e.sync(connector.SyncOptions{})
	assert.Equal(t, "Research", e.node("rd").Name.Default)
}

func TestMassDeactivationRefusedThenForced(t *testing.T) {
	e := newEnv(t, connectortest.Generate(connectortest.GenerateOptions{Seed: 7, Departments: 10, Members: 100}))
	e.sync(connector.SyncOptions{})
	v := e.snap().Version()
	ids := e.src.MemberIDs()
	for _, ext := range ids[:30] {
		e.src.RemoveMember(ext)
	}
	rep, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	require.ErrorIs(t, err, orgkit.ErrPrecondition)
	assert.Contains(t, err.Error(), "30 of 100")
	assert.Equal(t, 30, rep.Plan.Deactivations, "the refused plan is reported")
	assert.Equal(t, v, e.snap().Version(), "nothing applied")

	rep = e.sync(connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}})
	assert.Equal(t, 30, rep.Counts[connector.MemberDeactivate])
	assert.Equal(t, orgkit.Inactive, e.member(ids[0]).Status)

	// the absolute limit
	e2 := newEnv(t, connectortest.Generate(connectortest.GenerateOptions{Seed: 7, Departments: 10, Members: 100}))
	e2.sync(connector.SyncOptions{})
	e2.src.RemoveMember(ids[0])
	e2.src.RemoveMember(ids[1])
	_, err = connector.Sync(e2.ctx, e2.svc, e2.dir, e2.src, connector.SyncOptions{PlanOptions: connector.PlanOptions{MaxDeactivations: 1}})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
}

func TestSyncedFieldsReadOnly(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	u4, be := e.member("u4"), e.node("be")
	cases := []struct {
		name string
		cmd  orgkit.Command
	}{
		{"member full name", member.Update{ID: u4.ID, Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: "Linus"}}},
		{"member mobile", member.Update{ID: u4.ID, Fields: []member.Field{member.MobileField}, Value: member.Member{Mobile: "13700000000"}}},
		{"member departments", member.Update{ID: u4.ID, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: e.node("fe").ID}}},
		{"member deactivation", member.Deactivate{Members: []orgkit.MemberID{u4.ID}}},
		{"member creation", member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("x"), Mobile: "13700000001"}},
		{"node rename", orgtree.Rename{Node: be.ID, Name: orgkit.Name("Server")}},
		{"node move", orgtree.Move{Node: be.ID, Parent: e.snap().Root()}},
		{"node manager", orgtree.SetManager{Node: be.ID, Member: u4.ID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{Actor: "admin"}, c.cmd)
			require.Error(t, err)
			assert.ErrorIs(t, err, orgkit.ErrReadOnly)
			var inv *orgkit.InvalidError
			require.ErrorAs(t, err, &inv)
			assert.Equal(t, orgkit.CodeFieldReadOnly, inv.Violations[0].Code)
		})
	}
	t.Run("merge", func(t *testing.T) {
		_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{}, orgtree.Merge{Sources: []orgkit.NodeID{e.node("fe").ID}, Target: be.ID})
		var inv *orgkit.InvalidError
		require.ErrorAs(t, err, &inv)
		assert.Equal(t, orgkit.CodeNodeMergeSynced, inv.Violations[0].Code)
	})
}

func TestLocalFieldsEditable(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	u4, u5, be := e.member("u4"), e.member("u5"), e.node("be")
	rid := orgkit.NewRoleID()
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{Actor: "admin"},
		member.Update{ID: u4.ID, Fields: []member.Field{member.ExtendedAField, member.SystemNameField}, Value: member.Member{ExtendedA: "badge 42", SystemName: orgkit.Name("linus")}},
		orgtree.SetObservers{Node: be.ID, Members: []orgkit.MemberID{u5.ID}},
		orgtree.SetIsolation{Node: be.ID, Isolation: orgtree.Isolation{HideFromOutside: true, VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{u5.ID}}}},
		orgtree.SetGroup{Node: be.ID, Group: orgtree.GroupSettings{IncludeSubMembers: true}},
		role.Create{ID: rid, Name: orgkit.Name("Auditor")},
		role.Assign{Members: []orgkit.MemberID{u4.ID}, Roles: []orgkit.RoleID{rid}},
	)
	require.NoError(t, err)
	rep := e.sync(connector.SyncOptions{})
	assert.True(t, rep.Plan.Empty(), "sync leaves local fields alone: %s", rep.Plan)
	assert.Equal(t, "badge 42", e.member("u4").ExtendedA)
	assert.True(t, e.node("be").Isolation.HideFromOutside)
}

func TestWithheldFieldsKeepLocalValues(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	// the platform stops sending mobiles and job titles (missing permissions)
	for _, ext := range e.src.MemberIDs() {
		e.src.EditMember(ext, func(m *connector.Member) {
			m.Present = slices.DeleteFunc(m.Present, func(f member.Field) bool { return f == member.MobileField || f == member.JobTitleField })
			m.Values.Mobile, m.Values.JobTitle = "", ""
		})
	}
	rep := e.sync(connector.SyncOptions{})
	assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)
	assert.Equal(t, "+8613900000003", e.member("u4").Mobile)
	assert.Equal(t, "Engineer", e.member("u4").JobTitle)

	// a present, empty value clears: the job title goes; the mobile goes too, and
	// the login method follows to the email
	e.src.EditMember("u4", func(m *connector.Member) { m.Present = append(m.Present, member.MobileField, member.JobTitleField) })
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1}, rep.Counts)
	u4 := e.member("u4")
	assert.Empty(t, u4.Mobile)
	assert.Empty(t, u4.JobTitle)
	assert.Equal(t, member.LoginByEmail, u4.LoginMethod)
	assert.Contains(t, warningCodes(rep.Warnings), connector.WarnMemberLoginMethod)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestFirstSyncMatchesPopulatedDirectory(t *testing.T) {
	e := newEnv(t, smallSource())
	// the directory already has two of the people and the R&D department
	rd := orgkit.NewNodeID()
	ada, grace := orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{},
		orgtree.Create{ID: rd, Parent: e.snap().Root(), Kind: orgtree.Department, Name: orgkit.Name("r&d")},
		member.Create{ID: ada, SystemName: orgkit.Name("ada"), Mobile: "+8613900000000", Primary: rd, ExtendedA: "keep me"},
		member.Create{ID: grace, SystemName: orgkit.Name("grace"), Email: "U3@example.com", LoginMethod: member.LoginByEmail},
	)
	require.NoError(t, err)
	rep := e.sync(connector.SyncOptions{PlanOptions: connector.PlanOptions{MatchKeys: []member.Field{member.ExternalIDField, member.MobileField, member.EmailField}}})
	assert.Equal(t, 2, rep.Counts[connector.MemberBind], "%s", rep.Plan)
	assert.Equal(t, 8, rep.Counts[connector.MemberCreate])
	assert.Equal(t, 2, rep.Counts[connector.NodeBind], "the root and R&D")
	assert.Equal(t, 3, rep.Counts[connector.NodeCreate])
	assert.Equal(t, ada, e.member("u1").ID)
	assert.Equal(t, grace, e.member("u3").ID)
	assert.Equal(t, rd, e.node("rd").ID)
	assert.Equal(t, "keep me", e.member("u1").ExtendedA)
	assert.Equal(t, "R&D", e.node("rd").Name.Default)
	assert.Equal(t, 10, e.snap().MemberCount())
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestAmbiguousFirstSyncRefused(t *testing.T) {
	e := newEnv(t, smallSource())
	a, b := orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err := e.svc.Apply(e.ctx, e.dir, directory.Meta{},
		member.Create{ID: a, SystemName: orgkit.Name("ada"), Mobile: "+8613900000000"},
		member.Create{ID: b, SystemName: orgkit.Name("ada2"), Email: "u1@example.com", LoginMethod: member.LoginByEmail},
	)
	require.NoError(t, err)
	v := e.snap().Version()
	_, err = connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{PlanOptions: connector.PlanOptions{MatchKeys: []member.Field{member.MobileField, member.EmailField}}})
	require.ErrorIs(t, err, connector.ErrAmbiguousMatch)
	var amb *connector.AmbiguousMatchError
	require.ErrorAs(t, err, &amb)
	require.Len(t, amb.Matches, 1)
	assert.Equal(t, []string{"u1"}, amb.Matches[0].ExternalIDs)
	assert.ElementsMatch(t, []orgkit.MemberID{a, b}, []orgkit.MemberID{amb.Matches[0].Candidates[0].Member, amb.Matches[0].Candidates[1].Member})
	assert.Contains(t, err.Error(), a.String())
	assert.Contains(t, err.Error(), b.String())
	assert.Equal(t, v, e.snap().Version())

	// two upstream members matching one local member is ambiguous too
	e2 := newEnv(t, smallSource())
	_, err = e2.svc.Apply(e2.ctx, e2.dir, directory.Meta{}, member.Create{ID: a, SystemName: orgkit.Name("ada"), Mobile: "+8613900000000"})
	require.NoError(t, err)
	e2.src.EditMember("u2", func(m *connector.Member) { m.Values.Mobile = "13900000000" })
	_, err = connector.Sync(e2.ctx, e2.svc, e2.dir, e2.src, connector.SyncOptions{PlanOptions: connector.PlanOptions{MatchKeys: []member.Field{member.MobileField}}})
	require.ErrorAs(t, err, &amb)
	assert.Equal(t, []string{"u1", "u2"}, amb.Matches[0].ExternalIDs)
}

func TestManagerCycleBroken(t *testing.T) {
	e := newEnv(t, smallSource())
	e.src.EditMember("u1", func(m *connector.Member) { m.Manager = "u7" }) // u7 → u1 → u7
	rep := e.sync(connector.SyncOptions{})
	require.True(t, rep.Committed)
	var w *connector.Warning
	for i := range rep.Warnings {
		if rep.Warnings[i].Code == connector.WarnManagerCycle {
			w = &rep.Warnings[i]
		}
	}
	require.NotNil(t, w, "%v", rep.Warnings)
	assert.Equal(t, "u7", w.ExternalID, "the greatest external ID in the cycle loses its line")
	assert.Equal(t, e.member("u7").ID, e.member("u1").ReportingManager)
	assert.True(t, e.member("u7").ReportingManager.IsZero())
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestDuplicateContactsDropped(t *testing.T) {
	e := newEnv(t, smallSource())
	e.src.EditMember("u5", func(m *connector.Member) { m.Values.Mobile = "+86 139 0000 0000" })
	e.src.EditMember("u6", func(m *connector.Member) { m.Values.Mobile = "13900000001"; m.Values.Email = "U2@Example.com" })
	rep := e.sync(connector.SyncOptions{})
	require.True(t, rep.Committed)
	assert.Equal(t, "+8613900000000", e.member("u1").Mobile)
	u5 := e.member("u5")
	assert.Empty(t, u5.Mobile, "dropped from the later member")
	assert.Equal(t, member.LoginByEmail, u5.LoginMethod, "logs in by the contact it has")
	u6 := e.member("u6")
	assert.Empty(t, u6.Mobile+u6.Email, "neither contact left")
	assert.Equal(t, member.LoginByPlatform, u6.LoginMethod, "so u6 logs in through the platform")
	codes := warningCodes(rep.Warnings)
	assert.Contains(t, codes, connector.WarnMemberDuplicate)
	assert.Equal(t, e.member("u1").ID, e.node("rd").Manager, "leaders are unaffected")
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestBrokenUpstreamRepaired(t *testing.T) {
	s := smallSource()
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "x", Parent: "y", Name: orgkit.Name("X")})
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "y", Parent: "x", Name: orgkit.Name("Y")})
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "orphan", Parent: "nowhere", Name: orgkit.Name("  ")})
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "", Name: orgkit.Name("no id")})
	s.PutMember(connectortest.NewMember("u11", "Ghost", "13900000011", "nowhere", "x"))
	s.PutMember(connectortest.NewMember("u12", "Bad Phone", "12345", "y"))
	e := newEnv(t, s)
	rep := e.sync(connector.SyncOptions{})
	require.True(t, rep.Committed)
	codes := warningCodes(rep.Warnings)
	for _, c := range []string{connector.WarnDepartmentCycle, connector.WarnDepartmentParent, connector.WarnDepartmentName,
		connector.WarnDepartmentInvalid, connector.WarnMemberDepartment, connector.WarnMemberValue} {
		assert.Contains(t, codes, c)
	}
	assert.Equal(t, e.snap().Root(), e.node("y").Parent, "the cycle breaks at the greatest external ID")
	assert.Equal(t, e.node("y").ID, e.node("x").Parent)
	assert.Equal(t, "orphan", e.node("orphan").Name.Default)
	assert.Equal(t, e.node("x").ID, e.member("u11").Primary)
	assert.Equal(t, member.LoginByPlatform, e.member("u12").LoginMethod, "no valid contact: logs in through the platform")
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

func TestDeltaSync(t *testing.T) {
	e := newEnv(t, smallSource())
	rep := e.sync(connector.SyncOptions{})
	cursor := rep.Cursor
	require.NotEmpty(t, cursor)
	e.src.EditMember("u4", func(m *connector.Member) { m.Values.JobTitle = "Kernel Hacker" })
	e.src.RemoveMember("u10")
	e.src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "ops", Parent: "rd", Name: orgkit.Name("Ops")})
	rep = e.sync(connector.SyncOptions{Cursor: cursor})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1, connector.MemberDeactivate: 1, connector.NodeCreate: 1}, rep.Counts)
	assert.Equal(t, "Kernel Hacker", e.member("u4").JobTitle)
	assert.NotEqual(t, cursor, rep.Cursor)
	assert.True(t, e.sync(connector.SyncOptions{Cursor: rep.Cursor}).Plan.Empty())
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty(), "a full sync agrees")
}

func TestDepartmentRefresh(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	e.src.EditMember("u8", func(m *connector.Member) { m.Values.JobTitle = "Account Manager" })
	e.src.EditMember("u4", func(m *connector.Member) { m.Values.JobTitle = "not refreshed" })
	e.src.RemoveMember("u1") // not refreshed either: nobody is deactivated
	rep := e.sync(connector.SyncOptions{Departments: []string{"sales"}})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberUpdate: 1}, rep.Counts, "%s", rep.Plan)
	assert.Equal(t, "Account Manager", e.member("u8").JobTitle)
	assert.Equal(t, "Engineer", e.member("u4").JobTitle)
}

func TestBind(t *testing.T) {
	e := newEnv(t, smallSource())
	snap, err := connector.Bind(e.ctx, e.svc, e.dir, e.src)
	require.NoError(t, err)
	set := snap.Settings()
	assert.Equal(t, orgkit.DingTalk, set.Platform)
	assert.Equal(t, e.src.Fields().Normalized().Member, set.SyncedMemberFields)
	rep := e.sync(connector.SyncOptions{})
	assert.Zero(t, rep.Counts[connector.BindDirectory])

	other := connectortest.New(connectortest.Options{Platform: orgkit.WeCom, TenantID: "ww123"})
	_, err = connector.Sync(e.ctx, e.svc, e.dir, other, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrBoundElsewhere)
}

func TestPlanRefusesBadInput(t *testing.T) {
	e := newEnv(t, smallSource())
	up := e.src.Snapshot()
	_, err := connector.Plan(e.ctx, e.snap(), up, connector.PlanOptions{MatchKeys: []member.Field{member.JobTitleField}})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	up.Platform = orgkit.Generic
	_, err = connector.Plan(e.ctx, e.snap(), up, connector.PlanOptions{})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	up = e.src.Snapshot()
	before := up.Clone()
	_, err = connector.Plan(e.ctx, e.snap(), up, connector.PlanOptions{})
	require.NoError(t, err)
	assert.Equal(t, before, up, "Plan does not modify the upstream snapshot")
}

func warningCodes(ws []connector.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return out
}

func TestDryRun(t *testing.T) {
	e := newEnv(t, smallSource())
	v := e.snap().Version()
	rep := e.sync(connector.SyncOptions{DryRun: true})
	assert.False(t, rep.Committed)
	assert.Equal(t, 10, rep.Counts[connector.MemberCreate])
	assert.Equal(t, v, e.snap().Version())
	assert.Contains(t, rep.String(), "not applied")

	up, err := connector.Fetch(e.ctx, e.src)
	require.NoError(t, err)
	assert.Equal(t, orgkit.DingTalk, up.Platform)
	plan, err := connector.Plan(e.ctx, e.snap(), up, connector.PlanOptions{})
	require.NoError(t, err)
	assert.Equal(t, rep.Counts, plan.Counts())
	assert.Contains(t, plan.String(), "member.create")
}

// TestChurnMatchesPlan checks, at a small size, what BenchmarkPlan100k asserts: a
// round of churn over every kind of change plans exactly the items it announces, and
// the plan applies.
func TestChurnMatchesPlan(t *testing.T) {
	e := newEnv(t, connectortest.Generate(connectortest.GenerateOptions{Seed: 5, Departments: 40, Members: 420}))
	e.sync(connector.SyncOptions{})
	gone, closed := connectortest.Depart(e.src, 6, 10, 4)
	require.Equal(t, 10, gone)
	require.Equal(t, 4, closed)
	e.sync(connector.SyncOptions{})
	want := connectortest.Churn(e.src, connectortest.ChurnOptions{Seed: 7, Share: 0.15})
	for _, k := range []connector.ItemKind{connector.NodeCreate, connector.NodeRename, connector.NodeMove, connector.NodeReorder,
		connector.NodeDeactivate, connector.NodeReactivate, connector.NodeManager, connector.MemberCreate, connector.MemberUpdate,
		connector.MemberMove, connector.MemberManager, connector.MemberDeactivate, connector.MemberResign, connector.MemberActivate} {
		assert.Positive(t, want[k], "churn covers %s", k)
	}
	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, want, rep.Counts)
	assert.Empty(t, rep.Warnings)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
}

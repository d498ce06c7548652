package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/pinyin"
	"github.com/orgkit/orgkit/role"
)

// peopleFix is a directory with a founder (leader and only org admin).
type peopleFix struct {
	ctx     context.Context
	svc     *directory.Service
	dir     orgkit.DirectoryID
	root    orgkit.NodeID
	admin   orgkit.RoleID
	founder orgkit.MemberID
	mobiles int
}

func newPeopleFix(t testing.TB) *peopleFix {
	t.Helper()
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"), Founder: &directory.Founder{Name: "Ada", Mobile: "13800000000"}})
	require.NoError(t, err)
	return &peopleFix{ctx: ctx, svc: svc, dir: snap.ID(), root: snap.Root(), admin: snap.Settings().AdminRole, founder: snap.Settings().Leader}
}

func (f *peopleFix) snap(t testing.TB) *directory.Snapshot {
	t.Helper()
	s, err := f.svc.Snapshot(f.ctx, f.dir)
	require.NoError(t, err)
	return s
}

func (f *peopleFix) apply(t testing.TB, cmds ...orgkit.Command) *directory.Result {
	t.Helper()
	res, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "test"}, cmds...)
	require.NoError(t, err)
	return res
}

// refuse applies a batch that must fail, checks that nothing changed, and returns the
// violations.
func (f *peopleFix) refuse(t testing.TB, cmds ...orgkit.Command) []orgkit.Violation {
	t.Helper()
	before := f.snap(t).Version()
	_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "test"}, cmds...)
	require.Error(t, err)
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	var inv *orgkit.InvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, before, f.snap(t).Version(), "a refused batch changes nothing")
	return inv.Violations
}

func violationCodes(vs []orgkit.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Code
	}
	return out
}

// person returns a Create for a member with a unique mobile.
func (f *peopleFix) person(name string, primary orgkit.NodeID) (orgkit.MemberID, member.Create) {
	f.mobiles++
	id := orgkit.NewMemberID()
	return id, member.Create{ID: id, SystemName: orgkit.Name(name), FullName: name, Mobile: fmt.Sprintf("139%08d", f.mobiles), Primary: primary}
}

func (f *peopleFix) add(t testing.TB, name string, primary orgkit.NodeID) orgkit.MemberID {
	t.Helper()
	id, c := f.person(name, primary)
	f.apply(t, c)
	return id
}

func (f *peopleFix) dept(t testing.TB, name string, parent orgkit.NodeID) orgkit.NodeID {
	t.Helper()
	id := orgkit.NewNodeID()
	f.apply(t, orgtree.Create{ID: id, Parent: parent, Kind: orgtree.Department, Name: orgkit.Name(name)})
	return id
}

func (f *peopleFix) role(t testing.TB, name string, group orgkit.RoleGroupID) orgkit.RoleID {
	t.Helper()
	id := orgkit.NewRoleID()
	f.apply(t, role.Create{ID: id, Name: orgkit.Name(name), Group: group})
	return id
}

func (f *peopleFix) member(t testing.TB, id orgkit.MemberID) member.Member {
	t.Helper()
	m, ok := f.snap(t).Member(id)
	require.True(t, ok)
	return m
}

func (f *peopleFix) roles(t testing.TB, id orgkit.MemberID) (held []orgkit.RoleID, primary orgkit.RoleID) {
	t.Helper()
	a := f.snap(t).Assignment(id)
	return a.Roles, a.Primary
}

// --- roles ---

func TestRoleNamesUniqueAfterNormalization(t *testing.T) {
	f := newPeopleFix(t)
	g := orgkit.NewRoleGroupID()
	f.apply(t, role.CreateGroup{ID: g, Name: orgkit.Name("Sales roles")}, role.CreateGroup{ID: orgkit.NewRoleGroupID(), Name: orgkit.Name("Buyers")})
	r := f.role(t, "Sales Manager", g)
	tests := []struct {
		name string
		cmd  orgkit.Command
		code string
	}{
		{"role: case and spaces", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("  sales   MANAGER ")}, orgkit.CodeRoleNameDuplicate},
		{"role: full width", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("Ｓａｌｅｓ Ｍａｎａｇｅｒ")}, orgkit.CodeRoleNameDuplicate},
		{"role: the built-in admin's name", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("org ADMIN")}, orgkit.CodeRoleNameDuplicate},
		{"role: rename onto another", role.Update{ID: f.admin, Name: orgkit.Name("sales manager"), Kind: role.Admin, Permissions: []string{"*"}}, orgkit.CodeRoleNameDuplicate},
		{"group: case and spaces", role.CreateGroup{ID: orgkit.NewRoleGroupID(), Name: orgkit.Name("SALES  roles")}, "field.duplicate"},
		{"group: rename onto another", role.RenameGroup{ID: g, Name: orgkit.Name("ＢＵＹＥＲＳ")}, "field.duplicate"},
		{"group: no name", role.RenameGroup{ID: g, Name: orgkit.Name("")}, orgkit.CodeNodeNameRequired},
		{"role: no name", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name(" ")}, orgkit.CodeNodeNameRequired},
		{"role: zero ID", role.Create{Name: orgkit.Name("X")}, orgkit.CodeIDZero},
		{"role: ID taken", role.Create{ID: r, Name: orgkit.Name("X")}, orgkit.CodeRecordExists},
		{"role: bad kind", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("X"), Kind: 7}, "field.invalid"},
		{"role: unknown group", role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("X"), Group: orgkit.NewRoleGroupID()}, "field.reference.not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, violationCodes(f.refuse(t, tt.cmd)), tt.code)
		})
	}
	t.Run("two new roles with one name in one batch", func(t *testing.T) {
		vs := f.refuse(t, role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("Buyer")}, role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Name("buyer")})
		assert.Equal(t, []string{orgkit.CodeRoleNameDuplicate}, violationCodes(vs))
		assert.Equal(t, 1, vs[0].Command)
	})
	t.Run("a retired role's or group's name is free again", func(t *testing.T) {
		g2 := orgkit.NewRoleGroupID()
		f.apply(t, role.CreateGroup{ID: g2, Name: orgkit.Name("Temp")}, role.RetireGroup{ID: g2})
		f.apply(t, role.Retire{ID: r})
		f.role(t, "sales manager", orgkit.RoleGroupID{})
		f.apply(t, role.CreateGroup{ID: orgkit.NewRoleGroupID(), Name: orgkit.Name("temp")})
	})
}

func TestRoleRegroupRetireAndGroups(t *testing.T) {
	f := newPeopleFix(t)
	g1, g2 := orgkit.NewRoleGroupID(), orgkit.NewRoleGroupID()
	f.apply(t, role.CreateGroup{ID: g1, Name: orgkit.Name("Sales")}, role.CreateGroup{ID: g2, Name: orgkit.Name("Purchasing")})
	r1 := f.role(t, "Sales rep", g1)
	r2 := f.role(t, "Sales lead", g1)

	// regroup
	f.apply(t, role.Update{ID: r1, Name: orgkit.Name("Sales rep"), Group: g2, Permissions: []string{" crm.read ", "crm.read", ""}})
	got, _ := f.snap(t).Role(r1)
	assert.Equal(t, g2, got.Group)
	assert.Equal(t, []string{"crm.read"}, got.Permissions, "permissions trimmed and deduplicated")

	// rename a group
	f.apply(t, role.RenameGroup{ID: g1, Name: orgkit.Name("Sales team")})
	gr, _ := f.snap(t).RoleGroup(g1)
	assert.Equal(t, "Sales team", gr.Name.Default)

	// retiring a group leaves its roles in no group, and the group cannot be used
	res := f.apply(t, role.RetireGroup{ID: g1})
	got, _ = res.Snapshot.Role(r2)
	assert.True(t, got.Group.IsZero())
	assert.Equal(t, orgkit.Active, got.Status)
	assert.Contains(t, violationCodes(f.refuse(t, role.Update{ID: r2, Name: orgkit.Name("Sales lead"), Group: g1})), "field.reference.not_found")
	assert.Contains(t, violationCodes(f.refuse(t, role.RenameGroup{ID: g1, Name: orgkit.Name("Again")})), "field.reference.not_found")

	// retiring a role takes it from its holders; the primary passes on
	a := f.add(t, "alice", orgkit.NodeID{})
	f.apply(t, role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{r1, r2}})
	f.apply(t, role.Retire{ID: r1})
	held, primary := f.roles(t, a)
	assert.Equal(t, []orgkit.RoleID{r2}, held)
	assert.Equal(t, r2, primary)
	for _, c := range []orgkit.Command{
		role.Retire{ID: r1},
		role.Update{ID: r1, Name: orgkit.Name("Back")},
		role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{r1}},
	} {
		assert.Contains(t, violationCodes(f.refuse(t, c)), orgkit.CodeRoleRetired, c.CommandName())
	}

	// the built-in org-admin role
	assert.Contains(t, violationCodes(f.refuse(t, role.Retire{ID: f.admin})), orgkit.CodeRoleBuiltin)
	assert.Contains(t, violationCodes(f.refuse(t, role.Update{ID: f.admin, Name: orgkit.Name("Boss"), Kind: role.Business})), orgkit.CodeRoleBuiltin)
}

func TestRoleAssignments(t *testing.T) {
	f := newPeopleFix(t)
	r1, r2, r3 := f.role(t, "R1", orgkit.RoleGroupID{}), f.role(t, "R2", orgkit.RoleGroupID{}), f.role(t, "R3", orgkit.RoleGroupID{})
	a, b := f.add(t, "a", orgkit.NodeID{}), f.add(t, "b", orgkit.NodeID{})

	f.apply(t, role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{r1}})
	// a batch: a keeps its primary r1; b, with none, gets the Primary given
	f.apply(t, role.Assign{Members: []orgkit.MemberID{a, b, a}, Roles: []orgkit.RoleID{r2, r3}, Primary: r3})
	held, primary := f.roles(t, a)
	assert.Equal(t, []orgkit.RoleID{r1, r2, r3}, held)
	assert.Equal(t, r1, primary, "assigning keeps an existing primary")
	held, primary = f.roles(t, b)
	assert.Equal(t, []orgkit.RoleID{r2, r3}, held)
	assert.Equal(t, r3, primary)

	// assigning again changes nothing
	res := f.apply(t, role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{r2}})
	assert.Nil(t, res.ChangeSet)

	// SetPrimary, then removing the primary passes it to the first remaining role held
	f.apply(t, role.SetPrimary{Member: a, Role: r2})
	f.apply(t, role.Unassign{Members: []orgkit.MemberID{a, b}, Roles: []orgkit.RoleID{r2}})
	held, primary = f.roles(t, a)
	assert.Equal(t, []orgkit.RoleID{r1, r3}, held)
	assert.Equal(t, r1, primary)
	held, primary = f.roles(t, b)
	assert.Equal(t, []orgkit.RoleID{r3}, held)
	assert.Equal(t, r3, primary, "b's primary r3 was not removed")
	f.apply(t, role.Unassign{Members: []orgkit.MemberID{b}, Roles: []orgkit.RoleID{r3}})
	held, primary = f.roles(t, b)
	assert.Empty(t, held)
	assert.True(t, primary.IsZero(), "no role, no primary")

	// inactive members get no roles
	f.apply(t, member.Deactivate{Members: []orgkit.MemberID{b}})
	assert.Contains(t, violationCodes(f.refuse(t, role.Assign{Members: []orgkit.MemberID{b}, Roles: []orgkit.RoleID{r1}})), orgkit.CodeMemberInactive)
}

func TestRoleBadInput(t *testing.T) {
	f := newPeopleFix(t)
	r1, r2 := f.role(t, "R1", orgkit.RoleGroupID{}), f.role(t, "R2", orgkit.RoleGroupID{})
	a := f.add(t, "a", orgkit.NodeID{})
	f.apply(t, role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{r1}})

	other := newPeopleFix(t) // another directory, in another service and store
	foreignRole := other.role(t, "Foreign", orgkit.RoleGroupID{})
	foreignMember := other.add(t, "z", orgkit.NodeID{})
	// the same store: a second directory of one service
	snap2, err := f.svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Beta")})
	require.NoError(t, err)
	sibling := orgkit.NewRoleID()
	_, err = f.svc.Apply(f.ctx, snap2.ID(), directory.Meta{}, role.Create{ID: sibling, Name: orgkit.Name("Beta role")})
	require.NoError(t, err)

	tests := []struct {
		name  string
		cmd   orgkit.Command
		code  string
		value string
	}{
		{"a role from another directory", role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{foreignRole}}, "field.reference.not_found", foreignRole.String()},
		{"a role from a sibling directory of the store", role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{sibling}}, "field.reference.not_found", sibling.String()},
		{"another directory's admin role", role.Unassign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{other.admin}}, "field.reference.not_found", other.admin.String()},
		{"a member from another directory", role.Assign{Members: []orgkit.MemberID{foreignMember}, Roles: []orgkit.RoleID{r1}}, "field.reference.not_found", foreignMember.String()},
		{"a primary role not among the roles given", role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{r1}, Primary: r2}, orgkit.CodeRolePrimaryNotHeld, r2.String()},
		{"a primary role the member does not hold", role.SetPrimary{Member: a, Role: r2}, orgkit.CodeRolePrimaryNotHeld, r2.String()},
		{"a primary role of another directory", role.SetPrimary{Member: a, Role: foreignRole}, orgkit.CodeRolePrimaryNotHeld, foreignRole.String()},
		{"a zero role", role.Assign{Members: []orgkit.MemberID{a}, Roles: []orgkit.RoleID{{}}, Primary: r1}, orgkit.CodeRolePrimaryNotHeld, r1.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := f.refuse(t, tt.cmd)
			require.NotEmpty(t, vs)
			assert.Equal(t, tt.code, vs[0].Code)
			assert.Equal(t, tt.value, vs[0].Value)
			assert.Equal(t, 0, vs[0].Command)
		})
	}
}

func TestLastOrgAdminCannotGo(t *testing.T) {
	f := newPeopleFix(t)
	ada := f.founder
	require.True(t, f.snap(t).IsOrgAdmin(ada))
	tests := []struct {
		name string
		cmd  orgkit.Command
	}{
		{"unassign the admin role", role.Unassign{Members: []orgkit.MemberID{ada}, Roles: []orgkit.RoleID{f.admin}}},
		{"deactivate", member.Deactivate{Members: []orgkit.MemberID{ada}}},
		{"resign", member.Resign{Members: []orgkit.MemberID{ada}}},
		{"block login", member.SetLoginBlocked{Members: []orgkit.MemberID{ada}, Blocked: true}},
		{"update status", member.Update{ID: ada, Fields: []member.Field{member.StatusField}, Value: member.Member{Status: orgkit.Inactive}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := f.refuse(t, tt.cmd)
			assert.Contains(t, violationCodes(vs), orgkit.CodeMemberLastAdmin)
		})
	}
	t.Run("with a second admin it is fine", func(t *testing.T) {
		bob := f.add(t, "bob", orgkit.NodeID{})
		f.apply(t, role.Assign{Members: []orgkit.MemberID{bob}, Roles: []orgkit.RoleID{f.admin}})
		f.apply(t, role.Unassign{Members: []orgkit.MemberID{ada}, Roles: []orgkit.RoleID{f.admin}})
		assert.False(t, f.snap(t).IsOrgAdmin(ada))
		// and now bob is the last one
		assert.Contains(t, violationCodes(f.refuse(t, member.Resign{Members: []orgkit.MemberID{bob}})), orgkit.CodeMemberLastAdmin)
		// handing over in one batch is fine
		f.apply(t, role.Assign{Members: []orgkit.MemberID{ada}, Roles: []orgkit.RoleID{f.admin}}, member.Resign{Members: []orgkit.MemberID{bob}})
	})
}

func TestSetLeader(t *testing.T) {
	f := newPeopleFix(t)
	assert.Equal(t, f.founder, f.snap(t).Settings().Leader, "the founder leads")
	bob := f.add(t, "bob", orgkit.NodeID{})
	f.apply(t, directory.SetLeader{Member: bob})
	assert.Equal(t, bob, f.snap(t).Settings().Leader)

	carol := f.add(t, "carol", orgkit.NodeID{})
	f.apply(t, member.Deactivate{Members: []orgkit.MemberID{carol}})
	for name, id := range map[string]orgkit.MemberID{"inactive": carol, "unknown": orgkit.NewMemberID(), "another directory's": newPeopleFix(t).founder} {
		t.Run(name, func(t *testing.T) {
			vs := f.refuse(t, directory.SetLeader{Member: id})
			assert.Equal(t, []string{orgkit.CodeDirectoryLeader}, violationCodes(vs))
		})
	}
	// resigning the leader clears the post; undo restores it
	res := f.apply(t, member.Resign{Members: []orgkit.MemberID{bob}})
	assert.True(t, f.snap(t).Settings().Leader.IsZero())
	u, err := f.svc.Undo(f.ctx, f.dir, res.ChangeSet.Version, directory.Meta{Actor: "test"})
	require.NoError(t, err)
	assert.Empty(t, u.Skipped)
	assert.Equal(t, bob, f.snap(t).Settings().Leader)
	// clearing
	f.apply(t, directory.SetLeader{})
	assert.True(t, f.snap(t).Settings().Leader.IsZero())
}

// --- people operations ---

// orgWithManager is a department whose manager holds every post a resignation removes.
type orgWithManager struct {
	rd, qa          orgkit.NodeID
	boss, mgr, a, b orgkit.MemberID
	sales           orgkit.RoleID
}

func setUpManager(t *testing.T, f *peopleFix) *orgWithManager {
	o := &orgWithManager{}
	o.rd = f.dept(t, "R&D", f.root)
	o.qa = f.dept(t, "QA", o.rd)
	o.boss = f.add(t, "boss", o.rd)
	o.mgr = f.add(t, "mgr", o.rd)
	o.a = f.add(t, "a", o.rd)
	o.b = f.add(t, "b", o.qa)
	o.sales = f.role(t, "Sales", orgkit.RoleGroupID{})
	f.apply(t,
		member.SetReportingManager{Members: []orgkit.MemberID{o.mgr}, Manager: o.boss},
		member.SetReportingManager{Members: []orgkit.MemberID{o.a, o.b}, Manager: o.mgr},
		orgtree.SetManager{Node: o.rd, Member: o.mgr},
		orgtree.SetAssistants{Node: o.qa, Members: []orgkit.MemberID{o.a, o.mgr}},
		orgtree.SetObservers{Node: o.qa, Members: []orgkit.MemberID{o.mgr}},
		orgtree.SetIsolation{Node: o.qa, Isolation: orgtree.Isolation{HideFromOutside: true, VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{o.mgr}}}},
		role.Assign{Members: []orgkit.MemberID{o.mgr}, Roles: []orgkit.RoleID{o.sales}},
		directory.SetLeader{Member: o.mgr},
	)
	return o
}

func TestResignManagerAndUndo(t *testing.T) {
	f := newPeopleFix(t)
	o := setUpManager(t, f)

	res := f.apply(t, member.Resign{Members: []orgkit.MemberID{o.mgr}})
	snap := res.Snapshot
	m, _ := snap.Member(o.mgr)
	assert.Equal(t, orgkit.Inactive, m.Status)
	assert.Equal(t, o.rd, m.Primary, "the primary affiliation stays")
	assert.Equal(t, o.boss, m.ReportingManager, "the leaver's own line stays")
	rd, _ := snap.Node(o.rd)
	qa, _ := snap.Node(o.qa)
	assert.True(t, rd.Manager.IsZero(), "manager post removed")
	assert.Equal(t, []orgkit.MemberID{o.a}, qa.Assistants)
	assert.Empty(t, qa.Observers)
	assert.Empty(t, qa.Isolation.VisibilityWhitelist.Members)
	for _, id := range []orgkit.MemberID{o.a, o.b} {
		r, _ := snap.Member(id)
		assert.True(t, r.ReportingManager.IsZero(), "reports get no manager")
	}
	assert.Nil(t, snap.Assignment(o.mgr).Roles, "roles dropped")
	assert.True(t, snap.Settings().Leader.IsZero())

	// the change set lists every removal
	kinds := map[orgkit.RecordKind]int{}
	for _, c := range res.ChangeSet.Changes {
		kinds[c.Record().Kind]++
	}
	assert.Equal(t, map[orgkit.RecordKind]int{orgkit.KindMember: 3, orgkit.KindDepartment: 2, orgkit.KindAssignment: 1, orgkit.KindDirectory: 1}, kinds)
	for _, c := range res.ChangeSet.Changes {
		if n, ok := c.Before().Node(); ok {
			assert.True(t, n.HoldsPost(o.mgr) || slices.Contains(n.Observers, o.mgr), "before-image holds the post")
		}
	}

	u, err := f.svc.Undo(f.ctx, f.dir, res.ChangeSet.Version, directory.Meta{Actor: "test"})
	require.NoError(t, err)
	assert.Empty(t, u.Skipped)
	assert.Equal(t, directory.OriginUndo, u.ChangeSet.Meta.Origin)
	snap = u.Snapshot
	m, _ = snap.Member(o.mgr)
	assert.Equal(t, orgkit.Active, m.Status)
	rd, _ = snap.Node(o.rd)
	qa, _ = snap.Node(o.qa)
	assert.Equal(t, o.mgr, rd.Manager)
	assert.Equal(t, []orgkit.MemberID{o.a, o.mgr}, qa.Assistants)
	assert.Equal(t, []orgkit.MemberID{o.mgr}, qa.Observers)
	assert.Equal(t, []orgkit.MemberID{o.mgr}, qa.Isolation.VisibilityWhitelist.Members)
	for _, id := range []orgkit.MemberID{o.a, o.b} {
		r, _ := snap.Member(id)
		assert.Equal(t, o.mgr, r.ReportingManager)
	}
	assert.Equal(t, []orgkit.RoleID{o.sales}, snap.Assignment(o.mgr).Roles)
	assert.Equal(t, o.sales, snap.Assignment(o.mgr).Primary)
	assert.Equal(t, o.mgr, snap.Settings().Leader)
}

func TestResignHandOverReports(t *testing.T) {
	f := newPeopleFix(t)
	o := setUpManager(t, f)
	f.apply(t, member.Resign{Members: []orgkit.MemberID{o.mgr}, HandOverReports: true})
	for _, id := range []orgkit.MemberID{o.a, o.b} {
		assert.Equal(t, o.boss, f.member(t, id).ReportingManager, "reports go to the leaver's manager")
	}
}

func TestUndoReportsWhatCannotBeRestored(t *testing.T) {
	f := newPeopleFix(t)
	o := setUpManager(t, f)
	res := f.apply(t, member.Resign{Members: []orgkit.MemberID{o.mgr}})
	// since: the QA department got a new assistant list, and the manager's own record changed
	qa, _ := f.snap(t).Node(o.qa)
	f.apply(t,
		orgtree.SetAssistants{Node: o.qa, Members: []orgkit.MemberID{o.b}, Replacing: qa.Assistants},
		member.Update{ID: o.mgr, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Alumnus"}},
	)
	u, err := f.svc.Undo(f.ctx, f.dir, res.ChangeSet.Version, directory.Meta{})
	require.NoError(t, err)
	why := map[string]string{}
	for _, s := range u.Skipped {
		key := s.Record.Kind.String() + " " + s.Record.ID.String()
		why[key] = s.Reason
		if s.Violation != nil {
			why[key] = s.Violation.Code
		}
	}
	assert.Equal(t, "changed since", why["department "+o.qa.String()])
	assert.Equal(t, "changed since", why["member "+o.mgr.String()])
	// the manager is still inactive, so posts and reporting lines to them cannot return
	assert.Equal(t, orgkit.CodeNodePostInactive, why["department "+o.rd.String()])
	assert.Equal(t, orgkit.CodeMemberManagerInactive, why["member "+o.a.String()])
	assert.Equal(t, orgkit.CodeMemberManagerInactive, why["member "+o.b.String()])
	assert.Equal(t, orgkit.CodeDirectoryLeader, why["directory "+f.dir.String()])
	assert.Len(t, u.Skipped, 6)
	// what could be restored was: the roles
	assert.Equal(t, []orgkit.RoleID{o.sales}, f.snap(t).Assignment(o.mgr).Roles)
}

func TestBatchOfResignationsWithUnknownID(t *testing.T) {
	f := newPeopleFix(t)
	rd := f.dept(t, "R&D", f.root)
	var ids []orgkit.MemberID
	var cmds []orgkit.Command
	for i := range 49 {
		id, c := f.person(fmt.Sprintf("m%02d", i), rd)
		ids, cmds = append(ids, id), append(cmds, c)
	}
	f.apply(t, cmds...)
	ghost := orgkit.NewMemberID()
	batch := slices.Insert(slices.Clone(ids), 17, ghost)
	require.Len(t, batch, 50)
	vs := f.refuse(t, member.Resign{Members: batch})
	require.Len(t, vs, 1, "one violation, naming the unknown ID")
	assert.Equal(t, "field.reference.not_found", vs[0].Code)
	assert.Equal(t, ghost.String(), vs[0].Value)
	assert.Contains(t, vs[0].Message(), ghost.String())
	assert.Equal(t, 0, vs[0].Command)
	for _, id := range ids {
		assert.Equal(t, orgkit.Active, f.member(t, id).Status, "nothing changed")
	}
	// without the ghost, all 49 resign in one change set
	res := f.apply(t, member.Resign{Members: ids})
	n, err := res.Snapshot.Count(directory.List{Node: rd, Status: directory.StatusInactive})
	require.NoError(t, err)
	assert.Equal(t, 49, n)
}

func TestDeactivateActivate(t *testing.T) {
	f := newPeopleFix(t)
	rd := f.dept(t, "R&D", f.root)
	a, b := f.add(t, "a", rd), f.add(t, "b", rd)
	f.apply(t, member.Deactivate{Members: []orgkit.MemberID{a, b, a}})
	assert.Equal(t, orgkit.Inactive, f.member(t, a).Status)
	assert.Equal(t, orgkit.Inactive, f.member(t, b).Status)
	res := f.apply(t, member.Deactivate{Members: []orgkit.MemberID{a}})
	assert.Nil(t, res.ChangeSet, "deactivating the inactive changes nothing")
	f.apply(t, member.Activate{Members: []orgkit.MemberID{a, b}})
	assert.Equal(t, orgkit.Active, f.member(t, a).Status)
	vs := f.refuse(t, member.Activate{Members: []orgkit.MemberID{a, orgkit.NewMemberID()}})
	assert.Equal(t, []string{"field.reference.not_found"}, violationCodes(vs))
}

func TestSetLoginBlocked(t *testing.T) {
	f := newPeopleFix(t)
	a, b := f.add(t, "a", orgkit.NodeID{}), f.add(t, "b", orgkit.NodeID{})
	f.apply(t, member.SetLoginBlocked{Members: []orgkit.MemberID{a, b}, Blocked: true})
	assert.True(t, f.member(t, a).LoginBlocked)
	assert.True(t, f.member(t, b).LoginBlocked)
	res := f.apply(t, member.SetLoginBlocked{Members: []orgkit.MemberID{a}, Blocked: false})
	assert.False(t, f.member(t, a).LoginBlocked)
	assert.Len(t, res.ChangeSet.Changes, 1)
	assert.Nil(t, f.apply(t, member.SetLoginBlocked{Members: []orgkit.MemberID{a}}).ChangeSet)
	vs := f.refuse(t, member.SetLoginBlocked{Members: []orgkit.MemberID{orgkit.NewMemberID(), a}, Blocked: true})
	assert.Equal(t, []string{"field.reference.not_found"}, violationCodes(vs))
}

func TestSetReportingManager(t *testing.T) {
	f := newPeopleFix(t)
	boss, a, b := f.add(t, "boss", orgkit.NodeID{}), f.add(t, "a", orgkit.NodeID{}), f.add(t, "b", orgkit.NodeID{})
	gone := f.add(t, "gone", orgkit.NodeID{})
	f.apply(t, member.Deactivate{Members: []orgkit.MemberID{gone}})

	f.apply(t, member.SetReportingManager{Members: []orgkit.MemberID{a, b}, Manager: boss})
	assert.Equal(t, boss, f.member(t, a).ReportingManager)
	assert.ElementsMatch(t, []orgkit.MemberID{a, b}, f.snap(t).Reports(boss))

	tests := []struct {
		name string
		cmd  orgkit.Command
		code string
	}{
		{"self", member.SetReportingManager{Members: []orgkit.MemberID{a, boss}, Manager: boss}, orgkit.CodeMemberManagerSelf},
		{"cycle", member.SetReportingManager{Members: []orgkit.MemberID{boss}, Manager: a}, orgkit.CodeMemberManagerCycle},
		{"inactive manager", member.SetReportingManager{Members: []orgkit.MemberID{a}, Manager: gone}, orgkit.CodeMemberManagerInactive},
		{"unknown manager", member.SetReportingManager{Members: []orgkit.MemberID{a}, Manager: orgkit.NewMemberID()}, "field.reference.not_found"},
		{"unknown member", member.SetReportingManager{Members: []orgkit.MemberID{orgkit.NewMemberID()}, Manager: boss}, "field.reference.not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, []string{tt.code}, violationCodes(f.refuse(t, tt.cmd)))
		})
	}
	f.apply(t, member.SetReportingManager{Members: []orgkit.MemberID{a}})
	assert.True(t, f.member(t, a).ReportingManager.IsZero())
}

func TestSetDepartments(t *testing.T) {
	f := newPeopleFix(t)
	rd, qa, ops := f.dept(t, "R&D", f.root), f.dept(t, "QA", f.root), f.dept(t, "Ops", f.root)
	closed := f.dept(t, "Closed", f.root)
	f.apply(t, orgtree.Deactivate{Node: closed})
	a, b := f.add(t, "a", rd), f.add(t, "b", rd)
	f.apply(t, member.SetDepartments{Members: []orgkit.MemberID{a, b}, SecondaryMode: member.ReplaceSecondary, Secondary: []orgkit.NodeID{qa, ops}})
	assert.Equal(t, []orgkit.NodeID{qa, ops}, f.member(t, a).Secondary)

	// promoting a secondary department to primary drops it from the secondaries
	f.apply(t, member.SetDepartments{Members: []orgkit.MemberID{a}, SetPrimary: true, Primary: qa})
	m := f.member(t, a)
	assert.Equal(t, qa, m.Primary)
	assert.Equal(t, []orgkit.NodeID{ops}, m.Secondary)

	f.apply(t, member.SetDepartments{Members: []orgkit.MemberID{a}, SecondaryMode: member.AddSecondary, Secondary: []orgkit.NodeID{rd, ops}})
	assert.Equal(t, []orgkit.NodeID{ops, rd}, f.member(t, a).Secondary)
	f.apply(t, member.SetDepartments{Members: []orgkit.MemberID{a}, SecondaryMode: member.RemoveSecondary, Secondary: []orgkit.NodeID{ops}})
	assert.Equal(t, []orgkit.NodeID{rd}, f.member(t, a).Secondary)

	// unassign the primary department
	f.apply(t, member.SetDepartments{Members: []orgkit.MemberID{b}, SetPrimary: true})
	assert.True(t, f.member(t, b).Primary.IsZero())

	tests := []struct {
		name string
		cmd  orgkit.Command
		code string
	}{
		{"the primary listed as secondary", member.SetDepartments{Members: []orgkit.MemberID{a}, SecondaryMode: member.AddSecondary, Secondary: []orgkit.NodeID{qa}}, orgkit.CodeMemberSecondaryPrimary},
		{"unknown primary", member.SetDepartments{Members: []orgkit.MemberID{a}, SetPrimary: true, Primary: orgkit.NewNodeID()}, "field.reference.not_found"},
		{"unknown secondary", member.SetDepartments{Members: []orgkit.MemberID{a}, SecondaryMode: member.ReplaceSecondary, Secondary: []orgkit.NodeID{orgkit.NewNodeID()}}, "field.reference.not_found"},
		{"inactive primary", member.SetDepartments{Members: []orgkit.MemberID{a}, SetPrimary: true, Primary: closed}, orgkit.CodeNodeInactive},
		{"secondaries given, mode keep", member.SetDepartments{Members: []orgkit.MemberID{a}, Secondary: []orgkit.NodeID{ops}}, orgkit.CodeMemberSecondaryKept},
		{"bad mode", member.SetDepartments{Members: []orgkit.MemberID{a}, SecondaryMode: 9}, orgkit.CodeFieldInvalid},
		{"unknown member", member.SetDepartments{Members: []orgkit.MemberID{orgkit.NewMemberID()}, SetPrimary: true, Primary: rd}, "field.reference.not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, []string{tt.code}, violationCodes(f.refuse(t, tt.cmd)))
		})
	}
}

// fakeHost records the calls of a fake password and messaging service.
type fakeHost struct {
	calls []string
	fail  orgkit.MemberID
}

func (h *fakeHost) ResetPassword(_ context.Context, _ orgkit.DirectoryID, m *member.Member) error {
	if m.ID == h.fail {
		return errors.New("host down")
	}
	h.calls = append(h.calls, "reset "+m.FullName)
	return nil
}

func (h *fakeHost) SendActivation(_ context.Context, _ orgkit.DirectoryID, m *member.Member, via directory.Channel) error {
	if m.ID == h.fail {
		return errors.New("host down")
	}
	h.calls = append(h.calls, via.String()+" "+m.FullName)
	return nil
}

func TestPasswordResetAndActivationReminders(t *testing.T) {
	f := newPeopleFix(t)
	ok := f.add(t, "ok", orgkit.NodeID{})
	blocked := f.add(t, "blocked", orgkit.NodeID{})
	gone := f.add(t, "gone", orgkit.NodeID{})
	activated := f.add(t, "activated", orgkit.NodeID{})
	mailer := orgkit.NewMemberID()
	nomail := orgkit.NewMemberID()
	broken := f.add(t, "broken", orgkit.NodeID{})
	f.apply(t,
		member.Create{ID: mailer, SystemName: orgkit.Name("mailer"), FullName: "mailer", Email: "m@example.com", LoginMethod: member.LoginByEmail},
		member.Create{ID: nomail, SystemName: orgkit.Name("nomail"), FullName: "nomail", Mobile: "13700000001"},
		member.SetLoginBlocked{Members: []orgkit.MemberID{blocked}, Blocked: true},
		member.Deactivate{Members: []orgkit.MemberID{gone}},
		member.Update{ID: activated, Fields: []member.Field{member.ActivatedAtField}, Value: member.Member{ActivatedAt: time.Now()}},
	)
	ghost := orgkit.NewMemberID()

	h := &fakeHost{fail: broken}
	rep, err := f.svc.ResetPasswords(f.ctx, f.dir, h, ok, blocked, gone, ghost, activated, ok, broken)
	require.NoError(t, err)
	assert.Equal(t, []string{"reset ok", "reset activated"}, h.calls)
	want := []directory.Notice{
		{Member: ok, Outcome: directory.Done},
		{Member: blocked, Outcome: directory.Ineligible, Reason: directory.ReasonLoginBlocked},
		{Member: gone, Outcome: directory.Ineligible, Reason: directory.ReasonInactive},
		{Member: ghost, Outcome: directory.Ineligible, Reason: directory.ReasonNotFound},
		{Member: activated, Outcome: directory.Done},
		{Member: broken, Outcome: directory.Failed, Err: errors.New("host down")},
	}
	assert.Equal(t, want, rep.Notices)
	assert.Equal(t, 2, rep.Count(directory.Done))
	assert.Equal(t, []orgkit.MemberID{broken}, rep.Members(directory.Failed))

	tests := []struct {
		via   directory.Channel
		calls []string
		why   map[orgkit.MemberID]directory.Reason
	}{
		{directory.ChannelAuto, []string{"sms ok", "email mailer", "sms nomail"}, map[orgkit.MemberID]directory.Reason{blocked: directory.ReasonLoginBlocked, gone: directory.ReasonInactive, activated: directory.ReasonActivated, ghost: directory.ReasonNotFound}},
		{directory.ChannelSMS, []string{"sms ok", "sms nomail"}, map[orgkit.MemberID]directory.Reason{blocked: directory.ReasonLoginBlocked, gone: directory.ReasonInactive, activated: directory.ReasonActivated, ghost: directory.ReasonNotFound, mailer: directory.ReasonNoMobile}},
		{directory.ChannelEmail, []string{"email mailer"}, map[orgkit.MemberID]directory.Reason{blocked: directory.ReasonLoginBlocked, gone: directory.ReasonInactive, activated: directory.ReasonActivated, ghost: directory.ReasonNotFound, ok: directory.ReasonNoEmail, nomail: directory.ReasonNoEmail}},
		{directory.Channel(9), nil, map[orgkit.MemberID]directory.Reason{blocked: directory.ReasonLoginBlocked, gone: directory.ReasonInactive, activated: directory.ReasonActivated, ghost: directory.ReasonNotFound, ok: directory.ReasonBadChannel, mailer: directory.ReasonBadChannel, nomail: directory.ReasonBadChannel}},
	}
	for _, tt := range tests {
		t.Run(tt.via.String(), func(t *testing.T) {
			h := &fakeHost{}
			rep, err := f.svc.RemindActivation(f.ctx, f.dir, h, tt.via, ok, blocked, gone, activated, ghost, mailer, nomail)
			require.NoError(t, err)
			assert.Equal(t, tt.calls, h.calls)
			require.Len(t, rep.Notices, 7, "every member is reported")
			why := map[orgkit.MemberID]directory.Reason{}
			for _, n := range rep.Notices {
				if n.Outcome == directory.Ineligible {
					why[n.Member] = n.Reason
				}
			}
			assert.Equal(t, tt.why, why)
		})
	}
	assert.Equal(t, "该成员已被禁止登录", directory.ReasonLoginBlocked.Text(language.SimplifiedChinese))
	assert.Equal(t, "the account is already activated", directory.ReasonActivated.Text(language.English))

	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err = f.svc.ResetPasswords(ctx, f.dir, &fakeHost{}, ok)
	require.ErrorIs(t, err, context.Canceled)
}

func TestJoin(t *testing.T) {
	f := newPeopleFix(t)
	m, err := f.svc.Join(f.ctx, f.dir, directory.Registration{Name: "newbie", Mobile: "13600000000"})
	require.NoError(t, err)
	assert.True(t, m.SelfJoined)
	assert.True(t, m.Primary.IsZero(), "no department")
	assert.Equal(t, orgkit.Active, m.Status)
	assert.Equal(t, "+8613600000000", m.Mobile)
	assert.Equal(t, "newbie", m.FullName)
	page, err := f.snap(t).List(directory.List{Status: directory.StatusUnassignedPrimary | directory.StatusActive})
	require.NoError(t, err)
	assert.Contains(t, slices.Collect(page.Members()), m)

	m2, err := f.svc.Join(f.ctx, f.dir, directory.Registration{Name: "mail", Email: "Mail@Example.com"})
	require.NoError(t, err)
	assert.Equal(t, member.LoginByEmail, m2.LoginMethod)
	assert.Equal(t, "mail@example.com", m2.Email)

	_, err = f.svc.Join(f.ctx, f.dir, directory.Registration{Name: "again", Mobile: "136 0000 0000"})
	var inv *orgkit.InvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, []string{"field.duplicate"}, violationCodes(inv.Violations))

	_, err = f.svc.Join(f.ctx, f.dir, directory.Registration{Name: "nocontact"})
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, []string{orgkit.CodeMemberLoginMethod}, violationCodes(inv.Violations))

	f.apply(t, directory.SetSelfJoin{Allowed: false})
	_, err = f.svc.Join(f.ctx, f.dir, directory.Registration{Name: "late", Mobile: "13600000009"})
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, []string{orgkit.CodeDirectorySelfJoin}, violationCodes(inv.Violations))
	assert.Equal(t, "组织架构「Acme」：该组织架构不允许新注册用户自行加入", inv.Violations[0].Text(language.SimplifiedChinese))

	snap, err := f.svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Closed"), DisallowSelfJoin: true})
	require.NoError(t, err)
	_, err = f.svc.Join(f.ctx, snap.ID(), directory.Registration{Name: "x", Mobile: "13600000008"})
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, orgkit.CodeDirectorySelfJoin, inv.Violations[0].Code)
}

func TestDirectoryKeys(t *testing.T) {
	tests := []struct{ name, key, pinyin string }{
		{"Acme Corp.", "acme-corp", "acme-corp"},
		{"Café Zürich", "cafe-zurich", "cafe-zurich"},
		{"Straße", "strasse", "strasse"},
		{"ＡＣＭＥ", "acme", "acme"},
		{"研发中心", "", "yan-fa-zhong-xin"},
		{"Acme 北京分公司", "acme", "acme-bei-jing-fen-gong-si"},
		{"曾氏集团", "", "ceng-shi-ji-tuan"},
		{"!!!", "", ""},
	}
	ctx := context.Background()
	withPinyin := directory.New(directory.Options{Transliterator: pinyin.New()})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.key, directory.KeyFromName(tt.name))
			if tt.pinyin == "" {
				return
			}
			snap, err := withPinyin.Create(ctx, directory.NewDirectory{Name: orgkit.Name(tt.name)})
			require.NoError(t, err)
			assert.Equal(t, tt.pinyin, snap.Settings().Key)
		})
	}
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Café")})
	require.NoError(t, err)
	assert.Equal(t, "cafe", snap.Settings().Key)
	snap, err = svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("研发")})
	require.NoError(t, err)
	assert.Regexp(t, "^dir-[0-9a-f]+$", snap.Settings().Key, "without a transliteration: a generated key")
}

func TestCardFromSnapshot(t *testing.T) {
	f := newPeopleFix(t)
	rd := f.dept(t, "R&D", f.root)
	f.apply(t, orgtree.Rename{Node: rd, Name: orgkit.Names{Default: "R&D", ByLang: map[string]string{"zh-Hans": "研发部"}}})
	boss := f.add(t, "Boss", rd)
	a := f.add(t, "Alice", rd)
	f.apply(t, member.Update{ID: a, Fields: []member.Field{member.EmailField, member.GenderField, member.JobTitleField}, Value: member.Member{Email: "alice@example.com", Gender: member.Female, JobTitle: "Engineer"}},
		member.SetReportingManager{Members: []orgkit.MemberID{a}, Manager: boss})
	snap := f.snap(t)
	m, _ := snap.Member(a)
	f.apply(t, directory.SetCardLayout{Layout: member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.ReportingManagerField, member.PrimaryDepartmentField, member.ExtendedAField, member.EmailField}}})
	_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{}, directory.SetCardLayout{Layout: member.Layout{Kind: member.HoverCard, Fields: []member.Field{member.BioField, member.EmailField, member.EmailField}}})
	var inv *orgkit.InvalidError
	require.ErrorAs(t, err, &inv, "a layout is validated")
	assert.Len(t, inv.Violations, 2, "bio is not allowed on the hover card; email twice")
	snap = f.snap(t)
	assert.Equal(t, member.DefaultLayout(member.ProfilePage), snap.CardLayout(member.ProfilePage))
	card := snap.Card(&m, member.HoverCard, language.SimplifiedChinese)
	var lines []string
	for _, it := range card {
		lines = append(lines, it.Label+": "+it.Value)
	}
	assert.Equal(t, []string{"系统名: Alice", "性别: 女", "职位: Engineer", "汇报对象: Boss", "主属部门: 研发部", "邮箱: alice@example.com"}, lines)
	assert.Equal(t, boss, card[3].Member)
	assert.Equal(t, rd, card[4].Node)
	assert.Equal(t, "", snap.NodeName(orgkit.NewNodeID(), language.English))
	assert.Equal(t, "", snap.MemberName(orgkit.NewMemberID(), language.English))
}

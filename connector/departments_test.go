package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/orgtree"
)

// TestDepartmentFieldsAbsent: a department listing that leaves fields out (DingTalk's
// listsub has no leaders and no order, WeCom's simplelist no names and no leaders)
// keeps the local values; a present, empty value clears.
func TestDepartmentFieldsAbsent(t *testing.T) {
	e := newEnv(t, smallSource())
	e.sync(connector.SyncOptions{})
	rd := e.node("rd")
	require.False(t, rd.Manager.IsZero())
	require.NotEmpty(t, rd.Assistants)

	for _, ext := range e.src.DepartmentIDs() {
		e.src.EditDepartment(ext, func(d *connector.Department) {
			d.Present = []orgtree.Field{orgtree.ParentField}
			d.Name, d.Leaders, d.Order = orgkit.Names{}, nil, 0
		})
	}
	rep := e.sync(connector.SyncOptions{})
	assert.True(t, rep.Plan.Empty(), "%s", rep.Plan)
	assert.Equal(t, "R&D", e.node("rd").Name.Default, "no names upstream: the names stay")
	assert.Equal(t, rd.Manager, e.node("rd").Manager, "no leaders upstream: the posts stay")
	assert.Equal(t, rd.Assistants, e.node("rd").Assistants)
	assert.Equal(t, 2, e.node("fe").Order, "no order upstream: the order stays")

	// a move with nothing else given moves and keeps the rest
	e.src.EditDepartment("fe", func(d *connector.Department) { d.Parent = "sales" })
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeMove: 1}, rep.Counts)
	assert.Equal(t, e.node("sales").ID, e.node("fe").Parent)
	assert.Equal(t, "Frontend", e.node("fe").Name.Default)

	// present and empty clears: no leaders at all
	e.src.EditDepartment("rd", func(d *connector.Department) {
		d.Present = append(d.Present, orgtree.ManagerField)
	})
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeManager: 1, connector.NodeAssistants: 1}, rep.Counts)
	assert.True(t, e.node("rd").Manager.IsZero())
	assert.Empty(t, e.node("rd").Assistants)

	// a new department without a name is named after its external ID; one without a
	// parent sits under the root
	e.src.PutDepartment(connector.Department{ExternalID: "ops", Parent: "rd", Present: []orgtree.Field{orgtree.ParentField}})
	e.src.PutDepartment(connector.Department{ExternalID: "hr", Name: orgkit.Name("HR"), Parent: "rd", Present: []orgtree.Field{orgtree.NameField}})
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeCreate: 2}, rep.Counts)
	assert.Equal(t, "ops", e.node("ops").Name.Default)
	assert.Equal(t, e.node("rd").ID, e.node("ops").Parent)
	assert.Equal(t, e.snap().Root(), e.node("hr").Parent)
	assert.Contains(t, warningCodes(rep.Warnings), connector.WarnDepartmentName)
	assert.Contains(t, warningCodes(rep.Warnings), connector.WarnDepartmentParent)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())

	// everything given again: upstream's values win
	e.src.EditDepartment("fe", func(d *connector.Department) {
		d.Present = connector.DepartmentFields()
		d.Name, d.Order, d.Leaders = orgkit.Name("Web"), 7, []string{"u5"}
	})
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeRename: 1, connector.NodeReorder: 1, connector.NodeManager: 1}, rep.Counts)
	assert.Equal(t, e.member("u5").ID, e.node("fe").Manager)
}

// flaggedSource is smallSource with its leaders given as the members' flags (WeCom's
// is_leader_in_dept, DingTalk's leader), the departments' leader lists left out.
func flaggedSource() *connectortest.Source {
	s := smallSource()
	connectortest.UseLeaderFlags(s)
	return s
}

// TestDeltaRemovesLeader: leaders given as member flags; a delta in which a member's
// flag is cleared takes the post away without a full sync, and one that flags a
// member gives it.
func TestDeltaRemovesLeader(t *testing.T) {
	e := newEnv(t, flaggedSource())
	cursor := e.sync(connector.SyncOptions{}).Cursor
	require.Equal(t, e.member("u1").ID, e.node("rd").Manager)
	require.Equal(t, []orgkit.MemberID{e.member("u2").ID}, e.node("rd").Assistants)
	require.Equal(t, e.member("u3").ID, e.node("be").Manager)

	e.src.EditMember("u3", func(m *connector.Member) { m.LeaderIn = nil })            // no longer leads Backend
	e.src.EditMember("u1", func(m *connector.Member) { m.LeaderIn = nil })            // no longer leads R&D
	e.src.EditMember("u5", func(m *connector.Member) { m.LeaderIn = []string{"fe"} }) // now leads Frontend
	rep := e.sync(connector.SyncOptions{Cursor: cursor})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeManager: 3}, rep.Counts, "%s", rep.Plan)
	assert.True(t, e.node("be").Manager.IsZero(), "the flag cleared: the post goes")
	assert.True(t, e.node("rd").Manager.IsZero(), "the manager post goes; the assistant stays one")
	assert.Equal(t, []orgkit.MemberID{e.member("u2").ID}, e.node("rd").Assistants)
	assert.Equal(t, e.member("u5").ID, e.node("fe").Manager)
	assert.True(t, e.sync(connector.SyncOptions{Cursor: rep.Cursor}).Plan.Empty())
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty(), "a full sync agrees")

	// members without flags (LeaderInPresent unset) leave the posts alone
	e.src.EditMember("u2", func(m *connector.Member) { m.LeaderIn, m.LeaderInPresent = nil, false })
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())
	assert.Equal(t, []orgkit.MemberID{e.member("u2").ID}, e.node("rd").Assistants)
}

// graphSource is an upstream like Microsoft Graph's: no department entities, only
// the department strings of the users, which the source turns into departments.
func graphSource() *connectortest.Source {
	s := connectortest.New(connectortest.Options{Platform: orgkit.Teams, TenantID: "contoso", RootID: "-", DerivedDepartments: true})
	for _, name := range []string{"Sales", "R&D", "Support"} {
		s.PutDepartment(connector.Department{ExternalID: "department:" + name, Name: orgkit.Name(name),
			Present: []orgtree.Field{orgtree.NameField, orgtree.ParentField}})
	}
	for _, p := range []struct{ ext, name, dept string }{
		{"a1", "Ada", "Sales"}, {"a2", "Alan", "Sales"}, {"a3", "Grace", "R&D"}, {"a4", "Linus", "Support"},
	} {
		s.PutMember(connectortest.NewMember(p.ext, p.name, "", "department:"+p.dept))
	}
	return s
}

// TestDerivedDepartmentRetiredInDelta: departments that exist only because members
// name them (Graph's department strings) are retired when nobody is left in them —
// in a delta too, which never lists them.
func TestDerivedDepartmentRetiredInDelta(t *testing.T) {
	e := newEnv(t, graphSource())
	cursor := e.sync(connector.SyncOptions{}).Cursor
	rd, support := e.node("department:R&D"), e.node("department:Support")

	e.src.EditMember("a3", func(m *connector.Member) { m.Departments = []string{"department:Sales"} }) // R&D empties
	e.src.EditMember("a4", func(m *connector.Member) { m.Status = connector.Disabled })                // Support: only a disabled member
	delta, err := e.src.FetchChanges(e.ctx, cursor)
	require.NoError(t, err)
	for _, d := range delta.Departments {
		require.NotEqual(t, "department:R&D", d.ExternalID, "the delta names only the departments its members are in")
	}
	require.Empty(t, delta.RemovedDepartments)

	rep := e.sync(connector.SyncOptions{Cursor: cursor, PlanOptions: connector.PlanOptions{Force: true}})
	assert.Equal(t, 2, rep.Counts[connector.NodeDeactivate], "%s", rep.Plan)
	for _, id := range []orgkit.NodeID{rd.ID, support.ID} {
		n, _ := e.snap().Tree().Node(id)
		assert.Equal(t, orgkit.Inactive, n.Status)
	}
	assert.Equal(t, orgkit.Active, e.node("department:Sales").Status)
	assert.True(t, e.sync(connector.SyncOptions{Cursor: rep.Cursor}).Plan.Empty())
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty(), "a full sync agrees")

	// someone names it again: it comes back
	e.src.EditMember("a1", func(m *connector.Member) { m.Departments = []string{"department:R&D"} })
	rep = e.sync(connector.SyncOptions{Cursor: rep.Cursor})
	assert.Equal(t, 1, rep.Counts[connector.NodeReactivate], "%s", rep.Plan)
	assert.Equal(t, rd.ID, e.member("a1").Primary)
}

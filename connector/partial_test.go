package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
)

// TestPartialDepartment: a department the source could not read (out of the app's
// scope: DingTalk 50004, WeCom 60011) is marked alone; the rest of the snapshot
// applies, and nothing inside that department is deactivated.
func TestPartialDepartment(t *testing.T) {
	e := newEnv(t, smallSource())
	e.src.PutDepartment(connector.Department{ExternalID: "db", Parent: "be", Name: orgkit.Name("Databases"), Present: connector.DepartmentFields()})
	e.src.PutMember(connectortestMember("u11", "Edgar Codd", "db"))
	e.sync(connector.SyncOptions{})
	be := e.node("be")

	e.src.SetOutOfScope("be")
	e.src.EditDepartment("rd", func(d *connector.Department) { d.Name = orgkit.Name("Research") })
	e.src.RemoveMember("u8") // in Sales: seen to be gone
	e.src.RemoveMember("u4") // in Backend: cannot be seen either way
	e.src.EditMember("u10", func(m *connector.Member) { m.Values.JobTitle = "Architect" })
	// listed through Sales, but without Backend: the platform does not show it
	e.src.EditMember("u9", func(m *connector.Member) { m.Departments = []string{"sales"} })
	up, err := connector.Fetch(e.ctx, e.src)
	require.NoError(t, err)
	assert.Equal(t, []string{"be"}, up.PartialDepartments)

	rep := e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.NodeRename: 1, connector.MemberDeactivate: 1}, rep.Counts, "%s", rep.Plan)
	assert.Equal(t, "Research", e.node("rd").Name.Default, "the rest applies")
	assert.Equal(t, orgkit.Inactive, e.member("u8").Status)
	for _, ext := range []string{"u3", "u4", "u10", "u11"} {
		assert.Equal(t, orgkit.Active, e.member(ext).Status, "%s: inside the department that could not be read", ext)
	}
	assert.Equal(t, orgkit.Active, e.node("db").Status, "its sub-departments stay")
	assert.Equal(t, be.Manager, e.node("be").Manager, "its leader stays")
	assert.Equal(t, []orgkit.NodeID{e.node("be").ID}, e.member("u9").Secondary, "members listed elsewhere keep it")
	assert.Contains(t, warningCodes(rep.Warnings), connector.WarnDepartmentPartial)
	assert.True(t, e.sync(connector.SyncOptions{}).Plan.Empty())

	// back in scope: everything is seen again
	e.src.SetOutOfScope()
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, map[connector.ItemKind]int{connector.MemberDeactivate: 1, connector.MemberUpdate: 1, connector.MemberMove: 1}, rep.Counts, "%s", rep.Plan)
	assert.Empty(t, e.member("u9").Secondary, "seen again: it left Backend")
	assert.Equal(t, orgkit.Inactive, e.member("u4").Status)
	assert.Equal(t, "Architect", e.member("u10").JobTitle)
}

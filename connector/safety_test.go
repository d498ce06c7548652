package connector_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/member"
)

// noDepartments is an upstream that suddenly lists no departments (an expired scope,
// a broken page, an empty answer): its members still name theirs.
type noDepartments struct{ *connectortest.Source }

func (s noDepartments) Fetch(ctx context.Context) (*connector.Snapshot, error) {
	up, err := s.Source.Fetch(ctx)
	if err == nil {
		up.Departments = nil
	}
	return up, err
}

// TestUpstreamWithoutDepartmentsRefused: on the landed code such an upstream made the
// sync deactivate every department and leave every member without one, because the
// safety rule counted member deactivations only. Now the plan is refused, the error
// counts both, nothing is applied, and Force applies it.
func TestUpstreamWithoutDepartmentsRefused(t *testing.T) {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 7, Departments: 10, Members: 100})
	e := newEnv(t, src)
	e.sync(connector.SyncOptions{})
	snap := e.snap()
	v := snap.Version()
	departments, placed, active := 0, 0, 0
	for n := range snap.Tree().All() {
		if !n.Parent.IsZero() && n.Status == orgkit.Active {
			departments++
		}
	}
	for m := range snap.Members() {
		if m.Status == orgkit.Active {
			active++
			if len(m.Affiliations()) > 0 {
				placed++
			}
		}
	}
	require.Positive(t, departments)
	require.Positive(t, placed)

	rep, err := connector.Sync(e.ctx, e.svc, e.dir, noDepartments{src}, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	require.ErrorIs(t, err, orgkit.ErrPrecondition)
	assert.Contains(t, err.Error(), fmt.Sprintf("deactivate %d of %d active departments", departments, departments))
	assert.Contains(t, err.Error(), fmt.Sprintf("leave %d of %d active members without any department", placed, active))
	require.NotNil(t, rep.Plan, "the refused plan is reported")
	assert.Equal(t, departments, rep.Plan.DepartmentDeactivations)
	assert.Equal(t, departments, rep.Plan.ActiveDepartments)
	assert.Equal(t, placed, rep.Plan.Unassigned)
	assert.Equal(t, 0, rep.Plan.Deactivations, "nobody leaves: the members are all still upstream")
	assert.Equal(t, v, e.snap().Version(), "nothing applied")

	rep, err = connector.Sync(e.ctx, e.svc, e.dir, noDepartments{src}, connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}})
	require.NoError(t, err)
	assert.Equal(t, departments, rep.Counts[connector.NodeDeactivate])
}

// deptSource is a company with ten departments d0…d9; ten members in d0, the first
// five also in d1.
func deptSource() *connectortest.Source {
	s := connectortest.New(connectortest.Options{})
	for i := range 10 {
		s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: fmt.Sprintf("d%d", i), Parent: "1", Name: orgkit.Name(fmt.Sprintf("Team %d", i)), Order: i})
	}
	for i := range 10 {
		depts := []string{"d0"}
		if i < 5 {
			depts = append(depts, "d1")
		}
		s.PutMember(connectortest.NewMember(fmt.Sprintf("u%d", i), fmt.Sprintf("Person %d", i), fmt.Sprintf("1390000000%d", i), depts...))
	}
	return s
}

// TestDepartmentDeactivationsCounted: the member rule's limits (500, or 20 % of the
// active departments) hold for departments too.
func TestDepartmentDeactivationsCounted(t *testing.T) {
	e := newEnv(t, deptSource())
	e.sync(connector.SyncOptions{})
	v := e.snap().Version()
	for _, d := range []string{"d7", "d8", "d9"} {
		e.src.RemoveDepartment(d)
	}
	rep, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	assert.Contains(t, err.Error(), "deactivate 3 of 10 active departments")
	assert.NotContains(t, err.Error(), "without any department")
	assert.Equal(t, 3, rep.Plan.DepartmentDeactivations)
	assert.Equal(t, 0, rep.Plan.Unassigned)
	assert.Equal(t, v, e.snap().Version())

	// two of ten is within 20 %
	e.src.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "d7", Parent: "1", Name: orgkit.Name("Team 7"), Order: 7})
	rep = e.sync(connector.SyncOptions{})
	assert.Equal(t, 2, rep.Counts[connector.NodeDeactivate])

	// the absolute limit
	e.src.RemoveDepartment("d6")
	e.src.RemoveDepartment("d5")
	_, err = connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{PlanOptions: connector.PlanOptions{MaxDeactivations: 1, MaxDeactivationShare: 1}})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	assert.Contains(t, err.Error(), "deactivate 2 of 8 active departments")
}

// TestMembersLeftWithoutDepartmentCounted: members the plan leaves without any
// department count against the same limits, whether their departments are gone or
// upstream lists them in none.
func TestMembersLeftWithoutDepartmentCounted(t *testing.T) {
	e := newEnv(t, deptSource())
	e.sync(connector.SyncOptions{})
	v := e.snap().Version()
	// upstream now lists u5…u9 in no department
	for i := 5; i < 10; i++ {
		m := connectortest.NewMember(fmt.Sprintf("u%d", i), fmt.Sprintf("Person %d", i), fmt.Sprintf("1390000000%d", i))
		m.Present = append(m.Present, member.PrimaryDepartmentField)
		e.src.PutMember(m)
	}
	rep, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, connector.SyncOptions{})
	require.ErrorIs(t, err, connector.ErrTooManyDeactivations)
	assert.Contains(t, err.Error(), "leave 5 of 10 active members without any department")
	assert.NotContains(t, err.Error(), "active departments")
	assert.Equal(t, 5, rep.Plan.Unassigned)
	assert.Equal(t, v, e.snap().Version())

	rep = e.sync(connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}})
	u9 := e.member("u9")
	assert.Empty(t, u9.Affiliations())
	assert.Equal(t, 5, rep.Counts[connector.MemberMove])

	// members moved from a department that closes to another one are not counted
	e2 := newEnv(t, deptSource())
	e2.sync(connector.SyncOptions{})
	e2.src.RemoveDepartment("d1")
	rep = e2.sync(connector.SyncOptions{})
	assert.Equal(t, 0, rep.Plan.Unassigned)
	assert.Equal(t, 1, rep.Plan.DepartmentDeactivations)
}

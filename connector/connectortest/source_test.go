package connectortest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

func TestGenerateIsReproducible(t *testing.T) {
	opts := connectortest.GenerateOptions{Seed: 3, Departments: 50, Members: 400, CollisionShare: 0.1}
	a, b := connectortest.Generate(opts).Snapshot(), connectortest.Generate(opts).Snapshot()
	assert.Equal(t, a, b)
	require.Len(t, a.Departments, 50)
	require.Len(t, a.Members, 400)
	depth := map[string]int{}
	var deepest, secondary, led int
	for _, d := range a.Departments { // parents come first
		depth[d.ExternalID] = depth[d.Parent] + 1
		deepest = max(deepest, depth[d.ExternalID])
		if len(d.Leaders) > 0 {
			led++
		}
	}
	for _, m := range a.Members {
		if len(m.Departments) > 1 {
			secondary++
		}
	}
	assert.LessOrEqual(t, deepest, 8)
	assert.Greater(t, deepest, 2)
	assert.InDelta(t, 80, secondary, 30)
	assert.InDelta(t, 16, led, 10)
	c := connectortest.Generate(connectortest.GenerateOptions{Seed: 4, Departments: 50, Members: 400}).Snapshot()
	assert.NotEqual(t, a.Members[0].Values.FullName+a.Departments[7].Parent, c.Members[0].Values.FullName+c.Departments[7].Parent)
}

func TestSourceEditsAndDeltas(t *testing.T) {
	ctx := context.Background()
	s := connectortest.New(connectortest.Options{Platform: orgkit.WeCom, TenantID: "ww1"})
	assert.Equal(t, orgkit.WeCom, s.Platform())
	assert.Equal(t, "ww1", s.TenantID())
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "a", Parent: "1", Name: orgkit.Name("A")})
	s.PutMember(connectortest.NewMember("u1", "Ada", "13900000001", "a"))
	s.PutMember(connectortest.NewMember("u2", "Alan", "13900000002", "a"))
	full, err := s.Fetch(ctx)
	require.NoError(t, err)
	assert.Len(t, full.Members, 2)

	// a snapshot is a copy
	full.Members[0].Values.FullName = "changed"
	m, _ := s.Member("u1")
	assert.Equal(t, "Ada", m.Values.FullName)

	s.EditMember("u1", func(m *connector.Member) { m.Values.JobTitle = "CTO" })
	s.RemoveMember("u2")
	delta, err := s.FetchChanges(ctx, full.Cursor)
	require.NoError(t, err)
	assert.True(t, delta.Delta)
	require.Len(t, delta.Members, 1)
	assert.Equal(t, "CTO", delta.Members[0].Values.JobTitle)
	assert.Equal(t, []string{"u2"}, delta.RemovedMembers)
	assert.Empty(t, delta.Departments)

	assert.True(t, s.RestoreMember("u2"))
	assert.Empty(t, s.Departed())
	ms, err := s.FetchDepartment(ctx, "a")
	require.NoError(t, err)
	assert.Len(t, ms, 2)
	_, err = s.FetchDepartment(ctx, "nope")
	assert.ErrorIs(t, err, orgkit.ErrNotFound)

	boom := errors.New("boom")
	s.FailNextFetch(boom)
	_, err = s.Fetch(ctx)
	assert.ErrorIs(t, err, boom)
	s.PartialNextFetch()
	p, err := s.Fetch(ctx)
	require.NoError(t, err)
	assert.True(t, p.Partial)
	p, err = s.Fetch(ctx)
	require.NoError(t, err)
	assert.False(t, p.Partial)
	_, err = s.FetchChanges(ctx, "x")
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Fetch(cancelled)
	assert.ErrorIs(t, err, context.Canceled)
}

// A generated upstream, changed by an administrator between fetches.
func ExampleGenerate() {
	src := connectortest.Generate(connectortest.GenerateOptions{Seed: 1, Departments: 5, Members: 20})
	d, m := src.Len()
	fmt.Println(d, "departments,", m, "members")
	src.RemoveMember("u000003")
	src.EditDepartment("d00002", func(d *connector.Department) { d.Name = orgkit.Name("Sales") })
	snap := src.Snapshot()
	fmt.Println(len(snap.Members), "members;", snap.Departments[1].Name.Default)
	// Output:
	// 5 departments, 20 members
	// 19 members; Sales
}

// TestSourcePlatformBehaviours pins what the source does to imitate the platforms:
// expired cursors, changed user IDs, departments out of scope, withheld fields,
// derived departments and leader flags.
func TestSourcePlatformBehaviours(t *testing.T) {
	ctx := context.Background()
	build := func(opts connectortest.Options) *connectortest.Source {
		s := connectortest.New(opts)
		s.PutDepartment(connector.Department{ExternalID: "a", Parent: "1", Name: orgkit.Name("A"), Leaders: []string{"u1"}, Present: connector.DepartmentFields()})
		s.PutDepartment(connector.Department{ExternalID: "b", Parent: "a", Name: orgkit.Name("B"), Present: connector.DepartmentFields()})
		s.PutMember(connectortest.NewMember("u1", "Ada", "13900000001", "a"))
		s.PutMember(connectortest.NewMember("u2", "Alan", "13900000002", "b"))
		s.PutMember(connectortest.NewMember("u3", "Grace", "13900000003", "b", "a"))
		s.EditMember("u2", func(m *connector.Member) { m.Manager = "u1" })
		return s
	}

	t.Run("expired cursors", func(t *testing.T) {
		s := build(connectortest.Options{})
		snap, err := s.Fetch(ctx)
		require.NoError(t, err)
		s.ExpireCursors()
		_, err = s.FetchChanges(ctx, snap.Cursor)
		assert.ErrorIs(t, err, connector.ErrCursorExpired)
		fresh, err := s.Fetch(ctx)
		require.NoError(t, err)
		_, err = s.FetchChanges(ctx, fresh.Cursor)
		assert.NoError(t, err, "cursors handed out afterwards work")
	})

	t.Run("renamed members", func(t *testing.T) {
		s := build(connectortest.Options{})
		snap, _ := s.Fetch(ctx)
		require.True(t, s.RenameMember("u1", "ada"))
		require.True(t, s.RenameMember("ada", "ada2"), "renamed twice")
		assert.False(t, s.RenameMember("u2", "u3"), "the new ID is taken")
		delta, err := s.FetchChanges(ctx, snap.Cursor)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"u1": "ada2"}, delta.RenamedMembers, "composed into one change")
		assert.Empty(t, delta.RemovedMembers)
		u2, _ := s.Member("u2")
		assert.Equal(t, "ada2", u2.Manager, "reporting lines follow")
		a, _ := s.Department("a")
		assert.Equal(t, []string{"ada2"}, a.Leaders, "leader lists follow")
		full, _ := s.Fetch(ctx)
		assert.Nil(t, full.RenamedMembers, "list APIs never say")
	})

	t.Run("out of scope", func(t *testing.T) {
		s := build(connectortest.Options{})
		s.SetOutOfScope("a")
		snap, _ := s.Fetch(ctx)
		assert.Equal(t, []string{"a"}, snap.PartialDepartments)
		require.Len(t, snap.Departments, 1, "the department is listed, not what is below it")
		assert.False(t, snap.Departments[0].Has(orgtree.ManagerField), "… without leaders")
		assert.Empty(t, snap.Members, "its members are not listed")
		s.SetOutOfScope()
		snap, _ = s.Fetch(ctx)
		assert.Empty(t, snap.PartialDepartments)
		assert.Len(t, snap.Members, 3)
	})

	t.Run("withheld fields", func(t *testing.T) {
		s := build(connectortest.Options{})
		s.WithholdFields(member.MobileField)
		snap, _ := s.Fetch(ctx)
		assert.NotContains(t, snap.Fields.Member, member.MobileField)
		assert.Contains(t, snap.Fields.Member, member.FullNameField)
		assert.False(t, snap.Members[0].Has(member.MobileField))
		assert.Empty(t, snap.Members[0].Values.Mobile)
	})

	t.Run("derived departments", func(t *testing.T) {
		s := build(connectortest.Options{DerivedDepartments: true})
		snap, _ := s.Fetch(ctx)
		assert.True(t, snap.DerivedDepartments)
		s.EditMember("u2", func(m *connector.Member) { m.Departments = []string{"a"} })
		delta, _ := s.FetchChanges(ctx, snap.Cursor)
		require.Len(t, delta.Departments, 1, "a delta lists the departments its members name")
		assert.Equal(t, "a", delta.Departments[0].ExternalID)
	})

	t.Run("leader flags and clones", func(t *testing.T) {
		s := build(connectortest.Options{})
		c := s.Clone()
		connectortest.UseLeaderFlags(c)
		a, _ := c.Department("a")
		assert.False(t, a.Has(orgtree.ManagerField))
		u1, _ := c.Member("u1")
		assert.True(t, u1.LeaderInPresent)
		assert.Equal(t, []string{"a"}, u1.LeaderIn)
		a, _ = s.Department("a")
		assert.Equal(t, []string{"u1"}, a.Leaders, "the clone is a copy")
	})
}

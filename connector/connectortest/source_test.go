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

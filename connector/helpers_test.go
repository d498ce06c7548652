package connector_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/connector"
	"github.com/orgkit/orgkit/connector/connectortest"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// env is one directory and one in-memory source.
type env struct {
	t   *testing.T
	ctx context.Context
	svc *directory.Service
	dir orgkit.DirectoryID
	src *connectortest.Source
}

func newEnv(t *testing.T, src *connectortest.Source) *env {
	t.Helper()
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	return &env{t: t, ctx: ctx, svc: svc, dir: snap.ID(), src: src}
}

func (e *env) sync(opts connector.SyncOptions) *connector.Report {
	e.t.Helper()
	rep, err := connector.Sync(e.ctx, e.svc, e.dir, e.src, opts)
	require.NoError(e.t, err)
	return rep
}

func (e *env) snap() *directory.Snapshot {
	e.t.Helper()
	s, err := e.svc.Snapshot(e.ctx, e.dir)
	require.NoError(e.t, err)
	return s
}

func (e *env) member(ext string) member.Member {
	e.t.Helper()
	m, ok := e.snap().MemberBy(member.ExternalIDField, ext)
	require.True(e.t, ok, "member %s", ext)
	return m
}

// smallSource is a hand-made upstream: R&D (Backend, Frontend) and Sales under the
// company "1", ten people.
func smallSource() *connectortest.Source {
	s := connectortest.New(connectortest.Options{})
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "rd", Parent: "1", Name: orgkit.Name("R&D"), Order: 1, Leaders: []string{"u1", "u2"}})
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "be", Parent: "rd", Name: orgkit.Name("Backend"), Order: 1, Leaders: []string{"u3"}})
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "fe", Parent: "rd", Name: orgkit.Name("Frontend"), Order: 2})
	s.PutDepartment(connector.Department{Present: connector.DepartmentFields(), ExternalID: "sales", Parent: "1", Name: orgkit.Name("Sales"), Order: 2, Leaders: []string{"u7"}})
	people := []struct {
		ext, name, mgr string
		depts          []string
	}{
		{"u1", "Ada Lovelace", "", []string{"rd"}},
		{"u2", "Alan Turing", "u1", []string{"rd"}},
		{"u3", "Grace Hopper", "u1", []string{"be"}},
		{"u4", "Linus Torvalds", "u3", []string{"be"}},
		{"u5", "Barbara Liskov", "u1", []string{"fe"}},
		{"u6", "Ken Thompson", "u1", []string{"fe"}},
		{"u7", "Wang Wei", "u1", []string{"sales"}},
		{"u8", "Li Na", "u7", []string{"sales"}},
		{"u9", "Zhang Min", "u7", []string{"sales", "be"}},
		{"u10", "Chen Jing", "u3", []string{"be"}},
	}
	for i, p := range people {
		m := connectortest.NewMember(p.ext, p.name, "1390000000"+string(rune('0'+i)), p.depts...)
		m.Values.Email = p.ext + "@example.com"
		m.Values.JobTitle = "Engineer"
		m.Present = append(m.Present, member.EmailField, member.JobTitleField)
		m.Manager = p.mgr
		s.PutMember(m)
	}
	return s
}

// node returns the node bound to the external ID.
func (e *env) node(ext string) orgtree.Node {
	e.t.Helper()
	n, ok := e.snap().Tree().ByExternalID(ext)
	require.True(e.t, ok, "node %s", ext)
	return n
}

// forced lets a plan past the safety rule: small test directories lose more than
// 20 % of their departments by losing one.
var forced = connector.SyncOptions{PlanOptions: connector.PlanOptions{Force: true}}

// directoryUnbind unbinds a directory (so that tests can make local records).
func directoryUnbind() directory.Bind { return directory.Bind{Platform: orgkit.Generic} }

// connectortestMember is a new upstream member with a full name and departments, no
// contacts.
func connectortestMember(ext, name string, departments ...string) connector.Member {
	m := connectortest.NewMember(ext, name, "", departments...)
	m.Present = slices.DeleteFunc(m.Present, func(f member.Field) bool { return f == member.MobileField })
	return m
}

package directory_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// fixture is a small company: Acme (root) → R&D → {Product, QA}; Acme → Sales.
// Alice manages R&D, Bob is in Product, Carol in QA, Dave in Sales; Ada is the
// founder (org admin, leader, no department).
type fixture struct {
	t                      *testing.T
	ctx                    context.Context
	svc                    *directory.Service
	dir                    orgkit.DirectoryID
	root                   orgkit.NodeID
	rd, product, qa, sales orgkit.NodeID
	ada, alice, bob, carol orgkit.MemberID
	dave                   orgkit.MemberID
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, directory.Options{})
}

// newFixtureWith makes the fixture with a service made with opts.
func newFixtureWith(t *testing.T, opts directory.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), svc: directory.New(opts)}
	snap, err := f.svc.EnsureDefault(f.ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	f.dir, f.root = snap.ID(), snap.Root()
	f.ada = snap.Settings().Leader
	f.rd, f.product, f.qa, f.sales = orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	f.alice, f.bob, f.carol, f.dave = orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	f.apply(
		orgtree.Create{ID: f.rd, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("R&D"), Code: "RD"},
		orgtree.Create{ID: f.product, Parent: f.rd, Kind: orgtree.Department, Name: orgkit.Name("Product")},
		orgtree.Create{ID: f.qa, Parent: f.rd, Kind: orgtree.Department, Name: orgkit.Name("QA")},
		orgtree.Create{ID: f.sales, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Sales")},
		member.Create{ID: f.alice, SystemName: orgkit.Name("alice"), FullName: "Alice", Mobile: "13900000001", Primary: f.rd},
		member.Create{ID: f.bob, SystemName: orgkit.Name("bob"), FullName: "Bob", Mobile: "13900000002", Primary: f.product, ReportingManager: f.alice},
		member.Create{ID: f.carol, SystemName: orgkit.Name("carol"), FullName: "Carol", Mobile: "13900000003", Primary: f.qa, ReportingManager: f.alice},
		member.Create{ID: f.dave, SystemName: orgkit.Name("dave"), FullName: "Dave", Mobile: "13900000004", Primary: f.sales},
		orgtree.SetManager{Node: f.rd, Member: f.alice},
	)
	return f
}

func (f *fixture) apply(cmds ...orgkit.Command) *directory.Result {
	f.t.Helper()
	res, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "test"}, cmds...)
	require.NoError(f.t, err)
	return res
}

// refuse applies the commands, expects an *orgkit.InvalidError, checks that nothing
// was written, and returns the violations.
func (f *fixture) refuse(cmds ...orgkit.Command) []orgkit.Violation {
	f.t.Helper()
	before := f.snap().Version()
	_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "test"}, cmds...)
	require.Error(f.t, err)
	require.ErrorIs(f.t, err, orgkit.ErrInvalid)
	var inv *orgkit.InvalidError
	require.True(f.t, errors.As(err, &inv))
	assert.Equal(f.t, before, f.snap().Version(), "a refused batch wrote something")
	return inv.Violations
}

func (f *fixture) snap() *directory.Snapshot {
	f.t.Helper()
	s, err := f.svc.Snapshot(f.ctx, f.dir)
	require.NoError(f.t, err)
	return s
}

func (f *fixture) node(id orgkit.NodeID) orgtree.Node {
	f.t.Helper()
	n, ok := f.snap().Node(id)
	require.True(f.t, ok)
	return n
}

func (f *fixture) member(id orgkit.MemberID) member.Member {
	f.t.Helper()
	m, ok := f.snap().Member(id)
	require.True(f.t, ok)
	return m
}

func codes(vs []orgkit.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Code
	}
	return out
}

// history collects what a History iterator yields, stopping at the first error.
func history(seq iter.Seq2[*directory.ChangeSet, error]) ([]*directory.ChangeSet, error) {
	var out []*directory.ChangeSet
	for cs, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, cs)
	}
	return out, nil
}

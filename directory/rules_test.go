package directory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Issue 10's item 8: rules that disagreed with the product specification.

// TestFounderWithNameOnly: a directory's leader is created with a name, a phone
// number that is optional, and a password. A founder with a name only was refused.
func TestFounderWithNameOnly(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada"})
	require.NoError(t, err)
	leader := snap.Settings().Leader
	m, ok := snap.Member(leader)
	require.True(t, ok, "the founder is a member")
	assert.Equal(t, "Ada", m.FullName)
	assert.True(t, snap.IsOrgAdmin(leader), "the founder is an org admin")
	assert.Equal(t, member.LoginByAccount, m.LoginMethod, "with neither mobile nor email the founder logs in by account")
	assert.Equal(t, "Ada", m.LoginAccount)

	other, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Beta"),
		Founder: &directory.Founder{Name: "Bo", LoginAccount: "bo.admin"}})
	require.NoError(t, err)
	bo, _ := other.Member(other.Settings().Leader)
	assert.Equal(t, "bo.admin", bo.LoginAccount)
	by, ok := other.MemberBy(member.LoginAccountField, "BO.ADMIN")
	require.True(t, ok)
	assert.Equal(t, bo.ID, by.ID)
}

// TestOneMistakeOneViolation: a founder's bad mobile used to be reported three times
// over — the member refused, then the role assignment and the leader naming a
// member that did not exist. A create refused in a batch is reported once; what only
// fails because it names the refused record is not reported again.
func TestOneMistakeOneViolation(t *testing.T) {
	ctx := context.Background()
	_, err := directory.New(directory.Options{}).EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "123"})
	var inv *orgkit.InvalidError
	require.True(t, errors.As(err, &inv), "%v", err)
	assert.Equal(t, []string{orgkit.CodeMemberMobileInvalid}, codes(inv.Violations))

	f := newFixture(t)
	lab, eve := orgkit.NewNodeID(), orgkit.NewMemberID()
	vs := f.refuse(
		orgtree.Create{ID: lab, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("")}, // no name
		member.Create{ID: eve, SystemName: orgkit.Name("eve"), Mobile: "139", Primary: lab},      // bad mobile; names lab
		orgtree.SetManager{Node: lab, Member: eve},
		orgtree.AddAssistants{Node: f.rd, Members: []orgkit.MemberID{eve}},
		member.SetReportingManager{Members: []orgkit.MemberID{f.bob}, Manager: eve},
		directory.SetLeader{Member: eve},
	)
	assert.Equal(t, []string{orgkit.CodeNodeNameRequired, orgkit.CodeMemberMobileInvalid}, codes(vs))
	assert.Equal(t, []int{0, 1}, []int{vs[0].Command, vs[1].Command})

	// a reference to a record that never was is still reported
	vs = f.refuse(orgtree.SetManager{Node: f.rd, Member: orgkit.NewMemberID()})
	assert.Equal(t, []string{orgkit.CodeReferenceNotFound}, codes(vs))
	assert.Equal(t, orgkit.FieldName("manager"), vs[0].Field)
}

// TestDeactivateReportsEveryBlocker: a node with active child nodes and active
// members reports both, not only the first found.
func TestDeactivateReportsEveryBlocker(t *testing.T) {
	f := newFixture(t) // R&D has Product and QA, and Alice as member
	vs := f.refuse(orgtree.Deactivate{Node: f.rd})
	assert.Equal(t, []string{orgkit.CodeNodeActiveChildren, orgkit.CodeNodeActiveMembers}, codes(vs))
	assert.Contains(t, vs[0].Message(), "Product")
	assert.Contains(t, vs[0].Message(), "QA")
	assert.Contains(t, vs[1].Message(), "Alice")
	assert.Equal(t, "1", vs[1].Detail, "one active member")
}

// TestMergeNameClash: children of a source whose names clash with the target's
// children are reported as node.merge.child_name_clash (CodeNodeMergeNameClash),
// naming the child and what it clashes with, in any language the siblings use.
func TestMergeNameClash(t *testing.T) {
	f := newFixture(t)
	auto, lab, labZh := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	f.apply(
		orgtree.Create{ID: auto, Parent: f.sales, Kind: orgtree.Department, Name: orgkit.Name(" product ")},
		orgtree.Create{ID: lab, Parent: f.sales, Kind: orgtree.Department, Name: orgkit.Names{Default: "Lab", ByLang: map[string]string{"zh-Hans": "质量"}}},
		orgtree.Create{ID: labZh, Parent: f.rd, Kind: orgtree.Department, Name: orgkit.Names{Default: "Quality", ByLang: map[string]string{"zh-Hans": "质量"}}},
	)
	vs := f.refuse(orgtree.Merge{Sources: []orgkit.NodeID{f.sales}, Target: f.rd})
	require.Equal(t, []string{orgkit.CodeNodeMergeNameClash, orgkit.CodeNodeMergeNameClash}, codes(vs))
	assert.Equal(t, "product", vs[0].Value)
	assert.Equal(t, "default", vs[0].Detail)
	assert.Contains(t, vs[0].Message(), "Product")
	assert.Equal(t, "质量", vs[1].Value)
	assert.Equal(t, "zh-Hans", vs[1].Detail)
}

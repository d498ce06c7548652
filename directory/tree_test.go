package directory_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

func TestNodeKindsAndParents(t *testing.T) {
	f := newFixture(t)
	org := orgkit.NewNodeID()
	// organizations need multi-org
	vs := f.refuse(orgtree.Create{ID: org, Parent: f.root, Kind: orgtree.Organization, Name: orgkit.Name("Beijing")})
	assert.Equal(t, []string{orgkit.CodeNodeMultiOrgOff}, codes(vs))
	f.apply(directory.SetMultiOrg{On: true}, orgtree.Create{ID: org, Parent: f.root, Kind: orgtree.Organization, Name: orgkit.Name("Beijing")})
	// departments never host organizations
	vs = f.refuse(orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.rd, Kind: orgtree.Organization, Name: orgkit.Name("Sub")})
	assert.Equal(t, []string{orgkit.CodeNodeParentKind}, codes(vs))
	vs = f.refuse(orgtree.Move{Node: org, Parent: f.sales})
	assert.Equal(t, []string{orgkit.CodeNodeParentKind}, codes(vs))
	// an organization under an organization, a department under an organization
	sub, dept := orgkit.NewNodeID(), orgkit.NewNodeID()
	f.apply(
		orgtree.Create{ID: sub, Parent: org, Kind: orgtree.Organization, Name: orgkit.Name("Haidian")},
		orgtree.Create{ID: dept, Parent: sub, Kind: orgtree.Department, Name: orgkit.Name("Ops")},
	)
	// a second company is not a kind one can create
	vs = f.refuse(orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root, Kind: orgtree.Company, Name: orgkit.Name("X")})
	assert.Equal(t, []string{orgkit.CodeNodeKindInvalid}, codes(vs))
	// multi-org cannot be turned off while active organizations exist
	vs = f.refuse(directory.SetMultiOrg{On: false})
	assert.Equal(t, []string{orgkit.CodeDirectoryMultiOrg}, codes(vs))
	// … but can once they are inactive
	f.apply(orgtree.Deactivate{Node: dept}, orgtree.Deactivate{Node: sub}, orgtree.Deactivate{Node: org}, directory.SetMultiOrg{On: false})
	assert.False(t, f.snap().Settings().MultiOrg)
}

func TestSiblingNamesUniqueAfterNormalization(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		node orgtree.Create
	}{
		{"case and spaces", orgtree.Create{Name: orgkit.Name("  sales ")}},
		{"full width", orgtree.Create{Name: orgkit.Name("ＳＡＬＥＳ")}},
		{"only in another language", orgtree.Create{Name: orgkit.Names{Default: "Marketing", ByLang: map[string]string{"zh-Hans": "销售部"}}}},
	}
	// Sales has a Chinese name too, so a clash in zh-Hans alone is a clash.
	f.apply(orgtree.Rename{Node: f.sales, Name: orgkit.Names{Default: "Sales", ByLang: map[string]string{"zh-Hans": "销售部"}}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.node.ID, c.node.Parent, c.node.Kind = orgkit.NewNodeID(), f.root, orgtree.Department
			vs := f.refuse(c.node)
			require.Len(t, vs, 1)
			assert.Equal(t, orgkit.CodeNodeNameDuplicate, vs[0].Code)
			assert.Equal(t, 0, vs[0].Command)
		})
	}
	// A name that only resolves equal through fallback collides too: zh-Hant falls
	// back to the default "Sales" for a node with no Traditional form.
	vs := f.refuse(orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root, Kind: orgtree.Department,
		Name: orgkit.Names{Default: "Field Sales", ByLang: map[string]string{"zh-Hant": "sales"}}})
	assert.Equal(t, []string{orgkit.CodeNodeNameDuplicate}, codes(vs))
	// the same name under another parent is fine
	f.apply(orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.rd, Kind: orgtree.Department, Name: orgkit.Name("Sales")})
	// two siblings may swap names in one batch
	f.apply(orgtree.Rename{Node: f.product, Name: orgkit.Name("tmp")}, orgtree.Rename{Node: f.qa, Name: orgkit.Name("Product")}, orgtree.Rename{Node: f.product, Name: orgkit.Name("QA")})
	assert.Equal(t, "QA", f.node(f.product).Name.Default)
}

func TestMultilingualNames(t *testing.T) {
	f := newFixture(t)
	f.apply(orgtree.Rename{Node: f.rd, Name: orgkit.Names{Default: "R&D", ByLang: map[string]string{"zh-hans": "研发部", "zh-Hant": "研發部"}}})
	n := f.node(f.rd)
	assert.Equal(t, "研发部", n.Name.In(language.SimplifiedChinese))
	assert.Equal(t, "研發部", n.Name.In(language.MustParse("zh-TW")), "zh-TW finds zh-Hant")
	assert.Equal(t, "R&D", n.Name.In(language.French), "unknown languages fall back to the default")
	assert.Contains(t, n.Name.ByLang, "zh-Hans", "tags are stored canonically")
	vs := f.refuse(orgtree.Rename{Node: f.rd, Name: orgkit.Names{Default: "R&D", ByLang: map[string]string{"not a tag!": "x"}}})
	assert.Equal(t, []string{orgkit.CodeNodeNameLanguage}, codes(vs))
	vs = f.refuse(orgtree.Rename{Node: f.rd, Name: orgkit.Name("   ")})
	assert.Equal(t, []string{orgkit.CodeNodeNameRequired}, codes(vs))
}

func TestCodes(t *testing.T) {
	f := newFixture(t)
	vs := f.refuse(orgtree.SetCode{Node: f.sales, Code: "rd"})
	require.Equal(t, []string{orgkit.CodeNodeCodeDuplicate}, codes(vs), "codes are unique case-insensitively")
	for _, bad := range []string{"has space", "-lead", "国", "a/b", strings.Repeat("a", 65)} {
		vs = f.refuse(orgtree.SetCode{Node: f.sales, Code: bad})
		assert.Equal(t, []string{orgkit.CodeNodeCodeInvalid}, codes(vs), bad)
	}
	f.apply(orgtree.SetCode{Node: f.sales, Code: "BJ-Sales_1.0"})
	tr := f.snap().Tree()
	n, ok := tr.ByCode("bj-sales_1.0")
	require.True(t, ok)
	assert.Equal(t, f.sales, n.ID)
	// two nodes may exchange codes in one batch
	f.apply(orgtree.SetCode{Node: f.rd, Code: ""}, orgtree.SetCode{Node: f.sales, Code: "RD"}, orgtree.SetCode{Node: f.rd, Code: "BJ-Sales_1.0"})
	n, _ = f.snap().Tree().ByCode("RD")
	assert.Equal(t, f.sales, n.ID)
}

func TestLookupsByPathAndExternalID(t *testing.T) {
	f := newFixture(t)
	f.apply(
		orgtree.Rename{Node: f.root, Name: orgkit.Names{Default: "Acme", ByLang: map[string]string{"zh-Hans": "艾克米"}}},
		orgtree.Rename{Node: f.rd, Name: orgkit.Names{Default: "Beijing R&D", ByLang: map[string]string{"zh-Hans": "北京研发"}}},
		orgtree.SetExternalID{Node: f.product, ExternalID: "dt-42"},
	)
	tr := f.snap().Tree()
	n, ok := tr.ByPath("Acme/Beijing R&D/Product", language.English)
	require.True(t, ok)
	assert.Equal(t, f.product, n.ID)
	n, ok = tr.ByPath("艾克米/北京研发/Product", language.SimplifiedChinese)
	require.True(t, ok)
	assert.Equal(t, f.product, n.ID)
	n, ok = tr.ByPath(" acme / BEIJING R&D ", language.English)
	require.True(t, ok, "path segments are normalized")
	assert.Equal(t, f.rd, n.ID)
	_, ok = tr.ByPath("Acme/Nowhere", language.English)
	assert.False(t, ok)
	n, ok = tr.ByExternalID("dt-42")
	require.True(t, ok)
	assert.Equal(t, f.product, n.ID)
	assert.Equal(t, "Acme/Beijing R&D/Product", tr.PathString(f.product, language.English))
	assert.Equal(t, 2, tr.Depth(f.product))
	assert.True(t, tr.IsAncestor(f.rd, f.product))
	assert.False(t, tr.IsAncestor(f.product, f.rd))
	assert.True(t, tr.Contains(f.product, f.product))
	var sub []string
	for n := range tr.Subtree(f.rd) {
		sub = append(sub, n.Name.Default)
	}
	assert.Equal(t, []string{"Beijing R&D", "Product", "QA"}, sub)
}

func TestChildrenOrder(t *testing.T) {
	f := newFixture(t)
	a, b, c := orgkit.NewNodeID(), orgkit.NewNodeID(), orgkit.NewNodeID()
	f.apply(
		orgtree.Create{ID: a, Parent: f.sales, Kind: orgtree.Department, Name: orgkit.Names{Default: "Zeta", ByLang: map[string]string{"zh-Hans": "北京"}}},
		orgtree.Create{ID: b, Parent: f.sales, Kind: orgtree.Department, Name: orgkit.Names{Default: "Alpha", ByLang: map[string]string{"zh-Hans": "上海"}}},
		orgtree.Create{ID: c, Parent: f.sales, Kind: orgtree.Department, Name: orgkit.Names{Default: "Mid", ByLang: map[string]string{"zh-Hans": "广州"}}, Order: -1},
	)
	names := func(ns []orgtree.Node, tag language.Tag) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Name.In(tag))
		}
		return out
	}
	tr := f.snap().Tree()
	assert.Equal(t, []string{"Mid", "Alpha", "Zeta"}, names(slices.Collect(tr.ChildrenIn(f.sales, language.English)), language.English))
	// Chinese collation orders by pinyin: Beijing < Guangzhou < Shanghai (order first)
	assert.Equal(t, []string{"广州", "北京", "上海"}, names(slices.Collect(tr.ChildrenIn(f.sales, language.SimplifiedChinese)), language.SimplifiedChinese))
}

func TestPostsMustBeActiveMembers(t *testing.T) {
	f := newFixture(t)
	f.apply(orgtree.SetManager{Node: f.sales, Member: f.dave})
	// an inactive manager is refused
	f.apply(orgtree.SetManager{Node: f.sales, Member: orgkit.MemberID{}}, orgtree.Move{Node: f.sales, Parent: f.rd})
	f.apply(member.Deactivate{Members: []orgkit.MemberID{f.carol}})
	vs := f.refuse(orgtree.SetManager{Node: f.sales, Member: f.carol})
	assert.Equal(t, []string{orgkit.CodeNodePostInactive}, codes(vs))
	vs = f.refuse(orgtree.SetAssistants{Node: f.sales, Members: []orgkit.MemberID{f.bob, f.carol}})
	assert.Equal(t, []string{orgkit.CodeNodePostInactive}, codes(vs))
	// a member of another directory is unknown here
	other, err := f.svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Other Co"), Founder: &directory.Founder{Name: "Zed", Mobile: "13900009999"}})
	require.NoError(t, err)
	vs = f.refuse(orgtree.SetObservers{Node: f.sales, Members: []orgkit.MemberID{other.Settings().Leader}})
	assert.Equal(t, []string{"field.reference.not_found"}, codes(vs))
	// no observers on the root, and the root is never isolated, moved or deactivated
	vs = f.refuse(orgtree.SetObservers{Node: f.root, Members: []orgkit.MemberID{f.bob}})
	assert.Equal(t, []string{orgkit.CodeNodeObserverRoot}, codes(vs))
	vs = f.refuse(orgtree.SetIsolation{Node: f.root, Isolation: orgtree.Isolation{HideFromOutside: true}})
	assert.Equal(t, []string{orgkit.CodeNodeIsolationRoot}, codes(vs))
	vs = f.refuse(orgtree.Move{Node: f.root, Parent: f.rd}, orgtree.Deactivate{Node: f.root})
	assert.Equal(t, []string{orgkit.CodeNodeRootImmutable, orgkit.CodeNodeRootImmutable}, codes(vs))
	// a member created later in the same batch may take a post
	eve := orgkit.NewMemberID()
	f.apply(orgtree.SetObservers{Node: f.sales, Members: []orgkit.MemberID{eve, f.bob}},
		member.Create{ID: eve, SystemName: orgkit.Name("eve"), Mobile: "13900000005", Primary: f.sales})
	assert.Equal(t, []orgkit.MemberID{eve, f.bob}, f.node(f.sales).Observers)
}

func TestIsolationAndGroupSettings(t *testing.T) {
	f := newFixture(t)
	iso := orgtree.Isolation{
		HideFromOutside:     true,
		VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{f.dave, f.dave}, Nodes: []orgkit.NodeID{f.sales}},
		ContactView:         orgtree.WithinNode,
		ContactWhitelist:    orgtree.Whitelist{Members: []orgkit.MemberID{f.alice}},
		Reception:           orgtree.OnlyThisNode,
	}
	f.apply(orgtree.SetIsolation{Node: f.qa, Isolation: iso}, orgtree.SetGroup{Node: f.rd, Group: orgtree.GroupSettings{IncludeSubMembers: true}})
	n := f.node(f.qa)
	assert.True(t, n.Isolation.Isolated())
	assert.Equal(t, []orgkit.MemberID{f.dave}, n.Isolation.VisibilityWhitelist.Members, "duplicates dropped")
	assert.True(t, f.node(f.rd).Group.IncludeSubMembers)
	vs := f.refuse(orgtree.SetIsolation{Node: f.qa, Isolation: orgtree.Isolation{ContactView: 9}})
	assert.Equal(t, []string{orgkit.CodeNodeIsolationInvalid}, codes(vs))
	vs = f.refuse(orgtree.SetIsolation{Node: f.qa, Isolation: orgtree.Isolation{HideFromOutside: true, VisibilityWhitelist: orgtree.Whitelist{Nodes: []orgkit.NodeID{orgkit.NewNodeID()}}}, Replacing: iso})
	assert.Equal(t, []string{"field.reference.not_found"}, codes(vs))
}

func TestMoveRules(t *testing.T) {
	f := newFixture(t)
	vs := f.refuse(orgtree.Move{Node: f.rd, Parent: f.product})
	assert.Equal(t, []string{orgkit.CodeTreeCycle}, codes(vs), "a cycle by move")
	vs = f.refuse(orgtree.Move{Node: f.rd, Parent: f.rd})
	assert.Equal(t, []string{orgkit.CodeTreeCycle}, codes(vs))
	// names must be unique at the destination
	x := orgkit.NewNodeID()
	f.apply(orgtree.Create{ID: x, Parent: f.sales, Kind: orgtree.Department, Name: orgkit.Name("QA")})
	vs = f.refuse(orgtree.Move{Node: x, Parent: f.rd})
	assert.Equal(t, []string{orgkit.CodeNodeNameDuplicate}, codes(vs))
	f.apply(orgtree.Move{Node: f.qa, Parent: f.sales}, orgtree.Move{Node: x, Parent: f.rd})
	tr := f.snap().Tree()
	assert.True(t, tr.IsAncestor(f.sales, f.qa))
	assert.True(t, tr.IsAncestor(f.rd, x))
}

func TestDeactivateAndReactivate(t *testing.T) {
	f := newFixture(t)
	vs := f.refuse(orgtree.Deactivate{Node: f.qa})
	assert.Equal(t, []string{orgkit.CodeNodeActiveMembers}, codes(vs), "active members affiliated")
	vs = f.refuse(orgtree.Deactivate{Node: f.rd})
	assert.Equal(t, []string{orgkit.CodeNodeActiveChildren, orgkit.CodeNodeActiveMembers}, codes(vs), "every blocker")
	// a secondary affiliation counts too
	f.apply(member.Update{ID: f.carol, Fields: []member.Field{member.PrimaryDepartmentField, member.SecondaryDepartmentsField}, Value: member.Member{Primary: f.product, Secondary: []orgkit.NodeID{f.qa}}})
	vs = f.refuse(orgtree.Deactivate{Node: f.qa})
	assert.Equal(t, []string{orgkit.CodeNodeActiveMembers}, codes(vs))
	// inactive members keep it as their primary
	f.apply(member.Update{ID: f.carol, Fields: []member.Field{member.PrimaryDepartmentField, member.SecondaryDepartmentsField}, Value: member.Member{Primary: f.qa}},
		member.Deactivate{Members: []orgkit.MemberID{f.carol}}, orgtree.Deactivate{Node: f.qa})
	assert.Equal(t, orgkit.Inactive, f.node(f.qa).Status)
	assert.Equal(t, f.qa, f.member(f.carol).Primary)
	// nothing new goes under an inactive node, and an active member cannot join it
	vs = f.refuse(orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.qa, Kind: orgtree.Department, Name: orgkit.Name("Sub")})
	assert.Equal(t, []string{orgkit.CodeNodeInactive}, codes(vs))
	vs = f.refuse(member.Update{ID: f.bob, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: f.qa}})
	assert.Equal(t, []string{orgkit.CodeNodeInactive}, codes(vs))
	// reactivation needs an active parent
	f.apply(orgtree.Move{Node: f.qa, Parent: f.sales})
	f.apply(member.Update{ID: f.dave, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: f.rd}}, orgtree.Deactivate{Node: f.sales})
	vs = f.refuse(orgtree.Reactivate{Node: f.qa})
	assert.Equal(t, []string{orgkit.CodeNodeParentInactive}, codes(vs))
	f.apply(orgtree.Reactivate{Node: f.sales}, orgtree.Reactivate{Node: f.qa})
	assert.Equal(t, orgkit.Active, f.node(f.qa).Status)
}

func TestMerge(t *testing.T) {
	f := newFixture(t)
	sub := orgkit.NewNodeID()
	eve := orgkit.NewMemberID()
	f.apply(
		member.Create{ID: eve, SystemName: orgkit.Name("eve"), Mobile: "13900000005", Primary: f.sales, Secondary: []orgkit.NodeID{f.qa}},
		orgtree.Create{ID: sub, Parent: f.qa, Kind: orgtree.Department, Name: orgkit.Name("Automation"), Code: "QA-AUTO"},
		orgtree.SetCode{Node: f.qa, Code: "QA"},
		orgtree.SetManager{Node: f.qa, Member: f.carol},
		orgtree.SetAssistants{Node: f.qa, Members: []orgkit.MemberID{f.dave}},
		orgtree.SetObservers{Node: f.qa, Members: []orgkit.MemberID{f.bob}},
		orgtree.SetManager{Node: f.product, Member: f.bob},
		orgtree.SetIsolation{Node: f.sales, Isolation: orgtree.Isolation{HideFromOutside: true,
			VisibilityWhitelist: orgtree.Whitelist{Nodes: []orgkit.NodeID{f.qa, f.product}}}},
	)
	// refused: target is a source; a source above the target; the root as a source
	vs := f.refuse(orgtree.Merge{Sources: []orgkit.NodeID{f.product}, Target: f.product})
	assert.Equal(t, []string{orgkit.CodeNodeMergeTarget}, codes(vs))
	vs = f.refuse(orgtree.Merge{Sources: []orgkit.NodeID{f.rd}, Target: f.product})
	assert.Equal(t, []string{orgkit.CodeNodeMergeAncestor}, codes(vs))
	vs = f.refuse(orgtree.Merge{Sources: []orgkit.NodeID{f.root}, Target: f.product})
	assert.Equal(t, []string{orgkit.CodeNodeRootImmutable}, codes(vs))

	res := f.apply(orgtree.Merge{Sources: []orgkit.NodeID{f.qa}, Target: f.product})
	s := res.Snapshot
	target, _ := s.Node(f.product)
	assert.Equal(t, f.bob, target.Manager, "the target keeps its manager")
	assert.ElementsMatch(t, []orgkit.MemberID{f.carol, f.dave}, target.Assistants, "source manager and assistants assist the target")
	assert.Equal(t, []orgkit.MemberID{f.bob}, target.Observers)
	child, _ := s.Node(sub)
	assert.Equal(t, f.product, child.Parent, "children move")
	assert.Equal(t, f.product, f.member(f.carol).Primary, "members move")
	assert.Equal(t, []orgkit.NodeID{f.product}, f.member(eve).Secondary)
	salesNode, _ := s.Node(f.sales)
	assert.Equal(t, []orgkit.NodeID{f.product}, salesNode.Isolation.VisibilityWhitelist.Nodes, "whitelists rewritten and deduplicated")
	// the source is retired with a redirect; its code stays reserved
	old, ok := s.Tree().Record(f.qa)
	require.True(t, ok)
	assert.Equal(t, orgkit.Retired, old.Status)
	assert.Equal(t, f.product, old.MergedInto)
	n, _ := s.Node(f.qa)
	assert.Equal(t, f.product, n.ID, "old IDs resolve to the target")
	n, _ = s.Tree().ByCode("qa")
	assert.Equal(t, f.qa, n.ID)
	vs = f.refuse(orgtree.SetCode{Node: f.sales, Code: "qa"})
	assert.Equal(t, []string{orgkit.CodeNodeCodeDuplicate}, codes(vs), "a retired node's code stays reserved")
	// every API that takes a NodeID resolves the redirect
	x := orgkit.NewNodeID()
	f.apply(orgtree.Create{ID: x, Parent: f.qa, Kind: orgtree.Department, Name: orgkit.Name("Via old ID")},
		member.Update{ID: f.dave, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: f.qa}})
	assert.Equal(t, f.product, f.node(x).Parent)
	assert.Equal(t, f.product, f.member(f.dave).Primary)
	// chains are compressed: merging the target on redirects the old source directly
	f.apply(orgtree.Merge{Sources: []orgkit.NodeID{f.product}, Target: f.rd})
	rec, _ := f.snap().Tree().Record(f.qa)
	assert.Equal(t, f.rd, rec.MergedInto)
	// clashing child names are a violation
	a, b := orgkit.NewNodeID(), orgkit.NewNodeID()
	f.apply(orgtree.Create{ID: a, Parent: f.sales, Kind: orgtree.Department, Name: orgkit.Name("Automation")},
		orgtree.Create{ID: b, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Lab")})
	vs = f.refuse(orgtree.Merge{Sources: []orgkit.NodeID{f.sales}, Target: f.rd})
	assert.Equal(t, []string{orgkit.CodeNodeMergeNameClash}, codes(vs))
}

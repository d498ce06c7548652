package visibility_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/visibility"
)

// acme is the fixture of the rule-by-rule tests:
//
//	Acme (root)                     ada: org admin, no department; nick: no department
//	├── Sales      manager sam, assistant sue, observer olga; group: sub-members, isolated too
//	│   └── East   manager eve; group: sub-members
//	│       └── Shanghai  reception only to itself: shane
//	├── R&D        rita, ted (data owned by East), ina (inactive); group: sub-members
//	│   ├── Secret hidden, visibility whitelist walt + node Audit: sid, tom (also in Platform)
//	│   │   └── Vault  hidden, visibility whitelist wendy: val
//	│   ├── Lab    contact view within node, contact whitelist carl: lara, leo
//	│   ├── Solo   contact view only self, contact whitelist node Audit: solomon
//	│   └── Platform: pat, tom
//	├── Audit      aud
//	└── HR         olga, walt, wendy, carl, sec (also in Secret), hank (inactive)
type acme struct {
	snap  *directory.Snapshot
	x     *visibility.Index
	ref   *orgkittest.Reference
	nodes map[string]orgkit.NodeID
	ids   map[string]orgkit.MemberID
}

func newAcme(t *testing.T) *acme {
	t.Helper()
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme"),
		Founder: &directory.Founder{Name: "ada", Email: "ada@acme.test"}})
	require.NoError(t, err)
	a := &acme{nodes: map[string]orgkit.NodeID{"Acme": snap.Root()}, ids: map[string]orgkit.MemberID{}}
	for m := range snap.Members() {
		a.ids["ada"] = m.ID
	}
	for _, name := range []string{"Sales", "East", "Shanghai", "R&D", "Secret", "Vault", "Lab", "Solo", "Platform", "Audit", "HR"} {
		a.nodes[name] = orgkit.NewNodeID()
	}
	names := []string{"sam", "sue", "eve", "olga", "shane", "rita", "ted", "ina", "sid", "tom", "val", "walt", "wendy",
		"lara", "leo", "carl", "solomon", "pat", "aud", "sec", "hank", "nick"}
	for _, name := range names {
		a.ids[name] = orgkit.NewMemberID()
	}
	n, id := a.nodes, a.ids
	dept := func(name, parent string, g orgtree.GroupSettings) orgkit.Command {
		return orgtree.Create{ID: n[name], Parent: n[parent], Kind: orgtree.Department, Name: orgkit.Name(name), Group: g}
	}
	sub := orgtree.GroupSettings{IncludeSubMembers: true}
	cmds := []orgkit.Command{
		dept("Sales", "Acme", orgtree.GroupSettings{IncludeSubMembers: true, IncludeIsolatedSubMembers: true}),
		dept("East", "Sales", sub), dept("Shanghai", "East", orgtree.GroupSettings{}),
		dept("R&D", "Acme", sub), dept("Secret", "R&D", orgtree.GroupSettings{}), dept("Vault", "Secret", orgtree.GroupSettings{}),
		dept("Lab", "R&D", orgtree.GroupSettings{}), dept("Solo", "R&D", orgtree.GroupSettings{}),
		dept("Platform", "R&D", orgtree.GroupSettings{}), dept("Audit", "Acme", orgtree.GroupSettings{}),
		dept("HR", "Acme", orgtree.GroupSettings{}),
	}
	primary := map[string]string{"sam": "Sales", "sue": "Sales", "eve": "East", "olga": "HR", "shane": "Shanghai",
		"rita": "R&D", "ted": "R&D", "ina": "R&D", "sid": "Secret", "tom": "Secret", "val": "Vault", "walt": "HR",
		"wendy": "HR", "lara": "Lab", "leo": "Lab", "carl": "HR", "solomon": "Solo", "pat": "Platform", "aud": "Audit",
		"sec": "HR", "hank": "HR"}
	for _, name := range names {
		c := member.Create{ID: id[name], SystemName: orgkit.Name(name), FullName: name, Email: name + "@acme.test",
			LoginMethod: member.LoginByEmail, Primary: n[primary[name]]}
		switch name {
		case "tom":
			c.Secondary = []orgkit.NodeID{n["Platform"]}
		case "sec":
			c.Secondary = []orgkit.NodeID{n["Secret"]}
		case "ted":
			c.AffiliatedDepartment = n["East"]
		}
		cmds = append(cmds, c)
	}
	cmds = append(cmds,
		orgtree.SetManager{Node: n["Sales"], Member: id["sam"]},
		orgtree.SetAssistants{Node: n["Sales"], Members: []orgkit.MemberID{id["sue"]}},
		orgtree.SetObservers{Node: n["Sales"], Members: []orgkit.MemberID{id["olga"]}},
		orgtree.SetManager{Node: n["East"], Member: id["eve"]},
		orgtree.SetIsolation{Node: n["Shanghai"], Isolation: orgtree.Isolation{Reception: orgtree.OnlyThisNode}},
		orgtree.SetIsolation{Node: n["Secret"], Isolation: orgtree.Isolation{HideFromOutside: true,
			VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{id["walt"]}, Nodes: []orgkit.NodeID{n["Audit"]}}}},
		orgtree.SetIsolation{Node: n["Vault"], Isolation: orgtree.Isolation{HideFromOutside: true,
			VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{id["wendy"]}}}},
		orgtree.SetIsolation{Node: n["Lab"], Isolation: orgtree.Isolation{ContactView: orgtree.WithinNode,
			ContactWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{id["carl"]}}}},
		orgtree.SetIsolation{Node: n["Solo"], Isolation: orgtree.Isolation{ContactView: orgtree.OnlySelf,
			ContactWhitelist: orgtree.Whitelist{Nodes: []orgkit.NodeID{n["Audit"]}}}},
		member.Update{ID: id["nick"], Fields: []member.Field{member.PrimaryDepartmentField}},
		member.Deactivate{Members: []orgkit.MemberID{id["ina"], id["hank"]}},
	)
	res, err := svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "test"}, cmds...)
	require.NoError(t, err)
	a.snap = res.Snapshot
	a.x = visibility.Compile(a.snap)
	a.ref = orgkittest.NewReference(a.snap)
	return a
}

func (a *acme) names(ids []orgkit.MemberID) []string {
	var out []string
	for _, id := range ids {
		m, _ := a.snap.Member(id)
		out = append(out, m.SystemName.Default)
	}
	slices.Sort(out)
	return out
}

// TestRules has one case per rule sentence of DESIGN §3 "Visibility" and of the
// seeds: each names the check, its arguments, the answer, and the rule, node and
// whitelist entry Explain must give. Every answer is also the reference evaluator's.
func TestRules(t *testing.T) {
	a := newAcme(t)
	x, ref, n, id := a.x, a.ref, a.nodes, a.ids
	type kase struct {
		name  string
		check string // read, write, readm, writem, feed, see, seenode, receives, group
		v, t  string // members
		node  []string
		want  bool
		rule  string
		at    string // deciding node ("" for none)
		entry string // "member:<name>" or "node:<name>"
	}
	cases := []kase{
		// Data scope.
		{name: "manager reads own node", check: "read", v: "sam", node: []string{"Sales"}, want: true, rule: visibility.RuleManager, at: "Sales"},
		{name: "manager writes own node", check: "write", v: "sam", node: []string{"Sales"}, want: true, rule: visibility.RuleManager, at: "Sales"},
		{name: "parent manager reads child data", check: "read", v: "sam", node: []string{"Shanghai"}, want: true, rule: visibility.RuleParentManager, at: "Sales"},
		{name: "parent manager does not write child data", check: "write", v: "sam", node: []string{"East"}, want: false, rule: visibility.RuleParentReadOnly, at: "Sales"},
		{name: "assistant writes like the manager", check: "write", v: "sue", node: []string{"Sales"}, want: true, rule: visibility.RuleAssistant, at: "Sales"},
		{name: "assistant reads below like the manager", check: "read", v: "sue", node: []string{"East"}, want: true, rule: visibility.RuleParentAssistant, at: "Sales"},
		{name: "child manager does not read parent", check: "read", v: "eve", node: []string{"Sales"}, want: false, rule: visibility.RuleNoPost},
		{name: "no post, no write", check: "write", v: "rita", node: []string{"R&D"}, want: false, rule: visibility.RuleNoPostHere},
		{name: "org admin reads anything", check: "read", v: "ada", node: []string{"Vault"}, want: true, rule: visibility.RuleOrgAdmin},
		{name: "org admin writes anything", check: "write", v: "ada", node: []string{"Shanghai"}, want: true, rule: visibility.RuleOrgAdmin},
		{name: "unknown node", check: "read", v: "ada", node: []string{"nowhere"}, want: false, rule: visibility.RuleUnknownNode},
		{name: "member data follows the affiliated department", check: "readm", v: "sam", t: "ted", want: true, rule: visibility.RuleParentManager, at: "Sales"},
		{name: "member data: primary department does not matter", check: "readm", v: "rita", t: "ted", want: false, rule: visibility.RuleNoPost},
		{name: "member data: manager writes own members", check: "writem", v: "eve", t: "ted", want: true, rule: visibility.RuleManager, at: "East"},
		{name: "member data: parent manager does not write", check: "writem", v: "eve", t: "shane", want: false, rule: visibility.RuleParentReadOnly, at: "East"},
		// Feeds.
		{name: "observer sees feeds tagged with the node", check: "feed", v: "olga", node: []string{"Sales"}, want: true, rule: visibility.RuleFeedObserver, at: "Sales"},
		{name: "observing is not inherited", check: "feed", v: "olga", node: []string{"East"}, want: false, rule: visibility.RuleFeedNoAccess},
		{name: "data scope sees feeds below", check: "feed", v: "sam", node: []string{"R&D", "Shanghai"}, want: true, rule: visibility.RuleParentManager, at: "Sales"},
		{name: "no access to the feed", check: "feed", v: "eve", node: []string{"Sales", "R&D"}, want: false, rule: visibility.RuleFeedNoAccess},
		{name: "feed without tags", check: "feed", v: "ada", want: false, rule: visibility.RuleFeedNoTags},
		// Contacts.
		{name: "everyone sees themselves", check: "see", v: "val", t: "val", want: true, rule: visibility.RuleSelf},
		{name: "nothing restricts", check: "see", v: "rita", t: "pat", want: true, rule: visibility.RuleOpen},
		{name: "hidden node hides its people from outside", check: "see", v: "rita", t: "sid", want: false, rule: visibility.RuleHidden, at: "Secret"},
		{name: "hidden node with a whitelisted outsider", check: "see", v: "walt", t: "sid", want: true, rule: visibility.RuleVisibilityWhitelist, at: "Secret", entry: "member:walt"},
		{name: "whitelist node entry admits everyone inside it", check: "see", v: "aud", t: "sid", want: true, rule: visibility.RuleVisibilityWhitelist, at: "Secret", entry: "node:Audit"},
		{name: "people inside a hidden node see each other", check: "see", v: "val", t: "sid", want: true, rule: visibility.RuleInsideHidden, at: "Secret"},
		{name: "inner hidden node hides from the outer one", check: "see", v: "sid", t: "val", want: false, rule: visibility.RuleHidden, at: "Vault"},
		{name: "inner whitelist does not beat the outer hiding node", check: "see", v: "wendy", t: "val", want: false, rule: visibility.RuleHidden, at: "Secret"},
		{name: "outer whitelist does not open the inner hiding node", check: "see", v: "walt", t: "val", want: false, rule: visibility.RuleHidden, at: "Vault"},
		{name: "secondary department puts the viewer inside", check: "see", v: "sec", t: "sid", want: true, rule: visibility.RuleInsideHidden, at: "Secret"},
		{name: "secondary department makes the target visible", check: "see", v: "rita", t: "tom", want: true, rule: visibility.RuleOpen},
		{name: "a target with no department is visible", check: "see", v: "val", t: "nick", want: true, rule: visibility.RuleOpen},
		{name: "a viewer with no department is inside the root only", check: "see", v: "nick", t: "sid", want: false, rule: visibility.RuleHidden, at: "Secret"},
		{name: "within-node viewer sees people inside", check: "see", v: "lara", t: "leo", want: true, rule: visibility.RuleWithinNode, at: "Lab"},
		{name: "within-node viewer does not see outside", check: "see", v: "lara", t: "rita", want: false, rule: visibility.RuleOutsideNode, at: "Lab"},
		{name: "within-node viewer sees a whitelisted target", check: "see", v: "lara", t: "carl", want: true, rule: visibility.RuleContactWhitelist, at: "Lab", entry: "member:carl"},
		{name: "contact view restricts the viewer, not the target", check: "see", v: "rita", t: "lara", want: true, rule: visibility.RuleOpen},
		{name: "self-only viewer sees nobody else", check: "see", v: "solomon", t: "rita", want: false, rule: visibility.RuleOnlySelf, at: "Solo"},
		{name: "self-only viewer sees the contact whitelist", check: "see", v: "solomon", t: "aud", want: true, rule: visibility.RuleContactWhitelist, at: "Solo", entry: "node:Audit"},
		{name: "inactive members are hidden", check: "see", v: "rita", t: "ina", want: false, rule: visibility.RuleTargetInactive},
		{name: "org admins see inactive members", check: "see", v: "ada", t: "ina", want: true, rule: visibility.RuleOrgAdmin},
		{name: "org admins see hidden members", check: "see", v: "ada", t: "val", want: true, rule: visibility.RuleOrgAdmin},
		{name: "inactive viewer sees nobody else", check: "see", v: "hank", t: "rita", want: false, rule: visibility.RuleViewerInactive},
		{name: "inactive viewer sees themselves", check: "see", v: "hank", t: "hank", want: true, rule: visibility.RuleSelf},
		{name: "hidden node is not seen from outside", check: "seenode", v: "rita", node: []string{"Vault"}, want: false, rule: visibility.RuleHidden, at: "Secret"},
		{name: "hidden node is seen by its whitelist", check: "seenode", v: "walt", node: []string{"Secret"}, want: true, rule: visibility.RuleVisibilityWhitelist, at: "Secret", entry: "member:walt"},
		{name: "org admins see every node", check: "seenode", v: "ada", node: []string{"Vault"}, want: true, rule: visibility.RuleOrgAdmin},
		{name: "an open node is seen", check: "seenode", v: "solomon", node: []string{"Lab"}, want: true, rule: visibility.RuleOpen},
		{name: "inactive viewers see no node", check: "seenode", v: "hank", node: []string{"HR"}, want: false, rule: visibility.RuleViewerInactive},
		// Reception.
		{name: "message reaches members below", check: "receives", node: []string{"Sales"}, t: "eve", want: true, rule: visibility.RuleReaches, at: "East"},
		{name: "reception stops at a restricting sub-node", check: "receives", node: []string{"Sales"}, t: "shane", want: false, rule: visibility.RuleReceptionRestricted, at: "Shanghai"},
		{name: "restricting node receives its own messages", check: "receives", node: []string{"Shanghai"}, t: "shane", want: true, rule: visibility.RuleReaches, at: "Shanghai"},
		{name: "org admins get no special treatment", check: "receives", node: []string{"Acme"}, t: "ada", want: false, rule: visibility.RuleOutside},
		{name: "inactive members receive nothing", check: "receives", node: []string{"R&D"}, t: "ina", want: false, rule: visibility.RuleMemberInactive},
		// Groups.
		{name: "direct members are in the group", check: "group", node: []string{"HR"}, t: "walt", want: true, rule: visibility.RuleGroupDirect, at: "HR"},
		{name: "group without sub-node members", check: "group", node: []string{"Acme"}, t: "walt", want: false, rule: visibility.RuleGroupNoSub},
		{name: "group with sub-node members", check: "group", node: []string{"R&D"}, t: "pat", want: true, rule: visibility.RuleGroupSub, at: "Platform"},
		{name: "group without isolated sub-node members", check: "group", node: []string{"R&D"}, t: "lara", want: false, rule: visibility.RuleGroupIsolated, at: "Lab"},
		{name: "isolated below an isolated node", check: "group", node: []string{"R&D"}, t: "val", want: false, rule: visibility.RuleGroupIsolated, at: "Secret"},
		{name: "group with isolated sub-node members", check: "group", node: []string{"Sales"}, t: "shane", want: true, rule: visibility.RuleGroupIsolatedSub, at: "Shanghai"},
		{name: "isolated sub-node excluded one level down", check: "group", node: []string{"East"}, t: "shane", want: false, rule: visibility.RuleGroupIsolated, at: "Shanghai"},
	}
	nodeIDs := func(names []string) []orgkit.NodeID {
		var out []orgkit.NodeID
		for _, s := range names {
			nd, ok := n[s]
			if !ok {
				nd = orgkit.NewNodeID()
			}
			out = append(out, nd)
		}
		return out
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, tg, nodes := id[c.v], id[c.t], nodeIDs(c.node)
			var d0 orgkit.NodeID
			if len(nodes) > 0 {
				d0 = nodes[0]
			}
			var got, want bool
			var why visibility.Decision
			switch c.check {
			case "read":
				got, want, why = x.CanRead(v, d0), ref.CanRead(v, d0), x.ExplainCanRead(v, d0)
			case "write":
				got, want, why = x.CanWrite(v, d0), ref.CanWrite(v, d0), x.ExplainCanWrite(v, d0)
			case "readm":
				got, want, why = x.CanReadMember(v, tg), ref.CanReadMember(v, tg), x.ExplainCanReadMember(v, tg)
			case "writem":
				got, want, why = x.CanWriteMember(v, tg), ref.CanWriteMember(v, tg), x.ExplainCanWriteMember(v, tg)
			case "feed":
				got, want, why = x.CanSeeFeed(v, nodes...), ref.CanSeeFeed(v, nodes...), x.ExplainCanSeeFeed(v, nodes...)
			case "see":
				got, want, why = x.CanSee(v, tg), ref.CanSee(v, tg), x.ExplainCanSee(v, tg)
			case "seenode":
				got, want, why = x.CanSeeNode(v, d0), ref.CanSeeNode(v, d0), x.ExplainCanSeeNode(v, d0)
			case "receives":
				got, want, why = x.Receives(d0, tg), ref.Receives(d0, tg), x.ExplainReceives(d0, tg)
			case "group":
				got, want, why = x.InGroup(d0, tg), ref.InGroup(d0, tg), x.ExplainInGroup(d0, tg)
			default:
				t.Fatalf("unknown check %q", c.check)
			}
			assert.Equal(t, c.want, got, "index")
			assert.Equal(t, c.want, want, "reference")
			assert.Equal(t, c.want, why.Allowed, "explain")
			assert.Equal(t, c.rule, why.Rule, why.String())
			var at orgkit.NodeID
			if c.at != "" {
				at = n[c.at]
			}
			assert.Equal(t, at, why.Node, "deciding node of %s", why)
			entry := ""
			if kind, name, ok := cutEntry(c.entry); ok {
				if kind == "member" {
					entry = "member:" + id[name].String()
				} else {
					entry = "node:" + n[name].String()
				}
			}
			assert.Equal(t, entry, why.Entry)
			for _, tag := range orgkit.Languages() {
				assert.NotContains(t, why.Text(tag), "%!", "text in %s", tag)
				assert.NotContains(t, why.Text(tag), "MISSING")
			}
		})
	}
}

func cutEntry(s string) (kind, name string, ok bool) {
	for i := range s {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// TestLists checks the iterators of the fixture: scopes, audiences, recipients and
// groups, each in slot order.
func TestLists(t *testing.T) {
	a := newAcme(t)
	x, n, id := a.x, a.nodes, a.ids
	assert.Equal(t, []orgkit.NodeID{n["Sales"]}, x.ReadScope(id["sam"]))
	assert.Equal(t, []orgkit.NodeID{n["Acme"]}, x.ReadScope(id["ada"]))
	assert.Empty(t, x.ReadScope(id["rita"]))
	assert.Equal(t, []orgkit.NodeID{n["Sales"], n["East"], n["Shanghai"]}, slices.Collect(x.ReadNodes(id["sue"])))
	assert.Equal(t, []string{"eve", "sam", "shane", "sue", "ted"}, a.names(slices.Collect(x.ReadMembers(id["sam"]))))
	assert.Equal(t, []orgkit.NodeID{n["Sales"]}, slices.Collect(x.WriteNodes(id["sam"])), "a post above East reads it, does not change it")
	assert.Equal(t, []string{"sam", "sue"}, a.names(slices.Collect(x.WriteMembers(id["sam"]))))
	assert.Equal(t, []string{"eve", "ted"}, a.names(slices.Collect(x.WriteMembers(id["eve"]))), "ted's data is owned by East")
	assert.Len(t, slices.Collect(x.WriteNodes(id["ada"])), len(n), "an org admin changes every node")
	assert.Empty(t, slices.Collect(x.WriteNodes(id["rita"])))
	assert.Empty(t, slices.Collect(x.WriteMembers(orgkit.NewMemberID())))
	assert.Equal(t, []string{"ada", "olga", "sam", "sue"}, a.names(slices.Collect(x.FeedAudience(n["Sales"]))))
	assert.Equal(t, []string{"ada", "eve", "sam", "sue"}, a.names(slices.Collect(x.FeedAudience(n["East"], orgkit.NewNodeID()))))
	assert.Empty(t, slices.Collect(x.FeedAudience()))
	assert.Equal(t, []string{"eve", "sam", "sue"}, a.names(slices.Collect(x.Recipients(n["Sales"]))))
	assert.Equal(t, []string{"shane"}, a.names(slices.Collect(x.Recipients(n["Shanghai"]))))
	assert.Equal(t, []string{"eve", "sam", "shane", "sue"}, a.names(slices.Collect(x.GroupMembers(n["Sales"]))))
	assert.Equal(t, []string{"eve"}, a.names(slices.Collect(x.GroupMembers(n["East"]))))
	assert.Equal(t, []string{"pat", "rita", "ted", "tom"}, a.names(slices.Collect(x.GroupMembers(n["R&D"]))))
	assert.Equal(t, []string{"carl", "olga", "sec", "walt", "wendy"}, a.names(slices.Collect(x.GroupMembers(n["HR"]))))
	lara := a.names(slices.Collect(x.Visible(id["lara"])))
	assert.Equal(t, []string{"carl", "lara", "leo"}, lara)
	assert.Equal(t, []string{"hank"}, a.names(slices.Collect(x.Visible(id["hank"]))))
	assert.Len(t, slices.Collect(x.Visible(id["ada"])), a.snap.MemberCount())
	// every list agrees with the reference
	ref := a.ref
	for _, nd := range n {
		assert.Equal(t, slices.Collect(ref.Recipients(nd)), slices.Collect(x.Recipients(nd)))
		assert.Equal(t, slices.Collect(ref.GroupMembers(nd)), slices.Collect(x.GroupMembers(nd)))
		assert.Equal(t, slices.Collect(ref.FeedAudience(nd)), slices.Collect(x.FeedAudience(nd)))
	}
	for _, m := range id {
		assert.Equal(t, slices.Collect(ref.Visible(m)), slices.Collect(x.Visible(m)))
	}
}

// TestDecisionText shows decisions in the three languages.
func TestDecisionText(t *testing.T) {
	a := newAcme(t)
	d := a.x.ExplainCanSee(a.ids["walt"], a.ids["sid"])
	assert.Equal(t, "Secret is hidden from outside, but walt is on its visibility whitelist (walt)", d.Text(language.English))
	assert.Equal(t, "Secret 设置了对外隐藏，但 walt 在其可见白名单中（walt）", d.Text(language.SimplifiedChinese))
	assert.Equal(t, "Secret 設置了對外隱藏，但 walt 在其可見白名單中（walt）", d.Text(language.MustParse("zh-TW")))
	w := a.x.ExplainCanWrite(a.ids["sam"], a.nodes["East"])
	assert.Contains(t, w.Text(language.English), "sam holds a post at Sales, above East")
	assert.Equal(t, "data.parent_read_only: "+w.Text(language.English), w.String())
}

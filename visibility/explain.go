package visibility

import (
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/i18n"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Decision says why a check answered as it did: which rule decided, at which node,
// through which whitelist entry. Text puts it in words a directory admin understands.
type Decision struct {
	// Allowed is the check's answer.
	Allowed bool
	// Rule is the stable code of the deciding rule (one of the Rule… constants).
	Rule string
	// Node is the node where the rule applied: the node whose post grants access, the
	// hidden or restricting node, the affiliation that receives; zero when none.
	Node orgkit.NodeID
	// Entry is the whitelist entry that let the check pass, as "member:<id>" or
	// "node:<id>"; empty when no whitelist decided.
	Entry string

	// names for Text: the viewer (or the member received or grouped), the subject
	// (the node or member asked about), the deciding node and the entry.
	names [4]orgkit.Names
}

// Rule codes. They are stable: hosts may match on them. Each rule decides in one way
// only (allowed or denied), so the code alone tells the outcome.
const (
	RuleUnknownMember = "member.unknown" // denied: the viewer or member is not in the directory
	RuleUnknownNode   = "node.unknown"   // denied: the node is not in the directory
	RuleOrgAdmin      = "org_admin"      // allowed: org admins have full rights

	RuleManager         = "data.manager"             // allowed: v manages the node
	RuleAssistant       = "data.assistant"           // allowed: v assists the node
	RuleParentManager   = "data.parent_manager"      // allowed (read): v manages a node above
	RuleParentAssistant = "data.parent_assistant"    // allowed (read): v assists a node above
	RuleParentReadOnly  = "data.parent_read_only"    // denied (write): v's post is above the node only
	RuleNoPost          = "data.no_post"             // denied (read): no post at or above the node
	RuleNoPostHere      = "data.no_post_at_node"     // denied (write): no post at the node
	RuleFeedObserver    = "feed.observer"            // allowed: v observes a tagged node
	RuleFeedNoTags      = "feed.no_tags"             // denied: the feed has no known tag
	RuleFeedNoAccess    = "feed.no_access"           // denied: v neither observes nor reads a tag
	RuleSelf            = "contacts.self"            // allowed: everyone sees themselves
	RuleViewerInactive  = "contacts.viewer_inactive" // denied: inactive viewers see only themselves
	RuleTargetInactive  = "contacts.target_inactive" // denied: only org admins see inactive members

	RuleHidden              = "contacts.hidden"               // denied: a node hides from outside
	RuleInsideHidden        = "contacts.inside_hidden"        // allowed: v is inside the hiding node
	RuleVisibilityWhitelist = "contacts.visibility_whitelist" // allowed: v is on its visibility whitelist
	RuleWithinNode          = "contacts.within_node"          // allowed: t is inside v's restricting node
	RuleOutsideNode         = "contacts.outside_node"         // denied: v sees only people inside a node
	RuleOnlySelf            = "contacts.only_self"            // denied: v sees only themselves
	RuleContactWhitelist    = "contacts.contact_whitelist"    // allowed: t is on the contact whitelist
	RuleOpen                = "contacts.open"                 // allowed: no isolation setting applies

	RuleMemberInactive      = "member.inactive"            // denied: inactive members receive nothing and are in no group
	RuleReaches             = "reception.reaches"          // allowed: the message reaches the member
	RuleReceptionRestricted = "reception.restricted"       // denied: a node below restricts reception
	RuleOutside             = "member.outside"             // denied: no affiliation in the node's subtree
	RuleGroupDirect         = "group.direct"               // allowed: a direct member
	RuleGroupSub            = "group.sub_member"           // allowed: a member of a sub-node
	RuleGroupIsolatedSub    = "group.isolated_sub_member"  // allowed: a member of an isolated sub-node
	RuleGroupNoSub          = "group.sub_members_excluded" // denied: the group has no sub-node members
	RuleGroupIsolated       = "group.isolated_excluded"    // denied: only through an isolated sub-node
)

var texts = i18n.NewTexts(
	i18n.Text{Key: RuleUnknownMember, Forms: [3]string{"%[1]s is not a member of this directory", "%[1]s 不是该组织架构的成员", "%[1]s 不是該組織架構的成員"}},
	i18n.Text{Key: RuleUnknownNode, Forms: [3]string{"%[2]s is not a department of this directory", "%[2]s 不是该组织架构中的部门", "%[2]s 不是該組織架構中的部門"}},
	i18n.Text{Key: RuleOrgAdmin, Forms: [3]string{"%[1]s is an org admin, with full rights", "%[1]s 是组织管理员，拥有全部权限", "%[1]s 是組織管理員，擁有全部權限"}},
	i18n.Text{Key: RuleManager, Forms: [3]string{"%[1]s is the manager of %[3]s", "%[1]s 是 %[3]s 的负责人", "%[1]s 是 %[3]s 的負責人"}},
	i18n.Text{Key: RuleAssistant, Forms: [3]string{"%[1]s is an assistant of %[3]s, with the same rights as its manager", "%[1]s 是 %[3]s 的助理，与负责人权限相同", "%[1]s 是 %[3]s 的助理，與負責人權限相同"}},
	i18n.Text{Key: RuleParentManager, Forms: [3]string{"%[1]s is the manager of %[3]s, above %[2]s: managers of parent departments can view the data of subordinate departments", "%[1]s 是上级部门 %[3]s 的负责人：上级部门负责人可以查看下级部门 %[2]s 的所有数据", "%[1]s 是上級部門 %[3]s 的負責人：上級部門負責人可以查看下級部門 %[2]s 的所有數據"}},
	i18n.Text{Key: RuleParentAssistant, Forms: [3]string{"%[1]s is an assistant of %[3]s, above %[2]s: like the managers of parent departments, they can view the data of subordinate departments", "%[1]s 是上级部门 %[3]s 的助理：与上级部门负责人一样，可以查看下级部门 %[2]s 的所有数据", "%[1]s 是上級部門 %[3]s 的助理：與上級部門負責人一樣，可以查看下級部門 %[2]s 的所有數據"}},
	i18n.Text{Key: RuleParentReadOnly, Forms: [3]string{"%[1]s holds a post at %[3]s, above %[2]s: that allows viewing the data of %[2]s, not changing it — only an org admin or the manager or an assistant of %[2]s itself may change it", "%[1]s 在上级部门 %[3]s 任负责人或助理：可以查看但不能修改 %[2]s 的数据，只有组织管理员或 %[2]s 本身的负责人、助理才能修改", "%[1]s 在上級部門 %[3]s 任負責人或助理：可以查看但不能修改 %[2]s 的數據，只有組織管理員或 %[2]s 本身的負責人、助理才能修改"}},
	i18n.Text{Key: RuleNoPost, Forms: [3]string{"%[1]s is neither an org admin nor the manager or an assistant of %[2]s or of a department above it", "%[1]s 不是组织管理员，也不是 %[2]s 或其上级部门的负责人或助理", "%[1]s 不是組織管理員，也不是 %[2]s 或其上級部門的負責人或助理"}},
	i18n.Text{Key: RuleNoPostHere, Forms: [3]string{"%[1]s is neither an org admin nor the manager or an assistant of %[2]s", "%[1]s 不是组织管理员，也不是 %[2]s 的负责人或助理", "%[1]s 不是組織管理員，也不是 %[2]s 的負責人或助理"}},
	i18n.Text{Key: RuleFeedObserver, Forms: [3]string{"%[1]s is an observer of %[3]s, which the feed is tagged with", "%[1]s 是 %[3]s 的观察者，该动态标记了此部门", "%[1]s 是 %[3]s 的觀察者，該動態標記了此部門"}},
	i18n.Text{Key: RuleFeedNoTags, Forms: [3]string{"the feed is tagged with no department of this directory", "该动态没有标记本组织架构中的任何部门", "該動態沒有標記本組織架構中的任何部門"}},
	i18n.Text{Key: RuleFeedNoAccess, Forms: [3]string{"%[1]s neither observes the feed's departments (%[2]s) nor may view their data", "%[1]s 不是该动态所标记部门（%[2]s）的观察者，也无权查看这些部门的数据", "%[1]s 不是該動態所標記部門（%[2]s）的觀察者，也無權查看這些部門的數據"}},
	i18n.Text{Key: RuleSelf, Forms: [3]string{"everyone sees themselves", "每个人都能看到自己", "每個人都能看到自己"}},
	i18n.Text{Key: RuleViewerInactive, Forms: [3]string{"%[1]s is inactive, and inactive members see only themselves", "%[1]s 已停用，停用的成员只能看到自己", "%[1]s 已停用，停用的成員只能看到自己"}},
	i18n.Text{Key: RuleTargetInactive, Forms: [3]string{"%[2]s is inactive, and only org admins see inactive members", "%[2]s 已停用，只有组织管理员能看到停用的成员", "%[2]s 已停用，只有組織管理員能看到停用的成員"}},
	i18n.Text{Key: RuleHidden, Forms: [3]string{"%[3]s is hidden from outside, and %[1]s is neither inside it nor on its visibility whitelist", "%[3]s 设置了对外隐藏，%[1]s 既不在该部门内，也不在其可见白名单中", "%[3]s 設置了對外隱藏，%[1]s 既不在該部門內，也不在其可見白名單中"}},
	i18n.Text{Key: RuleInsideHidden, Forms: [3]string{"%[3]s is hidden from outside, but %[1]s is inside it", "%[3]s 设置了对外隐藏，但 %[1]s 在该部门内", "%[3]s 設置了對外隱藏，但 %[1]s 在該部門內"}},
	i18n.Text{Key: RuleVisibilityWhitelist, Forms: [3]string{"%[3]s is hidden from outside, but %[1]s is on its visibility whitelist (%[4]s)", "%[3]s 设置了对外隐藏，但 %[1]s 在其可见白名单中（%[4]s）", "%[3]s 設置了對外隱藏，但 %[1]s 在其可見白名單中（%[4]s）"}},
	i18n.Text{Key: RuleWithinNode, Forms: [3]string{"people in %[3]s see only people inside it, and %[2]s is inside it", "%[3]s 的成员只能看到本部门内的人，%[2]s 在该部门内", "%[3]s 的成員只能看到本部門內的人，%[2]s 在該部門內"}},
	i18n.Text{Key: RuleOutsideNode, Forms: [3]string{"people in %[3]s, such as %[1]s, see only people inside it, and %[2]s is neither inside it nor on its contact whitelist", "%[3]s 的成员（如 %[1]s）只能看到本部门内的人，%[2]s 既不在该部门内，也不在其通讯录白名单中", "%[3]s 的成員（如 %[1]s）只能看到本部門內的人，%[2]s 既不在該部門內，也不在其通訊錄白名單中"}},
	i18n.Text{Key: RuleOnlySelf, Forms: [3]string{"people in %[3]s, such as %[1]s, see only themselves, and %[2]s is not on its contact whitelist", "%[3]s 的成员（如 %[1]s）只能看到自己，%[2]s 不在其通讯录白名单中", "%[3]s 的成員（如 %[1]s）只能看到自己，%[2]s 不在其通訊錄白名單中"}},
	i18n.Text{Key: RuleContactWhitelist, Forms: [3]string{"the contact view of people in %[3]s is restricted, but %[2]s is on its contact whitelist (%[4]s)", "%[3]s 限制了成员的通讯录查看范围，但 %[2]s 在其通讯录白名单中（%[4]s）", "%[3]s 限制了成員的通訊錄查看範圍，但 %[2]s 在其通訊錄白名單中（%[4]s）"}},
	i18n.Text{Key: RuleOpen, Forms: [3]string{"no isolation setting hides %[2]s from %[1]s", "没有任何隔离设置对 %[1]s 隐藏 %[2]s", "沒有任何隔離設置對 %[1]s 隱藏 %[2]s"}},
	i18n.Text{Key: RuleMemberInactive, Forms: [3]string{"%[1]s is inactive", "%[1]s 已停用", "%[1]s 已停用"}},
	i18n.Text{Key: RuleReaches, Forms: [3]string{"%[1]s belongs to %[3]s, in %[2]s, and no department in between receives only its own messages", "%[1]s 属于 %[2]s 下的 %[3]s，且中间没有部门设置为仅接收本部门消息", "%[1]s 屬於 %[2]s 下的 %[3]s，且中間沒有部門設置為僅接收本部門消息"}},
	i18n.Text{Key: RuleReceptionRestricted, Forms: [3]string{"%[3]s receives only messages addressed to itself or below it, so a message to %[2]s does not reach %[1]s", "%[3]s 设置为仅接收发给本部门及下级的消息，发给 %[2]s 的消息不会送达 %[1]s", "%[3]s 設置為僅接收發給本部門及下級的消息，發給 %[2]s 的消息不會送達 %[1]s"}},
	i18n.Text{Key: RuleOutside, Forms: [3]string{"%[1]s belongs to no department in %[2]s", "%[1]s 不属于 %[2]s 及其下级部门", "%[1]s 不屬於 %[2]s 及其下級部門"}},
	i18n.Text{Key: RuleGroupDirect, Forms: [3]string{"%[1]s belongs to %[2]s directly", "%[1]s 直属于 %[2]s", "%[1]s 直屬於 %[2]s"}},
	i18n.Text{Key: RuleGroupSub, Forms: [3]string{"%[1]s belongs to %[3]s, below %[2]s, whose group includes the members of sub-departments", "%[1]s 属于 %[2]s 的下级部门 %[3]s，而 %[2]s 的群组包含下级部门成员", "%[1]s 屬於 %[2]s 的下級部門 %[3]s，而 %[2]s 的群組包含下級部門成員"}},
	i18n.Text{Key: RuleGroupIsolatedSub, Forms: [3]string{"%[1]s belongs to %[3]s, below %[2]s, whose group includes the members of sub-departments, isolated ones too", "%[1]s 属于 %[2]s 的下级部门 %[3]s，而 %[2]s 的群组包含下级部门（含隔离部门）成员", "%[1]s 屬於 %[2]s 的下級部門 %[3]s，而 %[2]s 的群組包含下級部門（含隔離部門）成員"}},
	i18n.Text{Key: RuleGroupNoSub, Forms: [3]string{"%[1]s belongs only to departments below %[2]s, whose group does not include the members of sub-departments", "%[1]s 只属于 %[2]s 的下级部门，而 %[2]s 的群组不包含下级部门成员", "%[1]s 只屬於 %[2]s 的下級部門，而 %[2]s 的群組不包含下級部門成員"}},
	i18n.Text{Key: RuleGroupIsolated, Forms: [3]string{"%[1]s belongs to %[2]s only through %[3]s, an isolated department, and the group of %[2]s does not include the members of isolated sub-departments", "%[1]s 只通过隔离部门 %[3]s 属于 %[2]s，而 %[2]s 的群组不包含隔离下级部门的成员", "%[1]s 只通過隔離部門 %[3]s 屬於 %[2]s，而 %[2]s 的群組不包含隔離下級部門的成員"}},
)

// Text says the decision in the language best matching tag (English, Simplified or
// Traditional Chinese; English when nothing matches), naming people and departments
// in that language where they have a name in it.
func (d Decision) Text(tag language.Tag) string {
	var args [4]any
	for i, n := range d.names {
		args[i] = n.In(tag)
	}
	return texts.Sprintf(tag, d.Rule, args[:]...)
}

// String returns the decision in English, with its rule code.
func (d Decision) String() string { return d.Rule + ": " + d.Text(language.English) }

// --- helpers building decisions -------------------------------------------------

func memberName(m *member.Member) orgkit.Names {
	if m.FullName != "" {
		return orgkit.Name(m.FullName)
	}
	return m.SystemName
}

func (x *Index) memberNames(s int32, id orgkit.MemberID) orgkit.Names {
	if s < 0 {
		return orgkit.Name(id.String())
	}
	return memberName(membersOf(x.snap).At(int(s)))
}

func (x *Index) nodeNames(p int32, id orgkit.NodeID) orgkit.Names {
	if p < 0 {
		return orgkit.Name(id.String())
	}
	return x.np.at[p].Name
}

func (x *Index) decide(allowed bool, rule string, at int32) Decision {
	d := Decision{Allowed: allowed, Rule: rule}
	if at >= 0 {
		d.Node = x.np.at[at].ID
		d.names[2] = x.np.at[at].Name
	}
	return d
}

func (d Decision) with(viewer, subject orgkit.Names) Decision {
	d.names[0], d.names[1] = viewer, subject
	return d
}

// entry returns the whitelist entry admitting member s, as in Decision.Entry, and
// its name.
func (x *Index) entry(w *whitelist, s int32) (string, orgkit.Names) {
	id := x.mp.id(s)
	if slices.Contains(w.members, s) {
		return "member:" + id.String(), x.memberNames(s, id)
	}
	sw := x.mp.whoAt(s)
	for _, n := range w.src.Nodes {
		if p := x.node(n); p >= 0 && x.mp.inside(&sw, p, x.np.end[p]) {
			return "node:" + x.np.at[p].ID.String(), x.np.at[p].Name
		}
	}
	return "", orgkit.Names{}
}

func (d Decision) withEntry(e string, n orgkit.Names) Decision {
	d.Entry, d.names[3] = e, n
	return d
}

// --- data scope -----------------------------------------------------------------

// dataDecision explains read (write=false) or write access of member vs to position p.
func (x *Index) dataDecision(vs, p int32, write bool) Decision {
	if x.mp.admin.has(vs) {
		return x.decide(true, RuleOrgAdmin, -1)
	}
	v := x.mp.id(vs)
	nd := x.np.at[p]
	if nd.Manager == v {
		return x.decide(true, RuleManager, p)
	}
	if slices.Contains(nd.Assistants, v) {
		return x.decide(true, RuleAssistant, p)
	}
	for q := x.np.up[p]; q >= 0; q = x.np.up[q] {
		above := x.np.at[q]
		switch {
		case above.Manager == v && write:
			return x.decide(false, RuleParentReadOnly, q)
		case above.Manager == v:
			return x.decide(true, RuleParentManager, q)
		case slices.Contains(above.Assistants, v) && write:
			return x.decide(false, RuleParentReadOnly, q)
		case slices.Contains(above.Assistants, v):
			return x.decide(true, RuleParentAssistant, q)
		}
	}
	if write {
		return x.decide(false, RuleNoPostHere, -1)
	}
	return x.decide(false, RuleNoPost, -1)
}

func (x *Index) explainData(v orgkit.MemberID, d orgkit.NodeID, write bool) Decision {
	vs, p := x.slot(v), x.node(d)
	subject := x.nodeNames(p, d)
	switch {
	case vs < 0:
		return x.decide(false, RuleUnknownMember, -1).with(x.memberNames(vs, v), subject)
	case p < 0:
		return x.decide(false, RuleUnknownNode, -1).with(x.memberNames(vs, v), subject)
	}
	return x.dataDecision(vs, p, write).with(x.memberNames(vs, v), subject)
}

// ExplainCanRead explains CanRead(v, d).
func (x *Index) ExplainCanRead(v orgkit.MemberID, d orgkit.NodeID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownMember}.with(orgkit.Name(v.String()), orgkit.Names{})
	}
	return x.explainData(v, d, false)
}

// ExplainCanWrite explains CanWrite(v, d).
func (x *Index) ExplainCanWrite(v orgkit.MemberID, d orgkit.NodeID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownMember}.with(orgkit.Name(v.String()), orgkit.Names{})
	}
	return x.explainData(v, d, true)
}

func (x *Index) explainMemberData(v, t orgkit.MemberID, write bool) Decision {
	ts := x.slot(t)
	if ts < 0 {
		return x.decide(false, RuleUnknownMember, -1).with(x.memberNames(ts, t), orgkit.Names{})
	}
	return x.explainData(v, x.np.at[x.mp.rec(ts).owner].ID, write)
}

// ExplainCanReadMember explains CanReadMember(v, t); the decision's subject is the
// department owning t's data.
func (x *Index) ExplainCanReadMember(v, t orgkit.MemberID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownMember}.with(orgkit.Name(v.String()), orgkit.Names{})
	}
	return x.explainMemberData(v, t, false)
}

// ExplainCanWriteMember explains CanWriteMember(v, t); the decision's subject is the
// department owning t's data.
func (x *Index) ExplainCanWriteMember(v, t orgkit.MemberID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownMember}.with(orgkit.Name(v.String()), orgkit.Names{})
	}
	return x.explainMemberData(v, t, true)
}

// ExplainCanSeeFeed explains CanSeeFeed(v, tags...).
func (x *Index) ExplainCanSeeFeed(v orgkit.MemberID, tags ...orgkit.NodeID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownMember}.with(orgkit.Name(v.String()), orgkit.Names{})
	}
	vs := x.slot(v)
	var names []string
	var known []int32
	for _, tag := range tags {
		p := x.node(tag)
		names = append(names, x.nodeNames(p, tag).Default)
		if p >= 0 {
			known = append(known, p)
		}
	}
	subject := orgkit.Name(strings.Join(names, ", "))
	viewer := x.memberNames(vs, v)
	switch {
	case vs < 0:
		return x.decide(false, RuleUnknownMember, -1).with(viewer, subject)
	case len(known) == 0:
		return x.decide(false, RuleFeedNoTags, -1).with(viewer, subject)
	}
	for _, p := range known {
		if slices.Contains(x.np.observers[x.np.observerOff[p]:x.np.observerOff[p+1]], vs) {
			return x.decide(true, RuleFeedObserver, p).with(viewer, x.np.at[p].Name)
		}
	}
	for _, p := range known {
		if d := x.dataDecision(vs, p, false); d.Allowed {
			return d.with(viewer, x.np.at[p].Name)
		}
	}
	return x.decide(false, RuleFeedNoAccess, -1).with(viewer, subject)
}

// --- contacts -------------------------------------------------------------------

// ExplainCanSee explains CanSee(v, t).
func (x *Index) ExplainCanSee(v, t orgkit.MemberID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownMember}.with(orgkit.Name(v.String()), orgkit.Names{})
	}
	vs, ts := x.slot(v), x.slot(t)
	viewer, target := x.memberNames(vs, v), x.memberNames(ts, t)
	mp := x.mp
	switch {
	case vs < 0:
		return x.decide(false, RuleUnknownMember, -1).with(viewer, target)
	case v == t:
		return x.decide(true, RuleSelf, -1).with(viewer, target)
	case !mp.active.has(vs):
		return x.decide(false, RuleViewerInactive, -1).with(viewer, target)
	case ts < 0:
		return x.decide(false, RuleUnknownMember, -1).with(target, target)
	case mp.admin.has(vs):
		return x.decide(true, RuleOrgAdmin, -1).with(viewer, target)
	case !mp.active.has(ts):
		return x.decide(false, RuleTargetInactive, -1).with(viewer, target)
	}
	// (a) hiding nodes above t's affiliations.
	best := x.decide(true, RuleOpen, -1)
	if affs := mp.affs(ts); len(affs) > 0 {
		var first Decision
		passed := false
		for i, a := range affs {
			d, ok := x.explainHiding(vs, x.np.hideAt[a])
			if ok {
				best, passed = d, true
				break
			}
			if i == 0 {
				first = d
			}
		}
		if !passed {
			return first.with(viewer, target)
		}
	}
	// (b) contact-view restrictions above v's affiliations.
	tw := mp.whoAt(ts)
	for _, a := range mp.affs(vs) {
		for c := x.np.contactAt[a]; c >= 0; c = x.np.restrictors[c].outer {
			r := &x.np.restrictors[c]
			switch {
			case r.view == orgtree.WithinNode && mp.inside(&tw, r.pre, r.end):
				if rank(best.Rule) < rank(RuleWithinNode) {
					best = x.decide(true, RuleWithinNode, r.pre)
				}
			case mp.admits(&r.wl, &tw):
				if rank(best.Rule) < rank(RuleContactWhitelist) {
					best = x.decide(true, RuleContactWhitelist, r.pre).withEntry(x.entry(&r.wl, ts))
				}
			case r.view == orgtree.WithinNode:
				return x.decide(false, RuleOutsideNode, r.pre).with(viewer, target)
			default:
				return x.decide(false, RuleOnlySelf, r.pre).with(viewer, target)
			}
		}
	}
	return best.with(viewer, target)
}

// rank orders the reasons for an allowed contact: the more specific one is shown.
func rank(rule string) int {
	switch rule {
	case RuleContactWhitelist:
		return 4
	case RuleVisibilityWhitelist:
		return 3
	case RuleWithinNode:
		return 2
	case RuleInsideHidden:
		return 1
	}
	return 0
}

// explainHiding walks the chain of hiding nodes from h outwards for viewer vs: the
// outermost blocking node when one blocks (a whitelist below it could not help),
// else the most telling reason it passed.
func (x *Index) explainHiding(vs, h int32) (Decision, bool) {
	best := x.decide(true, RuleOpen, -1)
	blocked := int32(-1)
	vw := x.mp.whoAt(vs)
	for ; h >= 0; h = x.np.hiders[h].outer {
		hd := &x.np.hiders[h]
		switch {
		case x.mp.inside(&vw, hd.pre, hd.end):
			if rank(best.Rule) < rank(RuleInsideHidden) {
				best = x.decide(true, RuleInsideHidden, hd.pre)
			}
		case x.mp.admits(&hd.wl, &vw):
			if rank(best.Rule) < rank(RuleVisibilityWhitelist) {
				best = x.decide(true, RuleVisibilityWhitelist, hd.pre).withEntry(x.entry(&hd.wl, vs))
			}
		default:
			blocked = hd.pre
		}
	}
	if blocked >= 0 {
		return x.decide(false, RuleHidden, blocked), false
	}
	return best, true
}

// ExplainCanSeeNode explains CanSeeNode(v, n).
func (x *Index) ExplainCanSeeNode(v orgkit.MemberID, n orgkit.NodeID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownMember}.with(orgkit.Name(v.String()), orgkit.Names{})
	}
	vs, p := x.slot(v), x.node(n)
	viewer, subject := x.memberNames(vs, v), x.nodeNames(p, n)
	switch {
	case vs < 0:
		return x.decide(false, RuleUnknownMember, -1).with(viewer, subject)
	case !x.mp.active.has(vs):
		return x.decide(false, RuleViewerInactive, -1).with(viewer, subject)
	case p < 0:
		return x.decide(false, RuleUnknownNode, -1).with(viewer, subject)
	case x.mp.admin.has(vs):
		return x.decide(true, RuleOrgAdmin, -1).with(viewer, subject)
	}
	d, _ := x.explainHiding(vs, x.np.hideAt[p])
	return d.with(viewer, subject)
}

// --- reception and groups -------------------------------------------------------

func (x *Index) explainMembership(n orgkit.NodeID, t orgkit.MemberID) (p, ts int32, d Decision, done bool) {
	p, ts = x.node(n), x.slot(t)
	switch {
	case ts < 0:
		d = x.decide(false, RuleUnknownMember, -1)
	case p < 0:
		d = x.decide(false, RuleUnknownNode, -1)
	case !x.mp.active.has(ts):
		d = x.decide(false, RuleMemberInactive, -1)
	default:
		return p, ts, d, false
	}
	return p, ts, d.with(x.memberNames(ts, t), x.nodeNames(p, n)), true
}

// ExplainReceives explains Receives(n, t).
func (x *Index) ExplainReceives(n orgkit.NodeID, t orgkit.MemberID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownNode}.with(orgkit.Name(t.String()), orgkit.Name(n.String()))
	}
	p, ts, d, done := x.explainMembership(n, t)
	if done {
		return d
	}
	who, subject := x.memberNames(ts, t), x.nodeNames(p, n)
	end := x.np.end[p]
	var blocked Decision
	found := false
	for _, a := range x.mp.affs(ts) {
		if a < p || a >= end {
			continue
		}
		if r := x.np.recvAt[a]; r > p {
			if !found {
				blocked, found = x.decide(false, RuleReceptionRestricted, r), true
			}
			continue
		}
		return x.decide(true, RuleReaches, a).with(who, subject)
	}
	if found {
		return blocked.with(who, subject)
	}
	return x.decide(false, RuleOutside, -1).with(who, subject)
}

// ExplainInGroup explains InGroup(n, t).
func (x *Index) ExplainInGroup(n orgkit.NodeID, t orgkit.MemberID) Decision {
	if x.empty() {
		return Decision{Rule: RuleUnknownNode}.with(orgkit.Name(t.String()), orgkit.Name(n.String()))
	}
	p, ts, d, done := x.explainMembership(n, t)
	if done {
		return d
	}
	who, subject := x.memberNames(ts, t), x.nodeNames(p, n)
	g := x.np.at[p].Group
	end := x.np.end[p]
	denied := x.decide(false, RuleOutside, -1)
	for _, a := range x.mp.affs(ts) {
		switch {
		case a == p:
			return x.decide(true, RuleGroupDirect, p).with(who, subject)
		case a < p || a >= end:
		case !g.IncludeSubMembers:
			denied = x.decide(false, RuleGroupNoSub, -1)
		case x.np.isoAt[a] <= p:
			return x.decide(true, RuleGroupSub, a).with(who, subject)
		case g.IncludeIsolatedSubMembers:
			return x.decide(true, RuleGroupIsolatedSub, a).with(who, subject)
		default:
			// the outermost isolated node between n and the affiliation
			i := x.np.isoAt[a]
			for q := x.np.up[i]; q > p; q = x.np.up[q] {
				if x.np.isoAt[q] == q {
					i = q
				}
			}
			denied = x.decide(false, RuleGroupIsolated, i)
		}
	}
	return denied.with(who, subject)
}

package directory

import (
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/textnorm"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// finish checks the invariants on the final state of the batch: uniqueness, posts and
// whitelists held by active members, affiliations, reporting lines, the last org
// admin. Each violation is blamed on the command that last touched the record.
func (b *batch) finish() {
	parents := map[orgkit.NodeID]bool{}
	var nodes []*orgtree.Node
	members := make([]*member.Member, 0, len(b.changes))
	rolesChanged, multiOrgOff := false, false
	for _, c := range b.changes {
		switch a := c.After.(type) {
		case *orgtree.Node:
			nodes = append(nodes, a)
			if a.Status != orgkit.Retired && !a.Parent.IsZero() {
				parents[a.Parent] = true
			}
		case *member.Member:
			members = append(members, a)
		case *role.Role, *role.Group:
			rolesChanged = true
		case *store.DirectoryRecord:
			multiOrgOff = b.base.settings.MultiOrg && !a.MultiOrg
		}
	}
	for _, n := range nodes {
		b.finishNode(n)
	}
	b.checkCodes(nodes)
	for p := range parents {
		b.checkSiblingNames(p)
	}
	if multiOrgOff {
		var orgs []orgkit.Ref
		for n := range b.nodeRecords {
			if n.Kind == orgtree.Organization && n.Status == orgkit.Active {
				orgs = append(orgs, n.Ref())
			}
		}
		if len(orgs) > 0 {
			b.failAt(changeKey{store.KindSettings, b.settings.ID.UUID()}, orgkit.CodeDirectoryMultiOrg, b.directoryRecord(), "multi_org", "off", orgs...)
		}
	}
	for _, m := range members {
		b.finishMember(m)
	}
	b.checkUnique(members)
	if !b.settings.Leader.IsZero() && b.settings.Leader != b.base.settings.Leader {
		if m, ok := b.member(b.settings.Leader); !ok || m.Status != orgkit.Active {
			b.failAt(changeKey{store.KindSettings, b.settings.ID.UUID()}, orgkit.CodeDirectoryLeader, b.directoryRecord(), "leader",
				b.settings.Leader.String(), b.memberRef(b.settings.Leader))
			b.cascade(b.settings.Leader.UUID())
		}
	}
	if rolesChanged {
		b.checkRoleNames()
	}
	b.checkReadOnly()
	if b.adminTouch && b.activeAdmins() == 0 && b.base.version > 0 {
		b.violations = append(b.violations, orgkit.Violation{Code: orgkit.CodeMemberLastAdmin, Command: b.lastAdminCmd(),
			Record: b.directoryRecord(), Field: "org_admin"})
	}
}

func (b *batch) lastAdminCmd() int {
	last := -1
	for k, t := range b.changed {
		if k.kind == store.KindMember || k.kind == store.KindAssignment {
			last = max(last, int(t.cmd))
		}
	}
	return last
}

func (b *batch) activeAdmins() int {
	n := 0
	for id, a := range b.assigned.All() {
		if a.Holds(b.settings.AdminRole) {
			if m, ok := b.member(id); ok && m.Status == orgkit.Active {
				n++
			}
		}
	}
	return n
}

func (b *batch) finishNode(n *orgtree.Node) {
	if n.Status == orgkit.Retired {
		return
	}
	k := changeKey{store.KindNode, n.ID.UUID()}
	rec := nodeRecord(n)
	post := func(field orgkit.FieldName, id orgkit.MemberID) {
		if m, ok := b.member(id); !ok {
			b.failAt(k, orgkit.CodeReferenceNotFound, rec, field, id.String())
			b.cascade(id.UUID())
		} else if m.Status != orgkit.Active {
			b.failAt(k, orgkit.CodeNodePostInactive, rec, field, id.String(), m.Ref())
		}
	}
	if !n.Manager.IsZero() {
		post("manager", n.Manager)
	}
	for _, id := range n.Assistants {
		post("assistants", id)
	}
	for _, id := range n.Observers {
		post("observers", id)
	}
	for _, wl := range []orgtree.Whitelist{n.Isolation.VisibilityWhitelist, n.Isolation.ContactWhitelist} {
		for _, id := range wl.Members {
			post("whitelist", id)
		}
		for _, id := range wl.Nodes {
			if x, ok := b.node(id); !ok || x.Status == orgkit.Retired {
				b.failAt(k, orgkit.CodeReferenceNotFound, rec, "whitelist", id.String())
				b.cascade(id.UUID())
			}
		}
	}
	if n.Kind == orgtree.Organization && n.Status == orgkit.Active && !b.settings.MultiOrg {
		b.failAt(k, orgkit.CodeNodeMultiOrgOff, rec, "kind", n.Kind.String())
	}
}

// checkCodes checks that the changed nodes' codes are unique case-insensitively,
// retired nodes' codes included.
func (b *batch) checkCodes(nodes []*orgtree.Node) {
	owners := map[string][]*orgtree.Node{}
	changed := map[orgkit.NodeID]bool{}
	for _, n := range nodes {
		changed[n.ID] = true
		if n.Code != "" {
			key := orgtree.CodeKey(n.Code)
			owners[key] = append(owners[key], n)
		}
	}
	for key, ns := range owners {
		var other orgkit.Ref
		if len(ns) > 1 {
			other = nodeRecord(ns[0])
		} else if b.base.tree != nil {
			if o, ok := b.base.tree.Shared().ByCode(key); ok && o.ID != ns[0].ID && !changed[o.ID] {
				other = nodeRecord(o)
			}
		}
		if other.IsZero() {
			continue
		}
		for i, n := range ns {
			if len(ns) > 1 && i == 0 {
				continue
			}
			b.failAt(changeKey{store.KindNode, n.ID.UUID()}, orgkit.CodeNodeCodeDuplicate, nodeRecord(n), "code", n.Code, other)
		}
	}
}

// checkSiblingNames checks that, for every language any child of the parent has a
// form in, the children's names as resolved in that language are unique.
func (b *batch) checkSiblingNames(parent orgkit.NodeID) {
	kids := b.childrenOf(parent)
	if len(kids) < 2 {
		return
	}
	ns := make([]*orgtree.Node, 0, len(kids))
	for _, id := range kids {
		n, _ := b.nodeRecord(id)
		ns = append(ns, n)
	}
	nameClashes(ns, func(n, o *orgtree.Node, lang, name string) {
		culprit, other := n, o
		if _, touched := b.changed[changeKey{store.KindNode, n.ID.UUID()}]; !touched {
			culprit, other = o, n
		}
		b.reportAt(changeKey{store.KindNode, culprit.ID.UUID()}, orgkit.Violation{Code: orgkit.CodeNodeNameDuplicate,
			Record: nodeRecord(culprit), Field: "name", Value: culprit.Name.In(language.Make(lang)), Detail: lang,
			Related: []orgkit.Ref{nodeRecord(other)}})
	})
}

// nameClashes finds the siblings ns whose names collide: for the default names and
// for every language tag any of them has a form in, the names as resolved in that
// language, compared after normalization. It calls clash once per node that collides
// with an earlier one, with the language ("default" or the tag) and that node's name
// in it; a node is reported once.
func nameClashes(ns []*orgtree.Node, clash func(n, other *orgtree.Node, lang, name string)) {
	tags := map[string]bool{}
	for _, n := range ns {
		for t := range n.Name.ByLang {
			tags[t] = true
		}
	}
	reported := map[orgkit.NodeID]bool{}
	check := func(lang string, name func(*orgtree.Node) string) {
		seen := make(map[string]*orgtree.Node, len(ns))
		for _, n := range ns {
			key := textnorm.Key(name(n))
			if o, dup := seen[key]; dup && !reported[n.ID] && !reported[o.ID] {
				reported[n.ID] = true
				clash(n, o, lang, name(n))
				continue
			}
			seen[key] = n
		}
	}
	check("default", func(n *orgtree.Node) string { return n.Name.Default })
	for _, t := range slices.Sorted(maps.Keys(tags)) {
		tag := language.Make(t)
		check(t, func(n *orgtree.Node) string { return n.Name.In(tag) })
	}
}

func (b *batch) finishMember(m *member.Member) {
	k := changeKey{store.KindMember, m.ID.UUID()}
	rec := memberRecord(m)
	active := m.Status == orgkit.Active
	aff := func(field orgkit.FieldName, id orgkit.NodeID) *orgtree.Node {
		if id.IsZero() {
			return nil
		}
		n, ok := b.node(id)
		if !ok || n.Status == orgkit.Retired {
			b.failAt(k, orgkit.CodeReferenceNotFound, rec, field, id.String())
			b.cascade(id.UUID())
			return nil
		}
		if active && n.Status != orgkit.Active && b.memberChangedAffiliation(m) {
			b.failAt(k, orgkit.CodeNodeInactive, rec, field, n.ID.String(), nodeRecord(n))
		}
		return n
	}
	aff("primary_department", m.Primary)
	aff("affiliated_department", m.AffiliatedDepartment)
	if n := aff("affiliated_organization", m.AffiliatedOrganization); n != nil && n.Kind == orgtree.Department {
		b.failAt(k, orgkit.CodeMemberAffiliatedOrg, rec, "affiliated_organization", n.ID.String(), nodeRecord(n))
	}
	for _, id := range m.Secondary {
		aff("secondary_departments", id)
	}
	if mgr := m.ReportingManager; !mgr.IsZero() {
		boss, ok := b.member(mgr)
		switch {
		case !ok:
			b.failAt(k, orgkit.CodeReferenceNotFound, rec, "reporting_manager", mgr.String())
			b.cascade(mgr.UUID())
		case boss.Status != orgkit.Active:
			b.failAt(k, orgkit.CodeMemberManagerInactive, rec, "reporting_manager", mgr.String(), boss.Ref())
		default:
			// Walk up the reporting line; only a line that comes back to m (a cycle,
			// rare) is walked again to name its members.
			walk := func(visit func(*member.Member)) bool {
				for cur, hops := boss, 0; cur != nil && hops <= b.members.Len(); hops++ {
					visit(cur)
					if cur.ID == m.ID {
						return true
					}
					if cur.ReportingManager.IsZero() {
						return false
					}
					cur, _ = b.member(cur.ReportingManager)
				}
				return false
			}
			if walk(func(*member.Member) {}) {
				chain := []string{m.DisplayName()}
				walk(func(cur *member.Member) { chain = append(chain, cur.DisplayName()) })
				b.reportAt(k, orgkit.Violation{Code: orgkit.CodeMemberManagerCycle, Record: rec, Field: "reporting_manager",
					Value: mgr.String(), Detail: strings.Join(chain, " → "), Related: []orgkit.Ref{boss.Ref()}})
			}
		}
	}
}

// memberChangedAffiliation reports whether the batch changed the member's affiliations
// or status (an active member may keep an affiliation to a node deactivated before).
func (b *batch) memberChangedAffiliation(m *member.Member) bool {
	old, ok := b.base.member(m.ID)
	if !ok || old.Status != m.Status {
		return true
	}
	for _, f := range []member.Field{member.PrimaryDepartmentField, member.SecondaryDepartmentsField, member.AffiliatedDepartmentField, member.AffiliatedOrganizationField} {
		if !f.Equal(old, m) {
			return true
		}
	}
	return false
}

// checkUnique checks the unique fields of the changed members against each other and
// against the members the batch did not change.
func (b *batch) checkUnique(members []*member.Member) {
	changed := make(map[orgkit.MemberID]bool, len(members))
	for _, m := range members {
		changed[m.ID] = true
	}
	first := make(map[string]*member.Member, len(members))
	for k, f := range member.UniqueFields {
		clear(first)
		shared := map[string][]*member.Member{} // keys of more than one member: all of them
		for _, m := range members {
			key := member.UniqueKey(f, m)
			if key == "" {
				continue
			}
			o, taken := first[key]
			if !taken {
				first[key] = m
				continue
			}
			if shared[key] == nil {
				shared[key] = []*member.Member{o}
			}
			shared[key] = append(shared[key], m)
		}
		for key, m := range first {
			ms := shared[key]
			if ms == nil {
				ms = []*member.Member{m}
			}
			var other orgkit.Ref
			if len(ms) > 1 {
				other = memberRecord(ms[0])
			} else if o, ok := b.base.uniqueMaps()[k].Get(key); ok && o != ms[0].ID && !changed[o] {
				om, _ := b.base.member(o)
				other = memberRecord(om)
			}
			if other.IsZero() {
				continue
			}
			for i, m := range ms {
				if len(ms) > 1 && i == 0 {
					continue
				}
				value := key
				if f == member.SystemNameField {
					value = m.SystemName.Default
				}
				b.failAt(changeKey{store.KindMember, m.ID.UUID()}, orgkit.CodeFieldDuplicate, memberRecord(m), orgkit.FieldName(f.String()), value, other)
			}
		}
	}
}

func (b *batch) checkRoleNames() {
	seen := map[string]*role.Role{}
	for _, r := range b.roles {
		if r.Status == orgkit.Retired {
			continue
		}
		key := textnorm.Key(r.Name.Default)
		if o, dup := seen[key]; dup {
			b.failAt(changeKey{store.KindRole, r.ID.UUID()}, orgkit.CodeRoleNameDuplicate, roleRecord(r), "name", r.Name.Default, roleRecord(o))
			continue
		}
		seen[key] = r
	}
	other := map[string]*role.Group{}
	for _, g := range b.groups {
		if g.Status == orgkit.Retired {
			continue
		}
		key := textnorm.Key(g.Name.Default)
		if other[key] != nil {
			b.failAt(changeKey{store.KindRoleGroup, g.ID.UUID()}, orgkit.CodeFieldDuplicate, g.Ref(), "name", g.Name.Default, other[key].Ref())
		}
		other[key] = g
	}
}

// checkReadOnly refuses, in a directory bound to a platform, edits of the fields the
// platform owns on the records it synced (those with an external ID), and the
// creation of nodes and members outside sync — unless the batch is the sync itself.
// Records the platform does not know (no external ID) stay editable.
func (b *batch) checkReadOnly() {
	d := b.base.settings
	if !d.Platform.Synced() || b.origin == store.OriginSync {
		return
	}
	for _, c := range b.changes {
		k := changeKey{c.Kind, c.ID()}
		var rec orgkit.Ref
		var fields []string
		switch a := c.After.(type) {
		case *orgtree.Node:
			before, _ := c.Before.(*orgtree.Node)
			if before != nil && before.ExternalID == "" && a.ExternalID == "" {
				continue // a local node, not the platform's
			}
			rec = nodeRecord(a)
			fields = ownedChanges(d.SyncedNodeFields, before == nil, "node", func() []orgtree.Field { return orgtree.Changed(before, a) })
		case *member.Member:
			before, _ := c.Before.(*member.Member)
			if before != nil && before.ExternalID == "" && a.ExternalID == "" {
				continue // a local member, not the platform's
			}
			rec = memberRecord(a)
			fields = ownedChanges(d.SyncedMemberFields, before == nil, "member", func() []member.Field { return member.Changed(before, a) })
		}
		for _, f := range fields {
			b.failAt(k, orgkit.CodeFieldReadOnly, rec, orgkit.FieldName(f), "")
		}
	}
}

// ownedChanges names what a change did to fields the platform owns: the whole record
// (kind) when it was created and the platform owns any of its fields, else each owned
// field that changed.
func ownedChanges[F interface {
	comparable
	String() string
}](owned []F, created bool, kind string, changed func() []F) []string {
	if len(owned) == 0 {
		return nil
	}
	if created {
		return []string{kind}
	}
	var out []string
	for _, f := range changed() {
		if slices.Contains(owned, f) {
			out = append(out, f.String())
		}
	}
	return out
}

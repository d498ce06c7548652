package directory

import (
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// liveNode resolves id to a live (not retired) node, reporting a violation otherwise.
func (b *batch) liveNode(id orgkit.NodeID, record orgkit.Ref, field orgkit.FieldName) (*orgtree.Node, bool) {
	if id.IsZero() {
		b.fail(orgkit.CodeIDZero, record, field, "")
		return nil, false
	}
	n, ok := b.node(id)
	if !ok {
		b.fail(orgkit.CodeReferenceNotFound, record, field, id.String())
		b.cascade(id.UUID())
		return nil, false
	}
	if n.Status == orgkit.Retired {
		b.fail(orgkit.CodeRecordRetired, nodeRecord(n), field, id.String())
		return nil, false
	}
	return n, true
}

func (b *batch) checkCode(n *orgtree.Node, code string) bool {
	code = strings.TrimSpace(code)
	if !b.checkText(nodeRecord(n), "code", code) {
		return false
	}
	if code != "" && !orgtree.ValidCode(code) {
		b.fail(orgkit.CodeNodeCodeInvalid, nodeRecord(n), "code", code)
		return false
	}
	return true
}

func (b *batch) checkIsolation(n *orgtree.Node, iso orgtree.Isolation) bool {
	if n.Parent.IsZero() && (iso.Isolated() || !iso.VisibilityWhitelist.IsEmpty() || !iso.ContactWhitelist.IsEmpty()) {
		b.fail(orgkit.CodeNodeIsolationRoot, nodeRecord(n), "isolation", "")
		return false
	}
	ok := true
	if iso.ContactView > orgtree.OnlySelf {
		b.fail(orgkit.CodeNodeIsolationInvalid, nodeRecord(n), "contact_view", strconv.Itoa(int(iso.ContactView)))
		ok = false
	}
	if iso.Reception > orgtree.OnlyThisNode {
		b.fail(orgkit.CodeNodeIsolationInvalid, nodeRecord(n), "reception", strconv.Itoa(int(iso.Reception)))
		ok = false
	}
	return ok
}

// cleanIsolation drops duplicate and zero whitelist entries and resolves node IDs.
func (b *batch) cleanIsolation(iso orgtree.Isolation) orgtree.Isolation {
	iso = iso.Clone()
	iso.VisibilityWhitelist = b.cleanWhitelist(iso.VisibilityWhitelist)
	iso.ContactWhitelist = b.cleanWhitelist(iso.ContactWhitelist)
	return iso
}

func (b *batch) cleanWhitelist(w orgtree.Whitelist) orgtree.Whitelist {
	nodes := make([]orgkit.NodeID, len(w.Nodes))
	for i, id := range w.Nodes {
		nodes[i] = id
		if n, ok := b.node(id); ok {
			nodes[i] = n.ID
		}
	}
	return orgtree.Whitelist{Members: clean(w.Members), Nodes: clean(nodes)}
}

func (b *batch) createNode(c orgtree.Create) {
	since := len(b.violations)
	rec := (&orgtree.Node{ID: c.ID, Kind: c.Kind, Name: c.Name}).Ref()
	if c.ID.IsZero() {
		b.fail(orgkit.CodeIDZero, rec, "id", "")
	} else if _, exists := b.nodeRecord(c.ID); exists {
		b.fail(orgkit.CodeRecordExists, nodeIDRecord(c.ID), "id", c.ID.String())
	}
	kindOK := c.Kind == orgtree.Organization || c.Kind == orgtree.Department
	if !kindOK {
		b.fail(orgkit.CodeNodeKindInvalid, rec, "kind", c.Kind.String())
	}
	b.checkNames(rec, c.Name)
	parent, ok := b.liveNode(c.Parent, rec, "parent")
	n := &orgtree.Node{
		ID: c.ID, Kind: c.Kind, Parent: c.Parent, Name: cleanNames(c.Name), Code: strings.TrimSpace(c.Code),
		Order: c.Order, Manager: c.Manager, Assistants: clean(c.Assistants), Observers: clean(c.Observers),
		Group: c.Group, ExternalID: strings.TrimSpace(c.ExternalID), Status: orgkit.Active,
	}
	if ok && kindOK {
		n.Parent = parent.ID
		b.checkPlacement(rec, c.Kind, parent, true)
	}
	b.checkCode(n, c.Code)
	b.checkText(rec, "external_id", n.ExternalID)
	b.checkIsolation(n, c.Isolation)
	if b.failed(since) {
		if _, exists := b.nodeRecord(c.ID); !exists {
			b.refuse(c.ID.UUID())
		}
		return
	}
	n.Isolation = b.cleanIsolation(c.Isolation)
	b.putNode(n)
}

// checkPlacement checks that a node of kind may sit under parent.
func (b *batch) checkPlacement(rec orgkit.Ref, kind orgtree.Kind, parent *orgtree.Node, active bool) bool {
	if active && parent.Status != orgkit.Active {
		b.fail(orgkit.CodeNodeInactive, rec, "parent", parent.ID.String(), nodeRecord(parent))
		return false
	}
	if !orgtree.CanParent(parent.Kind, kind) {
		b.fail(orgkit.CodeNodeParentKind, rec, "parent", kind.String(), nodeRecord(parent))
		return false
	}
	if kind == orgtree.Organization && !b.settings.MultiOrg {
		b.fail(orgkit.CodeNodeMultiOrgOff, rec, "kind", kind.String())
		return false
	}
	return true
}

// editNode applies edit to a copy of the node after check (if any) passes.
func (b *batch) editNode(id orgkit.NodeID, edit func(*orgtree.Node), check func(*orgtree.Node) bool) {
	n, ok := b.liveNode(id, nodeIDRecord(id), "node")
	if !ok {
		return
	}
	if check != nil && !check(n) {
		return
	}
	c := n.Clone()
	edit(c)
	b.putNode(c)
}

func (b *batch) renameNode(c orgtree.Rename) {
	n, ok := b.liveNode(c.Node, nodeIDRecord(c.Node), "node")
	if !ok || !b.checkNames(nodeRecord(n), c.Name) {
		return
	}
	e := n.Clone()
	e.Name = cleanNames(c.Name)
	b.putNode(e)
}

func (b *batch) moveNode(c orgtree.Move) {
	n, ok := b.liveNode(c.Node, nodeIDRecord(c.Node), "node")
	if !ok {
		return
	}
	rec := nodeRecord(n)
	if n.Parent.IsZero() {
		b.fail(orgkit.CodeNodeRootImmutable, rec, "parent", "moved")
		return
	}
	parent, ok := b.liveNode(c.Parent, rec, "parent")
	if !ok {
		return
	}
	for p := parent; ; {
		if p.ID == n.ID {
			b.fail(orgkit.CodeTreeCycle, rec, "parent", parent.ID.String(), nodeRecord(parent))
			return
		}
		if p.Parent.IsZero() {
			break
		}
		p, _ = b.node(p.Parent)
	}
	if !b.checkPlacement(rec, n.Kind, parent, n.Status == orgkit.Active) {
		return
	}
	e := n.Clone()
	e.Parent = parent.ID
	b.putNode(e)
}

func (b *batch) deactivateNode(c orgtree.Deactivate) {
	n, ok := b.liveNode(c.Node, nodeIDRecord(c.Node), "node")
	if !ok || n.Status == orgkit.Inactive {
		return
	}
	rec := nodeRecord(n)
	if n.Parent.IsZero() {
		b.fail(orgkit.CodeNodeRootImmutable, rec, "status", "deactivated")
		return
	}
	// every blocker is reported: the active child nodes, and the active members
	var active []orgkit.Ref
	for _, cid := range b.childrenOf(n.ID) {
		if ch, _ := b.nodeRecord(cid); ch.Status == orgkit.Active {
			active = append(active, ch.Ref())
		}
	}
	if len(active) > 0 {
		b.fail(orgkit.CodeNodeActiveChildren, rec, "status", "", active...)
	}
	members := b.activeMembersAt(n.ID)
	if len(members) > 0 {
		b.add(orgkit.Violation{Code: orgkit.CodeNodeActiveMembers, Record: rec, Field: "status",
			Detail: strconv.Itoa(len(members)), Related: members[:min(len(members), 3)]})
	}
	if len(active) > 0 || len(members) > 0 {
		return
	}
	e := n.Clone()
	e.Status = orgkit.Inactive
	b.putNode(e)
}

// activeMembersAt names the active members affiliated with node id.
func (b *batch) activeMembersAt(id orgkit.NodeID) []orgkit.Ref {
	slotsAt, _ := b.byNode.Get(id)
	var out []orgkit.Ref
	for _, s := range slotsAt {
		if m := b.members.At(int(s)); m.Status == orgkit.Active {
			out = append(out, m.Ref())
		}
	}
	return out
}

func (b *batch) reactivateNode(c orgtree.Reactivate) {
	n, ok := b.liveNode(c.Node, nodeIDRecord(c.Node), "node")
	if !ok || n.Status == orgkit.Active {
		return
	}
	if p, _ := b.node(n.Parent); p.Status != orgkit.Active {
		b.fail(orgkit.CodeNodeParentInactive, nodeRecord(n), "status", p.ID.String(), nodeRecord(p))
		return
	}
	e := n.Clone()
	e.Status = orgkit.Active
	b.putNode(e)
}

func (b *batch) mergeNodes(c orgtree.Merge) {
	since := len(b.violations)
	target, ok := b.liveNode(c.Target, nodeIDRecord(c.Target), "target")
	if !ok {
		return
	}
	rec := nodeRecord(target)
	if b.settings.Platform.Synced() {
		b.fail(orgkit.CodeNodeMergeSynced, rec, "", "")
		return
	}
	if target.Status != orgkit.Active {
		b.fail(orgkit.CodeNodeInactive, rec, "target", target.ID.String(), nodeRecord(target))
	}
	var sources []*orgtree.Node
	for _, id := range clean(c.Sources) {
		s, ok := b.liveNode(id, rec, "sources")
		if !ok {
			continue
		}
		switch {
		case s.ID == target.ID:
			b.fail(orgkit.CodeNodeMergeTarget, rec, "sources", s.ID.String(), nodeRecord(s))
		case s.Parent.IsZero():
			b.fail(orgkit.CodeNodeRootImmutable, nodeRecord(s), "sources", "merged")
		case b.contains(s.ID, target.ID):
			b.fail(orgkit.CodeNodeMergeAncestor, rec, "sources", s.ID.String(), nodeRecord(s))
		default:
			sources = append(sources, s)
		}
	}
	if len(sources) == 0 && !b.failed(since) {
		b.fail(orgkit.CodeFieldRequired, rec, "sources", "")
	}
	isSource := map[orgkit.NodeID]bool{}
	for _, s := range sources {
		isSource[s.ID] = true
	}
	// the target's children after the merge: its own, then the sources' (not sources)
	var kids []*orgtree.Node
	moved := map[orgkit.NodeID]bool{}
	for _, cid := range b.childrenOf(target.ID) {
		if !isSource[cid] {
			ch, _ := b.nodeRecord(cid)
			kids = append(kids, ch)
		}
	}
	for _, s := range sources {
		for _, cid := range b.childrenOf(s.ID) {
			ch, _ := b.nodeRecord(cid)
			if isSource[cid] {
				continue
			}
			if !orgtree.CanParent(target.Kind, ch.Kind) {
				b.fail(orgkit.CodeNodeParentKind, nodeRecord(ch), "parent", ch.Kind.String(), rec)
			}
			kids, moved[cid] = append(kids, ch), true
		}
	}
	nameClashes(kids, func(n, o *orgtree.Node, lang, _ string) {
		if !moved[n.ID] {
			n, o = o, n
		}
		b.add(orgkit.Violation{Code: orgkit.CodeNodeMergeNameClash, Record: rec, Field: "name",
			Value: n.Name.In(language.Make(lang)), Detail: lang, Related: []orgkit.Ref{nodeRecord(o)}})
	})
	if b.failed(since) {
		return
	}
	// children of the sources move to the target
	for _, s := range sources {
		for _, cid := range slices.Clone(b.childrenOf(s.ID)) {
			if isSource[cid] {
				continue
			}
			ch, _ := b.nodeRecord(cid)
			e := ch.Clone()
			e.Parent = target.ID
			b.putNode(e)
		}
	}
	// members follow
	redirect := func(id orgkit.NodeID) orgkit.NodeID {
		if isSource[id] {
			return target.ID
		}
		return id
	}
	for _, s := range sources {
		slotsAt, _ := b.byNode.Get(s.ID)
		for _, slot := range slices.Clone(slotsAt) {
			m := b.members.At(int(slot)).Clone()
			m.Primary = redirect(m.Primary)
			sec := make([]orgkit.NodeID, 0, len(m.Secondary))
			for _, x := range m.Secondary {
				if x = redirect(x); x != m.Primary {
					sec = append(sec, x)
				}
			}
			m.Secondary = clean(sec)
			m.AffiliatedDepartment = redirect(m.AffiliatedDepartment)
			m.AffiliatedOrganization = redirect(m.AffiliatedOrganization)
			b.underive(m)
			b.putMember(m)
		}
	}
	// posts: source managers and assistants assist the target; observers combine
	t := target.Clone()
	for _, s := range sources {
		t.Assistants = append(t.Assistants, s.Manager)
		t.Assistants = append(t.Assistants, s.Assistants...)
		t.Observers = append(t.Observers, s.Observers...)
	}
	t.Assistants = slices.DeleteFunc(clean(t.Assistants), func(m orgkit.MemberID) bool { return m == t.Manager })
	if len(t.Assistants) == 0 {
		t.Assistants = nil
	}
	t.Observers = clean(t.Observers)
	b.putNode(t)
	// whitelists naming a source name the target; redirects into a source move on
	for n := range b.nodeRecords {
		changed := false
		e := n.Clone()
		for _, wl := range []*orgtree.Whitelist{&e.Isolation.VisibilityWhitelist, &e.Isolation.ContactWhitelist} {
			for i, id := range wl.Nodes {
				if isSource[id] {
					wl.Nodes[i] = target.ID
					changed = true
				}
			}
			wl.Nodes = clean(wl.Nodes)
		}
		if isSource[e.MergedInto] {
			e.MergedInto = target.ID
			changed = true
		}
		if changed {
			b.putNode(e)
		}
	}
	for _, s := range sources {
		cur, _ := b.nodeRecord(s.ID)
		e := cur.Clone()
		e.Status = orgkit.Retired
		e.MergedInto = target.ID
		e.Manager, e.Assistants, e.Observers = orgkit.MemberID{}, nil, nil
		b.putNode(e)
	}
}

// contains reports whether node b lies at or below node a in the working tree.
func (b *batch) contains(a, x orgkit.NodeID) bool {
	for id := x; !id.IsZero(); {
		if id == a {
			return true
		}
		n, ok := b.nodeRecord(id)
		if !ok {
			return false
		}
		id = n.Parent
	}
	return false
}

// underive clears explicit affiliations that equal their derived defaults, so they
// keep following the primary department.
func (b *batch) underive(m *member.Member) {
	if m.AffiliatedDepartment == m.Primary {
		m.AffiliatedDepartment = orgkit.NodeID{}
	}
	if !m.AffiliatedOrganization.IsZero() && m.AffiliatedOrganization == b.nearestOrganization(m.Primary) {
		m.AffiliatedOrganization = orgkit.NodeID{}
	}
}

// nearestOrganization is the organization or company at or above node id.
func (b *batch) nearestOrganization(id orgkit.NodeID) orgkit.NodeID {
	for !id.IsZero() {
		n, ok := b.node(id)
		if !ok {
			break
		}
		if n.Kind != orgtree.Department {
			return n.ID
		}
		id = n.Parent
	}
	return b.settings.Root
}

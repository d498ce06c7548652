package orgkittest

import (
	"iter"
	"slices"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Reference is the slow, literal evaluator of the visibility rules,
// written sentence by sentence against a directory.Snapshot: it walks paths from the
// root and precomputes nothing. Package visibility's compiled index must agree with it
// on every question. Like the index, it treats unknown members and nodes as "no" and
// resolves the old IDs of merged nodes.
type Reference struct {
	snap  *directory.Snapshot
	tree  *orgtree.Tree
	nodes orgtree.Shared // the tree's records, read without copying
}

// NewReference returns the reference evaluator of a snapshot.
func NewReference(snap *directory.Snapshot) *Reference {
	return &Reference{snap: snap, tree: snap.Tree(), nodes: snap.Tree().Shared()}
}

// liveNode returns the node id stands for when it is part of the hierarchy.
func (r *Reference) liveNode(id orgkit.NodeID) (*orgtree.Node, bool) {
	n, ok := r.nodes.Node(id)
	if !ok || n.Status == orgkit.Retired {
		return nil, false
	}
	return n, true
}

// isAdmin: "Org admins" are the active holders of the built-in org-admin role.
func (r *Reference) isAdmin(id orgkit.MemberID) bool { return r.snap.IsOrgAdmin(id) }

// holdsPostAtOrAbove: "the manager or an assistant of D or of any node above D".
func (r *Reference) holdsPostAtOrAbove(v orgkit.MemberID, d orgkit.NodeID) bool {
	for _, n := range r.nodes.Path(d) {
		if n.HoldsPost(v) {
			return true
		}
	}
	return false
}

// CanRead: V is an org admin, or the manager or an assistant of D or of any node
// above D.
func (r *Reference) CanRead(v orgkit.MemberID, d orgkit.NodeID) bool {
	if _, ok := r.snap.Shared().Member(v); !ok {
		return false
	}
	n, ok := r.liveNode(d)
	if !ok {
		return false
	}
	return r.isAdmin(v) || r.holdsPostAtOrAbove(v, n.ID)
}

// CanWrite: V is an org admin, or the manager or an assistant of D itself.
func (r *Reference) CanWrite(v orgkit.MemberID, d orgkit.NodeID) bool {
	if _, ok := r.snap.Shared().Member(v); !ok {
		return false
	}
	n, ok := r.liveNode(d)
	if !ok {
		return false
	}
	return r.isAdmin(v) || n.HoldsPost(v)
}

// owner: "The data-owning node of a member is its affiliated department" (the company
// root for a member with none).
func (r *Reference) owner(m *member.Member) orgkit.NodeID {
	d := r.snap.AffiliatedDepartment(m)
	if n, ok := r.liveNode(d); ok {
		return n.ID
	}
	return r.snap.Root()
}

// CanReadMember: CanRead on the node owning T's data.
func (r *Reference) CanReadMember(v, t orgkit.MemberID) bool {
	tm, ok := r.snap.Shared().Member(t)
	if !ok {
		return false
	}
	return r.CanRead(v, r.owner(tm))
}

// CanWriteMember: CanWrite on the node owning T's data.
func (r *Reference) CanWriteMember(v, t orgkit.MemberID) bool {
	tm, ok := r.snap.Shared().Member(t)
	if !ok {
		return false
	}
	return r.CanWrite(v, r.owner(tm))
}

// CanSeeFeed: V sees a feed tagged with nodes N1…Nk if V observes one of them (no
// inheritance) or CanRead(V, Ni) for one of them.
func (r *Reference) CanSeeFeed(v orgkit.MemberID, tags ...orgkit.NodeID) bool {
	for _, tag := range tags {
		n, ok := r.liveNode(tag)
		if !ok {
			continue
		}
		if _, known := r.snap.Shared().Member(v); known && slices.Contains(n.Observers, v) {
			return true
		}
		if r.CanRead(v, tag) {
			return true
		}
	}
	return false
}

// FeedAudience: every member who sees the feed, in slot order.
func (r *Reference) FeedAudience(tags ...orgkit.NodeID) iter.Seq[orgkit.MemberID] {
	return r.members(func(m *member.Member) bool { return r.CanSeeFeed(m.ID, tags...) })
}

// affiliations: the member's primary and secondary departments (as live nodes).
func (r *Reference) affiliations(m *member.Member) []orgkit.NodeID {
	var out []orgkit.NodeID
	for _, id := range m.Affiliations() {
		if n, ok := r.liveNode(id); ok && !slices.Contains(out, n.ID) {
			out = append(out, n.ID)
		}
	}
	return out
}

// inside: "A member is inside node N when any of its affiliations (primary or
// secondary) is in N's subtree; a member with no affiliation is inside the root only."
func (r *Reference) inside(m *member.Member, n orgkit.NodeID) bool {
	affs := r.affiliations(m)
	if len(affs) == 0 {
		return n == r.snap.Root()
	}
	for _, a := range affs {
		if r.tree.Contains(n, a) {
			return true
		}
	}
	return false
}

// admits: a whitelist names members and nodes; "a whitelist node entry admits
// everyone inside that node".
func (r *Reference) admits(w orgtree.Whitelist, m *member.Member) bool {
	if slices.Contains(w.Members, m.ID) {
		return true
	}
	for _, id := range w.Nodes {
		if n, ok := r.liveNode(id); ok && r.inside(m, n.ID) {
			return true
		}
	}
	return false
}

// passesHiding is rule (a) for one path: every hiding node on it has V inside it or
// on its visibility whitelist.
func (r *Reference) passesHiding(vm *member.Member, node orgkit.NodeID) bool {
	for _, h := range r.nodes.Path(node) {
		if h.Isolation.HideFromOutside && !r.inside(vm, h.ID) && !r.admits(h.Isolation.VisibilityWhitelist, vm) {
			return false
		}
	}
	return true
}

// CanSee: V always sees V. Inactive viewers see only themselves. Org admins see
// everyone, inactive members included; nobody else sees inactive members. Otherwise T
// is visible when (a) and (b) hold.
func (r *Reference) CanSee(v, t orgkit.MemberID) bool {
	vm, ok := r.snap.Shared().Member(v)
	if !ok {
		return false
	}
	if v == t {
		return true
	}
	if vm.Status != orgkit.Active {
		return false
	}
	tm, ok := r.snap.Shared().Member(t)
	if !ok {
		return false
	}
	if r.isAdmin(v) {
		return true
	}
	if tm.Status != orgkit.Active {
		return false
	}
	// (a) through at least one of T's affiliations, every hiding node containing that
	// affiliation has V inside it or on its visibility whitelist; a T with no
	// affiliation passes.
	a := false
	tAffs := r.affiliations(tm)
	if len(tAffs) == 0 {
		a = true
	}
	for _, aff := range tAffs {
		if r.passesHiding(vm, aff) {
			a = true
			break
		}
	}
	if !a {
		return false
	}
	// (b) every node with a contact-view restriction that contains any of V's
	// affiliations allows T: "within" allows T inside that node, "only themselves"
	// allows nobody else, and the node's contact whitelist allows T in both cases.
	for _, aff := range r.affiliations(vm) {
		for _, c := range r.nodes.Path(aff) {
			switch c.Isolation.ContactView {
			case orgtree.WithinNode:
				if !r.inside(tm, c.ID) && !r.admits(c.Isolation.ContactWhitelist, tm) {
					return false
				}
			case orgtree.OnlySelf:
				if !r.admits(c.Isolation.ContactWhitelist, tm) {
					return false
				}
			}
		}
	}
	return true
}

// CanSeeNode: org admins see every node; for anyone else, rule (a) applied to N.
// Inactive viewers see only themselves, so no node.
func (r *Reference) CanSeeNode(v orgkit.MemberID, n orgkit.NodeID) bool {
	vm, ok := r.snap.Shared().Member(v)
	if !ok || vm.Status != orgkit.Active {
		return false
	}
	nd, ok := r.liveNode(n)
	if !ok {
		return false
	}
	return r.isAdmin(v) || r.passesHiding(vm, nd.ID)
}

// Visible: every member V sees, in slot order.
func (r *Reference) Visible(v orgkit.MemberID) iter.Seq[orgkit.MemberID] {
	return r.members(func(m *member.Member) bool { return r.CanSee(v, m.ID) })
}

// below returns the nodes on the path from just below n down to a (inclusive), or
// false when a is not in n's subtree.
func (r *Reference) below(n, a orgkit.NodeID) ([]*orgtree.Node, bool) {
	if !r.tree.Contains(n, a) {
		return nil, false
	}
	return r.nodes.Path(a)[r.tree.Depth(n)+1:], true
}

// Receives: a message to node N reaches active member T when one of T's affiliations
// lies in N's subtree and no node on the path from just below N down to that
// affiliation (inclusive) restricts reception.
func (r *Reference) Receives(n orgkit.NodeID, t orgkit.MemberID) bool {
	tm, ok := r.snap.Shared().Member(t)
	nd, ok2 := r.liveNode(n)
	if !ok || !ok2 || tm.Status != orgkit.Active {
		return false
	}
	for _, a := range r.affiliations(tm) {
		path, in := r.below(nd.ID, a)
		if in && !slices.ContainsFunc(path, func(x *orgtree.Node) bool { return x.Isolation.Reception == orgtree.OnlyThisNode }) {
			return true
		}
	}
	return false
}

// Recipients: every member a message to N reaches, in slot order.
func (r *Reference) Recipients(n orgkit.NodeID) iter.Seq[orgkit.MemberID] {
	return r.members(func(m *member.Member) bool { return r.Receives(n, m.ID) })
}

// InGroup: node N's group is its active direct members (an affiliation equal to N),
// plus, if N includes sub-node members, the active members with an affiliation below
// N whose path from just below N down to it (inclusive) crosses no isolated node —
// unless N also includes isolated sub-node members.
func (r *Reference) InGroup(n orgkit.NodeID, t orgkit.MemberID) bool {
	tm, ok := r.snap.Shared().Member(t)
	nd, ok2 := r.liveNode(n)
	if !ok || !ok2 || tm.Status != orgkit.Active {
		return false
	}
	for _, a := range r.affiliations(tm) {
		if a == nd.ID {
			return true
		}
		if !nd.Group.IncludeSubMembers {
			continue
		}
		path, in := r.below(nd.ID, a)
		if !in {
			continue
		}
		if nd.Group.IncludeIsolatedSubMembers || !slices.ContainsFunc(path, func(x *orgtree.Node) bool { return x.Isolation.Isolated() }) {
			return true
		}
	}
	return false
}

// GroupMembers: every member of N's group, in slot order.
func (r *Reference) GroupMembers(n orgkit.NodeID) iter.Seq[orgkit.MemberID] {
	return r.members(func(m *member.Member) bool { return r.InGroup(n, m.ID) })
}

func (r *Reference) members(keep func(*member.Member) bool) iter.Seq[orgkit.MemberID] {
	return func(yield func(orgkit.MemberID) bool) {
		for m := range r.snap.Shared().Members() {
			if keep(m) && !yield(m.ID) {
				return
			}
		}
	}
}

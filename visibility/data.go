package visibility

import (
	"iter"
	"slices"

	"github.com/orgkit/orgkit"
)

// CanRead reports whether member v may read data owned by node d: v is an org admin,
// or the manager or an assistant of d or of any node above d. Unknown members and
// nodes get false; a merged node's old ID stands for the node it was merged into.
func (x *Index) CanRead(v orgkit.MemberID, d orgkit.NodeID) bool {
	if x.empty() {
		return false
	}
	p := x.mp.privileged.get((*[16]byte)(&v))
	switch {
	case p < 0:
		return false // not an org admin and no post (or unknown)
	case p&privAdmin != 0:
		return x.node(d) >= 0
	}
	return x.readsAt(p, x.node(d))
}

// readsAt reports whether position p lies in one of the read intervals of the posts
// at offset off.
func (x *Index) readsAt(off, p int32) bool {
	if p < 0 || off <= 0 {
		return false
	}
	iv := x.np.reads(off)
	for i := 0; i+1 < len(iv); i += 2 {
		if p < iv[i] {
			return false
		}
		if p < iv[i+1] {
			return true
		}
	}
	return false
}

// writesAt reports whether p is one of the post nodes at offset off.
func (x *Index) writesAt(off, p int32) bool {
	if p < 0 || off <= 0 {
		return false
	}
	for _, q := range x.np.writes(off) {
		if q >= p {
			return q == p
		}
	}
	return false
}

// CanWrite reports whether member v may change data owned by node d: v is an org
// admin, or the manager or an assistant of d itself. A post above d allows reading
// d's data, not changing it.
func (x *Index) CanWrite(v orgkit.MemberID, d orgkit.NodeID) bool {
	if x.empty() {
		return false
	}
	p := x.mp.privileged.get((*[16]byte)(&v))
	switch {
	case p < 0:
		return false
	case p&privAdmin != 0:
		return x.node(d) >= 0
	}
	return x.writesAt(p, x.node(d))
}

// CanReadMember reports whether v may read member t's data: CanRead on t's affiliated
// department, the node owning t's data (the company root for a member with none).
func (x *Index) CanReadMember(v, t orgkit.MemberID) bool {
	if x.empty() {
		return false
	}
	s, posts := x.lookup(&v)
	ts := x.slot(t)
	if s < 0 || ts < 0 {
		return false
	}
	return x.mp.admin.has(s) || x.readsAt(posts, x.mp.rec(ts).owner)
}

// CanWriteMember reports whether v may change member t's data: CanWrite on t's
// affiliated department (the company root for a member with none).
func (x *Index) CanWriteMember(v, t orgkit.MemberID) bool {
	if x.empty() {
		return false
	}
	s, posts := x.lookup(&v)
	ts := x.slot(t)
	if s < 0 || ts < 0 {
		return false
	}
	return x.mp.admin.has(s) || x.writesAt(posts, x.mp.rec(ts).owner)
}

// scopeIntervals returns v's read scope (or, with write, its write scope) as disjoint
// [pre, end) intervals in ascending order: the whole tree for an org admin, nothing
// for an unknown member; for writing, one [p, p+1) per node v holds a post at.
func (x *Index) scopeIntervals(v orgkit.MemberID, write bool) []int32 {
	s, posts := x.lookup(&v)
	switch {
	case s < 0:
		return nil
	case x.mp.admin.has(s):
		return []int32{0, int32(len(x.np.at))}
	case posts == 0:
		return nil
	}
	if !write {
		return x.np.reads(posts)
	}
	at := x.np.writes(posts)
	iv := make([]int32, 0, 2*len(at))
	for _, p := range at {
		iv = append(iv, p, p+1)
	}
	return iv
}

// ReadScope returns the roots of the subtrees whose data v may read, in tree order:
// the company root for an org admin; otherwise the outermost nodes at which v is the
// manager or an assistant. It is empty for members with no post.
func (x *Index) ReadScope(v orgkit.MemberID) []orgkit.NodeID {
	if x.empty() {
		return nil
	}
	iv := x.scopeIntervals(v, false)
	out := make([]orgkit.NodeID, 0, len(iv)/2)
	for i := 0; i+1 < len(iv); i += 2 {
		out = append(out, x.np.at[iv[i]].ID)
	}
	return out
}

// ReadNodes yields every node whose data v may read, in tree order (parents before
// children).
func (x *Index) ReadNodes(v orgkit.MemberID) iter.Seq[orgkit.NodeID] {
	if x.empty() {
		return func(func(orgkit.NodeID) bool) {}
	}
	return x.nodesIn(x.scopeIntervals(v, false))
}

// ReadMembers yields every member (active or not) whose data v may read — whose
// affiliated department lies in v's read scope — in slot order.
func (x *Index) ReadMembers(v orgkit.MemberID) iter.Seq[orgkit.MemberID] {
	if x.empty() {
		return func(func(orgkit.MemberID) bool) {}
	}
	return x.membersIn(x.scopeIntervals(v, false))
}

// WriteNodes yields every node whose data v may change, in tree order: every node for
// an org admin, otherwise the nodes at which v is the manager or an assistant.
func (x *Index) WriteNodes(v orgkit.MemberID) iter.Seq[orgkit.NodeID] {
	if x.empty() {
		return func(func(orgkit.NodeID) bool) {}
	}
	return x.nodesIn(x.scopeIntervals(v, true))
}

// WriteMembers yields every member (active or not) whose data v may change — whose
// affiliated department is one of WriteNodes(v) — in slot order.
func (x *Index) WriteMembers(v orgkit.MemberID) iter.Seq[orgkit.MemberID] {
	if x.empty() {
		return func(func(orgkit.MemberID) bool) {}
	}
	return x.membersIn(x.scopeIntervals(v, true))
}

// nodesIn yields the nodes in the disjoint, ascending [pre, end) intervals.
func (x *Index) nodesIn(iv []int32) iter.Seq[orgkit.NodeID] {
	return func(yield func(orgkit.NodeID) bool) {
		for i := 0; i+1 < len(iv); i += 2 {
			for _, nd := range x.np.at[iv[i]:iv[i+1]] {
				if !yield(nd.ID) {
					return
				}
			}
		}
	}
}

// membersIn yields, in slot order, the members whose data is owned by a node in the
// disjoint, ascending [pre, end) intervals.
func (x *Index) membersIn(iv []int32) iter.Seq[orgkit.MemberID] {
	return func(yield func(orgkit.MemberID) bool) {
		if len(iv) == 0 {
			return
		}
		starts := make([]int32, 0, len(iv)/2)
		for i := 0; i < len(iv); i += 2 {
			starts = append(starts, iv[i])
		}
		for s := range int32(x.mp.n) {
			o := x.mp.rec(s).owner
			i, found := slices.BinarySearch(starts, o)
			if (found || i > 0 && o < iv[2*(i-1)+1]) && !yield(x.mp.id(s)) {
				return
			}
		}
	}
}

// CanSeeFeed reports whether v may see a feed tagged with the nodes: v observes one of
// them (observing is not inherited by sub-nodes), or CanRead(v, tag) holds for one of
// them. A feed with no (known) tag is seen by nobody.
func (x *Index) CanSeeFeed(v orgkit.MemberID, tags ...orgkit.NodeID) bool {
	if x.empty() {
		return false
	}
	s, posts := x.lookup(&v)
	if s < 0 {
		return false
	}
	admin := x.mp.admin.has(s)
	for _, tag := range tags {
		p := x.node(tag)
		if p < 0 {
			continue
		}
		if admin || slices.Contains(x.np.observers[x.np.observerOff[p]:x.np.observerOff[p+1]], s) {
			return true
		}
		if x.readsAt(posts, p) {
			return true
		}
	}
	return false
}

// FeedAudience yields every member who may see a feed tagged with the nodes (see
// CanSeeFeed), in slot order, each once.
func (x *Index) FeedAudience(tags ...orgkit.NodeID) iter.Seq[orgkit.MemberID] {
	if x.empty() {
		return func(func(orgkit.MemberID) bool) {}
	}
	tags = slices.Clone(tags)
	return func(yield func(orgkit.MemberID) bool) {
		var set bitset
		for _, tag := range tags {
			p := x.node(tag)
			if p < 0 {
				continue
			}
			if set == nil {
				set = x.mp.admin.grow(x.mp.n)
			}
			for _, s := range x.np.observers[x.np.observerOff[p]:x.np.observerOff[p+1]] {
				set.set(s)
			}
			for q := p; q >= 0; q = x.np.up[q] {
				for _, s := range x.np.holders[x.np.holderOff[q]:x.np.holderOff[q+1]] {
					set.set(s)
				}
			}
		}
		set.each(func(s int32) bool { return yield(x.mp.id(s)) })
	}
}

package visibility

import (
	"iter"

	"github.com/orgkit/orgkit"
)

// Recipients yields the members a message addressed to node n reaches, in slot
// order, each once: every active member with an affiliation in n's subtree such that
// no node on the path from just below n down to that affiliation (inclusive) restricts
// reception to itself. Org admins get no special treatment.
func (x *Index) Recipients(n orgkit.NodeID) iter.Seq[orgkit.MemberID] {
	if x.empty() {
		return func(func(orgkit.MemberID) bool) {}
	}
	return func(yield func(orgkit.MemberID) bool) {
		p := x.node(n)
		if p < 0 {
			return
		}
		x.collect(p, func(q int32) int32 {
			if r := x.np.recvAt[q]; r > p {
				return r // a node strictly below n restricts reception: skip its subtree
			}
			return -1
		}).each(func(s int32) bool { return yield(x.mp.id(s)) })
	}
}

// Receives reports whether a message addressed to node n reaches member t (see
// Recipients).
func (x *Index) Receives(n orgkit.NodeID, t orgkit.MemberID) bool {
	if x.empty() {
		return false
	}
	p, ts := x.node(n), x.slot(t)
	if p < 0 || ts < 0 || !x.mp.active.has(ts) {
		return false
	}
	end := x.np.end[p]
	for _, a := range x.mp.affs(ts) {
		if a >= p && a < end && x.np.recvAt[a] <= p {
			return true
		}
	}
	return false
}

// GroupMembers yields the members of node n's group, in slot order, each once: its
// active direct members (an affiliation equal to n); plus, when n's group includes
// sub-node members, the active members with an affiliation below n whose path from
// just below n down to it (inclusive) crosses no isolated node — or any such member
// when n's group includes isolated sub-node members too.
func (x *Index) GroupMembers(n orgkit.NodeID) iter.Seq[orgkit.MemberID] {
	if x.empty() {
		return func(func(orgkit.MemberID) bool) {}
	}
	return func(yield func(orgkit.MemberID) bool) {
		p := x.node(n)
		if p < 0 {
			return
		}
		g := x.np.at[p].Group
		var skip func(int32) int32
		switch {
		case !g.IncludeSubMembers:
			skip = func(q int32) int32 {
				if q > p {
					return q // only n itself
				}
				return -1
			}
		case !g.IncludeIsolatedSubMembers:
			skip = func(q int32) int32 {
				if i := x.np.isoAt[q]; i > p {
					return i
				}
				return -1
			}
		default:
			skip = func(int32) int32 { return -1 }
		}
		x.collect(p, skip).each(func(s int32) bool { return yield(x.mp.id(s)) })
	}
}

// InGroup reports whether member t is in node n's group (see GroupMembers).
func (x *Index) InGroup(n orgkit.NodeID, t orgkit.MemberID) bool {
	if x.empty() {
		return false
	}
	p, ts := x.node(n), x.slot(t)
	if p < 0 || ts < 0 || !x.mp.active.has(ts) {
		return false
	}
	g := x.np.at[p].Group
	end := x.np.end[p]
	for _, a := range x.mp.affs(ts) {
		switch {
		case a == p:
			return true
		case a < p || a >= end || !g.IncludeSubMembers:
		case g.IncludeIsolatedSubMembers || x.np.isoAt[a] <= p:
			return true
		}
	}
	return false
}

// collect gathers the active members affiliated to nodes of p's subtree into a set.
// For each node q, skip(q) returns the position of a node (q or above it) whose whole
// subtree is to be left out, or -1.
func (x *Index) collect(p int32, skip func(q int32) int32) bitset {
	set := newBitset(x.mp.n)
	end := x.np.end[p]
	for q := p; q < end; {
		if r := skip(q); r >= 0 {
			q = x.np.end[r]
			continue
		}
		for _, s := range x.mp.at(q) {
			if x.mp.active.has(s) {
				set.set(s)
			}
		}
		q++
	}
	return set
}

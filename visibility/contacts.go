package visibility

import (
	"iter"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/orgtree"
)

// CanSee reports whether viewer v sees member t in contacts:
//
//   - everyone sees themselves; inactive viewers see nobody else;
//   - org admins see everyone, inactive members included; nobody else sees inactive
//     members;
//   - otherwise t is visible when (a) through at least one of t's affiliations, every
//     node hidden from outside that contains the affiliation has v inside it or on its
//     visibility whitelist (a t with no affiliation passes), and (b) every node with a
//     restricted contact view that contains one of v's affiliations allows t: "within
//     node" allows people inside the node, "only self" nobody else, and its contact
//     whitelist admits people in both cases.
//
// Unknown members get false.
func (x *Index) CanSee(v, t orgkit.MemberID) bool {
	vs, _ := x.candidate(&v)
	if vs < 0 {
		return false
	}
	if v == t {
		return true
	}
	mp := x.mp
	if !mp.active.has(vs) {
		return false
	}
	ts, _ := x.candidate(&t)
	if ts < 0 {
		return false
	}
	return mp.admin.has(vs) || mp.active.has(ts) && x.sees(vs, ts)
}

// sees applies rules (a) and (b) to active, non-admin viewer vs and active target ts.
func (x *Index) sees(vs, ts int32) bool {
	mp := x.mp
	if mp.hidden.has(ts) && !x.passHiding(vs, ts) {
		return false
	}
	return !mp.restricted.has(vs) || x.passContactView(vs, ts)
}

// passHiding is rule (a): through one of t's affiliations, every hiding node above it
// (or at it) has v inside or whitelisted.
func (x *Index) passHiding(vs, ts int32) bool {
	for _, a := range x.mp.affs(ts) {
		if x.passHidingAt(vs, x.np.hideAt[a]) {
			return true
		}
	}
	return false
}

// passHidingAt walks the chain of hiding nodes from h outwards.
func (x *Index) passHidingAt(vs, h int32) bool {
	for h >= 0 {
		hd := &x.np.hiders[h]
		if !x.mp.inside(vs, hd.pre, hd.end) && !x.mp.admits(&hd.wl, vs) {
			return false
		}
		h = hd.outer
	}
	return true
}

// passContactView is rule (b): every restricting node containing one of v's
// affiliations allows t.
func (x *Index) passContactView(vs, ts int32) bool {
	for _, a := range x.mp.affs(vs) {
		for c := x.np.contactAt[a]; c >= 0; {
			r := &x.np.restrictors[c]
			if !(r.view == orgtree.WithinNode && x.mp.inside(ts, r.pre, r.end)) && !x.mp.admits(&r.wl, ts) {
				return false
			}
			c = r.outer
		}
	}
	return true
}

// CanSeeNode reports whether v sees node n in contacts: org admins see every node;
// inactive viewers see none; anyone else sees n unless a node hidden from outside at
// or above n has v neither inside it nor on its visibility whitelist.
func (x *Index) CanSeeNode(v orgkit.MemberID, n orgkit.NodeID) bool {
	vs := x.slot(v)
	if vs < 0 || !x.mp.active.has(vs) {
		return false
	}
	p := x.node(n)
	if p < 0 {
		return false
	}
	return x.mp.admin.has(vs) || x.passHidingAt(vs, x.np.hideAt[p])
}

// Visible yields every member v sees in contacts (see CanSee), in slot order.
func (x *Index) Visible(v orgkit.MemberID) iter.Seq[orgkit.MemberID] {
	return func(yield func(orgkit.MemberID) bool) {
		vs := x.slot(v)
		if vs < 0 {
			return
		}
		mp := x.mp
		if !mp.active.has(vs) {
			yield(v)
			return
		}
		admin := mp.admin.has(vs)
		for ts := range int32(mp.n) {
			if ts == vs || admin || mp.active.has(ts) && x.sees(vs, ts) {
				if !yield(mp.id(ts)) {
					return
				}
			}
		}
	}
}

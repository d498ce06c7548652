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
	if x.empty() {
		return false
	}
	vw, tw := x.who(&v), x.who(&t)
	if vw.slot < 0 {
		return false
	}
	if v == t {
		return true
	}
	mp := x.mp
	if !mp.active.has(vw.slot) || tw.slot < 0 {
		return false
	}
	return mp.admin.has(vw.slot) || mp.active.has(tw.slot) && x.sees(&vw, &tw)
}

// sees applies rules (a) and (b) to active, non-admin viewer v and active target t.
func (x *Index) sees(v, t *who) bool {
	mp := x.mp
	if mp.hidden.has(t.slot) && !x.passHiding(v, t) {
		return false
	}
	return !mp.restricted.has(v.slot) || x.passContactView(v, t)
}

// passHiding is rule (a): through one of t's affiliations, every hiding node above it
// (or at it) has v inside or whitelisted.
func (x *Index) passHiding(v, t *who) bool {
	for _, a := range x.mp.affsOf(t) {
		if x.passHidingAt(v, x.np.hideAt[a]) {
			return true
		}
	}
	return false
}

// passHidingAt walks the chain of hiding nodes from h outwards.
func (x *Index) passHidingAt(v *who, h int32) bool {
	for h >= 0 {
		hd := &x.np.hiders[h]
		if !x.mp.inside(v, hd.pre, hd.end) && !x.mp.admits(&hd.wl, v) {
			return false
		}
		h = hd.outer
	}
	return true
}

// passContactView is rule (b): every restricting node containing one of v's
// affiliations allows t.
func (x *Index) passContactView(v, t *who) bool {
	for _, a := range x.mp.affsOf(v) {
		for c := x.np.contactAt[a]; c >= 0; {
			r := &x.np.restrictors[c]
			if !(r.view == orgtree.WithinNode && x.mp.inside(t, r.pre, r.end)) && !x.mp.admits(&r.wl, t) {
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
	if x.empty() {
		return false
	}
	vw := x.who(&v)
	if vw.slot < 0 || !x.mp.active.has(vw.slot) {
		return false
	}
	p := x.node(n)
	if p < 0 {
		return false
	}
	return x.mp.admin.has(vw.slot) || x.passHidingAt(&vw, x.np.hideAt[p])
}

// Visible yields every member v sees in contacts (see CanSee), in slot order.
func (x *Index) Visible(v orgkit.MemberID) iter.Seq[orgkit.MemberID] {
	if x.empty() {
		return func(func(orgkit.MemberID) bool) {}
	}
	return func(yield func(orgkit.MemberID) bool) {
		vw := x.who(&v)
		vs := vw.slot
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
			tw := mp.whoAt(ts)
			if ts == vs || admin || mp.active.has(ts) && x.sees(&vw, &tw) {
				if !yield(mp.id(ts)) {
					return
				}
			}
		}
	}
}

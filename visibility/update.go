package visibility

import (
	"maps"
	"slices"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgtree"
)

// Update returns the index of next, a later snapshot of the same directory, reusing
// what the change allows: when the tree is unchanged, or changed only in ways that do
// not matter here (names, codes, order, external IDs), everything derived from it is
// shared and only the members whose records changed (and the org admins) are
// recomputed; any other change compiles next from scratch, as does a member joining
// once more than 256 and a sixteenth of the others have joined since the last compile.
// x itself is never changed and stays valid, so readers holding it are never blocked.
//
// Without change sets Update finds the changed members by comparing the two
// snapshots' member records (pointer comparisons, a fraction of a millisecond for
// 100,000 members) and recomputes the org admins from every role assignment; see
// UpdateWith for the faster way when the change sets are at hand.
func (x *Index) Update(next *directory.Snapshot) *Index {
	if x.empty() {
		return Compile(next)
	}
	return x.update(next, nil)
}

// UpdateWith is Update told what changed: the change sets that lead from x's snapshot
// to next (for a write, the directory.Result's ChangeSet; for several, in order).
// It then touches only the members and role assignments they name. Change sets that
// do not lead exactly from x's snapshot version to next's are ignored (Update).
func (x *Index) UpdateWith(next *directory.Snapshot, changes ...*directory.ChangeSet) *Index {
	if x.empty() {
		return Compile(next)
	}
	return x.update(next, deltaOf(x.snap, next, changes))
}

// delta is what a run of change sets changed, as far as the member part cares.
type delta struct {
	members []orgkit.MemberID // member records changed
	roles   []orgkit.MemberID // role assignments changed
}

func deltaOf(prev, next *directory.Snapshot, css []*directory.ChangeSet) *delta {
	if len(css) == 0 {
		return nil
	}
	v := prev.Version()
	d := &delta{}
	for _, cs := range css {
		if cs == nil || cs.Version != v+1 {
			return nil
		}
		v = cs.Version
		for _, c := range cs.Changes {
			switch r := c.Record(); r.Kind {
			case orgkit.KindMember:
				id, _ := r.MemberID()
				d.members = append(d.members, id)
			case orgkit.KindAssignment:
				id, _ := r.MemberID()
				d.roles = append(d.roles, id)
			}
		}
	}
	if v != next.Version() {
		return nil
	}
	return d
}

func (x *Index) update(next *directory.Snapshot, d *delta) *Index {
	prev := x.snap
	switch {
	case next == prev:
		return x
	case next.ID() != prev.ID() || next.Settings().AdminRole != prev.Settings().AdminRole,
		next.MemberCount()-x.np.known > x.np.known/16+256:
		// another directory or admin role; or so many members joined since the member
		// hash was built (they are looked up in a Go map) that it is time to hash all
		return Compile(next)
	}
	np := x.np
	if t := next.Tree(); t != np.tree {
		if !sameShape(np.tree, t) {
			return Compile(next)
		}
		c := *np
		c.tree = t
		c.at = make([]*orgtree.Node, len(np.at))
		dt := treeOf(t)
		for i := range dt.Len() {
			if pre, _ := dt.Interval(i); pre >= 0 {
				c.at[pre] = dt.At(i)
			}
		}
		np = &c
	}
	mp, ok := x.mp.update(prev, next, np, d)
	if !ok {
		return Compile(next)
	}
	return &Index{snap: next, np: np, mp: mp}
}

// sameShape reports whether two trees give the same index: the same nodes at the same
// positions with the same posts, observers, group and isolation settings and
// redirects. Nodes the edit did not touch are the same pointers and are skipped.
func sameShape(ta, tb *orgtree.Tree) bool {
	a, b := treeOf(ta), treeOf(tb)
	if a.Len() != b.Len() {
		return false
	}
	for i := range a.Len() {
		na, nb := a.At(i), b.At(i)
		if na == nb {
			continue
		}
		pa, ea := a.Interval(i)
		pb, eb := b.Interval(i)
		if na.ID != nb.ID || pa != pb || ea != eb || a.ParentIndex(i) != b.ParentIndex(i) ||
			na.Manager != nb.Manager || !slices.Equal(na.Assistants, nb.Assistants) ||
			!slices.Equal(na.Observers, nb.Observers) || na.Group != nb.Group ||
			(na.Status == orgkit.Retired) != (nb.Status == orgkit.Retired) || na.MergedInto != nb.MergedInto ||
			!sameIsolation(&na.Isolation, &nb.Isolation) {
			return false
		}
	}
	return true
}

func sameIsolation(a, b *orgtree.Isolation) bool {
	return a.HideFromOutside == b.HideFromOutside && a.ContactView == b.ContactView && a.Reception == b.Reception &&
		sameWhitelist(&a.VisibilityWhitelist, &b.VisibilityWhitelist) && sameWhitelist(&a.ContactWhitelist, &b.ContactWhitelist)
}

func sameWhitelist(a, b *orgtree.Whitelist) bool {
	return slices.Equal(a.Members, b.Members) && slices.Equal(a.Nodes, b.Nodes)
}

// update derives the member part of next from mp (the member part of prev), copying
// only the chunks and node lists of members whose records changed. It reports false
// when next does not continue prev (a member left its slot), or when so much changed
// that a fresh build is as cheap.
func (mp *memberPart) update(prev, next *directory.Snapshot, np *nodePart, d *delta) (*memberPart, bool) {
	pm, nm := membersOf(prev), membersOf(next)
	n := nm.Count()
	if n < mp.n {
		return nil, false
	}
	var changed []int32
	if d == nil {
		for s := range nm.Changed(pm) {
			if s < mp.n {
				changed = append(changed, int32(s))
			}
		}
	} else {
		for _, id := range d.members {
			if s, ok := nm.Slot(id); ok && s < mp.n {
				changed = append(changed, int32(s))
			}
		}
		slices.Sort(changed)
		changed = slices.Compact(changed)
	}
	for _, s := range changed {
		if nm.At(int(s)).ID != mp.id(s) {
			return nil, false // not a continuation of prev
		}
	}
	for s := mp.n; s < n; s++ {
		changed = append(changed, int32(s))
	}
	if len(changed) > n/4+64 {
		return buildMembers(next, np), true
	}
	// The bitsets are shared with mp until a bit in them changes (bitset.put).
	c := &memberPart{
		n:          n,
		recs:       slices.Clone(mp.recs),
		ids:        slices.Clone(mp.ids),
		entries:    mp.entries,
		active:     mp.active,
		admin:      mp.admin,
		hidden:     mp.hidden,
		restricted: mp.restricted,
		more:       mp.more,
		atNode:     mp.atNode,
		extra:      mp.extra,
	}
	bits := &bitsOwned{}
	admins := func() {
		defer func() {
			if slices.Equal(c.admin, mp.admin) { // posts are the same: np shares them
				c.privileged = mp.privileged
			} else {
				c.indexPrivileged(np)
			}
		}()
		if d == nil {
			c.admin = newBitset(n)
			c.setAdmins(next, np)
			return
		}
		for _, ids := range [][]orgkit.MemberID{d.members, d.roles} {
			for _, id := range ids {
				if s, ok := nm.Slot(id); ok {
					c.admin.put(int32(s), next.IsOrgAdmin(id), &bits.admin, n)
				}
			}
		}
	}
	if len(changed) == 0 {
		admins()
		if slices.Equal(c.admin, mp.admin) {
			return mp, true
		}
		return c, true
	}
	// copy-on-write: chunks holding a changed member, node lists of old and new
	// affiliations, the overflow map.
	ownRec, ownIDs, ownEntries := map[int]bool{}, map[int]bool{}, map[int]bool{}
	c.entries = slices.Clone(mp.entries)
	for _, s := range changed {
		if int(s) < np.known {
			id := nm.At(int(s)).ID
			k := int(np.members.pos((*[16]byte)(&id)) >> chunkShift)
			own(ownEntries, k, &c.entries[k])
		}
		k := int(s >> chunkShift)
		if k >= len(c.recs) {
			c.recs = append(c.recs, make([]mrec, 0, chunkSize))
			c.ids = append(c.ids, make([]orgkit.MemberID, 0, chunkSize))
			ownRec[k], ownIDs[k] = true, true
		}
		own(ownRec, k, &c.recs[k])
		if int(s) >= mp.n {
			own(ownIDs, k, &c.ids[k])
			c.recs[k] = append(c.recs[k], mrec{})
			c.ids[k] = append(c.ids[k], nm.At(int(s)).ID)
			if int(s) >= np.known {
				if len(c.extra) == len(mp.extra) {
					c.extra = maps.Clone(mp.extra)
					if c.extra == nil {
						c.extra = map[orgkit.MemberID]int32{}
					}
				}
				c.extra[nm.At(int(s)).ID] = s
			}
		}
	}
	if c.more != nil {
		c.more = maps.Clone(c.more)
	}
	c.atNode = slices.Clone(mp.atNode)
	ownChunk, ownList := map[int]bool{}, map[int]bool{}
	edit := func(p int32, f func([]int32) []int32) {
		k := int(p / nodeChunk)
		own(ownChunk, k, &c.atNode[k])
		l := &c.atNode[k][p%nodeChunk]
		own(ownList, int(p), l)
		*l = f(*l)
	}
	var buf, old []int32
	for _, s := range changed {
		old = old[:0]
		if int(s) < mp.n {
			old = append(old, mp.affs(s)...)
		}
		buf = c.setRec(next, np, s, buf, bits)
		now := c.affs(s)
		for _, p := range old {
			if !slices.Contains(now, p) {
				edit(p, func(l []int32) []int32 {
					if i, found := slices.BinarySearch(l, s); found {
						return slices.Delete(l, i, i+1)
					}
					return l
				})
			}
		}
		for _, p := range now {
			if !slices.Contains(old, p) {
				edit(p, func(l []int32) []int32 {
					if i, found := slices.BinarySearch(l, s); !found {
						return slices.Insert(l, i, s)
					}
					return l
				})
			}
		}
	}
	admins()
	return c, true
}

// own makes *chunk a copy of its own the first time key is asked for: a new index
// writes only to chunks it owns, never to those it shares with the index it came from.
func own[T any](owned map[int]bool, key int, chunk *[]T) {
	if !owned[key] {
		*chunk = slices.Clone(*chunk)
		owned[key] = true
	}
}

package connector

import (
	"maps"
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// overlay turns a delta snapshot into a full one: the directory's synced departments
// and members as they are now, with the delta's departments and members laid over
// them and its removed ones left out. Departments and members taken from the
// directory supply no fields, so the planner leaves them as they are.
// Members renamed upstream (renames, old → new) are taken under their new IDs.
func overlay(snap *directory.Snapshot, delta *Snapshot, renames map[string]string) *Snapshot {
	tree := snap.Tree().Shared()
	root := tree.Root()
	full := &Snapshot{Platform: delta.Platform, TenantID: delta.TenantID, Fields: delta.Fields, RootID: delta.RootID, Cursor: delta.Cursor,
		DerivedDepartments: delta.DerivedDepartments, RenamedMembers: delta.RenamedMembers, PartialDepartments: delta.PartialDepartments}
	if full.RootID == "" {
		full.RootID = root.ExternalID
	}
	skipDept := map[string]bool{}
	for _, e := range delta.RemovedDepartments {
		skipDept[e] = true
	}
	for _, d := range delta.Departments {
		skipDept[d.ExternalID] = true
	}
	for n := range tree.All() {
		if n.ExternalID == "" || n.Parent.IsZero() || n.Status != orgkit.Active || skipDept[n.ExternalID] {
			continue
		}
		// no fields supplied: the department stays as it is (its leaders too, but for
		// the members of the delta that no longer lead it)
		full.Departments = append(full.Departments, Department{ExternalID: n.ExternalID})
	}
	full.Departments = append(full.Departments, delta.Departments...)

	skipMember := map[string]bool{}
	for _, e := range delta.RemovedMembers {
		skipMember[e] = true
	}
	for _, m := range delta.Members {
		skipMember[m.ExternalID] = true
	}
	for m := range snap.Shared().Members() {
		ext := m.ExternalID
		if nw, ok := renames[ext]; ok {
			ext = nw
		}
		if ext == "" || skipMember[ext] {
			continue
		}
		st := Enabled
		if m.Status != orgkit.Active {
			st = Disabled
		}
		full.Members = append(full.Members, Member{ExternalID: ext, Values: m, Status: st})
	}
	full.Members = append(full.Members, delta.Members...)
	return full
}

// pruneDerived leaves out of a snapshot of derived departments those that no enabled
// member belongs to, directly or through a sub-department. Members whose departments
// upstream did not give count with their departments in the directory. It returns a
// copy when it leaves any out.
func pruneDerived(snap *directory.Snapshot, up *Snapshot, renames map[string]string) *Snapshot {
	was := make(map[string]string, len(renames))
	for old, nw := range renames {
		was[nw] = old
	}
	tree := snap.Tree()
	used := map[string]bool{}
	for i := range up.Members {
		m := &up.Members[i]
		if m.Status != Enabled {
			continue
		}
		if m.hasDepartments() {
			for _, e := range m.Departments {
				used[strings.TrimSpace(e)] = true
			}
			continue
		}
		ext := strings.TrimSpace(m.ExternalID)
		if old, ok := was[ext]; ok {
			ext = old
		}
		l, ok := snap.MemberBy(member.ExternalIDField, ext)
		if !ok {
			continue
		}
		for _, id := range l.Affiliations() {
			if n, ok := tree.Node(id); ok && n.ExternalID != "" {
				used[n.ExternalID] = true
			}
		}
	}
	parent := make(map[string]string, len(up.Departments))
	for i := range up.Departments {
		d := &up.Departments[i]
		ext := strings.TrimSpace(d.ExternalID)
		switch {
		case d.Has(orgtree.ParentField):
			parent[ext] = strings.TrimSpace(d.Parent)
		default:
			if n, ok := tree.ByExternalID(ext); ok {
				if pn, ok := tree.Node(n.Parent); ok {
					parent[ext] = pn.ExternalID
				}
			}
		}
	}
	for _, e := range slices.Collect(maps.Keys(used)) {
		for hops := 0; hops < len(parent); hops++ {
			e = parent[e]
			if e == "" || used[e] {
				break
			}
			used[e] = true
		}
	}
	keep := make([]Department, 0, len(up.Departments))
	for _, d := range up.Departments {
		if used[strings.TrimSpace(d.ExternalID)] {
			keep = append(keep, d)
		}
	}
	if len(keep) == len(up.Departments) {
		return up
	}
	out := *up
	out.Departments = keep
	return &out
}

// keepPartial adds to a snapshot the synced departments and members inside its
// partial departments (their subtrees here) that it does not list, supplying no
// fields, so that the planner keeps them as they are. It returns a copy.
// It also returns the nodes inside the partial departments.
func keepPartial(snap *directory.Snapshot, up *Snapshot, renames map[string]string) (*Snapshot, map[orgkit.NodeID]bool) {
	tree := snap.Tree().Shared()
	inside := map[orgkit.NodeID]bool{}
	for _, ext := range up.PartialDepartments {
		ext = strings.TrimSpace(ext)
		var top *orgtree.Node
		if ext != "" && ext == strings.TrimSpace(up.RootID) {
			top = tree.Root()
		} else if n, ok := tree.ByExternalID(ext); ok && ext != "" {
			top = n
		}
		if top == nil || inside[top.ID] {
			continue
		}
		for n := range tree.Subtree(top.ID) {
			inside[n.ID] = true
		}
	}
	out := *up
	if len(inside) == 0 {
		return &out, nil
	}
	listed := make(map[string]bool, len(up.Departments))
	for i := range up.Departments {
		listed[strings.TrimSpace(up.Departments[i].ExternalID)] = true
	}
	out.Departments = slices.Clone(up.Departments)
	for n := range tree.All() {
		if inside[n.ID] && n.ExternalID != "" && !n.Parent.IsZero() && n.Status == orgkit.Active && !listed[n.ExternalID] {
			out.Departments = append(out.Departments, Department{ExternalID: n.ExternalID})
		}
	}
	listed = make(map[string]bool, len(up.Members))
	for i := range up.Members {
		listed[strings.TrimSpace(up.Members[i].ExternalID)] = true
	}
	out.Members = slices.Clone(up.Members)
	for m := range snap.Shared().Members() {
		ext := m.ExternalID
		if nw, ok := renames[ext]; ok {
			ext = nw
		}
		if ext == "" || listed[ext] || !slices.ContainsFunc(m.Affiliations(), func(id orgkit.NodeID) bool { return inside[id] }) {
			continue
		}
		st := Enabled
		if m.Status != orgkit.Active {
			st = Disabled
		}
		out.Members = append(out.Members, Member{ExternalID: ext, Values: m, Status: st})
	}
	return &out, inside
}

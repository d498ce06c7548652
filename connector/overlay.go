package connector

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgtree"
)

// overlay turns a delta snapshot into a full one: the directory's synced departments
// and members as they are now, with the delta's departments and members laid over
// them and its removed ones left out. Members taken from the directory supply no
// fields, so the planner leaves them as they are.
func overlay(snap *directory.Snapshot, delta *Snapshot) *Snapshot {
	tree := snap.Tree()
	root := tree.Root()
	full := &Snapshot{Platform: delta.Platform, TenantID: delta.TenantID, Fields: delta.Fields, RootID: delta.RootID, Cursor: delta.Cursor}
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
	memberExt := func(id orgkit.MemberID) string {
		if m, ok := snap.Member(id); ok {
			return m.ExternalID
		}
		return ""
	}
	for n := range tree.All() {
		if n.ExternalID == "" || n.Parent.IsZero() || n.Status != orgkit.Active || skipDept[n.ExternalID] {
			continue
		}
		full.Departments = append(full.Departments, localDepartment(tree, n, full.RootID, memberExt))
	}
	full.Departments = append(full.Departments, delta.Departments...)

	skipMember := map[string]bool{}
	for _, e := range delta.RemovedMembers {
		skipMember[e] = true
	}
	for _, m := range delta.Members {
		skipMember[m.ExternalID] = true
	}
	for m := range snap.Members() {
		if m.ExternalID == "" || skipMember[m.ExternalID] {
			continue
		}
		st := Enabled
		if m.Status != orgkit.Active {
			st = Disabled
		}
		full.Members = append(full.Members, Member{ExternalID: m.ExternalID, Values: m, Status: st})
	}
	full.Members = append(full.Members, delta.Members...)
	return full
}

// localDepartment describes a synced node as upstream would.
func localDepartment(tree *orgtree.Tree, n *orgtree.Node, rootID string, memberExt func(orgkit.MemberID) string) Department {
	d := Department{ExternalID: n.ExternalID, Name: n.Name, Order: n.Order}
	if p, ok := tree.Node(n.Parent); ok && !p.Parent.IsZero() {
		d.Parent = p.ExternalID
	} else {
		d.Parent = rootID
	}
	for _, id := range append([]orgkit.MemberID{n.Manager}, n.Assistants...) {
		if id.IsZero() {
			continue
		}
		if e := memberExt(id); e != "" {
			d.Leaders = append(d.Leaders, e)
		}
	}
	return d
}

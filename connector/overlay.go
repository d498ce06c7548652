package connector

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
)

// overlay turns a delta snapshot into a full one: the directory's synced departments
// and members as they are now, with the delta's departments and members laid over
// them and its removed ones left out. Departments and members taken from the
// directory supply no fields, so the planner leaves them as they are.
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

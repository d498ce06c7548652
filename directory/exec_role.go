package directory

import (
	"slices"
	"strings"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/role"
)

func (b *batch) liveRole(id orgkit.RoleID, record orgkit.Ref) (*role.Role, bool) {
	if id.IsZero() {
		b.fail(orgkit.CodeIDZero, record, "role", "")
		return nil, false
	}
	r, _ := b.role(id)
	if r == nil {
		b.fail(orgkit.CodeReferenceNotFound, record, "role", id.String())
		b.cascade(id.UUID())
		return nil, false
	}
	if r.Status == orgkit.Retired {
		b.fail(orgkit.CodeRoleRetired, record, "role", id.String(), r.Ref())
		return nil, false
	}
	return r, true
}

func (b *batch) checkRole(rec orgkit.Ref, name orgkit.Names, kind role.Kind, group orgkit.RoleGroupID, permissions []string) bool {
	ok := b.checkNames(rec, name)
	for _, p := range permissions {
		ok = b.checkText(rec, "permissions", strings.TrimSpace(p)) && ok
	}
	if kind > role.Admin {
		b.fail(orgkit.CodeFieldInvalid, rec, "kind", kind.String())
		ok = false
	}
	if !group.IsZero() {
		if g, _ := b.group(group); g == nil || g.Status == orgkit.Retired {
			b.fail(orgkit.CodeReferenceNotFound, rec, "group", group.String())
			b.cascade(group.UUID())
			ok = false
		}
	}
	return ok
}

func cleanPermissions(ps []string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (b *batch) createRole(c role.Create) {
	rec := orgkit.Ref{Kind: orgkit.KindRole, ID: c.ID.UUID(), Name: c.Name.Default}
	if c.ID.IsZero() {
		b.fail(orgkit.CodeIDZero, rec, "id", "")
		return
	}
	if r, _ := b.role(c.ID); r != nil {
		b.fail(orgkit.CodeRecordExists, roleRecord(r), "id", c.ID.String())
		return
	}
	if !b.checkRole(rec, c.Name, c.Kind, c.Group, c.Permissions) {
		b.refuse(c.ID.UUID())
		return
	}
	b.putRole(&role.Role{ID: c.ID, Name: cleanNames(c.Name), Kind: c.Kind, Group: c.Group, Permissions: cleanPermissions(c.Permissions)})
}

func (b *batch) updateRole(c role.Update) {
	r, ok := b.liveRole(c.ID, orgkit.RefTo(c.ID, ""))
	if !ok || !b.checkRole(roleRecord(r), c.Name, c.Kind, c.Group, c.Permissions) {
		return
	}
	if r.OrgAdmin && c.Kind != role.Admin {
		b.fail(orgkit.CodeRoleBuiltin, roleRecord(r), "kind", "changed")
		return
	}
	if !b.checkPermissionsReplacing(r, c.Permissions, c.Replacing) {
		return
	}
	e := r.Clone()
	e.Name, e.Kind, e.Group, e.Permissions = cleanNames(c.Name), c.Kind, c.Group, cleanPermissions(c.Permissions)
	b.putRole(e)
}

func (b *batch) retireRole(c role.Retire) {
	r, ok := b.liveRole(c.ID, orgkit.RefTo(c.ID, ""))
	if !ok {
		return
	}
	if r.OrgAdmin {
		b.fail(orgkit.CodeRoleBuiltin, roleRecord(r), "status", "retired")
		return
	}
	e := r.Clone()
	e.Status = orgkit.Retired
	b.putRole(e)
	var holders []*role.Assignment
	for _, a := range b.assigned.All() {
		if a.Holds(r.ID) {
			holders = append(holders, a)
		}
	}
	for _, a := range holders {
		b.putAssignment(without(a, []orgkit.RoleID{r.ID}))
	}
}

func (b *batch) createGroup(c role.CreateGroup) {
	rec := orgkit.Ref{Kind: orgkit.KindRoleGroup, ID: c.ID.UUID(), Name: c.Name.Default}
	if c.ID.IsZero() {
		b.fail(orgkit.CodeIDZero, rec, "id", "")
		return
	}
	if g, _ := b.group(c.ID); g != nil {
		b.fail(orgkit.CodeRecordExists, rec, "id", c.ID.String())
		return
	}
	if !b.checkNames(rec, c.Name) {
		b.refuse(c.ID.UUID())
		return
	}
	b.putGroup(&role.Group{ID: c.ID, Name: cleanNames(c.Name)})
}

func (b *batch) liveGroup(id orgkit.RoleGroupID) (*role.Group, bool) {
	g, _ := b.group(id)
	if g == nil || g.Status == orgkit.Retired {
		b.fail(orgkit.CodeReferenceNotFound, orgkit.RefTo(id, ""), "group", id.String())
		b.cascade(id.UUID())
		return nil, false
	}
	return g, true
}

func (b *batch) renameGroup(c role.RenameGroup) {
	g, ok := b.liveGroup(c.ID)
	if !ok || !b.checkNames(g.Ref(), c.Name) {
		return
	}
	e := g.Clone()
	e.Name = cleanNames(c.Name)
	b.putGroup(e)
}

func (b *batch) retireGroup(c role.RetireGroup) {
	g, ok := b.liveGroup(c.ID)
	if !ok {
		return
	}
	e := g.Clone()
	e.Status = orgkit.Retired
	b.putGroup(e)
	for _, r := range slices.Clone(b.roles) {
		if r.Group == g.ID {
			x := r.Clone()
			x.Group = orgkit.RoleGroupID{}
			b.putRole(x)
		}
	}
}

// without returns a copy of a without the roles; a removed primary passes to the first
// remaining role.
func without(a *role.Assignment, roles []orgkit.RoleID) *role.Assignment {
	e := a.Clone()
	e.Roles = slices.DeleteFunc(e.Roles, func(r orgkit.RoleID) bool { return slices.Contains(roles, r) })
	if len(e.Roles) == 0 {
		e.Roles = nil
	}
	if slices.Contains(roles, e.Primary) {
		e.Primary = orgkit.RoleID{}
		if len(e.Roles) > 0 {
			e.Primary = e.Roles[0]
		}
	}
	return e
}

func (b *batch) assign(c role.Assign) {
	since := len(b.violations)
	var roles []orgkit.RoleID
	for _, id := range clean(c.Roles) {
		if r, ok := b.liveRole(id, orgkit.Ref{Kind: orgkit.KindAssignment}); ok {
			roles = append(roles, r.ID)
		}
	}
	if !c.Primary.IsZero() && !slices.Contains(roles, c.Primary) {
		b.fail(orgkit.CodeRolePrimaryNotHeld, orgkit.Ref{Kind: orgkit.KindAssignment}, "primary", c.Primary.String(), b.roleRef(c.Primary))
	}
	members := clean(c.Members)
	for _, id := range members {
		if m, ok := b.liveMember(id, memberIDRecord(id), "members"); ok && m.Status != orgkit.Active {
			b.fail(orgkit.CodeMemberInactive, memberRecord(m), "members", m.ID.String(), m.Ref())
		}
	}
	if b.failed(since) {
		return
	}
	for _, id := range members {
		a := b.assignment(id)
		if a == nil {
			a = &role.Assignment{Member: id}
		}
		e := a.Clone()
		for _, r := range roles {
			if !e.Holds(r) {
				e.Roles = append(e.Roles, r)
			}
		}
		if e.Primary.IsZero() && len(e.Roles) > 0 {
			e.Primary = e.Roles[0]
			if !c.Primary.IsZero() {
				e.Primary = c.Primary
			}
		}
		b.putAssignment(e)
	}
}

func (b *batch) unassign(c role.Unassign) {
	since := len(b.violations)
	roles := clean(c.Roles)
	for _, id := range roles {
		b.liveRole(id, orgkit.Ref{Kind: orgkit.KindAssignment})
	}
	members := clean(c.Members)
	for _, id := range members {
		b.liveMember(id, memberIDRecord(id), "members")
	}
	if b.failed(since) {
		return
	}
	if slices.Contains(roles, b.settings.AdminRole) {
		b.adminTouch = true
	}
	for _, id := range members {
		if a := b.assignment(id); a != nil && slices.ContainsFunc(roles, a.Holds) {
			b.putAssignment(without(a, roles))
		}
	}
}

func (b *batch) setPrimary(c role.SetPrimary) {
	m, ok := b.liveMember(c.Member, memberIDRecord(c.Member), "member")
	if !ok {
		return
	}
	a := b.assignment(m.ID)
	if a == nil || !a.Holds(c.Role) {
		b.fail(orgkit.CodeRolePrimaryNotHeld, memberRecord(m), "primary", c.Role.String(), b.roleRef(c.Role))
		return
	}
	e := a.Clone()
	e.Primary = c.Role
	b.putAssignment(e)
}

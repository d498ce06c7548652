package role

import (
	"slices"

	"github.com/orgkit/orgkit"
)

// Kind separates administrative roles from business roles.
type Kind uint8

const (
	// Business roles carry the host application's business permissions (the default).
	Business Kind = iota
	// Admin roles carry administrative permissions.
	Admin
)

// String returns "business" or "admin".
func (k Kind) String() string {
	if k == Admin {
		return "admin"
	}
	return "business"
}

// Role is a named bundle of permissions. Permission strings are opaque to orgkit: the
// host interprets them. Roles are values: the service never changes one it handed out.
type Role struct {
	ID          orgkit.RoleID      `json:"id"`
	Name        orgkit.Names       `json:"name"`
	Kind        Kind               `json:"kind"`
	Group       orgkit.RoleGroupID `json:"group"` // zero: in no group
	Permissions []string           `json:"permissions,omitempty"`
	// OrgAdmin marks the directory's built-in org-admin role, which has full rights,
	// cannot be retired, and must keep at least one active holder.
	OrgAdmin bool          `json:"org_admin,omitempty"`
	Status   orgkit.Status `json:"status"`
}

// Ref names the role in violations and change views: orgkit.KindRole, its ID and
// its default name.
func (r *Role) Ref() orgkit.Ref {
	return orgkit.Ref{Kind: orgkit.KindRole, ID: r.ID.UUID(), Name: r.Name.Default}
}

// Clone returns a deep copy of r.
func (r *Role) Clone() *Role {
	c := *r
	c.deepen()
	return &c
}

// deepen replaces every map and slice of r by a copy.
func (r *Role) deepen() {
	r.Name = r.Name.Clone()
	r.Permissions = slices.Clone(r.Permissions)
}

// Group collects related roles ("Sales roles").
type Group struct {
	ID     orgkit.RoleGroupID `json:"id"`
	Name   orgkit.Names       `json:"name"`
	Status orgkit.Status      `json:"status"`
}

// Ref names the group in violations and change views: orgkit.KindRoleGroup, its ID
// and its default name.
func (g *Group) Ref() orgkit.Ref {
	return orgkit.Ref{Kind: orgkit.KindRoleGroup, ID: g.ID.UUID(), Name: g.Name.Default}
}

// Clone returns a deep copy of g.
func (g *Group) Clone() *Group {
	c := *g
	c.Name = g.Name.Clone()
	return &c
}

// Assignment is the set of roles one member holds, with the primary one among them.
// There is one assignment record per member who ever held a role.
type Assignment struct {
	Member  orgkit.MemberID `json:"member"`
	Roles   []orgkit.RoleID `json:"roles,omitempty"`
	Primary orgkit.RoleID   `json:"primary"` // zero when the member holds no role
}

// Ref names the assignment in change views: orgkit.KindAssignment with the member's
// ID.
func (a *Assignment) Ref() orgkit.Ref {
	return orgkit.Ref{Kind: orgkit.KindAssignment, ID: a.Member.UUID()}
}

// Clone returns a deep copy of a.
func (a *Assignment) Clone() *Assignment {
	c := *a
	c.Roles = slices.Clone(a.Roles)
	return &c
}

// Holds reports whether the assignment includes role r.
func (a Assignment) Holds(r orgkit.RoleID) bool { return slices.Contains(a.Roles, r) }

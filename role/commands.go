package role

import "github.com/orgkit/orgkit"

// Create adds a role. Its name is unique among the directory's live roles.
type Create struct {
	ID          orgkit.RoleID
	Name        orgkit.Names
	Kind        Kind
	Group       orgkit.RoleGroupID
	Permissions []string
}

// Update replaces a role's name, kind, group and permissions.
type Update struct {
	ID          orgkit.RoleID
	Name        orgkit.Names
	Kind        Kind
	Group       orgkit.RoleGroupID
	Permissions []string
}

// Retire retires a role: its holders lose it. The built-in org-admin role cannot be
// retired.
type Retire struct {
	ID orgkit.RoleID
}

// CreateGroup adds a role group. Its name is unique among live role groups.
type CreateGroup struct {
	ID   orgkit.RoleGroupID
	Name orgkit.Names
}

// RenameGroup renames a role group.
type RenameGroup struct {
	ID   orgkit.RoleGroupID
	Name orgkit.Names
}

// RetireGroup retires a role group; its roles are left in no group.
type RetireGroup struct {
	ID orgkit.RoleGroupID
}

// Assign gives every listed member every listed role. A member's existing primary
// role is kept; a member with none gets Primary if set, else the first role given.
type Assign struct {
	Members []orgkit.MemberID
	Roles   []orgkit.RoleID
	Primary orgkit.RoleID
}

// Unassign takes the listed roles from the listed members. When a member's primary
// role is taken, the first remaining role (in the order held) becomes primary.
type Unassign struct {
	Members []orgkit.MemberID
	Roles   []orgkit.RoleID
}

// SetPrimary makes Role the member's primary role; the member must hold it.
type SetPrimary struct {
	Member orgkit.MemberID
	Role   orgkit.RoleID
}

// CommandName implements orgkit.Command.
func (Create) CommandName() string { return "role.create" }

// CommandName implements orgkit.Command.
func (Update) CommandName() string { return "role.update" }

// CommandName implements orgkit.Command.
func (Retire) CommandName() string { return "role.retire" }

// CommandName implements orgkit.Command.
func (CreateGroup) CommandName() string { return "role.create_group" }

// CommandName implements orgkit.Command.
func (RenameGroup) CommandName() string { return "role.rename_group" }

// CommandName implements orgkit.Command.
func (RetireGroup) CommandName() string { return "role.retire_group" }

// CommandName implements orgkit.Command.
func (Assign) CommandName() string { return "role.assign" }

// CommandName implements orgkit.Command.
func (Unassign) CommandName() string { return "role.unassign" }

// CommandName implements orgkit.Command.
func (SetPrimary) CommandName() string { return "role.set_primary" }

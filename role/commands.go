package role

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/seal"
)

// Create adds a role. Its name is unique among the directory's live roles.
type Create struct {
	ID          orgkit.RoleID
	Name        orgkit.Names
	Kind        Kind
	Group       orgkit.RoleGroupID
	Permissions []string
}

// Update replaces a role's name, kind, group and permissions. Replacing is the
// permissions it replaces, as the caller read them (in any order): when Permissions
// differ from the role's and the role's are no longer those of Replacing, because
// someone changed them meanwhile, the command is refused with a record.changed
// violation rather than dropping that change. To grant or revoke some permissions
// whatever the others are, use AddPermissions and RemovePermissions.
type Update struct {
	ID          orgkit.RoleID
	Name        orgkit.Names
	Kind        Kind
	Group       orgkit.RoleGroupID
	Permissions []string
	Replacing   []string
}

// AddPermissions grants the role Permissions, keeping its others; permissions it has
// already are left as they are.
type AddPermissions struct {
	ID          orgkit.RoleID
	Permissions []string
}

// RemovePermissions revokes Permissions from the role, keeping its others;
// permissions it does not have are ignored.
type RemovePermissions struct {
	ID          orgkit.RoleID
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

// Sealed implements orgkit.Command: it returns the command itself.
func (c Create) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Update) CommandName() string { return "role.update" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Update) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (AddPermissions) CommandName() string { return "role.add_permissions" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c AddPermissions) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (RemovePermissions) CommandName() string { return "role.remove_permissions" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c RemovePermissions) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Retire) CommandName() string { return "role.retire" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Retire) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (CreateGroup) CommandName() string { return "role.create_group" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c CreateGroup) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (RenameGroup) CommandName() string { return "role.rename_group" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c RenameGroup) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (RetireGroup) CommandName() string { return "role.retire_group" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c RetireGroup) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Assign) CommandName() string { return "role.assign" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Assign) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Unassign) CommandName() string { return "role.unassign" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Unassign) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetPrimary) CommandName() string { return "role.set_primary" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetPrimary) Sealed(seal.Token) orgkit.Command { return c }

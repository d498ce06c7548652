// Package role holds roles, role groups and role assignments, and the commands that
// change them.
//
// # Roles
//
// A role has a multilingual name (unique among the directory's live roles after
// normalization), a kind (admin or business), an optional group, and permission
// strings that orgkit does not interpret: the host application does. Every directory
// has the built-in org-admin role, which has full rights, cannot be retired, and keeps
// at least one active holder. AddPermissions and RemovePermissions grant and revoke
// some permissions and keep the others; Update replaces them all and states the
// permissions it replaces (Replacing), so that it is refused rather than dropping a
// grant made since the caller read the role.
//
// # Assignments
//
// A member's Assignment lists the roles held and the primary one among them. Assign
// gives roles to many members at once and keeps an existing primary; Unassign takes
// them away and passes a removed primary to the first remaining role.
package role

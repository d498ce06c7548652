package directory

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/seal"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Rename renames the directory (its settings record; the root node keeps its own name).
type Rename struct {
	Name orgkit.Names
}

// SetLeader sets (or, with the zero ID, clears) the directory's leader, who must be
// an active member.
type SetLeader struct {
	Member orgkit.MemberID
}

// SetSelfJoin decides whether newly registered users may join by themselves.
type SetSelfJoin struct {
	Allowed bool
}

// SetMultiOrg turns multi-org on or off. Turning it off is refused while active
// organizations exist.
type SetMultiOrg struct {
	On bool
}

// Bind binds the directory to an upstream platform (or, with orgkit.Generic, unbinds
// it) and records which member and node fields the platform owns: from then on those
// fields change only through sync, and a direct edit is a field.read_only violation.
type Bind struct {
	Platform     orgkit.Platform
	UpstreamID   string
	MemberFields []member.Field
	NodeFields   []orgtree.Field
}

// SetCardLayout sets the directory's layout of one member card kind (the hover card or
// the profile page): the admin's choice and order of custom fields, validated with
// member.Layout.Validate.
type SetCardLayout struct {
	Layout member.Layout
}

// CommandName implements orgkit.Command.
func (SetCardLayout) CommandName() string { return "directory.set_card_layout" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetCardLayout) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Bind) CommandName() string { return "directory.bind" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Bind) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Rename) CommandName() string { return "directory.rename" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Rename) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetLeader) CommandName() string { return "directory.set_leader" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetLeader) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetSelfJoin) CommandName() string { return "directory.set_self_join" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetSelfJoin) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetMultiOrg) CommandName() string { return "directory.set_multi_org" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetMultiOrg) Sealed(seal.Token) orgkit.Command { return c }

package directory

import "github.com/orgkit/orgkit"

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

// CommandName implements orgkit.Command.
func (Rename) CommandName() string { return "directory.rename" }

// CommandName implements orgkit.Command.
func (SetLeader) CommandName() string { return "directory.set_leader" }

// CommandName implements orgkit.Command.
func (SetSelfJoin) CommandName() string { return "directory.set_self_join" }

// CommandName implements orgkit.Command.
func (SetMultiOrg) CommandName() string { return "directory.set_multi_org" }

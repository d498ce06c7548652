package member

import "github.com/orgkit/orgkit"

// Create adds a member. The ID is chosen by the caller (orgkit.NewMemberID). Fields
// are normalized (mobile to E.164, email lower-cased) and validated; derived
// affiliations are left zero to follow the primary department.
type Create Member

// Update sets the listed Fields of member ID to their values in Value; other fields
// keep their values. Setting an affiliation equal to its derived default keeps it
// derived.
type Update struct {
	ID     orgkit.MemberID
	Fields []Field
	Value  Member
}

// Deactivate makes members inactive. Leaving active status removes each member from
// manager, assistant and observer posts, from whitelists, and as anyone's reporting
// manager: their reports get none, or with HandOverReports the leaver's own manager.
// The primary affiliation stays. The change set records every removal.
type Deactivate struct {
	Members         []orgkit.MemberID
	HandOverReports bool
}

// Resign records that members left the company: like Deactivate (posts, whitelists
// and reporting lines removed, the primary affiliation kept), and they also lose every
// role. The change set lists every removal; Service.Undo restores them.
type Resign struct {
	Members         []orgkit.MemberID
	HandOverReports bool
}

// Activate makes inactive members active again.
type Activate struct {
	Members []orgkit.MemberID
}

// CommandName implements orgkit.Command.
func (Create) CommandName() string { return "member.create" }

// CommandName implements orgkit.Command.
func (Update) CommandName() string { return "member.update" }

// CommandName implements orgkit.Command.
func (Deactivate) CommandName() string { return "member.deactivate" }

// CommandName implements orgkit.Command.
func (Resign) CommandName() string { return "member.resign" }

// CommandName implements orgkit.Command.
func (Activate) CommandName() string { return "member.activate" }

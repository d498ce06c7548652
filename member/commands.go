package member

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/seal"
)

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

// Sealed implements orgkit.Command: it returns the command itself.
func (c Create) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Update) CommandName() string { return "member.update" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Update) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Deactivate) CommandName() string { return "member.deactivate" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Deactivate) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Resign) CommandName() string { return "member.resign" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Resign) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Activate) CommandName() string { return "member.activate" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Activate) Sealed(seal.Token) orgkit.Command { return c }

// SetLoginBlocked blocks (Blocked true) or allows (false) login for members. Blocking
// the last active org admin who may still log in is refused (member.org_admin.last).
type SetLoginBlocked struct {
	Members []orgkit.MemberID // the members; zero IDs and repeats are ignored
	Blocked bool              // true blocks login, false allows it
}

// SetReportingManager makes Manager the reporting manager of every listed member, or,
// with the zero Manager, leaves them with none. The manager must be an active member
// of the same directory, cannot be one of the listed members, and the reporting line
// must not become a cycle.
type SetReportingManager struct {
	Members []orgkit.MemberID // the members; zero IDs and repeats are ignored
	Manager orgkit.MemberID   // their new reporting manager; zero for none
}

// SecondaryMode says how SetDepartments changes the secondary departments.
type SecondaryMode uint8

const (
	// KeepSecondary leaves the secondary departments as they are (the default). A
	// secondary department that becomes the primary one is dropped from them.
	KeepSecondary SecondaryMode = iota
	// ReplaceSecondary makes Secondary the member's secondary departments.
	ReplaceSecondary
	// AddSecondary adds Secondary to the member's secondary departments.
	AddSecondary
	// RemoveSecondary removes Secondary from the member's secondary departments.
	RemoveSecondary
)

// SetDepartments reassigns the primary and secondary departments of every listed
// member ("reassign primary/secondary departments" in the employee list).
//
// When SetPrimary is true, Primary becomes each member's primary department; the zero
// NodeID leaves them unassigned. A secondary department that becomes the primary is
// dropped from the secondary ones. Secondary and SecondaryMode then edit the
// secondary departments; listing the primary department there explicitly is a
// member.secondary.is_primary violation. Derived affiliations (affiliated department
// and organization left at their defaults) follow the new primary department.
type SetDepartments struct {
	Members       []orgkit.MemberID // the members; zero IDs and repeats are ignored
	SetPrimary    bool              // whether to change the primary department
	Primary       orgkit.NodeID     // the new primary department (with SetPrimary); zero unassigns it
	Secondary     []orgkit.NodeID   // the departments SecondaryMode replaces with, adds or removes
	SecondaryMode SecondaryMode     // what to do with Secondary; KeepSecondary leaves them
}

// CommandName implements orgkit.Command.
func (SetLoginBlocked) CommandName() string { return "member.set_login_blocked" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetLoginBlocked) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetReportingManager) CommandName() string { return "member.set_reporting_manager" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetReportingManager) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetDepartments) CommandName() string { return "member.set_departments" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetDepartments) Sealed(seal.Token) orgkit.Command { return c }

package orgtree

import (
	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/seal"
)

// The commands below change the org tree. Give them to the directory service's Apply
// or Plan; every NodeID they take may be an old ID of a merged node (it is resolved).

// Create adds a node. ID is chosen by the caller (orgkit.NewNodeID) so that one batch
// can create a department and the members inside it.
type Create struct {
	ID         orgkit.NodeID
	Parent     orgkit.NodeID
	Kind       Kind
	Name       orgkit.Names
	Code       string
	Order      int
	Manager    orgkit.MemberID
	Assistants []orgkit.MemberID
	Observers  []orgkit.MemberID
	Group      GroupSettings
	Isolation  Isolation
	ExternalID string
}

// Rename replaces a node's names (the default and every language form).
type Rename struct {
	Node orgkit.NodeID
	Name orgkit.Names
}

// SetCode sets or (with "") clears a node's code.
type SetCode struct {
	Node orgkit.NodeID
	Code string
}

// SetOrder sets a node's sibling order.
type SetOrder struct {
	Node  orgkit.NodeID
	Order int
}

// SetExternalID binds a node to its ID on a synced platform ("" unbinds).
type SetExternalID struct {
	Node       orgkit.NodeID
	ExternalID string
}

// SetManager sets (or, with the zero MemberID, clears) a node's manager.
type SetManager struct {
	Node   orgkit.NodeID
	Member orgkit.MemberID
}

// SetAssistants replaces a node's assistants with Members. Replacing is the list it
// replaces, as the caller read it (in any order; nil when the node had none): when
// the node's assistants are no longer those, because someone changed them meanwhile,
// the command is refused with a record.changed violation rather than dropping that
// change. To add or remove some assistants whatever the others are, use
// AddAssistants and RemoveAssistants: they compose with concurrent writers.
type SetAssistants struct {
	Node      orgkit.NodeID
	Members   []orgkit.MemberID
	Replacing []orgkit.MemberID
}

// AddAssistants makes Members assistants of the node, keeping its other assistants.
// Members who assist it already, and its manager, are left as they are.
type AddAssistants struct {
	Node    orgkit.NodeID
	Members []orgkit.MemberID
}

// RemoveAssistants takes Members off the node's assistants, keeping the others.
// Members who do not assist it are ignored.
type RemoveAssistants struct {
	Node    orgkit.NodeID
	Members []orgkit.MemberID
}

// SetObservers replaces a node's observers (not allowed on the root) with Members.
// Replacing is the list it replaces, as the caller read it: when the node's observers
// are no longer those, the command is refused with a record.changed violation. To add
// or remove some observers whatever the others are, use AddObservers and
// RemoveObservers.
type SetObservers struct {
	Node      orgkit.NodeID
	Members   []orgkit.MemberID
	Replacing []orgkit.MemberID
}

// AddObservers makes Members observers of the node (not the root), keeping the others.
// Members who observe it already are left as they are.
type AddObservers struct {
	Node    orgkit.NodeID
	Members []orgkit.MemberID
}

// RemoveObservers takes Members off the node's observers, keeping the others. Members
// who do not observe it are ignored.
type RemoveObservers struct {
	Node    orgkit.NodeID
	Members []orgkit.MemberID
}

// SetGroup replaces a node's group settings.
type SetGroup struct {
	Node  orgkit.NodeID
	Group GroupSettings
}

// SetIsolation replaces a node's isolation settings and whitelists (never on the
// root). Replacing is the isolation it replaces, as the caller read it (whitelist
// entries in any order): when the node's isolation is no longer that, the command is
// refused with a record.changed violation. To add or remove whitelist entries
// whatever the others are, use AddToWhitelist and RemoveFromWhitelist.
type SetIsolation struct {
	Node      orgkit.NodeID
	Isolation Isolation
	Replacing Isolation
}

// WhitelistKind names one of a node's two whitelists.
type WhitelistKind uint8

const (
	// VisibilityList is Isolation.VisibilityWhitelist: who sees a node hidden from
	// outside.
	VisibilityList WhitelistKind = iota + 1
	// ContactList is Isolation.ContactWhitelist: whom the node's people see despite
	// its contact view.
	ContactList
)

// String returns "visibility_whitelist" or "contact_whitelist".
func (k WhitelistKind) String() string {
	switch k {
	case VisibilityList:
		return "visibility_whitelist"
	case ContactList:
		return "contact_whitelist"
	}
	return "unknown"
}

// AddToWhitelist adds Members and Nodes to one of the node's whitelists (never on the
// root), keeping its other entries; entries it holds already are left as they are.
type AddToWhitelist struct {
	Node    orgkit.NodeID
	List    WhitelistKind
	Members []orgkit.MemberID
	Nodes   []orgkit.NodeID
}

// RemoveFromWhitelist removes Members and Nodes from one of the node's whitelists,
// keeping its other entries; entries it does not hold are ignored.
type RemoveFromWhitelist struct {
	Node    orgkit.NodeID
	List    WhitelistKind
	Members []orgkit.MemberID
	Nodes   []orgkit.NodeID
}

// Move puts a node under a new parent: no cycles, kind rules apply, and its name must
// be unique among its new siblings.
type Move struct {
	Node   orgkit.NodeID
	Parent orgkit.NodeID
}

// Deactivate makes a node inactive. Refused while it has active child nodes or active
// members affiliated to it (primary or secondary). Inactive members keep it as primary.
type Deactivate struct {
	Node orgkit.NodeID
}

// Reactivate makes an inactive node active again; its parent must be active.
type Reactivate struct {
	Node orgkit.NodeID
}

// Merge folds the Sources into Target: their children and members move to Target,
// their managers and assistants become Target's assistants, observers are combined,
// whitelists naming a source are rewritten to Target, and the sources are retired with
// a redirect to Target (their codes stay reserved). No source may be Target's
// ancestor. Refused in synced directories.
type Merge struct {
	Sources []orgkit.NodeID
	Target  orgkit.NodeID
}

// CommandName implements orgkit.Command.
func (Create) CommandName() string { return "node.create" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Create) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Rename) CommandName() string { return "node.rename" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Rename) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetCode) CommandName() string { return "node.set_code" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetCode) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetOrder) CommandName() string { return "node.set_order" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetOrder) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetExternalID) CommandName() string { return "node.set_external_id" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetExternalID) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetManager) CommandName() string { return "node.set_manager" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetManager) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetAssistants) CommandName() string { return "node.set_assistants" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetAssistants) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (AddAssistants) CommandName() string { return "node.add_assistants" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c AddAssistants) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (RemoveAssistants) CommandName() string { return "node.remove_assistants" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c RemoveAssistants) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetObservers) CommandName() string { return "node.set_observers" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetObservers) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (AddObservers) CommandName() string { return "node.add_observers" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c AddObservers) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (RemoveObservers) CommandName() string { return "node.remove_observers" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c RemoveObservers) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetGroup) CommandName() string { return "node.set_group" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetGroup) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (SetIsolation) CommandName() string { return "node.set_isolation" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c SetIsolation) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (AddToWhitelist) CommandName() string { return "node.add_to_whitelist" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c AddToWhitelist) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (RemoveFromWhitelist) CommandName() string { return "node.remove_from_whitelist" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c RemoveFromWhitelist) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Move) CommandName() string { return "node.move" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Move) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Deactivate) CommandName() string { return "node.deactivate" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Deactivate) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Reactivate) CommandName() string { return "node.reactivate" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Reactivate) Sealed(seal.Token) orgkit.Command { return c }

// CommandName implements orgkit.Command.
func (Merge) CommandName() string { return "node.merge" }

// Sealed implements orgkit.Command: it returns the command itself.
func (c Merge) Sealed(seal.Token) orgkit.Command { return c }

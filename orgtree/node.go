package orgtree

import (
	"slices"

	"github.com/orgkit/orgkit"
)

// Kind is what a node is: the company root, an organization or a department.
type Kind uint8

const (
	// Company is the one root of a directory ("Entire Company/Group").
	Company Kind = iota + 1
	// Organization is a subsidiary or branch; its parent is the company or an
	// organization. Organizations exist only while the directory's multi-org is on.
	Organization
	// Department may sit under any node; departments never host organizations.
	Department
)

// String returns "company", "organization" or "department".
func (k Kind) String() string {
	switch k {
	case Company:
		return "company"
	case Organization:
		return "organization"
	case Department:
		return "department"
	}
	return "unknown"
}

// CanParent reports whether a node of kind parent may have a child of kind child.
func CanParent(parent, child Kind) bool {
	switch child {
	case Organization:
		return parent == Company || parent == Organization
	case Department:
		return parent == Company || parent == Organization || parent == Department
	}
	return false
}

// Node is one node of the org tree. Nodes are values: the directory service never
// changes a Node it has handed out; every edit makes a new one.
type Node struct {
	ID     orgkit.NodeID `json:"id"`
	Kind   Kind          `json:"kind"`
	Parent orgkit.NodeID `json:"parent"` // zero for the company root
	Name   orgkit.Names  `json:"name"`
	// Code is an optional identifier, unique in the directory case-insensitively,
	// used as the import/export key (e.g. "BJ-RD"). Codes of retired nodes stay reserved.
	Code string `json:"code,omitempty"`
	// Order sorts siblings: smaller first; equal orders sort by name.
	Order int `json:"order,omitempty"`
	// Manager has read/write rights on the node's data.
	Manager orgkit.MemberID `json:"manager"`
	// Assistants have the same rights as the manager.
	Assistants []orgkit.MemberID `json:"assistants,omitempty"`
	// Observers see feeds tagged with the node. The root has none.
	Observers []orgkit.MemberID `json:"observers,omitempty"`
	Group     GroupSettings     `json:"group"`
	Isolation Isolation         `json:"isolation"`
	Status    orgkit.Status     `json:"status"`
	// ExternalID is the node's ID on the synced platform, if any.
	ExternalID string `json:"external_id,omitempty"`
	// MergedInto is set on a node retired by a merge: its ID redirects there.
	MergedInto orgkit.NodeID `json:"merged_into"`
}

// Ref names the node in violations and change views: its kind (orgkit.KindCompany,
// KindOrganization or KindDepartment), ID and default name.
func (n *Node) Ref() orgkit.Ref {
	k := orgkit.KindNode
	switch n.Kind {
	case Company:
		k = orgkit.KindCompany
	case Organization:
		k = orgkit.KindOrganization
	case Department:
		k = orgkit.KindDepartment
	}
	return orgkit.Ref{Kind: k, ID: n.ID.UUID(), Name: n.Name.Default}
}

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	c := *n
	c.deepen()
	return &c
}

// deepen replaces every map and slice of n by a copy.
func (n *Node) deepen() {
	n.Name = n.Name.Clone()
	n.Assistants = slices.Clone(n.Assistants)
	n.Observers = slices.Clone(n.Observers)
	n.Isolation = n.Isolation.Clone()
}

// HoldsPost reports whether m is the node's manager or one of its assistants.
func (n *Node) HoldsPost(m orgkit.MemberID) bool {
	return n.Manager == m || slices.Contains(n.Assistants, m)
}

// GroupSettings decide who is in the node's group (chat group, mailing list).
type GroupSettings struct {
	// IncludeSubMembers adds the members of sub-nodes that are not isolated.
	IncludeSubMembers bool `json:"include_sub_members,omitempty"`
	// IncludeIsolatedSubMembers adds the members of isolated sub-nodes too.
	IncludeIsolatedSubMembers bool `json:"include_isolated_sub_members,omitempty"`
}

// ContactView limits whom the people inside a node see in contacts.
type ContactView uint8

const (
	// Unrestricted is the default: the node puts no limit on its people's view.
	Unrestricted ContactView = iota
	// WithinNode: its people see only people inside the node (and the whitelist).
	WithinNode
	// OnlySelf: its people see only themselves (and the whitelist).
	OnlySelf
)

// String returns "unrestricted", "within_node" or "only_self".
func (c ContactView) String() string {
	switch c {
	case Unrestricted:
		return "unrestricted"
	case WithinNode:
		return "within_node"
	case OnlySelf:
		return "only_self"
	}
	return "unknown"
}

// Reception says which messages reach the people of a node.
type Reception uint8

const (
	// FromAncestors is the default: messages to the node or any node above it.
	FromAncestors Reception = iota
	// OnlyThisNode: only messages addressed to this node or below it.
	OnlyThisNode
)

// String returns "from_ancestors" or "only_this_node".
func (r Reception) String() string {
	if r == OnlyThisNode {
		return "only_this_node"
	}
	if r == FromAncestors {
		return "from_ancestors"
	}
	return "unknown"
}

// Whitelist names members and nodes; a node entry admits everyone inside that node.
type Whitelist struct {
	Members []orgkit.MemberID `json:"members,omitempty"`
	Nodes   []orgkit.NodeID   `json:"nodes,omitempty"`
}

// Clone returns a copy sharing nothing with w.
func (w Whitelist) Clone() Whitelist {
	return Whitelist{Members: slices.Clone(w.Members), Nodes: slices.Clone(w.Nodes)}
}

// IsEmpty reports whether the whitelist names nobody.
func (w Whitelist) IsEmpty() bool { return len(w.Members) == 0 && len(w.Nodes) == 0 }

// Isolation holds a node's three isolation settings with their whitelists. A node is
// isolated when any of the three differs from its default (Isolated).
type Isolation struct {
	// HideFromOutside hides the node and its people from viewers outside it, except
	// those on VisibilityWhitelist.
	HideFromOutside     bool      `json:"hide_from_outside,omitempty"`
	VisibilityWhitelist Whitelist `json:"visibility_whitelist"`
	// ContactView limits what the node's people see; ContactWhitelist makes exceptions.
	ContactView      ContactView `json:"contact_view,omitempty"`
	ContactWhitelist Whitelist   `json:"contact_whitelist"`
	// Reception limits which messages reach the node's people.
	Reception Reception `json:"reception,omitempty"`
}

// Isolated reports whether any of the three settings differs from its default.
func (i Isolation) Isolated() bool {
	return i.HideFromOutside || i.ContactView != Unrestricted || i.Reception != FromAncestors
}

// Clone returns a copy sharing nothing with i.
func (i Isolation) Clone() Isolation {
	c := i
	c.VisibilityWhitelist = i.VisibilityWhitelist.Clone()
	c.ContactWhitelist = i.ContactWhitelist.Clone()
	return c
}

package orgtree

import (
	"slices"
)

// Field names one field of a Node. A synced directory declares which node fields its
// platform owns; editing one of those here is a field.read_only violation.
type Field uint8

// The node fields. Every field constant of this package and of member is named by
// one rule: the field's stable name (Field.String) in CamelCase, followed by Field —
// "external_id" is ExternalIDField.
const (
	NameField Field = iota + 1
	CodeField
	OrderField
	ParentField
	ManagerField
	AssistantsField
	ObserversField
	GroupField
	IsolationField
	StatusField
	ExternalIDField
	nodeFieldCount
)

var nodeFieldNames = [nodeFieldCount]string{"", "name", "code", "order", "parent", "manager", "assistants", "observers", "group", "isolation", "status", "external_id"}

// String returns the field's stable snake_case name.
func (f Field) String() string {
	if f == 0 || f >= nodeFieldCount {
		return "unknown"
	}
	return nodeFieldNames[f]
}

// Changed returns the fields in which two images of a node differ.
func Changed(a, b *Node) []Field {
	var out []Field
	add := func(f Field, differ bool) {
		if differ {
			out = append(out, f)
		}
	}
	add(NameField, !a.Name.Equal(b.Name))
	add(CodeField, a.Code != b.Code)
	add(OrderField, a.Order != b.Order)
	add(ParentField, a.Parent != b.Parent)
	add(ManagerField, a.Manager != b.Manager)
	add(AssistantsField, !slices.Equal(a.Assistants, b.Assistants))
	add(ObserversField, !slices.Equal(a.Observers, b.Observers))
	add(GroupField, a.Group != b.Group)
	add(IsolationField, !isolationEqual(a.Isolation, b.Isolation))
	add(StatusField, a.Status != b.Status || a.MergedInto != b.MergedInto)
	add(ExternalIDField, a.ExternalID != b.ExternalID)
	return out
}

func isolationEqual(a, b Isolation) bool {
	return a.HideFromOutside == b.HideFromOutside && a.ContactView == b.ContactView && a.Reception == b.Reception &&
		whitelistEqual(a.VisibilityWhitelist, b.VisibilityWhitelist) && whitelistEqual(a.ContactWhitelist, b.ContactWhitelist)
}

func whitelistEqual(a, b Whitelist) bool {
	return slices.Equal(a.Members, b.Members) && slices.Equal(a.Nodes, b.Nodes)
}

package orgkit

import (
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/orgkit/orgkit/internal/i18n"
	"github.com/orgkit/orgkit/internal/textnorm"
	"golang.org/x/text/language"
)

// RecordKind says what a Ref names: a record of a directory (a node, a member, a
// role…), or, for problems found before any record exists, a command of a batch or a
// place in an imported file.
type RecordKind uint8

// The record kinds. A node is named by its own kind (KindCompany, KindOrganization or
// KindDepartment) when that is known, else by KindNode; RecordKind.IsNode tells
// them all apart from the rest.
const (
	KindDirectory    RecordKind = iota + 1 // a directory and its settings
	KindNode                               // a node of unknown kind
	KindCompany                            // the company root node
	KindOrganization                       // an organization node
	KindDepartment                         // a department node
	KindMember                             // a member
	KindRole                               // a role
	KindRoleGroup                          // a role group
	KindAssignment                         // a member's role assignment (its ID is the member's)
	KindCommand                            // a command of a batch (Violation.Command is its index)
	KindFile                               // an imported file (Ref.Name is its name)
	KindSheet                              // a sheet of an imported workbook (Ref.Name is its name)
	KindRow                                // a row of an imported sheet (Ref.Row is its number)
	KindAvatar                             // an uploaded avatar
	KindCardLayout                         // a member card layout
	recordKindCount
)

var recordKindNames = [recordKindCount]string{"", "directory", "node", "company", "organization", "department",
	"member", "role", "role_group", "assignment", "command", "file", "sheet", "row", "avatar", "card_layout"}

// recordKindLabels are the kinds as messages say them, in the three languages.
var recordKindLabels = [recordKindCount][3]string{
	KindDirectory:    {"directory", "组织架构", "組織架構"},
	KindNode:         {"node", "节点", "節點"},
	KindCompany:      {"company", "公司", "公司"},
	KindOrganization: {"organization", "组织", "組織"},
	KindDepartment:   {"department", "部门", "部門"},
	KindMember:       {"member", "成员", "成員"},
	KindRole:         {"role", "角色", "角色"},
	KindRoleGroup:    {"role group", "角色组", "角色組"},
	KindAssignment:   {"role assignment", "角色分配", "角色分配"},
	KindCommand:      {"command", "命令", "命令"},
	KindFile:         {"file", "文件", "檔案"},
	KindSheet:        {"sheet", "工作表", "工作表"},
	KindRow:          {"row", "行", "列"},
	KindAvatar:       {"avatar", "头像", "頭像"},
	KindCardLayout:   {"card layout", "名片布局", "名片版面"},
}

// String returns the kind's stable snake_case name ("department", "role_group", …).
func (k RecordKind) String() string {
	if k == 0 || k >= recordKindCount {
		return "unknown"
	}
	return recordKindNames[k]
}

// Label returns the kind as messages say it, in the language best matching tag
// ("department", "部门", "部門").
func (k RecordKind) Label(tag language.Tag) string {
	if k == 0 || k >= recordKindCount {
		return ""
	}
	return recordKindLabels[k][i18n.Match(tag)]
}

// IsNode reports whether k is a node kind: KindNode, KindCompany, KindOrganization or
// KindDepartment.
func (k RecordKind) IsNode() bool { return k >= KindNode && k <= KindDepartment }

// MarshalText encodes the kind as its stable name.
func (k RecordKind) MarshalText() ([]byte, error) {
	if k == 0 {
		return []byte{}, nil
	}
	if k >= recordKindCount {
		return nil, fmt.Errorf("orgkit: unknown record kind %d", k)
	}
	return []byte(recordKindNames[k]), nil
}

// UnmarshalText decodes a kind from its stable name ("" is the zero kind).
func (k *RecordKind) UnmarshalText(b []byte) error {
	for i, n := range recordKindNames {
		if n == string(b) {
			*k = RecordKind(i)
			return nil
		}
	}
	return fmt.Errorf("orgkit: unknown record kind %q: %w", b, ErrInvalid)
}

// Ref names a record: its kind and ID for programs, and its name for people. The
// zero Ref names nothing (a violation of a batch as a whole).
type Ref struct {
	Kind RecordKind `json:"kind,omitempty"`
	// ID is the record's ID; the typed accessors (NodeID, MemberID, …) return it as
	// the ID type of its kind. Zero for a record that has none (a row, a file).
	ID uuid.UUID `json:"id,omitzero"`
	// Name is how people know the record: a node's or role's default name, a
	// member's display name, a file's or sheet's name. May be empty.
	Name string `json:"name,omitempty"`
	// Row is the row of the imported file the record comes from (for KindRow, the
	// row itself); 0 when none.
	Row int `json:"row,omitempty"`
}

// RefTo returns a Ref to the record with the ID: its kind follows from the ID's type
// (a NodeID gives KindNode).
func RefTo[K idKind](id ID[K], name string) Ref {
	var k K
	return Ref{Kind: k.recordKind(), ID: id.UUID(), Name: name}
}

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r == Ref{} }

// NodeID returns the ID of the node r names; ok is false when r names no node.
func (r Ref) NodeID() (id NodeID, ok bool) { return refID[nodeKind](r, r.Kind.IsNode()) }

// MemberID returns the ID of the member r names (for KindAssignment, the assigned
// member); ok is false when r names no member.
func (r Ref) MemberID() (id MemberID, ok bool) {
	return refID[memberKind](r, r.Kind == KindMember || r.Kind == KindAssignment)
}

// RoleID returns the ID of the role r names; ok is false when r names no role.
func (r Ref) RoleID() (id RoleID, ok bool) { return refID[roleKind](r, r.Kind == KindRole) }

// RoleGroupID returns the ID of the role group r names; ok is false otherwise.
func (r Ref) RoleGroupID() (id RoleGroupID, ok bool) {
	return refID[roleGroupKind](r, r.Kind == KindRoleGroup)
}

// DirectoryID returns the ID of the directory r names; ok is false otherwise.
func (r Ref) DirectoryID() (id DirectoryID, ok bool) {
	return refID[directoryKind](r, r.Kind == KindDirectory)
}

func refID[K idKind](r Ref, kindOK bool) (ID[K], bool) {
	if !kindOK || r.ID == uuid.Nil {
		return ID[K]{}, false
	}
	return ID[K](r.ID), true
}

// String names the record in English: `department "Sales"`, `member "Alice"`,
// `node 0192…` when it has no name, `row 5`.
func (r Ref) String() string { return r.Text(language.English) }

// Text names the record in the language best matching tag: `department "Sales"`,
// 部门「Sales」, 部門「Sales」. A record without a name is named by its ID; one that
// comes from a row of an imported file also says the row. A control or invisible
// formatting character in a name is shown as U+FFFD.
func (r Ref) Text(tag language.Tag) string {
	li := i18n.Match(tag)
	kind := r.Kind.Label(tag)
	var s string
	switch {
	case r.Kind == KindRow:
		return fmt.Sprintf(refRowForms[li], r.Row)
	case r.Kind == KindCardLayout && r.Name != "":
		s = fmt.Sprintf(refNamedForms[li], kind, i18n.Term(r.Name, li)) // the card kind
	case r.Name != "":
		// a name that holds a control or formatting character is shown with U+FFFD
		// in its place, so that a message never carries one
		s = fmt.Sprintf(refNamedForms[li], kind, textnorm.Visible(r.Name, false))
	case r.ID != uuid.Nil:
		s = kind + " " + r.ID.String()
	default:
		s = kind
	}
	if r.Row > 0 {
		s += fmt.Sprintf(refAtRowForms[li], strconv.Itoa(r.Row))
	}
	return s
}

var (
	refNamedForms = [3]string{"%s %q", "%s「%s」", "%s「%s」"}
	refRowForms   = [3]string{"row %d", "第 %d 行", "第 %d 列"}
	refAtRowForms = [3]string{" (row %s)", "（第 %s 行）", "（第 %s 列）"}
)

package orgkit

import (
	"bytes"
	"fmt"

	"github.com/google/uuid"
)

// ID is a typed, time-ordered (UUID version 7) identifier. The type parameter only
// tells IDs of different records apart at compile time; use the named forms
// NodeID, MemberID, RoleID, RoleGroupID and DirectoryID.
//
// The zero ID means "none": commands refuse it where an ID is required.
type ID[K idKind] uuid.UUID

type idKind interface {
	kindName() string
	recordKind() RecordKind
}

type (
	nodeKind      struct{}
	memberKind    struct{}
	roleKind      struct{}
	roleGroupKind struct{}
	directoryKind struct{}
)

func (nodeKind) kindName() string      { return "node" }
func (memberKind) kindName() string    { return "member" }
func (roleKind) kindName() string      { return "role" }
func (roleGroupKind) kindName() string { return "role group" }
func (directoryKind) kindName() string { return "directory" }

func (nodeKind) recordKind() RecordKind      { return KindNode }
func (memberKind) recordKind() RecordKind    { return KindMember }
func (roleKind) recordKind() RecordKind      { return KindRole }
func (roleGroupKind) recordKind() RecordKind { return KindRoleGroup }
func (directoryKind) recordKind() RecordKind { return KindDirectory }

// NodeID identifies a node of the org tree (the company, an organization or a department).
type NodeID = ID[nodeKind]

// MemberID identifies a member (an employee) of one directory.
type MemberID = ID[memberKind]

// RoleID identifies a role.
type RoleID = ID[roleKind]

// RoleGroupID identifies a role group.
type RoleGroupID = ID[roleGroupKind]

// DirectoryID identifies a directory: one independent org structure (a tenant).
type DirectoryID = ID[directoryKind]

func newID[K idKind]() ID[K] { return ID[K](uuid.Must(uuid.NewV7())) }

// NewNodeID returns a fresh, time-ordered NodeID.
func NewNodeID() NodeID { return newID[nodeKind]() }

// NewMemberID returns a fresh, time-ordered MemberID.
func NewMemberID() MemberID { return newID[memberKind]() }

// NewRoleID returns a fresh, time-ordered RoleID.
func NewRoleID() RoleID { return newID[roleKind]() }

// NewRoleGroupID returns a fresh, time-ordered RoleGroupID.
func NewRoleGroupID() RoleGroupID { return newID[roleGroupKind]() }

// NewDirectoryID returns a fresh, time-ordered DirectoryID.
func NewDirectoryID() DirectoryID { return newID[directoryKind]() }

func parseID[K idKind](s string) (ID[K], error) {
	u, err := uuid.Parse(s)
	if err != nil {
		var k K
		return ID[K]{}, fmt.Errorf("orgkit: invalid %s ID %q: %w", k.kindName(), s, ErrInvalid)
	}
	return ID[K](u), nil
}

// ParseNodeID parses a NodeID from its textual form.
func ParseNodeID(s string) (NodeID, error) { return parseID[nodeKind](s) }

// ParseMemberID parses a MemberID from its textual form.
func ParseMemberID(s string) (MemberID, error) { return parseID[memberKind](s) }

// ParseRoleID parses a RoleID from its textual form.
func ParseRoleID(s string) (RoleID, error) { return parseID[roleKind](s) }

// ParseRoleGroupID parses a RoleGroupID from its textual form.
func ParseRoleGroupID(s string) (RoleGroupID, error) { return parseID[roleGroupKind](s) }

// ParseDirectoryID parses a DirectoryID from its textual form.
func ParseDirectoryID(s string) (DirectoryID, error) { return parseID[directoryKind](s) }

// IsZero reports whether id is the zero ID ("none").
func (id ID[K]) IsZero() bool { return id == ID[K]{} }

// String returns the canonical textual form, or "" for the zero ID.
func (id ID[K]) String() string {
	if id.IsZero() {
		return ""
	}
	return uuid.UUID(id).String()
}

// UUID returns the underlying UUID.
func (id ID[K]) UUID() uuid.UUID { return uuid.UUID(id) }

// MarshalText encodes the ID in its canonical textual form ("" for the zero ID).
func (id ID[K]) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText decodes an ID from its textual form; "" decodes to the zero ID.
func (id *ID[K]) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = ID[K]{}
		return nil
	}
	v, err := parseID[K](string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// Compare orders IDs by their bytes, which for version-7 IDs is creation order.
func (id ID[K]) Compare(other ID[K]) int { return bytes.Compare(id[:], other[:]) }

package store

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// Store is what a host implements to keep directories: store/memstore is the embedded
// default, and any implementation must pass store/storetest.Run.
//
// The contract:
//   - A new directory's head is 0. Commit(dir, base, cs) succeeds only if the head
//     equals base, and then sets it to base+1 and cs.Version; otherwise it returns an
//     error matching orgkit.ErrConflict (and the current head) and changes nothing.
//     orgkit.ErrConflict means exactly this: a version conflict.
//   - An empty or malformed change set (an After of the wrong type for its Kind, a
//     record twice, a zero ID) is never committed: orgkit.ErrInvalid.
//   - Changes(dir, after) returns the change sets with versions after+1 … head, in
//     ascending order with no gaps; after >= head gives none and no error.
//   - Nothing is ever deleted: Load returns every record ever written (retired ones
//     too), each as its latest after-image, in any order.
//   - Records come back exactly as given, nil and empty slices included.
//   - A settings change (KindSettings) replaces the directory record that Directories
//     and Load return. The directory's ID, Key, Default and CreatedAt never change.
//   - At most one directory per store has Default set; keys are unique per store.
//     CreateDirectory refuses a taken ID or key or a second default with
//     orgkit.ErrPrecondition.
//   - Load, Commit and Changes of an unknown directory fail with orgkit.ErrNotFound.
//   - Records are immutable values: a Store must not modify what it is given, and the
//     caller does not modify what it gets back.
//   - Every method honors ctx cancellation.
type Store interface {
	// CreateDirectory registers a new directory with head 0. It fails with
	// orgkit.ErrPrecondition when the ID or the key is taken, or when d.Default is set
	// and the store already has a default directory.
	CreateDirectory(ctx context.Context, d DirectoryRecord) error
	// Directories lists every directory's latest settings, ordered by ID.
	Directories(ctx context.Context) ([]DirectoryRecord, error)
	// Load returns every record of the directory at its head (orgkit.ErrNotFound for
	// an unknown directory).
	Load(ctx context.Context, dir orgkit.DirectoryID) (*Records, error)
	// Commit appends cs as version base+1 and returns the new head; cs.Version is set.
	Commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *ChangeSet) (head uint64, err error)
	// Changes returns the change sets committed after version after, ascending.
	Changes(ctx context.Context, dir orgkit.DirectoryID, after uint64) ([]*ChangeSet, error)
}

// DirectoryRecord is a directory's settings: the versioned settings record.
type DirectoryRecord struct {
	ID orgkit.DirectoryID `json:"id"`
	// Key identifies the directory in the store (unique, lower-case letters, digits
	// and '-'); generated from the name when not given.
	Key  string       `json:"key"`
	Name orgkit.Names `json:"name"`
	// Platform is where the directory's data comes from; UpstreamID is the tenant or
	// corp ID there.
	Platform   orgkit.Platform `json:"platform"`
	UpstreamID string          `json:"upstream_id,omitempty"`
	// SyncedMemberFields and SyncedNodeFields are the fields the upstream platform owns
	// (declared by its connector when the directory is bound): read-only here except
	// to sync.
	SyncedMemberFields []member.Field  `json:"synced_member_fields,omitempty"`
	SyncedNodeFields   []orgtree.Field `json:"synced_node_fields,omitempty"`
	// CardLayouts are the directory's member card layouts (hover card, profile page);
	// a kind not listed uses member.DefaultLayout.
	CardLayouts []member.Layout `json:"card_layouts,omitempty"`
	// Leader is the directory's leader ("organization leader").
	Leader orgkit.MemberID `json:"leader"`
	// DisallowSelfJoin stops newly registered users joining by themselves. The zero
	// value lets them join, as the product's default.
	DisallowSelfJoin bool `json:"disallow_self_join,omitempty"`
	// MultiOrg allows Organization nodes.
	MultiOrg bool `json:"multi_org,omitempty"`
	// Default marks the store's one default directory.
	Default   bool          `json:"default,omitempty"`
	Root      orgkit.NodeID `json:"root"`
	AdminRole orgkit.RoleID `json:"admin_role"`
	CreatedAt time.Time     `json:"created_at"`
}

// Clone returns a copy of d that shares no slices or maps with it.
func (d DirectoryRecord) Clone() DirectoryRecord {
	c := d
	c.Name = d.Name.Clone()
	c.SyncedMemberFields = slices.Clone(d.SyncedMemberFields)
	c.SyncedNodeFields = slices.Clone(d.SyncedNodeFields)
	c.CardLayouts = slices.Clone(d.CardLayouts)
	for i := range c.CardLayouts {
		c.CardLayouts[i].Fields = slices.Clone(d.CardLayouts[i].Fields)
	}
	return c
}

// Records is everything a directory holds at one version.
type Records struct {
	Head        uint64
	Directory   DirectoryRecord
	Nodes       []*orgtree.Node
	Members     []*member.Member
	Roles       []*role.Role
	RoleGroups  []*role.Group
	Assignments []*role.Assignment
}

// RecordKind says what a Change is about.
type RecordKind uint8

// The record kinds.
const (
	KindSettings RecordKind = iota + 1
	KindNode
	KindMember
	KindRole
	KindRoleGroup
	KindAssignment
)

// String returns the kind's name ("settings", "node", …).
func (k RecordKind) String() string {
	switch k {
	case KindSettings:
		return "settings"
	case KindNode:
		return "node"
	case KindMember:
		return "member"
	case KindRole:
		return "role"
	case KindRoleGroup:
		return "role_group"
	case KindAssignment:
		return "assignment"
	}
	return "unknown"
}

// Change is one record's before- and after-image. Before is nil when the change
// created the record; After is never nil (nothing is deleted). The images are
// *DirectoryRecord, *orgtree.Node, *member.Member, *role.Role, *role.Group or
// *role.Assignment according to Kind.
type Change struct {
	Kind   RecordKind `json:"kind"`
	Before any        `json:"before"`
	After  any        `json:"after"`
}

// ID returns the ID of the changed record (the member's ID for an assignment, the
// directory's for settings).
func (c Change) ID() uuid.UUID {
	_, id, _ := Identify(c.After)
	return id
}

// Identify returns the kind and ID of a record image (the member's ID for an
// assignment, the directory's for settings); ok is false for anything that is not a
// non-nil record.
func Identify(v any) (kind RecordKind, id uuid.UUID, ok bool) {
	switch r := v.(type) {
	case *DirectoryRecord:
		if r != nil {
			return KindSettings, r.ID.UUID(), true
		}
	case *orgtree.Node:
		if r != nil {
			return KindNode, r.ID.UUID(), true
		}
	case *member.Member:
		if r != nil {
			return KindMember, r.ID.UUID(), true
		}
	case *role.Role:
		if r != nil {
			return KindRole, r.ID.UUID(), true
		}
	case *role.Group:
		if r != nil {
			return KindRoleGroup, r.ID.UUID(), true
		}
	case *role.Assignment:
		if r != nil {
			return KindAssignment, r.Member.UUID(), true
		}
	}
	return 0, uuid.Nil, false
}

// Origin says which path a change set came through.
type Origin string

// The origins.
const (
	OriginAPI    Origin = "api"
	OriginImport Origin = "import"
	OriginSync   Origin = "sync"
	OriginUndo   Origin = "undo"
)

// Meta says who made a change, why, through which path and when.
type Meta struct {
	Actor  string    `json:"actor,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Origin Origin    `json:"origin,omitempty"` // OriginAPI when empty
	Time   time.Time `json:"time"`             // set by the service's clock when zero
	// IfVersion pins the write to a version: when non-zero the write fails with
	// orgkit.ErrConflict unless the directory is still at that version, instead of
	// being retried on fresh state.
	IfVersion uint64 `json:"if_version,omitempty"`
}

// ChangeSet is one committed batch: its metadata and every record it changed.
type ChangeSet struct {
	Version uint64   `json:"version"` // set by Commit
	Meta    Meta     `json:"meta"`
	Changes []Change `json:"changes"`
}

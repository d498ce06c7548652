package directory

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// Origin says which path a change came through.
type Origin string

// The origins.
const (
	OriginAPI    Origin = "api"    // a host's call of Apply (the default)
	OriginImport Origin = "import" // package importexport
	OriginSync   Origin = "sync"   // package connector
	OriginUndo   Origin = "undo"   // Service.Undo
	OriginErase  Origin = "erase"  // Service.Erase
)

// Meta says who makes a change, why, through which path and when. Apply, Plan and
// Undo take it, and every ChangeSet carries it.
type Meta struct {
	Actor  string
	Reason string
	Origin Origin    // OriginAPI when empty
	Time   time.Time // the service's clock when zero
	// IfVersion pins the write to a version: when non-zero the write fails with
	// orgkit.ErrConflict unless the directory is still at that version, instead of
	// being retried on fresh state.
	IfVersion uint64
	// Erased, in a change set that records an erasure (OriginErase), lists the
	// fields erased. The service sets it; Apply and Plan ignore it.
	Erased []member.Field
}

func (m Meta) store() store.Meta {
	return store.Meta{Actor: m.Actor, Reason: m.Reason, Origin: store.Origin(m.Origin), Time: m.Time, IfVersion: m.IfVersion}
}

func metaOf(m store.Meta) Meta {
	return Meta{Actor: m.Actor, Reason: m.Reason, Origin: Origin(m.Origin), Time: m.Time, IfVersion: m.IfVersion,
		Erased: slices.Clone(m.Erased)}
}

// ChangeSet is one batch of changes as Apply, Plan, Undo and History report it: its
// metadata and every record it changed, with the images before and after. It is the
// caller's: nothing in it is shared with the service's snapshots or the store.
type ChangeSet struct {
	// ID identifies the change set (a version-7 UUID, fresh for every batch planned).
	ID uuid.UUID
	// Version is the directory version the change set made; 0 for a plan.
	Version uint64
	Meta    Meta
	Changes []Change
}

// viewOf returns the caller's view of a change set, or nil for nil.
func viewOf(cs *store.ChangeSet) *ChangeSet {
	if cs == nil {
		return nil
	}
	v := &ChangeSet{ID: cs.ID, Version: cs.Version, Meta: metaOf(cs.Meta), Changes: make([]Change, len(cs.Changes))}
	for i, c := range cs.Changes {
		v.Changes[i] = Change{before: c.Before, after: c.After}
	}
	return v
}

// Change is one record's change: which record, and its image before and after.
// Nothing is ever deleted, so every change has an After image; a change that created
// its record has no Before image.
type Change struct {
	// The images are shared with snapshots and the store; the accessors copy.
	before, after any
}

// Record names the changed record: its kind (a node by its own kind), ID and name as
// of the change.
func (c Change) Record() orgkit.Ref { return refOf(c.after) }

// Created reports whether the change created the record.
func (c Change) Created() bool { return !imageOf(c.before).Exists() }

// Before returns the record as it was before the change (an image that does not
// Exist when the change created it).
func (c Change) Before() Image { return imageOf(c.before) }

// After returns the record as the change left it.
func (c Change) After() Image { return imageOf(c.after) }

// Image is one state of a changed record. Its accessors return copies that are the
// caller's; exactly one of them answers ok for an image that exists.
type Image struct{ v any }

func imageOf(v any) Image {
	if _, _, ok := store.Identify(v); !ok {
		return Image{}
	}
	return Image{v}
}

// Exists reports whether there is a record in this image (Before of a creation has
// none).
func (i Image) Exists() bool { return i.v != nil }

// Settings returns the directory's settings when the image is of them.
func (i Image) Settings() (Settings, bool) {
	if d, ok := i.v.(*store.DirectoryRecord); ok {
		return settingsOf(*d), true
	}
	return Settings{}, false
}

// Node returns a copy of the node when the image is of one.
func (i Image) Node() (orgtree.Node, bool) {
	if n, ok := i.v.(*orgtree.Node); ok {
		return *n.Clone(), true
	}
	return orgtree.Node{}, false
}

// Member returns a copy of the member when the image is of one.
func (i Image) Member() (member.Member, bool) {
	if m, ok := i.v.(*member.Member); ok {
		return *m.Clone(), true
	}
	return member.Member{}, false
}

// Role returns a copy of the role when the image is of one.
func (i Image) Role() (role.Role, bool) {
	if r, ok := i.v.(*role.Role); ok {
		return *r.Clone(), true
	}
	return role.Role{}, false
}

// RoleGroup returns a copy of the role group when the image is of one.
func (i Image) RoleGroup() (role.Group, bool) {
	if g, ok := i.v.(*role.Group); ok {
		return *g.Clone(), true
	}
	return role.Group{}, false
}

// Assignment returns a copy of a member's role assignment when the image is of one.
func (i Image) Assignment() (role.Assignment, bool) {
	if a, ok := i.v.(*role.Assignment); ok {
		return *a.Clone(), true
	}
	return role.Assignment{}, false
}

// refOf names a record image.
func refOf(v any) orgkit.Ref {
	switch r := v.(type) {
	case *store.DirectoryRecord:
		return orgkit.Ref{Kind: orgkit.KindDirectory, ID: r.ID.UUID(), Name: r.Name.Default}
	case *orgtree.Node:
		return r.Ref()
	case *member.Member:
		return r.Ref()
	case *role.Role:
		return r.Ref()
	case *role.Group:
		return r.Ref()
	case *role.Assignment:
		return r.Ref()
	}
	return orgkit.Ref{}
}

// Settings are a directory's settings. Snapshot.Settings and Service.Directories
// return them as copies that are the caller's; commands (SetLeader, SetMultiOrg,
// Rename, …) change them.
type Settings struct {
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
	// value lets them join.
	DisallowSelfJoin bool `json:"disallow_self_join,omitempty"`
	// MultiOrg allows Organization nodes.
	MultiOrg bool `json:"multi_org,omitempty"`
	// Default marks the store's one default directory.
	Default bool `json:"default,omitempty"`
	// Root is the company root node; AdminRole the built-in org-admin role.
	Root      orgkit.NodeID `json:"root"`
	AdminRole orgkit.RoleID `json:"admin_role"`
	CreatedAt time.Time     `json:"created_at"`
}

// settingsOf returns the caller's copy of a directory record. The conversion keeps
// Settings and store.DirectoryRecord field for field the same: a field added to one
// and not the other does not compile.
func settingsOf(d store.DirectoryRecord) Settings { return Settings(d.Clone()) }

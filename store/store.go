package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/slab"
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
//     orgkit.ErrConflict means exactly this: a version conflict. A commit is atomic:
//     no reader ever sees part of a change set.
//   - An empty or malformed change set (a zero ID, an After of the wrong type for its
//     Kind, a record twice, a zero record ID) is never committed: orgkit.ErrInvalid.
//     ChangeSet.Validate makes exactly these checks; a store calls it first in Commit.
//   - Changes(dir, after, limit) returns the change sets with versions after+1 …
//     min(head, after+limit), in ascending order with no gaps: exactly limit of them
//     unless the head comes first, so a page shorter than limit is the last one.
//     after >= head gives none and no error; limit < 1 is orgkit.ErrInvalid. A caller
//     catches up page by page and never holds more than limit change sets at once.
//   - A change set comes back as committed: its ID, Version, Meta and every Change.
//     The ID is the change set's idempotency key: it lets a caller whose Commit
//     ended in ErrOutcomeUnknown find out, by reading version base+1, whether that
//     change set landed.
//   - A change set ID lands at most once in a directory. Commit of a change set
//     whose ID the directory's log already holds (an erasure's included) fails with
//     an error matching ErrDuplicateID and orgkit.ErrPrecondition, whatever the
//     base, and returns the current head; nothing changes. The ID is checked before
//     the base, so a caller that retries a change set learns that it landed rather
//     than that it conflicts.
//   - Commit returns an error matching ErrOutcomeUnknown, and only then, when it
//     cannot tell whether the change set was committed (the connection dropped while
//     the database was committing). The change set may or may not have landed as
//     version base+1, but it lands nowhere else, and nothing else changes.
//   - Nothing is ever deleted: Load returns every record ever written (retired ones
//     too), each as its latest after-image, in any order, with the head it is current
//     at.
//   - Records come back exactly as given, nil and empty slices included.
//   - A store shares nothing with its callers: it keeps its own copy of what it is
//     given (or serializes it), never modifies it, and every record, slice and map it
//     returns is the caller's, so that a caller that modifies a result changes nothing
//     the store holds or returns later.
//   - A settings change (KindSettings) replaces the directory record that Directories
//     and Load return. The directory's ID, Key, Default and CreatedAt never change.
//   - At most one directory per store has Default set; keys are unique per store.
//     CreateDirectory refuses a taken ID or key or a second default with
//     orgkit.ErrPrecondition.
//   - Load, Commit and Changes of an unknown directory fail with orgkit.ErrNotFound.
//   - Every method honors ctx cancellation and is safe for concurrent use, by many
//     goroutines and by many processes sharing the store's database.
//
// A store may also implement Notifier, so that its users learn of commits made by
// others without asking.
//
// A user of a store (directory.Service) checks what it relies on: a Changes page that
// is not contiguous from the version asked for is reloaded, and a store that still
// contradicts itself gets an error matching ErrContract instead of a commit.
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
	// cs.ID must be set (the caller's idempotency key).
	Commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *ChangeSet) (head uint64, err error)
	// Changes returns the change sets committed after version after, ascending and
	// contiguous, at most limit of them (exactly limit unless the head comes first).
	Changes(ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*ChangeSet, error)
}

// Notifier is a Store that tells its users about commits, its own process's and other
// processes', so that they need not ask the store before each read. Users find it by
// type assertion. memstore implements it in-process; a database store implements it
// with the database's notifications (PostgreSQL LISTEN/NOTIFY, for instance).
//
// The contract:
//   - Watch registers notify and returns at once. From then until ctx is done, notify
//     is called for every commit to any directory of the store, with the directory and
//     its head after the commit, once that commit is visible to Load and Changes.
//     Notices may be coalesced (one notice for several commits, with the latest head)
//     and may come more than once; a notice's Head is never ahead of what Changes
//     returns.
//   - notify may be called from several goroutines at once, and notices about one
//     directory may arrive out of order (a subscriber keeps the highest head). It
//     must return quickly and must not call the store: a store does not wait for
//     slow subscribers.
//   - A notice with a zero Directory reports a break in delivery. Interrupted set
//     means notices stopped arriving (the store lost its connection to the
//     database): until delivery resumes, subscribers must ask the store themselves.
//     Interrupted clear means delivery resumed (or notices were dropped for a slow
//     subscriber): notices may have been missed, so subscribers re-check the head of
//     every directory they cache.
//   - After ctx is done notify is no longer called (a call already under way may
//     finish). Watch returns an error, and registers nothing, only when it cannot
//     start (ctx already done, the store closed).
type Notifier interface {
	Store
	// Watch calls notify for every commit until ctx is done.
	Watch(ctx context.Context, notify func(Notice)) error
}

// Notice is what a Notifier tells its subscribers: Directory's head is now at least
// Head. A notice with a zero Directory reports a break in delivery (see Notifier).
type Notice struct {
	Directory orgkit.DirectoryID
	Head      uint64
	// Interrupted, in a notice with a zero Directory, says delivery stopped; clear, it
	// says delivery resumed and notices may have been missed.
	Interrupted bool
}

// ErrOutcomeUnknown is returned (wrapped) by Commit when the store cannot tell
// whether the change set was committed. A caller resolves it by reading version
// base+1 (Changes(ctx, dir, base, 1)): the change set landed when that version
// carries its ID, and never will when it carries another ID. While the head is still
// base the change set has not landed but still may; committing the same change set
// (same ID) again at base is then safe, since only one commit can become base+1. A
// caller never resolves it by committing a re-planned change set on a later base
// before it has seen version base+1.
var ErrOutcomeUnknown = errors.New("store: outcome of the commit is unknown")

// ErrDuplicateID is returned (wrapped, with orgkit.ErrPrecondition) by Commit and
// by Eraser.Erase when the directory's log already holds a change set with the same
// ID: the change set, or another one given its ID, was committed before. The error
// names the version that holds it.
var ErrDuplicateID = errors.New("store: change set ID already committed")

// ErrContract matches errors that report a store breaking its contract: a Changes
// page that skips or repeats a version after a reload, a head that went backwards, a
// commit that returned another version than base+1. A user of the store returns it
// rather than write on a base it could not verify.
var ErrContract = errors.New("store: contract broken")

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
	// Erased, in the change set that records an erasure (Origin OriginErase), lists
	// the member fields that were erased; their values are never recorded.
	Erased []member.Field `json:"erased,omitempty"`
}

// ChangeSet is one committed batch: its metadata and every record it changed.
type ChangeSet struct {
	// ID identifies the change set and is its idempotency key: the writer sets a fresh
	// one (version 7) for every change set it plans, and the store keeps it.
	ID      uuid.UUID `json:"id"`
	Version uint64    `json:"version"` // set by Commit
	Meta    Meta      `json:"meta"`
	Changes []Change  `json:"changes"`
}

// NewChangeSetID returns a fresh change-set ID (a version 7 UUID, time-ordered).
func NewChangeSetID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// Clone returns a deep copy of cs: its Changes slice and every image are copied, so
// the copy shares nothing with cs.
func (cs *ChangeSet) Clone() *ChangeSet {
	if cs == nil {
		return nil
	}
	c := *cs
	c.Meta.Erased = slices.Clone(cs.Meta.Erased)
	if cs.Changes != nil {
		c.Changes = make([]Change, len(cs.Changes))
		// The members' copies are allocated together: a large change set (a seed, an
		// import) then holds its members in few objects, which the collector marks in
		// a fraction of the time 100,000 separate ones take.
		var copies slab.Slab[member.Member]
		for i, ch := range cs.Changes {
			m, ok := ch.After.(*member.Member)
			if !ok || m == nil {
				c.Changes[i] = ch.Clone()
				continue
			}
			after := copies.New(len(cs.Changes) - i)
			m.CloneTo(after)
			c.Changes[i] = Change{Kind: ch.Kind, Before: cloneImage(ch.Before), After: after}
		}
	}
	return &c
}

// Clone returns a copy of c whose images are deep copies of c's. An image that is not
// a record of a known type is kept as it is.
func (c Change) Clone() Change {
	return Change{Kind: c.Kind, Before: cloneImage(c.Before), After: cloneImage(c.After)}
}

// cloneImage returns a deep copy of a record image; nil pointers stay nil pointers of
// their type, and anything else is returned as it is.
func cloneImage(v any) any {
	switch r := v.(type) {
	case *DirectoryRecord:
		if r != nil {
			c := r.Clone()
			return &c
		}
	case *orgtree.Node:
		if r != nil {
			return r.Clone()
		}
	case *member.Member:
		if r != nil {
			return r.Clone()
		}
	case *role.Role:
		if r != nil {
			return r.Clone()
		}
	case *role.Group:
		if r != nil {
			return r.Clone()
		}
	case *role.Assignment:
		if r != nil {
			return r.Clone()
		}
	}
	return v
}

package memstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/zerocopy"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// Store keeps directories in memory. The zero value is not ready to use: call New.
// A Store is safe for concurrent use; commits to different directories do not wait
// for each other.
type Store struct {
	mu     sync.RWMutex // guards dirs, keys and def; taken before any directory's mu
	dirs   map[orgkit.DirectoryID]*directory
	keys   map[string]orgkit.DirectoryID
	def    orgkit.DirectoryID // the default directory, zero when there is none
	purges []PurgeRecord      // what Purge removed, oldest first

	watchMu  sync.Mutex                 // serializes changes of watchers
	watchers atomic.Pointer[[]*watcher] // copied on change, read without a lock
}

var _ store.Notifier = (*Store)(nil)

// watcher is one Watch registration.
type watcher struct {
	ctx    context.Context
	notify func(store.Notice)
}

// directory is one directory's log and its current records. The maps hold the latest
// after-image of every record ever written, so a commit costs O(its changes).
type directory struct {
	mu          sync.RWMutex
	settings    store.DirectoryRecord
	log         []*store.ChangeSet   // log[i] has version i+1
	ids         map[uuid.UUID]uint64 // change-set ID → version
	nodes       map[orgkit.NodeID]*orgtree.Node
	members     map[orgkit.MemberID]*member.Member
	roles       map[orgkit.RoleID]*role.Role
	groups      map[orgkit.RoleGroupID]*role.Group
	assignments map[orgkit.MemberID]*role.Assignment
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		dirs: make(map[orgkit.DirectoryID]*directory),
		keys: make(map[string]orgkit.DirectoryID),
	}
}

// CreateDirectory registers a new directory with head 0. It fails with
// orgkit.ErrInvalid when d.ID is zero or d.Key is empty, and with orgkit.ErrPrecondition
// when the ID or the key is taken, or when d.Default is set and the store already has
// a default directory.
func (s *Store) CreateDirectory(ctx context.Context, d store.DirectoryRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d.ID.IsZero() {
		return fmt.Errorf("memstore: directory ID is zero: %w", orgkit.ErrInvalid)
	}
	if d.Key == "" {
		return fmt.Errorf("memstore: directory %s has no key: %w", d.ID, orgkit.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.dirs[d.ID]; ok {
		return fmt.Errorf("memstore: directory %s already exists: %w", d.ID, orgkit.ErrPrecondition)
	}
	if other, ok := s.keys[d.Key]; ok {
		return fmt.Errorf("memstore: key %q is taken by directory %s: %w", d.Key, other, orgkit.ErrPrecondition)
	}
	if d.Default && !s.def.IsZero() {
		return fmt.Errorf("memstore: directory %s is already the default: %w", s.def, orgkit.ErrPrecondition)
	}
	s.dirs[d.ID] = &directory{
		settings:    d.Clone(),
		ids:         make(map[uuid.UUID]uint64),
		nodes:       make(map[orgkit.NodeID]*orgtree.Node),
		members:     make(map[orgkit.MemberID]*member.Member),
		roles:       make(map[orgkit.RoleID]*role.Role),
		groups:      make(map[orgkit.RoleGroupID]*role.Group),
		assignments: make(map[orgkit.MemberID]*role.Assignment),
	}
	s.keys[d.Key] = d.ID
	if d.Default {
		s.def = d.ID
	}
	return nil
}

// Directories lists every directory's latest settings, ordered by ID.
func (s *Store) Directories(ctx context.Context) ([]store.DirectoryRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]store.DirectoryRecord, 0, len(s.dirs))
	for _, d := range s.dirs {
		d.mu.RLock()
		out = append(out, d.settings.Clone())
		d.mu.RUnlock()
	}
	slices.SortFunc(out, func(a, b store.DirectoryRecord) int { return a.ID.Compare(b.ID) })
	return out, nil
}

// dir returns the directory or an error matching orgkit.ErrNotFound.
func (s *Store) dir(id orgkit.DirectoryID) (*directory, error) {
	s.mu.RLock()
	d, ok := s.dirs[id]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("memstore: directory %s: %w", id, orgkit.ErrNotFound)
	}
	return d, nil
}

// Load returns every record of the directory at its head, in no particular order
// (orgkit.ErrNotFound for an unknown directory). Everything returned is a fresh copy,
// the caller's to keep or modify.
func (s *Store) Load(ctx context.Context, dir orgkit.DirectoryID) (*store.Records, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := s.dir(dir)
	if err != nil {
		return nil, err
	}
	d.mu.RLock()
	r := &store.Records{
		Head:        uint64(len(d.log)),
		Directory:   d.settings.Clone(),
		Nodes:       values(d.nodes, (*orgtree.Node).Clone),
		Members:     values(d.members, (*member.Member).Clone),
		Roles:       values(d.roles, (*role.Role).Clone),
		RoleGroups:  values(d.groups, (*role.Group).Clone),
		Assignments: values(d.assignments, (*role.Assignment).Clone),
	}
	d.mu.RUnlock()
	return r, nil // in no particular order, as the contract allows
}

// LoadShared is Load without copying the records: the slices are fresh, the records
// in them are the store's own. It is for directory.Service, which never modifies a
// record; only packages of orgkit can call it.
func (s *Store) LoadShared(_ zerocopy.Token, ctx context.Context, dir orgkit.DirectoryID) (*store.Records, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := s.dir(dir)
	if err != nil {
		return nil, err
	}
	d.mu.RLock()
	r := &store.Records{
		Head:        uint64(len(d.log)),
		Directory:   d.settings.Clone(),
		Nodes:       values(d.nodes, nil),
		Members:     values(d.members, nil),
		Roles:       values(d.roles, nil),
		RoleGroups:  values(d.groups, nil),
		Assignments: values(d.assignments, nil),
	}
	d.mu.RUnlock()
	return r, nil
}

// values returns every value of m, each passed through clone unless clone is nil, in
// no particular order; nil when m is empty.
func values[K comparable, V any](m map[K]*V, clone func(*V) *V) []*V {
	if len(m) == 0 {
		return nil
	}
	out := make([]*V, 0, len(m))
	for _, v := range m {
		if clone != nil {
			v = clone(v)
		}
		out = append(out, v)
	}
	return out
}

// Commit appends cs as version base+1, sets cs.Version and returns the new head. It
// fails with store.ErrDuplicateID when the directory already holds cs.ID, with
// orgkit.ErrConflict when the head is not base, with orgkit.ErrInvalid
// when cs is empty or malformed (see the package documentation), and with
// orgkit.ErrNotFound for an unknown directory. A failed Commit changes nothing. On a
// conflict the returned head is the directory's current one. Commit never returns
// store.ErrOutcomeUnknown.
//
// The store keeps a deep copy of cs: a caller that modifies cs or its records
// afterwards changes nothing in the store. Every Watch subscriber is notified before
// Commit returns.
func (s *Store) Commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet) (uint64, error) {
	return s.commit(ctx, dir, base, cs, (*store.ChangeSet).Clone)
}

// CommitShared is Commit without copying the records: the store keeps its own
// ChangeSet value and Changes slice, and shares the images with the caller. It is for
// directory.Service, which never modifies a record; only packages of orgkit can call
// it.
func (s *Store) CommitShared(_ zerocopy.Token, ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet) (uint64, error) {
	return s.commit(ctx, dir, base, cs, func(cs *store.ChangeSet) *store.ChangeSet {
		c := *cs
		c.Changes = slices.Clone(cs.Changes)
		return &c
	})
}

// commit is Commit, keeping keep(cs) in the log.
func (s *Store) commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet, keep func(*store.ChangeSet) *store.ChangeSet) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := cs.Validate(dir); err != nil {
		return 0, err
	}
	d, err := s.dir(dir)
	if err != nil {
		return 0, err
	}
	kept := keep(cs) // outside the lock: a large change set takes a while to copy
	d.mu.Lock()
	head := uint64(len(d.log))
	if err := d.checkID(dir, cs.ID); err != nil {
		d.mu.Unlock()
		return head, err
	}
	if head != base {
		d.mu.Unlock()
		return head, fmt.Errorf("memstore: directory %s is at version %d, not %d: %w", dir, head, base, orgkit.ErrConflict)
	}
	if err := ctx.Err(); err != nil { // waiting for the lock may have taken a while
		d.mu.Unlock()
		return 0, err
	}
	version := base + 1
	for _, c := range kept.Changes {
		d.apply(c)
	}
	kept.Version = version
	d.log = append(d.log, kept)
	d.ids[kept.ID] = version
	d.mu.Unlock()
	cs.Version = version
	s.notify(store.Notice{Directory: dir, Head: version})
	return version, nil
}

// checkID refuses a change-set ID the directory's log already holds. d.mu is held.
func (d *directory) checkID(dir orgkit.DirectoryID, id uuid.UUID) error {
	if v, ok := d.ids[id]; ok {
		return fmt.Errorf("memstore: directory %s: change set %s was committed before, as version %d: %w: %w",
			dir, id, v, store.ErrDuplicateID, orgkit.ErrPrecondition)
	}
	return nil
}

// apply makes c's after-image the current record. c has been validated.
func (d *directory) apply(c store.Change) {
	switch a := c.After.(type) {
	case *store.DirectoryRecord:
		next := *a
		next.ID, next.Key, next.Default, next.CreatedAt = d.settings.ID, d.settings.Key, d.settings.Default, d.settings.CreatedAt
		d.settings = next
	case *orgtree.Node:
		d.nodes[a.ID] = a
	case *member.Member:
		d.members[a.ID] = a
	case *role.Role:
		d.roles[a.ID] = a
	case *role.Group:
		d.groups[a.ID] = a
	case *role.Assignment:
		d.assignments[a.Member] = a
	}
}

// Changes returns the change sets committed after version after, ascending: versions
// after+1 … min(head, after+limit). It returns none when after ≥ head,
// orgkit.ErrInvalid when limit < 1, and orgkit.ErrNotFound for an unknown directory.
// The change sets are deep copies, the caller's to keep or modify.
func (s *Store) Changes(ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*store.ChangeSet, error) {
	page, err := s.ChangesShared(zerocopy.Token{}, ctx, dir, after, limit)
	for i, cs := range page { // the log's change sets are never modified: copy them unlocked
		page[i] = cs.Clone()
	}
	return page, err
}

// ChangesShared is Changes without copying: the slice is fresh, the change sets in it
// are the store's own. It is for directory.Service, which never modifies a change set
// it reads; only packages of orgkit can call it.
func (s *Store) ChangesShared(_ zerocopy.Token, ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*store.ChangeSet, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, fmt.Errorf("memstore: Changes limit %d: want at least 1: %w", limit, orgkit.ErrInvalid)
	}
	d, err := s.dir(dir)
	if err != nil {
		return nil, err
	}
	d.mu.RLock()
	head := uint64(len(d.log))
	if after >= head {
		d.mu.RUnlock()
		return nil, nil
	}
	page := slices.Clone(d.log[after:min(head, after+uint64(limit))])
	d.mu.RUnlock()
	return page, nil
}

// Watch calls notify with the directory and its new head after every commit to the
// store, until ctx is done (see store.Notifier). notify is called by the committing
// goroutine, after the commit is visible and before Commit returns, so it must be
// quick and must not call the store. In-process delivery never breaks: memstore
// sends no notices with a zero Directory.
func (s *Store) Watch(ctx context.Context, notify func(store.Notice)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if notify == nil {
		return fmt.Errorf("memstore: Watch with a nil notify function: %w", orgkit.ErrInvalid)
	}
	w := &watcher{ctx: ctx, notify: notify}
	s.editWatchers(func(ws []*watcher) []*watcher { return append(ws, w) })
	context.AfterFunc(ctx, func() {
		s.editWatchers(func(ws []*watcher) []*watcher {
			return slices.DeleteFunc(ws, func(x *watcher) bool { return x == w })
		})
	})
	return nil
}

// editWatchers replaces the list of watchers with edit's result on a copy of it.
func (s *Store) editWatchers(edit func([]*watcher) []*watcher) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	var cur []*watcher
	if p := s.watchers.Load(); p != nil {
		cur = slices.Clone(*p)
	}
	next := edit(cur)
	s.watchers.Store(&next)
}

// notify tells every watcher whose context is not done about n.
func (s *Store) notify(n store.Notice) {
	p := s.watchers.Load()
	if p == nil {
		return
	}
	for _, w := range *p {
		if w.ctx.Err() == nil {
			w.notify(n)
		}
	}
}

package directory

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/zerocopy"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// cached is one directory's entry in the service's cache.
//
// Readers take no lock: they load snap and, when it is fresh enough, return it. A
// snapshot that may be stale is brought up to date under load, which also guards
// every publication of a new snapshot. Writers of this service take write while they
// plan and commit, which readers never take.
type cached struct {
	id    orgkit.DirectoryID
	write sync.Mutex // serializes this service's writes to the directory: plan and commit
	load  sync.Mutex // serializes reading the store and publishing snapshots

	snap atomic.Pointer[Snapshot]
	// checked is when the snapshot was last known current: the moment (on the
	// service's clock, since its creation) a check of the store that found nothing
	// newer started.
	checked atomic.Int64
	// notified is the highest head a store notice reported; pending is the version
	// this service's commit under way would make (0 when none), so that the notice of
	// its own commit does not send readers to the store.
	notified atomic.Uint64
	pending  atomic.Uint64
	// stale is set when notices may have been missed or a write found the snapshot
	// behind: the next read checks the store.
	stale atomic.Bool
	// used is the service's use counter at the entry's last use, for eviction.
	used atomic.Uint64
	// admitted is set (under Service.mu) once the entry holds a snapshot and counts
	// against MaxCachedDirectories.
	admitted bool
}

// Update tells a subscriber (OnChange) that the service's snapshot of a directory
// moved on: after a commit of this service, or a catch-up with commits of others.
type Update struct {
	Directory orgkit.DirectoryID
	// Snapshot is the directory's new snapshot; nil when the service dropped the
	// directory from its cache (a subscriber may drop what it keeps for it too).
	Snapshot *Snapshot
	// Base is the version of the snapshot the service held before (0 when none).
	Base uint64
	// ChangeSets are the change sets from version Base+1 to Snapshot.Version(),
	// oldest first, when the service knows them; nil when the snapshot was built
	// afresh from the store's records (the first load, a reload) or the catch-up was
	// too long to keep.
	ChangeSets []*ChangeSet
}

// subscriber is one OnChange registration.
type subscriber struct{ fn func(Update) }

// OnChange calls fn for every snapshot the service publishes, in version order per
// directory, before that snapshot is returned to anyone: after each commit of this
// service and each catch-up with commits made elsewhere (visibility.Keeper keeps its
// indexes current this way). fn runs while the directory's snapshot cannot move, so
// it must return quickly and must not call the service. The returned function stops
// the calls.
func (s *Service) OnChange(fn func(Update)) (stop func()) {
	s.ready()
	if fn == nil {
		return func() {}
	}
	sub := &subscriber{fn: fn}
	s.editSubscribers(func(subs []*subscriber) []*subscriber { return append(subs, sub) })
	var once sync.Once
	return func() {
		once.Do(func() {
			s.editSubscribers(func(subs []*subscriber) []*subscriber {
				return slices.DeleteFunc(subs, func(x *subscriber) bool { return x == sub })
			})
		})
	}
}

func (s *Service) editSubscribers(edit func([]*subscriber) []*subscriber) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	var cur []*subscriber
	if p := s.subs.Load(); p != nil {
		cur = slices.Clone(*p)
	}
	next := edit(cur)
	s.subs.Store(&next)
}

// subscribed reports whether anyone subscribed with OnChange.
func (s *Service) subscribed() bool {
	p := s.subs.Load()
	return p != nil && len(*p) > 0
}

func (s *Service) emit(u Update) {
	if p := s.subs.Load(); p != nil {
		for _, sub := range *p {
			sub.fn(u)
		}
	}
}

// watch subscribes the service to the store's notices when the store is a
// store.Notifier. The subscription holds the service weakly and ends when the
// service is garbage collected.
func (s *Service) watch() {
	n, ok := s.store.(store.Notifier)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := weak.Make(s)
	if err := n.Watch(ctx, func(n store.Notice) {
		if s := w.Value(); s != nil {
			s.notice(n)
		}
	}); err != nil {
		cancel()
		s.log.Warn("orgkit: store notifications unavailable; reads check the store", "error", err)
		return
	}
	s.notified.Store(true)
	runtime.AddCleanup(s, func(cancel context.CancelFunc) { cancel() }, cancel)
}

// notice takes a store notice: the directory's snapshot is stale when the notice
// reports a head beyond it; a break in delivery marks every snapshot stale.
func (s *Service) notice(n store.Notice) {
	if n.Directory.IsZero() {
		s.notified.Store(!n.Interrupted)
		s.mu.RLock()
		for _, e := range s.cache {
			e.stale.Store(true)
		}
		s.mu.RUnlock()
		return
	}
	s.mu.RLock()
	e := s.cache[n.Directory]
	s.mu.RUnlock()
	if e == nil {
		return
	}
	for {
		cur := e.notified.Load()
		if n.Head <= cur || e.notified.CompareAndSwap(cur, n.Head) {
			return
		}
	}
}

// now is the time on the service's clock since the service was made, for staleness.
func (s *Service) now() int64 { return int64(s.clock().Sub(s.epoch)) }

// entry returns the cache entry of dir, making one when there is none. A new entry
// holds no snapshot and does not count against MaxCachedDirectories until its first
// snapshot is published, so unknown directory IDs never evict cached directories.
func (s *Service) entry(dir orgkit.DirectoryID) *cached {
	s.mu.RLock()
	e := s.cache[dir]
	s.mu.RUnlock()
	if e == nil {
		s.mu.Lock()
		if e = s.cache[dir]; e == nil {
			e = &cached{id: dir}
			s.cache[dir] = e
		}
		s.mu.Unlock()
	}
	e.used.Store(s.uses.Add(1))
	return e
}

// forget removes an entry that never held a snapshot (its directory could not be
// loaded).
func (s *Service) forget(e *cached) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache[e.id] == e && !e.admitted {
		delete(s.cache, e.id)
	}
}

// admit counts an entry that now holds a snapshot against MaxCachedDirectories,
// evicting the least recently used ones beyond it.
func (s *Service) admit(e *cached) {
	var evicted []*cached
	s.mu.Lock()
	if s.cache[e.id] == e && !e.admitted {
		e.admitted = true
		s.admitted++
		for s.admitted > s.maxDirs {
			var victim *cached
			for _, c := range s.cache {
				if c.admitted && c != e && (victim == nil || c.used.Load() < victim.used.Load()) {
					victim = c
				}
			}
			if victim == nil {
				break
			}
			delete(s.cache, victim.id)
			victim.admitted = false
			s.admitted--
			evicted = append(evicted, victim)
		}
	}
	s.mu.Unlock()
	for _, v := range evicted {
		s.emit(Update{Directory: v.id})
	}
}

// fresh reports whether snap, e's current snapshot, may be served without asking the
// store: nothing says it is behind, and either notices arrive or it was checked
// within MaxStaleness.
func (s *Service) fresh(e *cached, snap *Snapshot) bool {
	if s.behind(e, snap) {
		return false
	}
	if s.notified.Load() {
		return true
	}
	return s.maxStale > 0 && s.now()-e.checked.Load() <= int64(s.maxStale)
}

// behind reports whether something says snap, e's current snapshot, is behind the
// store: a notice of a later head (other than the one this service's commit under way
// will make), or a break in notices or a failed write.
func (s *Service) behind(e *cached, snap *Snapshot) bool {
	if e.stale.Load() {
		return true
	}
	n := e.notified.Load()
	return n > snap.version && n != e.pending.Load()
}

// current returns e's snapshot, first brought up to date with the store when it may
// be stale, or always when force is set.
func (s *Service) current(ctx context.Context, e *cached, force bool) (*Snapshot, error) {
	if snap := e.snap.Load(); snap != nil && !force && s.fresh(e, snap) {
		return snap, nil
	}
	return s.refresh(ctx, e, force)
}

// refresh brings e's snapshot up to the store's head: a full load the first time,
// then the change sets committed since, page by page.
func (s *Service) refresh(ctx context.Context, e *cached, force bool) (*Snapshot, error) {
	asked := s.now()
	e.load.Lock()
	defer e.load.Unlock()
	snap := e.snap.Load()
	if snap != nil && !force && !s.behind(e, snap) && (e.checked.Load() >= asked || s.fresh(e, snap)) {
		return snap, nil // brought up to date by another reader while this one waited
	}
	started := s.now()
	e.stale.Store(false)
	if snap == nil {
		next, err := s.loadSnapshot(ctx, e.id, 0)
		if err != nil {
			e.stale.Store(true)
			s.forget(e)
			return nil, err
		}
		s.publish(e, next, nil)
		e.checked.Store(started)
		return next, nil
	}
	next, css, err := s.catchUp(ctx, e.id, snap)
	var gap *gapError
	if errors.As(err, &gap) {
		s.log.Warn("orgkit: the store's log is not contiguous; reloading the directory", "directory", e.id, "problem", gap.Error())
		next, css, err = s.reload(ctx, e.id, snap, gap)
	}
	if err != nil {
		e.stale.Store(true)
		return nil, err
	}
	s.publish(e, next, css)
	e.checked.Store(started)
	return e.snap.Load(), nil
}

// loadSnapshot builds the directory's snapshot from every record. A directory at
// head 0 is being created by someone whose first change set (with its founder) has
// not landed yet: it waits for it, and only when it never comes (its creator died)
// writes the first change set itself, without a founder. seen is the highest version
// known to be committed: a store that loads an older head contradicts itself.
func (s *Service) loadSnapshot(ctx context.Context, dir orgkit.DirectoryID, seen uint64) (*Snapshot, error) {
	recs, err := s.loadRecords(ctx, dir)
	if err != nil {
		return nil, err
	}
	for wait := time.Millisecond; recs.Head == 0; wait *= 2 {
		if wait > 2*time.Second {
			if err := s.commitGenesis(ctx, recs.Directory, nil); err != nil {
				return nil, err
			}
		} else if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		if recs, err = s.loadRecords(ctx, dir); err != nil {
			return nil, err
		}
	}
	if recs.Head < seen {
		return nil, fmt.Errorf("directory: %s: store.Load returned head %d after version %d was seen: the head went backwards: %w", dir, recs.Head, seen, store.ErrContract)
	}
	return fromRecords(recs, s.rules)
}

func (s *Service) loadRecords(ctx context.Context, dir orgkit.DirectoryID) (*store.Records, error) {
	if s.mem != nil {
		return s.mem.LoadShared(zerocopy.Token{}, ctx, dir)
	}
	return s.store.Load(ctx, dir)
}

// changes reads one page of the log for the service's own use (never handed out).
func (s *Service) changes(ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*store.ChangeSet, error) {
	if s.mem != nil {
		return s.mem.ChangesShared(zerocopy.Token{}, ctx, dir, after, limit)
	}
	return s.store.Changes(ctx, dir, after, limit)
}

// storeCommit commits through the zero-copy path when the store is a memstore.
func (s *Service) storeCommit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet) (uint64, error) {
	if s.mem != nil {
		return s.mem.CommitShared(zerocopy.Token{}, ctx, dir, base, cs)
	}
	return s.store.Commit(ctx, dir, base, cs)
}

// changesPage is how many change sets the service reads from the store at a time.
const changesPage = 64

// maxKept bounds how many changes a catch-up keeps for OnChange subscribers; past it
// they are told to compare snapshots instead.
const maxKept = 1 << 16

// gapError reports a Changes page that is not contiguous from the version asked for.
type gapError struct {
	dir     orgkit.DirectoryID
	after   uint64
	limit   int
	problem string
}

func (g *gapError) Error() string {
	return fmt.Sprintf("directory: %s: store.Changes(after %d, limit %d) %s", g.dir, g.after, g.limit, g.problem)
}

// checkPage returns a *gapError unless page holds versions after+1, after+2, … and
// at most limit of them.
func checkPage(dir orgkit.DirectoryID, after uint64, limit int, page []*store.ChangeSet) error {
	if len(page) > limit {
		return &gapError{dir, after, limit, fmt.Sprintf("returned %d change sets", len(page))}
	}
	for i, cs := range page {
		want := after + uint64(i) + 1
		switch {
		case cs == nil:
			return &gapError{dir, after, limit, fmt.Sprintf("returned nil where version %d was due", want)}
		case cs.Version != want:
			return &gapError{dir, after, limit, fmt.Sprintf("returned version %d where version %d was due", cs.Version, want)}
		}
	}
	return nil
}

// catchUp applies the change sets committed after snap's version and returns the
// snapshot at the last of them (snap itself when there are none), with the change
// sets applied when they were few enough to keep. A page that is not contiguous
// gives a *gapError.
func (s *Service) catchUp(ctx context.Context, dir orgkit.DirectoryID, snap *Snapshot) (*Snapshot, []*store.ChangeSet, error) {
	var w *working
	var kept []*store.ChangeSet
	changes, keep := 0, true
	version := snap.version
	for {
		page, err := s.changes(ctx, dir, version, changesPage)
		if err != nil {
			return nil, nil, err
		}
		if err := checkPage(dir, version, changesPage, page); err != nil {
			return nil, nil, err
		}
		if len(page) == 0 {
			break
		}
		if w == nil {
			w = newWorking(snap)
			w.quiet = true
		}
		for _, cs := range page {
			for _, c := range cs.Changes {
				w.put(c)
			}
			changes += len(cs.Changes)
		}
		if keep = keep && changes <= maxKept; keep {
			kept = append(kept, page...)
		} else {
			kept = nil
		}
		version = page[len(page)-1].Version
		if len(page) < changesPage {
			break
		}
	}
	if w == nil {
		return snap, nil, nil
	}
	next, err := w.freeze(version)
	if err != nil {
		return nil, nil, err
	}
	return next, kept, nil
}

// reload rebuilds the snapshot from every record after a Changes page broke
// contiguity, and checks that the store now agrees with itself: Load's head is not
// behind a version already seen, the log holds that head as its last version, and the
// pages after it are contiguous. Otherwise it returns an error matching
// store.ErrContract naming what the store contradicted.
func (s *Service) reload(ctx context.Context, dir orgkit.DirectoryID, prev *Snapshot, gap *gapError) (*Snapshot, []*store.ChangeSet, error) {
	broken := func(what string) error {
		return fmt.Errorf("directory: %s: the store contradicts itself: %s; reloading did not help: %s: %w", dir, gap.problem, what, store.ErrContract)
	}
	next, err := s.loadSnapshot(ctx, dir, prev.version)
	if errors.Is(err, store.ErrContract) {
		return nil, nil, broken(err.Error())
	}
	if err != nil {
		return nil, nil, err
	}
	last, err := s.changes(ctx, dir, next.version-1, 1)
	if err != nil {
		return nil, nil, err
	}
	if len(last) != 1 || last[0] == nil || last[0].Version != next.version {
		return nil, nil, broken(fmt.Sprintf("store.Load is at head %d but store.Changes(after %d, limit 1) does not return version %d", next.version, next.version-1, next.version))
	}
	next, _, err = s.catchUp(ctx, dir, next)
	var again *gapError
	if errors.As(err, &again) {
		return nil, nil, broken(again.Error())
	}
	if err != nil {
		return nil, nil, err
	}
	return next, nil, nil
}

// publish makes next e's snapshot unless e already holds one as new, telling the
// subscribers first; css are the change sets from e's snapshot to next when known.
// Call with e.load held.
func (s *Service) publish(e *cached, next *Snapshot, css []*store.ChangeSet) {
	cur := e.snap.Load()
	if cur == next || cur != nil && cur.version >= next.version {
		return
	}
	u := Update{Directory: e.id, Snapshot: next}
	if cur != nil {
		u.Base = cur.version
	}
	if p := s.subs.Load(); p != nil && len(*p) > 0 &&
		len(css) > 0 && css[0].Version == u.Base+1 && css[len(css)-1].Version == next.version {
		u.ChangeSets = make([]*ChangeSet, len(css))
		for i, cs := range css {
			u.ChangeSets[i] = viewOf(cs)
		}
	}
	s.emit(u)
	e.snap.Store(next)
	if cur == nil {
		s.admit(e)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// memstoreOf returns st when it is exactly a *memstore.Store (not a wrapper around
// one), whose zero-copy methods the service may use.
func memstoreOf(st store.Store) *memstore.Store {
	m, _ := st.(*memstore.Store)
	return m
}

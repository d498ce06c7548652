package visibility

import (
	"context"
	"errors"
	"sync"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
)

// Keeper keeps each directory's visibility index current with a directory.Service, so
// that hosts never compile or update an index by hand: Index returns the index of the
// directory's current snapshot. An index is compiled on a directory's first use, then
// updated incrementally (Index.UpdateWith) from every change set the service commits
// or catches up on, whoever wrote it. A directory the service drops from its cache is
// dropped here too.
//
// A Keeper is safe for concurrent use. Make one per Service with NewKeeper; the zero
// Keeper refuses every call with ErrNoService.
type Keeper struct {
	svc  *directory.Service
	stop func()

	mu   sync.Mutex
	dirs map[orgkit.DirectoryID]*kept
}

// ErrNoService is returned by a Keeper that was not made with NewKeeper.
var ErrNoService = errors.New("visibility: Keeper not made with NewKeeper (it has no directory.Service)")

// kept is one directory's index and what happened since it was built.
type kept struct {
	work sync.Mutex // serializes building the index, so that it is built once

	mu  sync.Mutex // guards the fields below; held only briefly
	idx *Index     // nil until first use
	// latest is the newest snapshot the service published after idx was built (nil
	// when idx is current); pending holds the change sets from idx's version to
	// latest's when they are known, and diff is set when they are not (the service
	// reloaded, or too many to keep), so that the update compares snapshots.
	latest  *directory.Snapshot
	pending []*directory.ChangeSet
	changes int
	diff    bool
}

// maxPending bounds the changes a Keeper holds for a directory between two calls of
// Index; past it, the next update compares snapshots instead.
const maxPending = 1 << 16

// NewKeeper returns a Keeper of svc's directories. It follows svc from now on; Close
// stops it.
func NewKeeper(svc *directory.Service) *Keeper {
	k := &Keeper{svc: svc, dirs: map[orgkit.DirectoryID]*kept{}}
	k.stop = svc.OnChange(k.observe)
	return k
}

// Close stops following the service and drops every index. Index keeps working,
// compiling an index afresh on each call.
func (k *Keeper) Close() {
	if k.svc == nil {
		return
	}
	k.stop()
	k.mu.Lock()
	k.dirs = nil
	k.mu.Unlock()
}

// Index returns the visibility index of the directory's current snapshot (as
// directory.Service.Snapshot returns it, within the service's staleness bound). The
// index answers every check from memory without allocating; the caller may keep it
// as long as it likes, though it does not change as the directory does.
func (k *Keeper) Index(ctx context.Context, dir orgkit.DirectoryID) (*Index, error) {
	if k == nil || k.svc == nil {
		return nil, ErrNoService
	}
	snap, err := k.svc.Snapshot(ctx, dir)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	e := k.dirs[dir]
	if e == nil && k.dirs != nil {
		e = &kept{}
		k.dirs[dir] = e
	}
	k.mu.Unlock()
	if e == nil { // closed
		return Compile(snap), nil
	}
	return e.current(snap), nil
}

// current returns the index of snap or of a later snapshot, bringing e up to date.
func (e *kept) current(snap *directory.Snapshot) *Index {
	if idx := e.ready(snap); idx != nil {
		return idx
	}
	e.work.Lock()
	defer e.work.Unlock()
	if idx := e.ready(snap); idx != nil { // built by another caller meanwhile
		return idx
	}
	e.mu.Lock()
	idx, latest, pending, diff := e.idx, e.latest, e.pending, e.diff
	e.mu.Unlock()
	target := snap
	if latest != nil && latest.Version() > target.Version() {
		target = latest
	}
	var next *Index
	switch {
	case idx == nil:
		next = Compile(target)
	case !diff && latest == target && chain(pending, idx.snap.Version(), target.Version()):
		next = idx.UpdateWith(target, pending...)
	default:
		next = idx.Update(target)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.idx = next
	if e.latest != nil && e.latest.Version() > target.Version() {
		// the service moved on while the index was built: keep what came after
		e.pending = dropThrough(e.pending, target.Version())
		e.diff = e.diff || !chain(e.pending, target.Version(), e.latest.Version())
	} else {
		e.latest, e.pending, e.changes, e.diff = nil, nil, 0, false
	}
	return next
}

// ready returns e's index when it answers for snap's version or a later one.
func (e *kept) ready(snap *directory.Snapshot) *Index {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.idx != nil && e.latest == nil && e.idx.snap.Version() >= snap.Version() {
		return e.idx
	}
	return nil
}

// observe takes the service's news of a directory: a new snapshot, with the change
// sets that led to it when known, or the directory's eviction.
func (k *Keeper) observe(u directory.Update) {
	k.mu.Lock()
	e := k.dirs[u.Directory]
	if u.Snapshot == nil && e != nil {
		delete(k.dirs, u.Directory)
	}
	k.mu.Unlock()
	if e == nil || u.Snapshot == nil {
		return // a directory nobody asked about yet is compiled on first use
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.idx == nil && e.latest == nil {
		e.latest = u.Snapshot // being compiled: remember the news for when it is done
		e.pending, e.changes, e.diff = u.ChangeSets, count(u.ChangeSets), u.ChangeSets == nil
		return
	}
	if e.latest != nil && u.Snapshot.Version() <= e.latest.Version() {
		return
	}
	from := uint64(0)
	switch {
	case e.latest != nil:
		from = e.latest.Version()
	case e.idx != nil:
		from = e.idx.snap.Version()
	}
	e.latest = u.Snapshot
	e.changes += count(u.ChangeSets)
	if e.diff || u.ChangeSets == nil || u.Base != from || e.changes > maxPending {
		e.pending, e.diff = nil, true
		return
	}
	e.pending = append(e.pending, u.ChangeSets...)
}

// chain reports whether css are the change sets from version from+1 to to, in order.
func chain(css []*directory.ChangeSet, from, to uint64) bool {
	if uint64(len(css)) != to-from || to < from {
		return false
	}
	for i, cs := range css {
		if cs.Version != from+uint64(i)+1 {
			return false
		}
	}
	return true
}

// dropThrough returns css without the change sets up to version v.
func dropThrough(css []*directory.ChangeSet, v uint64) []*directory.ChangeSet {
	for len(css) > 0 && css[0].Version <= v {
		css = css[1:]
	}
	return css
}

func count(css []*directory.ChangeSet) int {
	n := 0
	for _, cs := range css {
		n += len(cs.Changes)
	}
	return n
}

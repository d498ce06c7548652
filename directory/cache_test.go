package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
	"github.com/orgkit/orgkit/store/memstore"
)

// ---- test doubles ----

// countingStore counts the reads that reach its store. Embedding store.Store hides
// the store's Notifier: the service sees a store without notifications.
type countingStore struct {
	store.Store
	loads, changes atomic.Int64
}

func (c *countingStore) Load(ctx context.Context, dir orgkit.DirectoryID) (*store.Records, error) {
	c.loads.Add(1)
	return c.Store.Load(ctx, dir)
}

func (c *countingStore) Changes(ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*store.ChangeSet, error) {
	c.changes.Add(1)
	return c.Store.Changes(ctx, dir, after, limit)
}

// reads returns how many Load and Changes calls reached the store.
func (c *countingStore) reads() int64 { return c.loads.Load() + c.changes.Load() }

// countingNotifier is a countingStore that passes notifications on, and can send
// notices of its own.
type countingNotifier struct {
	*countingStore
	n store.Notifier

	mu     sync.Mutex
	notify []func(store.Notice)
}

func (c *countingNotifier) Watch(ctx context.Context, notify func(store.Notice)) error {
	c.mu.Lock()
	c.notify = append(c.notify, notify)
	c.mu.Unlock()
	return c.n.Watch(ctx, notify)
}

// send delivers n to every subscriber, as a store would.
func (c *countingNotifier) send(n store.Notice) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range c.notify {
		f(n)
	}
}

// faultyStore breaks a memstore on purpose: it rewrites Changes pages and intercepts
// commits.
type faultyStore struct {
	store.Store
	mu sync.Mutex
	// page, when set, rewrites each page Changes returns.
	page func(after uint64, page []*store.ChangeSet) []*store.ChangeSet
	// commit, when set, replaces Commit; next commits to the store underneath.
	commit func(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet, next func() (uint64, error)) (uint64, error)
}

func (f *faultyStore) Changes(ctx context.Context, dir orgkit.DirectoryID, after uint64, limit int) ([]*store.ChangeSet, error) {
	page, err := f.Store.Changes(ctx, dir, after, limit)
	f.mu.Lock()
	rewrite := f.page
	f.mu.Unlock()
	if err != nil || rewrite == nil {
		return page, err
	}
	return rewrite(after, page), nil
}

func (f *faultyStore) Commit(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet) (uint64, error) {
	f.mu.Lock()
	intercept := f.commit
	f.mu.Unlock()
	next := func() (uint64, error) { return f.Store.Commit(ctx, dir, base, cs) }
	if intercept == nil {
		return next()
	}
	return intercept(ctx, dir, base, cs, next)
}

func (f *faultyStore) set(fn func(*faultyStore)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// log reads the whole log of dir straight from st.
func log(t *testing.T, st store.Store, dir orgkit.DirectoryID) []*store.ChangeSet {
	t.Helper()
	var out []*store.ChangeSet
	for after := uint64(0); ; {
		page, err := st.Changes(t.Context(), dir, after, 100)
		require.NoError(t, err)
		out = append(out, page...)
		if len(page) < 100 {
			return out
		}
		after = page[len(page)-1].Version
	}
}

// ---- reads never wait on writes ----

// A read of a directory returns while a large import into it is being planned: the
// import is held in the middle of its planning (its commands validated, its snapshot
// not yet built) until the reads are done. The import has 100,000 rows; under -short
// it has 2,000, since holding the planning makes its size irrelevant to the reads.
func TestReadDuringImportPlanning(t *testing.T) {
	rows := 100_000
	if testing.Short() {
		rows = 2_000
	}
	f := newFixture(t)
	before := f.snap()

	planning, release := make(chan struct{}), make(chan struct{})
	var held atomic.Bool
	directory.SetMidPlan(f.svc, func(dir orgkit.DirectoryID) {
		if dir == f.dir && held.CompareAndSwap(false, true) {
			close(planning)
			<-release
		}
	})
	cmds := make([]orgkit.Command, rows)
	for i := range cmds {
		cmds[i] = member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(fmt.Sprintf("user%06d", i)),
			FullName: fmt.Sprintf("User %d", i), Mobile: fmt.Sprintf("+86138%08d", i), Primary: f.sales}
	}
	imported := make(chan error, 1)
	go func() {
		_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{Actor: "importer", Origin: directory.OriginImport}, cmds...)
		imported <- err
	}()

	<-planning // the import is now being planned, and held there
	for range 3 {
		snap, err := f.svc.Snapshot(f.ctx, f.dir)
		require.NoError(t, err, "a read while an import is planned")
		assert.Equal(t, before.Version(), snap.Version(), "the read returns the snapshot before the import")
		assert.Equal(t, before.MemberCount(), snap.MemberCount())
	}
	res, err := f.svc.Plan(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
	require.NoError(t, err, "a dry run while an import is planned")
	assert.NotNil(t, res.ChangeSet)
	select {
	case err := <-imported:
		t.Fatalf("the import finished while held: %v", err)
	default:
	}

	close(release)
	require.NoError(t, <-imported)
	after := f.snap()
	assert.Equal(t, before.Version()+1, after.Version())
	assert.Equal(t, before.MemberCount()+rows, after.MemberCount())
}

// Reads serve the cached snapshot within MaxStaleness, and ask the store on every
// read when it is zero and the store sends no notices.
func TestStalenessBound(t *testing.T) {
	for _, tc := range []struct {
		name      string
		staleness time.Duration
		perRead   int64 // store reads per Snapshot call
	}{
		{"zero asks the store on every read", 0, 1},
		{"an hour serves from memory", time.Hour, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := &countingStore{Store: memstore.New()}
			f := newFixtureWith(t, directory.Options{Store: cs, MaxStaleness: tc.staleness})
			f.snap()
			n := cs.reads()
			for range 5 {
				f.snap()
			}
			assert.Equal(t, 5*tc.perRead, cs.reads()-n, "store reads for 5 snapshots")
		})
	}
}

// Another service's commit is seen within the bound: with an hour, not at once; with
// zero, at once.
func TestStalenessBoundAndOtherWriters(t *testing.T) {
	st := &countingStore{Store: memstore.New()}
	f := newFixtureWith(t, directory.Options{Store: st, MaxStaleness: time.Hour})
	other := directory.New(directory.Options{Store: st})
	cached := f.snap()
	_, err := other.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.qa, Name: orgkit.Name("Quality")})
	require.NoError(t, err)
	assert.Equal(t, cached.Version(), f.snap().Version(), "within the bound, the cached snapshot is served")

	fresh := directory.New(directory.Options{Store: st})
	snap, err := fresh.Snapshot(f.ctx, f.dir)
	require.NoError(t, err)
	assert.Equal(t, cached.Version()+1, snap.Version())

	// A write starting from the stale snapshot conflicts in the store, catches up and
	// retries: nothing is lost.
	f.apply(orgtree.Rename{Node: f.product, Name: orgkit.Name("Products")})
	n, _ := f.snap().Node(f.qa)
	assert.Equal(t, "Quality", n.Name.Default, "the other service's rename is kept")
}

// With a store that sends notices, reads never touch the store, and another service's
// commit is seen at once.
func TestNotificationsKeepSnapshotsCurrent(t *testing.T) {
	mem := memstore.New()
	st := &countingNotifier{countingStore: &countingStore{Store: mem}, n: mem}
	f := newFixtureWith(t, directory.Options{Store: st}) // MaxStaleness zero
	other := directory.New(directory.Options{Store: st})
	f.snap()
	n := st.reads()
	for range 5 {
		f.snap()
	}
	assert.Zero(t, st.reads()-n, "no store reads while nothing changes")

	_, err := other.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.qa, Name: orgkit.Name("Quality")})
	require.NoError(t, err)
	snap := f.snap()
	q, _ := snap.Node(f.qa)
	assert.Equal(t, "Quality", q.Name.Default, "the other service's commit is seen at once")

	// The service's own commits do not send its readers to the store.
	n = st.reads()
	f.apply(orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
	f.snap()
	assert.Zero(t, st.reads()-n, "a commit of this service needs no store read")

	// A break in delivery: every read asks the store until delivery resumes.
	st.send(store.Notice{Interrupted: true})
	n = st.reads()
	f.snap()
	f.snap()
	assert.Equal(t, int64(2), st.reads()-n, "while notices are interrupted, every read asks the store")
	st.send(store.Notice{})
	n = st.reads()
	f.snap()
	f.snap()
	assert.Equal(t, int64(1), st.reads()-n, "once delivery resumes, one read re-checks and the next is served from memory")
}

// ---- contiguity ----

func TestChangesGapIsReloaded(t *testing.T) {
	for name, rewrite := range map[string]func(after uint64, page []*store.ChangeSet) []*store.ChangeSet{
		"a version skipped": func(_ uint64, p []*store.ChangeSet) []*store.ChangeSet {
			if len(p) > 1 {
				return p[1:]
			}
			return p
		},
		"versions out of order": func(_ uint64, p []*store.ChangeSet) []*store.ChangeSet {
			c := slices.Clone(p)
			slices.Reverse(c)
			return c
		},
		"a version twice": func(_ uint64, p []*store.ChangeSet) []*store.ChangeSet {
			if len(p) > 0 {
				return append([]*store.ChangeSet{p[0]}, p...)
			}
			return p
		},
	} {
		t.Run(name, func(t *testing.T) {
			fs := &faultyStore{Store: memstore.New()}
			f := newFixtureWith(t, directory.Options{Store: fs})
			other := directory.New(directory.Options{Store: fs})
			f.snap()
			// Two commits elsewhere, so that the catch-up reads a page of two.
			for _, name := range []string{"Quality", "QA & Test"} {
				_, err := other.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.qa, Name: orgkit.Name(name)})
				require.NoError(t, err)
			}
			var broken atomic.Bool
			fs.set(func(fs *faultyStore) {
				fs.page = func(after uint64, p []*store.ChangeSet) []*store.ChangeSet {
					if len(p) > 1 && broken.CompareAndSwap(false, true) { // once
						return rewrite(after, p)
					}
					return p
				}
			})
			snap, err := f.svc.Snapshot(f.ctx, f.dir)
			require.NoError(t, err, "a gap once is repaired by a reload")
			require.True(t, broken.Load(), "the store broke a page")
			want, err := directory.New(directory.Options{Store: fs.Store}).Snapshot(f.ctx, f.dir)
			require.NoError(t, err)
			assert.Equal(t, want.Version(), snap.Version())
			q, _ := snap.Node(f.qa)
			assert.Equal(t, "QA & Test", q.Name.Default, "the reloaded snapshot holds both commits")

			// A write after the repair commits on the verified head.
			f.apply(orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
			assert.Len(t, log(t, fs.Store, f.dir), int(want.Version())+1)
		})
	}
}

// A store whose log stays broken after a reload gets an error naming the broken
// contract, and no write commits on a base the service could not verify.
func TestChangesBrokenContract(t *testing.T) {
	fs := &faultyStore{Store: memstore.New()}
	f := newFixtureWith(t, directory.Options{Store: fs})
	other := directory.New(directory.Options{Store: fs})
	f.snap()
	_, err := other.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.qa, Name: orgkit.Name("Quality")})
	require.NoError(t, err)
	head := len(log(t, fs.Store, f.dir))

	fs.set(func(fs *faultyStore) {
		fs.page = func(_ uint64, p []*store.ChangeSet) []*store.ChangeSet {
			for i := range p { // every version off by one
				c := *p[i]
				c.Version++
				p[i] = &c
			}
			return p
		}
	})
	_, err = f.svc.Snapshot(f.ctx, f.dir)
	require.ErrorIs(t, err, store.ErrContract)
	assert.Contains(t, err.Error(), "store.Changes")

	_, err = f.svc.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
	require.ErrorIs(t, err, store.ErrContract, "a write on an unverifiable base is refused")
	assert.Len(t, log(t, fs.Store, f.dir), head, "nothing was committed")

	fs.set(func(fs *faultyStore) { fs.page = nil })
	f.apply(orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
	assert.Len(t, log(t, fs.Store, f.dir), head+1, "once the store is sound again, writes commit")
}

// A Commit that reports another head than base+1 breaks the contract.
func TestCommitWrongHead(t *testing.T) {
	fs := &faultyStore{Store: memstore.New()}
	f := newFixtureWith(t, directory.Options{Store: fs})
	fs.set(func(fs *faultyStore) {
		fs.commit = func(_ context.Context, _ orgkit.DirectoryID, _ uint64, _ *store.ChangeSet, next func() (uint64, error)) (uint64, error) {
			head, err := next()
			return head + 1, err
		}
	})
	_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
	require.ErrorIs(t, err, store.ErrContract)
	fs.set(func(fs *faultyStore) { fs.commit = nil })
	n, _ := f.snap().Node(f.sales)
	assert.Equal(t, "Sales & Marketing", n.Name.Default, "the next read asks the store, which holds the commit")
}

// ---- unknown outcomes ----

func TestOutcomeUnknownResolved(t *testing.T) {
	unknown := fmt.Errorf("connection lost at COMMIT: %w", store.ErrOutcomeUnknown)
	for _, tc := range []struct {
		name string
		// fault runs for the first commit of the rename; it returns the outcome.
		fault func(ctx context.Context, st store.Store, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet, next func() (uint64, error)) (uint64, error)
		other bool // another change set took the version
	}{
		{"landed", func(_ context.Context, _ store.Store, _ orgkit.DirectoryID, _ uint64, cs *store.ChangeSet, next func() (uint64, error)) (uint64, error) {
			if _, err := next(); err != nil {
				return 0, err
			}
			cs.Version = 0 // the reply was lost with the connection
			return 0, unknown
		}, false},
		{"not landed", func(context.Context, store.Store, orgkit.DirectoryID, uint64, *store.ChangeSet, func() (uint64, error)) (uint64, error) {
			return 0, unknown
		}, false},
		{"another writer took the version", func(ctx context.Context, st store.Store, dir orgkit.DirectoryID, base uint64, _ *store.ChangeSet, _ func() (uint64, error)) (uint64, error) {
			other := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: store.Meta{Actor: "other", Time: time.Now().UTC()},
				Changes: []store.Change{{Kind: store.KindMember, After: &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("zed"), FullName: "Zed"}}}}
			if _, err := st.Commit(ctx, dir, base, other); err != nil {
				return 0, err
			}
			return 0, unknown
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := &faultyStore{Store: memstore.New()}
			f := newFixtureWith(t, directory.Options{Store: fs})
			head := len(log(t, fs.Store, f.dir))
			var faults atomic.Int32
			fs.set(func(fs *faultyStore) {
				fs.commit = func(ctx context.Context, dir orgkit.DirectoryID, base uint64, cs *store.ChangeSet, next func() (uint64, error)) (uint64, error) {
					if faults.Add(1) == 1 {
						return tc.fault(ctx, fs.Store, dir, base, cs, next)
					}
					return next()
				}
			})
			res := f.apply(orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
			require.NotNil(t, res.ChangeSet)

			got := log(t, fs.Store, f.dir)
			want := head + 1
			if tc.other {
				want++
			}
			require.Len(t, got, want, "the rename is committed once")
			ours := 0
			for i, cs := range got {
				assert.Equal(t, uint64(i+1), cs.Version)
				if cs.ID == res.ChangeSet.ID {
					ours++
					assert.Equal(t, cs.Version, res.ChangeSet.Version, "the result carries the version the change set landed as")
				}
			}
			assert.Equal(t, 1, ours, "the change set is in the log exactly once")
			assert.Equal(t, res.Snapshot.Version(), f.snap().Version())
			n, _ := f.snap().Node(f.sales)
			assert.Equal(t, "Sales & Marketing", n.Name.Default)
		})
	}
}

// An outcome that stays unknown (the log cannot be read either) is reported as
// unknown, and the write is not committed a second time.
func TestOutcomeUnknownUnresolved(t *testing.T) {
	fs := &faultyStore{Store: memstore.New()}
	f := newFixtureWith(t, directory.Options{Store: fs})
	head := len(log(t, fs.Store, f.dir))
	ctx, cancel := context.WithCancel(f.ctx)
	fs.set(func(fs *faultyStore) {
		fs.commit = func(_ context.Context, _ orgkit.DirectoryID, _ uint64, _ *store.ChangeSet, next func() (uint64, error)) (uint64, error) {
			_, err := next()
			cancel() // the connection is gone: reading the log fails too
			return 0, errors.Join(err, store.ErrOutcomeUnknown)
		}
	})
	_, err := f.svc.Apply(ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
	require.ErrorIs(t, err, store.ErrOutcomeUnknown)
	assert.Len(t, log(t, fs.Store, f.dir), head+1, "committed once, not twice")
	fs.set(func(fs *faultyStore) { fs.commit = nil })
	n, _ := f.snap().Node(f.sales)
	assert.Equal(t, "Sales & Marketing", n.Name.Default, "the next read finds the commit")
}

// ---- the cache ----

// Unknown directory IDs take no place in the cache, so they never evict a cached
// directory.
func TestUnknownDirectoriesDoNotEvict(t *testing.T) {
	st := &countingStore{Store: memstore.New()}
	svc := directory.New(directory.Options{Store: st, MaxCachedDirectories: 2, MaxStaleness: time.Hour})
	ctx := t.Context()
	var dirs []orgkit.DirectoryID
	for _, name := range []string{"Acme", "Globex"} {
		snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name(name)})
		require.NoError(t, err)
		dirs = append(dirs, snap.ID())
	}
	loads := st.loads.Load()
	for range 10 {
		_, err := svc.Snapshot(ctx, orgkit.NewDirectoryID())
		require.ErrorIs(t, err, orgkit.ErrNotFound)
		_, err = svc.Apply(ctx, orgkit.NewDirectoryID(), directory.Meta{}, directory.Rename{Name: orgkit.Name("X")})
		require.ErrorIs(t, err, orgkit.ErrNotFound)
	}
	for _, d := range dirs {
		_, err := svc.Snapshot(ctx, d)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(20), st.loads.Load()-loads, "only the unknown IDs were looked up: both directories stayed cached")
}

// The least recently used directory is evicted past MaxCachedDirectories.
func TestEviction(t *testing.T) {
	st := &countingStore{Store: memstore.New()}
	svc := directory.New(directory.Options{Store: st, MaxCachedDirectories: 2, MaxStaleness: time.Hour})
	ctx := t.Context()
	var dirs []orgkit.DirectoryID
	for _, name := range []string{"A", "B", "C"} {
		snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name(name)})
		require.NoError(t, err)
		dirs = append(dirs, snap.ID())
	}
	// C and B are cached (A was evicted when C came in).
	loads := st.loads.Load()
	for _, d := range []orgkit.DirectoryID{dirs[2], dirs[1]} {
		_, err := svc.Snapshot(ctx, d)
		require.NoError(t, err)
	}
	assert.Equal(t, loads, st.loads.Load(), "the two most recently used are cached")
	_, err := svc.Snapshot(ctx, dirs[0])
	require.NoError(t, err)
	assert.Equal(t, loads+1, st.loads.Load(), "the evicted one is loaded again")
}

// The zero Service works as New(Options{}).
func TestZeroService(t *testing.T) {
	var svc directory.Service
	ctx := t.Context()
	snap, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	_, err = svc.Apply(ctx, snap.ID(), directory.Meta{}, directory.Rename{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	snap, err = svc.Snapshot(ctx, snap.ID())
	require.NoError(t, err)
	assert.Equal(t, "Acme", snap.Settings().Name.Default)
	assert.NotNil(t, svc.Store())
	var other directory.Service
	dirs, err := other.Directories(ctx)
	require.NoError(t, err)
	assert.Empty(t, dirs, "each zero Service has a store of its own")
}

// OnChange subscribers hear of every snapshot, in order, with the change sets.
func TestOnChange(t *testing.T) {
	st := memstore.New()
	f := newFixtureWith(t, directory.Options{Store: st})
	other := directory.New(directory.Options{Store: st})
	var mu sync.Mutex
	var got []directory.Update
	stop := f.svc.OnChange(func(u directory.Update) {
		mu.Lock()
		got = append(got, u)
		mu.Unlock()
	})
	base := f.snap().Version()
	f.apply(orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales & Marketing")})
	for _, name := range []string{"Quality", "QA & Test"} {
		_, err := other.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.qa, Name: orgkit.Name(name)})
		require.NoError(t, err)
	}
	snap := f.snap()
	stop()
	f.apply(orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales")})

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 2, "one update for the commit, one for the catch-up; none after stop")
	assert.Equal(t, base, got[0].Base)
	assert.Equal(t, base+1, got[0].Snapshot.Version())
	require.Len(t, got[0].ChangeSets, 1)
	assert.Equal(t, base+1, got[0].ChangeSets[0].Version)
	assert.Equal(t, base+1, got[1].Base)
	assert.Same(t, snap, got[1].Snapshot)
	require.Len(t, got[1].ChangeSets, 2)
	assert.Equal(t, []uint64{base + 2, base + 3}, []uint64{got[1].ChangeSets[0].Version, got[1].ChangeSets[1].Version})
}

// Concurrent readers and writers of two services on one store, for the race
// detector; every write lands.
func TestConcurrentReadersAndWriters(t *testing.T) {
	st := memstore.New()
	f := newFixtureWith(t, directory.Options{Store: st})
	other := directory.New(directory.Options{Store: st, MaxStaleness: time.Hour})
	const writers, writes = 4, 10
	var wg sync.WaitGroup
	var stop atomic.Bool
	for w := range writers {
		svc := f.svc
		if w%2 == 1 {
			svc = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range writes {
				_, err := svc.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root,
					Kind: orgtree.Department, Name: orgkit.Name(fmt.Sprintf("Team %d-%d", w, i))})
				assert.NoError(t, err)
			}
		}()
	}
	var readers sync.WaitGroup
	for r := range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			svc := []*directory.Service{f.svc, other}[r%2]
			last := uint64(0)
			for !stop.Load() {
				snap, err := svc.Snapshot(f.ctx, f.dir)
				if !assert.NoError(t, err) {
					return
				}
				assert.GreaterOrEqual(t, snap.Version(), last, "versions never go back")
				last = snap.Version()
			}
		}()
	}
	wg.Wait()
	stop.Store(true)
	readers.Wait()
	assert.Len(t, slices.Collect(f.snap().Tree().Children(f.root)), 2+writers*writes)
}

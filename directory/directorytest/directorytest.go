// Package directorytest checks a store.Store under the directory service: the
// service-level suite that runs beside store/storetest's conformance suite. Where
// storetest holds one store to the store.Store contract, Run puts directory.Service
// instances on one database — each through its own store handle, as separate app
// instances would — and checks what hosts rely on: the write path, catching up with
// other instances' commits, notifications, erasure of personal data and concurrent
// writers.
//
// A host with its own store calls it from a test:
//
//	func TestService(t *testing.T) {
//		directorytest.Run(t, func(t *testing.T) func(t *testing.T) store.Store {
//			db := createEmptyTestDatabase(t) // dropped by t.Cleanup
//			return func(t *testing.T) store.Store { return mystore.Open(db) }
//		})
//	}
package directorytest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store"
)

// Opener opens another handle on one database: each handle is what one app instance
// would use. Every handle must see the same directories.
type Opener func(t *testing.T) store.Store

// Run runs the service-level suite. newDatabase is called once per sub-test and
// returns an Opener for a fresh, empty database; the sub-tests run one after another.
func Run(t *testing.T, newDatabase func(t *testing.T) Opener) {
	t.Helper()
	for _, tc := range []struct {
		name string
		test func(t *testing.T, open Opener)
	}{
		{"WritePath", testWritePath},
		{"CatchUp", testCatchUp},
		{"Notifications", testNotifications},
		{"Erase", testErase},
		{"ConcurrentServices", testConcurrentServices},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := newDatabase(t)
			require.NotNil(t, open, "newDatabase returned nil")
			tc.test(t, open)
		})
	}
}

// service returns a service on a new handle of the database.
func service(t *testing.T, open Opener) *directory.Service {
	t.Helper()
	s := open(t)
	require.NotNil(t, s, "the Opener returned nil")
	return directory.New(directory.Options{Store: s})
}

// founder is the default directory's founder in every sub-test.
var founder = directory.Founder{Name: "Ada", Mobile: "13900000000"}

// members returns the directory's members by ID, as values.
func members(snap *directory.Snapshot) map[orgkit.MemberID]member.Member {
	out := map[orgkit.MemberID]member.Member{}
	for m := range snap.Members() {
		out[m.ID] = *m.Clone()
	}
	return out
}

// nodes returns the directory's nodes by ID, as values.
func nodes(snap *directory.Snapshot) map[orgkit.NodeID]orgtree.Node {
	out := map[orgkit.NodeID]orgtree.Node{}
	for n := range snap.Tree().Records() {
		out[n.ID] = *n.Clone()
	}
	return out
}

// log reads the directory's whole history from a store, checking it is gap-free.
func log(t *testing.T, s store.Store, dir orgkit.DirectoryID) []*store.ChangeSet {
	t.Helper()
	var out []*store.ChangeSet
	for {
		page, err := s.Changes(t.Context(), dir, uint64(len(out)), 100)
		require.NoError(t, err)
		for i, cs := range page {
			require.Equal(t, uint64(len(out)+i+1), cs.Version, "the history is gap-free")
		}
		out = append(out, page...)
		if len(page) < 100 {
			return out
		}
	}
}

func testWritePath(t *testing.T, open Opener) {
	ctx := t.Context()
	a := service(t, open)
	dir, err := a.EnsureDefault(ctx, founder)
	require.NoError(t, err)
	rd, alice, bob := orgkit.NewNodeID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	res, err := a.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada", Reason: "set up R&D"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: alice, SystemName: orgkit.Name("alice"), FullName: "Alice", Mobile: "13900000001", Primary: rd},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), FullName: "Bob", Mobile: "13900000002", Email: "Bob@Example.com", Primary: rd},
		orgtree.SetManager{Node: rd, Member: alice},
	)
	require.NoError(t, err)
	require.NotNil(t, res.ChangeSet)

	// A batch that breaks a rule writes nothing.
	_, err = a.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada"},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("carol"), FullName: "Carol", Mobile: "13900000001", Primary: rd})
	require.ErrorIs(t, err, orgkit.ErrInvalid, "a taken mobile")

	// Another instance, starting afresh, loads the same directory.
	b := service(t, open)
	got, err := b.Snapshot(ctx, dir.ID())
	require.NoError(t, err)
	want := res.Snapshot
	assert.Equal(t, want.Version(), got.Version())
	assert.Equal(t, members(want), members(got), "members as committed")
	assert.Equal(t, nodes(want), nodes(got), "nodes as committed")
	m, ok := got.Member(bob)
	require.True(t, ok)
	assert.Equal(t, "bob@example.com", m.Email, "values as normalized by the service")
	n, ok := got.Node(rd)
	require.True(t, ok)
	assert.Equal(t, alice, n.Manager)

	hist := log(t, b.Store(), dir.ID())
	require.Len(t, hist, int(got.Version()))
	last := hist[len(hist)-1]
	assert.Equal(t, res.ChangeSet.ID, last.ID, "the change set's ID is kept")
	assert.Equal(t, "set up R&D", last.Meta.Reason)
}

func testCatchUp(t *testing.T, open Opener) {
	ctx := t.Context()
	a, b := service(t, open), service(t, open)
	dir, err := a.EnsureDefault(ctx, founder)
	require.NoError(t, err)
	id := orgkit.NewMemberID()
	_, err = a.Apply(ctx, dir.ID(), directory.Meta{Actor: "a"},
		member.Create{ID: id, SystemName: orgkit.Name("walker"), FullName: "Walker 0", Mobile: "13900000003", Primary: dir.Root()})
	require.NoError(t, err)
	first, err := b.Snapshot(ctx, dir.ID()) // b caches the directory now
	require.NoError(t, err)

	const edits = 150 // more than one page of the service's catch-up
	for i := 1; i <= edits; i++ {
		_, err := a.Apply(ctx, dir.ID(), directory.Meta{Actor: "a"},
			member.Update{ID: id, Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: fmt.Sprintf("Walker %d", i)}})
		require.NoError(t, err)
	}
	want, err := a.Snapshot(ctx, dir.ID())
	require.NoError(t, err)
	got := eventually(t, b, dir.ID(), want.Version())
	assert.Equal(t, first.Version()+edits, got.Version())
	m, _ := got.Member(id)
	assert.Equal(t, fmt.Sprintf("Walker %d", edits), m.FullName, "b caught up with every commit of a")
	assert.Equal(t, members(want), members(got))

	// b writes on what it caught up with; a catches up in turn.
	_, err = b.Apply(ctx, dir.ID(), directory.Meta{Actor: "b"},
		member.Update{ID: id, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Runner"}})
	require.NoError(t, err)
	again := eventually(t, a, dir.ID(), want.Version()+1)
	m, _ = again.Member(id)
	assert.Equal(t, "Runner", m.JobTitle)
	assert.Equal(t, fmt.Sprintf("Walker %d", edits), m.FullName, "b's write kept a's last edit")
}

// eventually returns the service's snapshot once it reaches version, asking again
// for a while: a service may serve reads from memory within a staleness bound.
func eventually(t *testing.T, s *directory.Service, dir orgkit.DirectoryID, version uint64) *directory.Snapshot {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		snap, err := s.Snapshot(t.Context(), dir)
		require.NoError(t, err)
		if snap.Version() >= version || time.Now().After(deadline) {
			require.GreaterOrEqual(t, snap.Version(), version, "the service never saw version %d", version)
			return snap
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func testNotifications(t *testing.T, open Opener) {
	ctx := t.Context()
	a := service(t, open)
	watcher := open(t)
	n, ok := watcher.(store.Notifier)
	if !ok {
		t.Skip("the store does not implement store.Notifier")
	}
	dir, err := a.EnsureDefault(ctx, founder)
	require.NoError(t, err)
	heads := make(chan uint64, 1024)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	require.NoError(t, n.Watch(wctx, func(no store.Notice) {
		if no.Directory == dir.ID() {
			select {
			case heads <- no.Head:
			default:
			}
		}
	}))
	b := directory.New(directory.Options{Store: watcher})
	_, err = b.Snapshot(ctx, dir.ID())
	require.NoError(t, err)

	res, err := a.Apply(ctx, dir.ID(), directory.Meta{Actor: "a"},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("Sales")})
	require.NoError(t, err)
	want := res.ChangeSet.Version
	timeout := time.After(30 * time.Second)
	for got := uint64(0); got < want; {
		select {
		case h := <-heads:
			got = max(got, h)
		case <-timeout:
			t.Fatalf("no notice of version %d from another handle", want)
		}
	}
	snap := eventually(t, b, dir.ID(), want)
	assert.Equal(t, want, snap.Version(), "the notified instance serves the new version")
}

func testErase(t *testing.T, open Opener) {
	ctx := t.Context()
	a, b := service(t, open), service(t, open)
	if _, ok := a.Store().(store.Eraser); !ok {
		t.Skip("the store does not implement store.Eraser")
	}
	dir, err := a.EnsureDefault(ctx, founder)
	require.NoError(t, err)
	rd, eve := orgkit.NewNodeID(), orgkit.NewMemberID()
	const mobile, email, bio, bio2 = "+8613911112222", "eve.erasable@example.com", "Eve's very personal bio", "Eve's second bio"
	_, err = a.Apply(ctx, dir.ID(), directory.Meta{Actor: "hr"},
		orgtree.Create{ID: rd, Parent: dir.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: eve, SystemName: orgkit.Name("eve.erasable"), FullName: "Eve Erasable", Mobile: mobile, Email: email, Bio: bio, Primary: rd},
		orgtree.SetManager{Node: rd, Member: eve},
	)
	require.NoError(t, err)
	// Writers quote personal values in free text: the erasure scrubs them there too.
	quoted, err := a.Apply(ctx, dir.ID(), directory.Meta{Actor: email, Reason: "new bio for Eve Erasable, call 139-1111-2222"},
		member.Update{ID: eve, Fields: []member.Field{member.BioField}, Value: member.Member{Bio: bio2}})
	require.NoError(t, err)
	values := []string{mobile, email, bio, bio2, "Eve Erasable", "eve.erasable", "139-1111-2222"}

	_, err = a.Erase(ctx, dir.ID(), eve, directory.Meta{Actor: "dpo", Reason: "request 7"})
	require.ErrorIs(t, err, orgkit.ErrPrecondition, "an active member is not erased")
	_, err = a.Erase(ctx, dir.ID(), eve, directory.Meta{Actor: "dpo"}, member.PrimaryDepartmentField)
	require.ErrorIs(t, err, orgkit.ErrInvalid, "a structural field is not erased")
	_, err = a.Erase(ctx, dir.ID(), orgkit.NewMemberID(), directory.Meta{Actor: "dpo"})
	require.ErrorIs(t, err, orgkit.ErrNotFound)

	resigned, err := a.Apply(ctx, dir.ID(), directory.Meta{Actor: "hr"}, member.Resign{Members: []orgkit.MemberID{eve}})
	require.NoError(t, err)
	cached, err := b.Snapshot(ctx, dir.ID()) // b caches eve's values
	require.NoError(t, err)
	m, _ := cached.Member(eve)
	require.Equal(t, mobile, m.Mobile)

	snap, err := a.Erase(ctx, dir.ID(), eve, directory.Meta{Actor: "dpo", Reason: "request 7"})
	require.NoError(t, err)
	erasedAt := snap.Version()
	assert.Equal(t, resigned.Snapshot.Version()+1, erasedAt, "the erasure is one new version")
	m, ok := snap.Member(eve)
	require.True(t, ok, "the member stays")
	assert.Equal(t, store.Pseudonym(eve), m.SystemName)
	assert.Empty(t, m.Mobile)
	assert.Empty(t, m.Email)
	assert.Empty(t, m.FullName)
	assert.Equal(t, rd, m.Primary, "departments are kept")

	// The other instance refreshes its cache.
	got := eventually(t, b, dir.ID(), erasedAt)
	m, _ = got.Member(eve)
	assert.Empty(t, m.Mobile, "another instance's snapshot is refreshed")

	// The history keeps its shape and none of the values; the erasure is recorded.
	hist := log(t, a.Store(), dir.ID())
	require.Len(t, hist, int(erasedAt))
	rec := hist[len(hist)-1]
	assert.Equal(t, store.OriginErase, rec.Meta.Origin)
	assert.Equal(t, "dpo", rec.Meta.Actor)
	assert.Equal(t, "request 7", rec.Meta.Reason)
	assert.Equal(t, store.PersonalFields(), rec.Meta.Erased)
	text := fmt.Sprintf("%+v", hist)
	for _, cs := range hist {
		for _, c := range cs.Changes {
			text += fmt.Sprintf("%+v %+v", c.Before, c.After)
		}
	}
	for _, v := range values {
		assert.NotContains(t, text, v, "an erased value is still in the history")
	}
	var seen bool
	for cs, err := range a.History(ctx, dir.ID(), directory.HistoryQuery{}) {
		require.NoError(t, err)
		if cs.Version == quoted.ChangeSet.Version {
			seen = true
			assert.Equal(t, "[erased]", cs.Meta.Actor, "History's actor is scrubbed")
			assert.Equal(t, "new bio for [erased], call [erased]", cs.Meta.Reason, "History's reason is scrubbed")
		}
	}
	assert.True(t, seen, "History returns the change set whose free text quoted the values")

	// Undo of any earlier version brings nothing back.
	for v := uint64(1); v < erasedAt; v++ {
		if _, err := a.Undo(ctx, dir.ID(), v, directory.Meta{Actor: "admin"}); err != nil {
			continue // an undo that breaks today's rules is refused: fine here
		}
	}
	_, _ = a.Undo(ctx, dir.ID(), erasedAt, directory.Meta{Actor: "admin"})
	after, err := a.Snapshot(ctx, dir.ID())
	require.NoError(t, err)
	for m := range after.Members() {
		for _, v := range values {
			assert.NotContains(t, fmt.Sprintf("%+v", m), v, "Undo restored an erased value")
		}
	}

	// The values are released: a new member may take them.
	_, err = a.Apply(ctx, dir.ID(), directory.Meta{Actor: "hr"},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("eve.erasable"), FullName: "Eve Again", Mobile: mobile, Email: email, Primary: rd})
	assert.NoError(t, err, "the erased unique values are free again")
}

func testConcurrentServices(t *testing.T, open Opener) {
	ctx := t.Context()
	first := service(t, open)
	dir, err := first.EnsureDefault(ctx, founder)
	require.NoError(t, err)
	const writers, edits = 4, 8
	// Writers that hammer one directory lose many races: each retries until it wins.
	var services []*directory.Service
	for range writers {
		services = append(services, directory.New(directory.Options{Store: open(t), MaxRetries: 1000}))
	}
	ids := make([]orgkit.MemberID, writers)
	for i := range ids {
		ids[i] = orgkit.NewMemberID()
	}
	var wg sync.WaitGroup
	for w, s := range services {
		wg.Go(func() {
			_, err := s.Apply(ctx, dir.ID(), directory.Meta{Actor: fmt.Sprintf("writer %d", w)},
				member.Create{ID: ids[w], SystemName: orgkit.Name(fmt.Sprintf("writer%d", w)), FullName: "0", Mobile: fmt.Sprintf("139000001%02d", w), Primary: dir.Root()})
			if !assert.NoError(t, err) {
				return
			}
			for i := 1; i <= edits; i++ {
				_, err := s.Apply(ctx, dir.ID(), directory.Meta{Actor: fmt.Sprintf("writer %d", w)},
					member.Update{ID: ids[w], Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: fmt.Sprint(i)}})
				if !assert.NoError(t, err, "writer %d edit %d (conflicts are retried on fresh state)", w, i) {
					return
				}
			}
		})
	}
	wg.Wait()

	hist := log(t, first.Store(), dir.ID())
	seen := map[string]int{}
	for _, cs := range hist {
		for _, c := range cs.Changes {
			if m, ok := c.After.(*member.Member); ok && slices.Contains(ids, m.ID) {
				seen[fmt.Sprintf("%s=%s", m.ID, m.FullName)]++
			}
		}
	}
	for w := range writers {
		for i := 0; i <= edits; i++ {
			assert.Equal(t, 1, seen[fmt.Sprintf("%s=%d", ids[w], i)], "writer %d's edit %d is in the history exactly once", w, i)
		}
	}
	var want map[orgkit.MemberID]member.Member
	for i, s := range services {
		snap := eventually(t, s, dir.ID(), uint64(len(hist)))
		assert.Equal(t, uint64(len(hist)), snap.Version())
		if i == 0 {
			want = members(snap)
			continue
		}
		assert.Equal(t, want, members(snap), "service %d reads the same final snapshot", i)
	}
}

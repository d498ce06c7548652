package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store"
)

// Run checks that the stores newStore makes honor the contract documented on
// store.Store. It runs one sub-test per part of the contract, one after another, and
// calls newStore once per sub-test; each call must return a fresh, empty store.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	for _, tc := range []struct {
		name string
		test func(t *testing.T, s store.Store)
	}{
		{"Directories", testDirectories},
		{"NewDirectory", testNewDirectory},
		{"UnknownDirectory", testUnknownDirectory},
		{"Commit", testCommit},
		{"CommitConflict", testCommitConflict},
		{"EmptyChangeSet", testEmptyChangeSet},
		{"InvalidChanges", testInvalidChanges},
		{"History", testHistory},
		{"RoundTrip", testRoundTrip},
		{"LatestImage", testLatestImage},
		{"Settings", testSettings},
		{"ConcurrentCommits", testConcurrentCommits},
		{"DirectoriesIsolated", testDirectoriesIsolated},
		{"LargeChangeSet", testLargeChangeSet},
		{"Cancellation", testCancellation},
		{"ConcurrentDefault", testConcurrentDefault},
		{"Paging", testPaging},
		{"Contiguity", testContiguity},
		{"ChangeSetID", testChangeSetID},
		{"NoAliasing", testNoAliasing},
		{"Notifications", testNotifications},
		{"Erase", testErase},
		{"Purge", testPurge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			require.NotNil(t, s, "newStore returned nil")
			tc.test(t, s)
		})
	}
}

// concurrency is how many goroutines race in the concurrent sub-tests.
const concurrency = 16

// largeMembers is the size of the large change set.
const largeMembers = 20_000

func testDirectories(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Empty(t, got, "a new store has no directories")

	// IDs are time-ordered: create them out of order to see the list sorted by ID.
	a, b, c := newDirectory(), newDirectory(), newDirectory()
	b.Name = orgkit.Names{Default: "Beta", ByLang: map[string]string{"zh-Hans": "贝塔"}}
	for _, d := range []store.DirectoryRecord{c, a, b} {
		require.NoError(t, s.CreateDirectory(ctx, d))
	}
	want := sortedDirectories(a, b, c)
	got, err = s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, got, "Directories lists every directory, ordered by ID")

	dupID := newDirectory()
	dupID.ID = b.ID
	assert.ErrorIs(t, s.CreateDirectory(ctx, dupID), orgkit.ErrPrecondition, "a taken ID is refused")

	dupKey := newDirectory()
	dupKey.Key = b.Key
	assert.ErrorIs(t, s.CreateDirectory(ctx, dupKey), orgkit.ErrPrecondition, "a taken key is refused")

	def := newDirectory()
	def.Default = true
	require.NoError(t, s.CreateDirectory(ctx, def), "the first default directory is accepted")
	want = sortedDirectories(append(want, def)...)

	second := newDirectory()
	second.Default = true
	assert.ErrorIs(t, s.CreateDirectory(ctx, second), orgkit.ErrPrecondition, "a second default directory is refused")

	got, err = s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, got, "refused directories are not created")
	for _, id := range []orgkit.DirectoryID{dupKey.ID, second.ID} {
		_, err := s.Load(ctx, id)
		assert.ErrorIs(t, err, orgkit.ErrNotFound, "a refused directory cannot be loaded")
	}
	d, err := s.Load(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, b, d.Directory, "a refused duplicate leaves the original untouched")
}

func testNewDirectory(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := *fullDirectory()
	requireComplete(t, d)
	require.NoError(t, s.CreateDirectory(ctx, d))

	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	require.NotNil(t, recs)
	assert.Equal(t, uint64(0), recs.Head, "a new directory's head is 0")
	assert.Equal(t, d, recs.Directory, "Load returns the directory record as created")
	assert.Empty(t, recs.Nodes)
	assert.Empty(t, recs.Members)
	assert.Empty(t, recs.Roles)
	assert.Empty(t, recs.RoleGroups)
	assert.Empty(t, recs.Assignments)

	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assert.Empty(t, log, "a new directory has no history")

	dirs, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, []store.DirectoryRecord{d}, dirs)
}

func testUnknownDirectory(t *testing.T, s store.Store) {
	ctx := t.Context()
	known := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, known))
	unknown := orgkit.NewDirectoryID()

	_, err := s.Load(ctx, unknown)
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "Load")
	_, err = s.Changes(ctx, unknown, 0, 10)
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "Changes")
	_, err = s.Commit(ctx, unknown, 0, changeSet(memberChange(nil, newMember("Ada"))))
	assert.ErrorIs(t, err, orgkit.ErrNotFound, "Commit")

	recs, err := s.Load(ctx, known.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(0), recs.Head, "a commit to an unknown directory touches no other")
}

func testCommit(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	root := &orgtree.Node{ID: d.Root, Kind: orgtree.Company, Name: orgkit.Name("Acme")}
	ada := newMember("Ada")
	cs1 := changeSet(nodeChange(nil, root), memberChange(nil, ada))
	head, err := s.Commit(ctx, d.ID, 0, cs1)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), head, "the first commit makes version 1")
	assert.Equal(t, uint64(1), cs1.Version, "Commit sets the change set's version")

	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assertRecords(t, expect(1, d, root, ada), recs)

	ada2 := ada.Clone()
	ada2.JobTitle = "Engineer"
	cs2 := changeSet(memberChange(ada, ada2))
	head, err = s.Commit(ctx, d.ID, 1, cs2)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), head)
	assert.Equal(t, uint64(2), cs2.Version)

	recs, err = s.Load(ctx, d.ID)
	require.NoError(t, err)
	assertRecords(t, expect(2, d, root, ada2), recs)
}

func testCommitConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	_, err := s.Commit(ctx, d.ID, 1, changeSet(memberChange(nil, newMember("Early"))))
	assert.ErrorIs(t, err, orgkit.ErrConflict, "base 1 on a new directory (head 0)")

	ada := newMember("Ada")
	_, err = s.Commit(ctx, d.ID, 0, changeSet(memberChange(nil, ada)))
	require.NoError(t, err)
	before, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)

	for _, base := range []uint64{0, 2, 7} {
		ada2 := ada.Clone()
		ada2.FullName = fmt.Sprintf("Ada at base %d", base)
		cs := changeSet(memberChange(ada, ada2), memberChange(nil, newMember("Bob")))
		_, err := s.Commit(ctx, d.ID, base, cs)
		assert.ErrorIs(t, err, orgkit.ErrConflict, "base %d when the head is 1", base)
		assert.Equal(t, uint64(0), cs.Version, "a refused change set gets no version")
	}

	after, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assertRecords(t, before, after)
	log2, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, log, log2, "history after refused commits")

	_, err = s.Commit(ctx, d.ID, 1, changeSet(memberChange(nil, newMember("Carol"))))
	assert.NoError(t, err, "a commit at the head still succeeds")
}

func testEmptyChangeSet(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	for name, cs := range map[string]*store.ChangeSet{
		"nil change set":     nil,
		"nil changes":        {Meta: meta("nothing")},
		"empty changes":      {Meta: meta("nothing"), Changes: []store.Change{}},
		"zero-value changes": {},
	} {
		_, err := s.Commit(ctx, d.ID, 0, cs)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, name)
		if cs != nil {
			assert.Equal(t, uint64(0), cs.Version, name)
		}
	}
	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(0), recs.Head, "an empty change set never commits")
	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assert.Empty(t, log)

	head, err := s.Commit(ctx, d.ID, 0, changeSet(memberChange(nil, newMember("Ada"))))
	require.NoError(t, err)
	assert.Equal(t, uint64(1), head, "the next real change set is version 1")
}

// testInvalidChanges commits malformed changes (what store.ChangeSet.Validate
// refuses): each is refused with orgkit.ErrInvalid and nothing is written. A typed nil
// before-image and the same ID under two kinds are accepted.
func testInvalidChanges(t *testing.T, s store.Store) {
	ctx := t.Context()
	d, other := newDirectory(), newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))
	m := newMember("Ada")
	n := &orgtree.Node{ID: orgkit.NewNodeID(), Kind: orgtree.Department, Name: orgkit.Name("R&D")}
	for name, changes := range map[string][]store.Change{
		"nil after":                  {{Kind: store.KindMember}},
		"typed nil after":            {{Kind: store.KindMember, After: (*member.Member)(nil)}},
		"wrong after type":           {{Kind: store.KindNode, After: m}},
		"value, not pointer":         {{Kind: store.KindMember, After: *m}},
		"unknown kind":               {{Kind: 0, After: m}},
		"kind out of range":          {{Kind: 99, After: m}},
		"zero ID":                    {{Kind: store.KindMember, After: &member.Member{FullName: "Nobody"}}},
		"zero assignment ID":         {{Kind: store.KindAssignment, After: &role.Assignment{}}},
		"wrong before type":          {{Kind: store.KindMember, Before: n, After: m}},
		"before of another ID":       {{Kind: store.KindMember, Before: newMember("Bob"), After: m}},
		"same record twice":          {{Kind: store.KindMember, After: m}, {Kind: store.KindMember, Before: m, After: m.Clone()}},
		"other directory's settings": {{Kind: store.KindSettings, After: &other}},
		"valid then invalid":         {{Kind: store.KindNode, After: n}, {Kind: store.KindRole, After: &role.Group{ID: orgkit.NewRoleGroupID()}}},
	} {
		cs := &store.ChangeSet{ID: store.NewChangeSetID(), Meta: meta(name), Changes: changes}
		_, err := s.Commit(ctx, d.ID, 0, cs)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, name)
		assert.Zero(t, cs.Version, name)
	}
	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assert.Zero(t, recs.Head, "nothing was committed")
	assert.Empty(t, recs.Nodes)
	assert.Empty(t, recs.Members)

	var none *member.Member
	head, err := s.Commit(ctx, d.ID, 0, changeSet(
		store.Change{Kind: store.KindMember, Before: none, After: m},
		store.Change{Kind: store.KindAssignment, After: &role.Assignment{Member: m.ID}}, // an assignment's ID is its member's
	))
	require.NoError(t, err, "a typed nil before-image is a creation")
	assert.Equal(t, uint64(1), head)
	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	require.Len(t, log, 1)
	assert.Nil(t, log[0].Changes[0].Before, "a creation reads back with no before-image")
}

func testHistory(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	const n = 6
	var committed []*store.ChangeSet
	var prev *member.Member
	for i := range n {
		next := newMember("Ada")
		if prev != nil {
			next = prev.Clone()
		}
		next.FullName = fmt.Sprintf("Ada v%d", i+1)
		cs := changeSet(memberChange(prev, next), nodeChange(nil, newNode(fmt.Sprintf("Dept %d", i+1))))
		cs.Meta.Reason = fmt.Sprintf("edit %d", i+1)
		head, err := s.Commit(ctx, d.ID, uint64(i), cs)
		require.NoError(t, err)
		require.Equal(t, uint64(i+1), head)
		committed = append(committed, cs)
		prev = next
	}

	for after := range uint64(n + 1) {
		got, err := allChanges(ctx, s, d.ID, after)
		require.NoError(t, err)
		require.Len(t, got, n-int(after), "Changes(%d) returns versions %d…%d", after, after+1, n)
		for i, cs := range got {
			assert.Equal(t, after+uint64(i)+1, cs.Version, "Changes(%d)[%d] is ascending with no gaps", after, i)
		}
		assertChangeSets(t, committed[after:], got, fmt.Sprintf("Changes(%d)", after))
	}
	for _, after := range []uint64{n + 1, n + 100} {
		got, err := allChanges(ctx, s, d.ID, after)
		require.NoError(t, err, "Changes after the head is no error")
		assert.Empty(t, got, "Changes(%d) with head %d", after, n)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := *fullDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	// Version 1 creates a fully populated record of every type and a sparse one (nil
	// slices and maps, zero IDs and times), and changes the settings.
	node, mem, rl, grp := fullNode(), fullMember(), fullRole(), fullGroup()
	asg := fullAssignment(mem.ID)
	sparseNode := &orgtree.Node{ID: d.Root, Kind: orgtree.Company, Name: orgkit.Name("Acme")}
	sparseMember := &member.Member{ID: orgkit.NewMemberID(), FullName: "Bo"}
	sparseRole := &role.Role{ID: d.AdminRole, Name: orgkit.Name("Org admin")}
	sparseGroup := &role.Group{ID: orgkit.NewRoleGroupID(), Name: orgkit.Name("Misc")}
	sparseAsg := &role.Assignment{Member: sparseMember.ID}
	settings := fullDirectory()
	settings.ID, settings.Key, settings.Default, settings.CreatedAt = d.ID, d.Key, d.Default, d.CreatedAt
	for _, v := range []any{node, mem, rl, grp, asg, settings} {
		requireComplete(t, v)
	}
	m1 := meta("create everything")
	requireComplete(t, m1)
	cs1 := &store.ChangeSet{ID: newChangeSetID(), Meta: m1, Changes: []store.Change{
		{Kind: store.KindSettings, Before: &d, After: settings},
		nodeChange(nil, sparseNode), nodeChange(nil, node),
		memberChange(nil, mem), memberChange(nil, sparseMember),
		{Kind: store.KindRole, After: rl}, {Kind: store.KindRole, After: sparseRole},
		{Kind: store.KindRoleGroup, After: grp}, {Kind: store.KindRoleGroup, After: sparseGroup},
		{Kind: store.KindAssignment, After: asg}, {Kind: store.KindAssignment, After: sparseAsg},
	}}
	given := deepCopy(cs1)
	_, err := s.Commit(ctx, d.ID, 0, cs1)
	require.NoError(t, err)

	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assertRecords(t, expect(1, *settings, sparseNode, node, mem, sparseMember, rl, sparseRole, grp, sparseGroup, asg, sparseAsg), recs)
	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, []*store.ChangeSet{cs1}, log, "Changes(0) after version 1")

	// Version 2 updates every record: the sparse ones become full and the full ones
	// sparse, so before- and after-images of both shapes round-trip.
	node2 := fullNode()
	node2.ID, node2.Kind, node2.Parent = sparseNode.ID, orgtree.Company, orgkit.NodeID{}
	nodeSparse := &orgtree.Node{ID: node.ID, Kind: orgtree.Department, Parent: node.Parent, Name: orgkit.Name("R&D"), Status: orgkit.Retired}
	mem2 := fullMember()
	mem2.ID = sparseMember.ID
	memSparse := &member.Member{ID: mem.ID, SystemName: orgkit.Name("ada"), Status: orgkit.Inactive}
	rl2 := fullRole()
	rl2.ID = sparseRole.ID
	rlSparse := &role.Role{ID: rl.ID, Name: orgkit.Name("Sales"), Status: orgkit.Retired}
	grp2 := fullGroup()
	grp2.ID = sparseGroup.ID
	grpSparse := &role.Group{ID: grp.ID, Name: orgkit.Name("Sales roles"), Status: orgkit.Retired}
	asg2 := fullAssignment(sparseMember.ID)
	asgSparse := &role.Assignment{Member: mem.ID}
	settings2 := &store.DirectoryRecord{ID: d.ID, Key: d.Key, Name: orgkit.Name("Acme Ltd"), Default: d.Default, CreatedAt: d.CreatedAt}
	m2 := meta("update everything")
	m2.Origin, m2.IfVersion = store.OriginImport, 1
	cs2 := &store.ChangeSet{ID: newChangeSetID(), Meta: m2, Changes: []store.Change{
		{Kind: store.KindAssignment, Before: sparseAsg, After: asg2}, {Kind: store.KindAssignment, Before: asg, After: asgSparse},
		{Kind: store.KindRoleGroup, Before: sparseGroup, After: grp2}, {Kind: store.KindRoleGroup, Before: grp, After: grpSparse},
		{Kind: store.KindRole, Before: sparseRole, After: rl2}, {Kind: store.KindRole, Before: rl, After: rlSparse},
		memberChange(sparseMember, mem2), memberChange(mem, memSparse),
		nodeChange(sparseNode, node2), nodeChange(node, nodeSparse),
		{Kind: store.KindSettings, Before: settings, After: settings2},
	}}
	given2 := deepCopy(cs2)
	head, err := s.Commit(ctx, d.ID, 1, cs2)
	require.NoError(t, err)
	require.Equal(t, uint64(2), head)

	recs, err = s.Load(ctx, d.ID)
	require.NoError(t, err)
	assertRecords(t, expect(2, *settings2, node2, nodeSparse, mem2, memSparse, rl2, rlSparse, grp2, grpSparse, asg2, asgSparse), recs)
	log, err = allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, []*store.ChangeSet{cs1, cs2}, log, "Changes(0) after version 2")
	log, err = allChanges(ctx, s, d.ID, 1)
	require.NoError(t, err)
	assertChangeSets(t, []*store.ChangeSet{cs2}, log, "Changes(1) after version 2")

	dirs, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, []store.DirectoryRecord{*settings2}, dirs)

	given.Version, given2.Version = 1, 2
	assert.Equal(t, given, cs1, "the store did not modify the records it was given")
	assert.Equal(t, given2, cs2, "the store did not modify the records it was given")
}

func testLatestImage(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	ada, dept, sales := newMember("Ada"), newNode("Sales"), &role.Role{ID: orgkit.NewRoleID(), Name: orgkit.Name("Seller")}
	_, err := s.Commit(ctx, d.ID, 0, changeSet(memberChange(nil, ada), nodeChange(nil, dept), store.Change{Kind: store.KindRole, After: sales}))
	require.NoError(t, err)

	ada2 := ada.Clone()
	ada2.JobTitle = "Lead"
	dept2 := dept.Clone()
	dept2.Status = orgkit.Inactive
	_, err = s.Commit(ctx, d.ID, 1, changeSet(memberChange(ada, ada2), nodeChange(nil, newNode("Support")), nodeChange(dept, dept2)))
	require.NoError(t, err)

	ada3 := ada2.Clone()
	ada3.Status = orgkit.Inactive
	dept3 := dept2.Clone()
	dept3.Status = orgkit.Retired
	sales2 := sales.Clone()
	sales2.Status = orgkit.Retired
	_, err = s.Commit(ctx, d.ID, 2, changeSet(nodeChange(dept2, dept3), memberChange(ada2, ada3), store.Change{Kind: store.KindRole, Before: sales, After: sales2}))
	require.NoError(t, err)

	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), recs.Head)
	require.Len(t, recs.Members, 1, "an updated record appears once")
	assert.Equal(t, ada3, recs.Members[0], "with its latest after-image")
	require.Len(t, recs.Nodes, 2)
	i := slices.IndexFunc(recs.Nodes, func(n *orgtree.Node) bool { return n.ID == dept.ID })
	require.NotEqual(t, -1, i, "a retired node is still loaded")
	assert.Equal(t, dept3, recs.Nodes[i], "a retired node is still loaded, as retired")
	require.Len(t, recs.Roles, 1)
	assert.Equal(t, sales2, recs.Roles[0], "a retired role is still loaded")
}

func testSettings(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	other := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))
	require.NoError(t, s.CreateDirectory(ctx, other))

	// The change tries to alter what never changes; the store keeps the originals.
	after := fullDirectory()
	after.ID = d.ID
	after.Key = "renamed-" + d.Key
	after.Default = true
	after.CreatedAt = d.CreatedAt.Add(-48 * time.Hour)
	cs := changeSet(store.Change{Kind: store.KindSettings, Before: &d, After: after})
	_, err := s.Commit(ctx, d.ID, 0, cs)
	require.NoError(t, err)

	want := *after
	want.Key, want.Default, want.CreatedAt = d.Key, d.Default, d.CreatedAt
	dirs, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, sortedDirectories(want, other), dirs, "Directories shows the new settings; ID, key, default and creation time are kept")
	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), recs.Head)
	assert.Equal(t, want, recs.Directory)
	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, []*store.ChangeSet{cs}, log, "the log keeps the after-image as committed")

	// The settings change neither made d the default nor moved its key.
	def := newDirectory()
	def.Default = true
	def.Key = after.Key
	assert.NoError(t, s.CreateDirectory(ctx, def), "the store still has no default directory and the key is free")

	// Settings change again: the latest one wins.
	after2 := want
	after2.Name = orgkit.Name("Third name")
	after2.MultiOrg = false
	_, err = s.Commit(ctx, d.ID, 1, changeSet(store.Change{Kind: store.KindSettings, Before: after, After: &after2}))
	require.NoError(t, err)
	recs, err = s.Load(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, after2, recs.Directory)
}

func testConcurrentCommits(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	sets := make([]*store.ChangeSet, concurrency)
	for i := range sets {
		sets[i] = changeSet(memberChange(nil, newMember(fmt.Sprintf("Writer %d", i))))
	}
	errs := make([]error, concurrency)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Commit(ctx, d.ID, 0, sets[i])
		}()
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, winner, "writers %d and %d both committed on base 0", winner, i)
			winner = i
			continue
		}
		assert.ErrorIs(t, err, orgkit.ErrConflict, "writer %d", i)
	}
	require.NotEqual(t, -1, winner, "one writer must win")

	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), recs.Head)
	assert.Equal(t, []*member.Member{sets[winner].Changes[0].After.(*member.Member)}, recs.Members, "only the winner's change is stored")
	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, []*store.ChangeSet{sets[winner]}, log, "the winner's change set")
}

func testDirectoriesIsolated(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b := newDirectory(), newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, a))
	require.NoError(t, s.CreateDirectory(ctx, b))

	inA := newMember("In A")
	nodeA := newNode("Sales")
	settingsA := a
	settingsA.Name = orgkit.Name("A renamed")
	_, err := s.Commit(ctx, a.ID, 0, changeSet(memberChange(nil, inA), nodeChange(nil, nodeA),
		store.Change{Kind: store.KindSettings, Before: &a, After: &settingsA}))
	require.NoError(t, err)

	recs, err := s.Load(ctx, b.ID)
	require.NoError(t, err)
	assertRecords(t, expect(0, b), recs)
	log, err := allChanges(ctx, s, b.ID, 0)
	require.NoError(t, err)
	assert.Empty(t, log, "a commit to A is not in B's history")

	// The same record IDs in B do not collide with A's.
	inB := inA.Clone()
	inB.FullName = "In B"
	nodeB := nodeA.Clone()
	nodeB.Name = orgkit.Name("Support")
	head, err := s.Commit(ctx, b.ID, 0, changeSet(memberChange(nil, inB), nodeChange(nil, nodeB)))
	require.NoError(t, err, "B's head is still 0")
	assert.Equal(t, uint64(1), head)

	recsA, err := s.Load(ctx, a.ID)
	require.NoError(t, err)
	assertRecords(t, expect(1, settingsA, inA, nodeA), recsA)
	recsB, err := s.Load(ctx, b.ID)
	require.NoError(t, err)
	assertRecords(t, expect(1, b, inB, nodeB), recsB)

	dirs, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, sortedDirectories(settingsA, b), dirs)
}

func testLargeChangeSet(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	root := &orgtree.Node{ID: d.Root, Kind: orgtree.Company, Name: orgkit.Name("Acme")}
	records := []any{root}
	changes := make([]store.Change, 0, largeMembers+1)
	changes = append(changes, nodeChange(nil, root))
	for i := range largeMembers {
		m := &member.Member{
			ID:             orgkit.NewMemberID(),
			SystemName:     orgkit.Name(fmt.Sprintf("user%05d", i)),
			FullName:       fmt.Sprintf("用户 %d", i),
			Mobile:         fmt.Sprintf("+86139%08d", i),
			Email:          fmt.Sprintf("user%05d@example.com", i),
			Primary:        root.ID,
			EmployeeNumber: fmt.Sprintf("E%05d", i),
			HireDate:       member.Date{Year: 2000 + i%25, Month: time.Month(1 + i%12), Day: 1 + i%28},
		}
		if i%5 == 0 {
			m.ResponsibleLines = []string{"North", "East"}
		}
		records = append(records, m)
		changes = append(changes, memberChange(nil, m))
	}
	cs := &store.ChangeSet{ID: newChangeSetID(), Meta: meta("import"), Changes: changes}
	head, err := s.Commit(ctx, d.ID, 0, cs)
	require.NoError(t, err)
	require.Equal(t, uint64(1), head)

	recs, err := s.Load(ctx, d.ID)
	require.NoError(t, err)
	require.Equal(t, largeMembers, len(recs.Members))
	assertRecords(t, expect(1, d, records...), recs)

	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, []*store.ChangeSet{cs}, log, "Changes(0)")
}

func testCancellation(t *testing.T, s store.Store) {
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(t.Context(), d))
	_, err := s.Commit(t.Context(), d.ID, 0, changeSet(memberChange(nil, newMember("Ada"))))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	late := newDirectory()
	assert.ErrorIs(t, s.CreateDirectory(ctx, late), context.Canceled, "CreateDirectory")
	_, err = s.Directories(ctx)
	assert.ErrorIs(t, err, context.Canceled, "Directories")
	_, err = s.Load(ctx, d.ID)
	assert.ErrorIs(t, err, context.Canceled, "Load")
	_, err = s.Commit(ctx, d.ID, 1, changeSet(memberChange(nil, newMember("Bob"))))
	assert.ErrorIs(t, err, context.Canceled, "Commit")
	_, err = s.Changes(ctx, d.ID, 0, 10)
	assert.ErrorIs(t, err, context.Canceled, "Changes")

	dirs, err := s.Directories(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []store.DirectoryRecord{d}, dirs, "a cancelled CreateDirectory creates nothing")
	recs, err := s.Load(t.Context(), d.ID)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), recs.Head, "a cancelled Commit commits nothing")
}

func testConcurrentDefault(t *testing.T, s store.Store) {
	ctx := t.Context()
	dirs := make([]store.DirectoryRecord, concurrency)
	for i := range dirs {
		dirs[i] = newDirectory()
		dirs[i].Default = true
	}
	errs := make([]error, concurrency)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.CreateDirectory(ctx, dirs[i])
		}()
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, winner, "directories %d and %d both became the default", winner, i)
			winner = i
			continue
		}
		assert.ErrorIs(t, err, orgkit.ErrPrecondition, "directory %d", i)
	}
	require.NotEqual(t, -1, winner, "one default directory must be created")
	got, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, []store.DirectoryRecord{dirs[winner]}, got)
}

func testPaging(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))
	const n = 7
	var committed []*store.ChangeSet
	for i := range n {
		cs := changeSet(memberChange(nil, newMember(fmt.Sprintf("Member %d", i+1))))
		_, err := s.Commit(ctx, d.ID, uint64(i), cs)
		require.NoError(t, err)
		committed = append(committed, deepCopy(cs))
	}
	for _, limit := range []int{1, 2, 3, n - 1, n, n + 1, 1 << 20} {
		for after := range uint64(n + 2) {
			page, err := s.Changes(ctx, d.ID, after, limit)
			require.NoError(t, err, "Changes(%d, limit %d)", after, limit)
			from, to := min(after, n), min(after+uint64(limit), n)
			want := committed[from:to]
			assert.Len(t, page, len(want), "Changes(%d, limit %d) returns versions %d…%d: exactly limit of them unless the head comes first", after, limit, after+1, to)
			for i, cs := range page {
				if assert.NotNil(t, cs, "Changes(%d, limit %d)[%d]", after, limit, i) {
					assert.Equal(t, after+uint64(i)+1, cs.Version, "Changes(%d, limit %d)[%d] is contiguous from version %d", after, limit, i, after+1)
				}
			}
			if len(page) == len(want) {
				assertChangeSets(t, want, page, fmt.Sprintf("Changes(%d, limit %d)", after, limit))
			}
		}
	}
	for _, limit := range []int{0, -1} {
		_, err := s.Changes(ctx, d.ID, 0, limit)
		assert.ErrorIs(t, err, orgkit.ErrInvalid, "limit %d", limit)
	}
}

func testContiguity(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	// Writers race, each retrying on the head a conflict reports, until all their
	// change sets are in: the log must hold each exactly once, contiguous from 1.
	const writers, each = 8, 4
	ids := make([][]uuid.UUID, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := uint64(0)
			for i := 0; i < each; {
				cs := changeSet(memberChange(nil, newMember(fmt.Sprintf("Writer %d-%d", w, i))))
				head, err := s.Commit(ctx, d.ID, base, cs)
				switch {
				case err == nil:
					ids[w] = append(ids[w], cs.ID)
					base = head
					i++
				case errors.Is(err, orgkit.ErrConflict):
					base = head
				default:
					assert.NoError(t, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	want := map[uuid.UUID]bool{}
	for _, w := range ids {
		for _, id := range w {
			want[id] = true
		}
	}
	require.Len(t, want, writers*each)
	for _, limit := range []int{1, 3, writers * each} {
		for _, after := range []uint64{0, 1, writers*each - 2} {
			seen := map[uuid.UUID]bool{}
			for next := after; ; {
				page, err := s.Changes(ctx, d.ID, next, limit)
				require.NoError(t, err)
				for i, cs := range page {
					require.NotNil(t, cs)
					require.Equal(t, next+uint64(i)+1, cs.Version, "Changes(%d, limit %d)[%d]", next, limit, i)
					assert.False(t, seen[cs.ID], "change set %s twice", cs.ID)
					seen[cs.ID] = true
					assert.True(t, want[cs.ID], "change set %s was not committed", cs.ID)
				}
				if len(page) < limit {
					break
				}
				next += uint64(len(page))
			}
			assert.Len(t, seen, writers*each-int(after), "every change set after version %d, once (limit %d)", after, limit)
		}
	}
}

func testChangeSetID(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, d))

	noID := changeSet(memberChange(nil, newMember("Nobody")))
	noID.ID = uuid.Nil
	_, err := s.Commit(ctx, d.ID, 0, noID)
	assert.ErrorIs(t, err, orgkit.ErrInvalid, "a change set without an ID is refused")

	ids := []uuid.UUID{newChangeSetID(), newChangeSetID(), uuid.New()} // version 7 and version 4
	for i, id := range ids {
		cs := changeSet(memberChange(nil, newMember(fmt.Sprintf("Member %d", i))))
		cs.ID = id
		_, err := s.Commit(ctx, d.ID, uint64(i), cs)
		require.NoError(t, err)
		assert.Equal(t, id, cs.ID, "Commit leaves the ID as given")
	}
	log, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	require.Len(t, log, len(ids))
	for i, cs := range log {
		assert.Equal(t, ids[i], cs.ID, "version %d keeps its change set's ID", i+1)
	}
	// The resolution of an unknown outcome: version base+1 tells whether a change
	// set landed.
	page, err := s.Changes(ctx, d.ID, 1, 1)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, ids[1], page[0].ID, "Changes(base, 1) returns version base+1 with its ID")

	// The ID is an idempotency key: a change set lands once, and committing it again
	// — on the head or on the stale base it was planned on — is refused.
	for _, tc := range []struct {
		id   uuid.UUID
		base uint64
	}{{ids[2], 3}, {ids[0], 0}, {ids[1], 1}} {
		again := changeSet(memberChange(nil, newMember("Again")))
		again.ID = tc.id
		head, err := s.Commit(ctx, d.ID, tc.base, again)
		assert.ErrorIs(t, err, store.ErrDuplicateID, "change set %s committed again on base %d", tc.id, tc.base)
		assert.ErrorIs(t, err, orgkit.ErrPrecondition)
		assert.NotErrorIs(t, err, orgkit.ErrConflict, "a retry learns that its change set landed, not that it conflicts")
		assert.Equal(t, uint64(len(ids)), head, "a refused commit returns the current head")
	}
	after, err := allChanges(ctx, s, d.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, log, after, "the log after refused commits of taken IDs")
}

func testNoAliasing(t *testing.T, s store.Store) {
	ctx := t.Context()
	d := *fullDirectory()
	created := d.Clone()
	require.NoError(t, s.CreateDirectory(ctx, d))
	scramble(&d) // what CreateDirectory was given is the caller's again

	node, mem, rl, grp := fullNode(), fullMember(), fullRole(), fullGroup()
	asg := fullAssignment(mem.ID)
	settings := fullDirectory()
	settings.ID, settings.Key, settings.Default, settings.CreatedAt = created.ID, created.Key, created.Default, created.CreatedAt
	cs1 := &store.ChangeSet{ID: newChangeSetID(), Meta: meta("create"), Changes: []store.Change{
		{Kind: store.KindSettings, Before: &created, After: settings},
		nodeChange(nil, node), memberChange(nil, mem),
		{Kind: store.KindRole, After: rl}, {Kind: store.KindRoleGroup, After: grp}, {Kind: store.KindAssignment, After: asg},
	}}
	_, err := s.Commit(ctx, created.ID, 0, cs1)
	require.NoError(t, err)
	mem2 := mem.Clone()
	mem2.JobTitle = "Fellow"
	cs2 := changeSet(memberChange(mem, mem2))
	_, err = s.Commit(ctx, created.ID, 1, cs2)
	require.NoError(t, err)

	wantRecs, err := s.Load(ctx, created.ID)
	require.NoError(t, err)
	wantRecs = deepRecords(wantRecs)
	wantLog, err := allChanges(ctx, s, created.ID, 0)
	require.NoError(t, err)
	for i := range wantLog {
		wantLog[i] = deepCopy(wantLog[i])
	}
	wantDirs, err := s.Directories(ctx)
	require.NoError(t, err)
	for i := range wantDirs {
		wantDirs[i] = wantDirs[i].Clone()
	}

	// Modify everything given to Commit, and everything the store returned.
	for _, cs := range []*store.ChangeSet{cs1, cs2} {
		scrambleChangeSet(cs)
	}
	recs, err := s.Load(ctx, created.ID)
	require.NoError(t, err)
	scrambleRecords(recs)
	log, err := allChanges(ctx, s, created.ID, 0)
	require.NoError(t, err)
	for _, cs := range log {
		scrambleChangeSet(cs)
	}
	page, err := s.Changes(ctx, created.ID, 0, 1)
	require.NoError(t, err)
	for _, cs := range page {
		scrambleChangeSet(cs)
	}
	dirs, err := s.Directories(ctx)
	require.NoError(t, err)
	for i := range dirs {
		scramble(&dirs[i])
	}

	got, err := s.Load(ctx, created.ID)
	require.NoError(t, err)
	assertRecords(t, wantRecs, got)
	gotLog, err := allChanges(ctx, s, created.ID, 0)
	require.NoError(t, err)
	assertChangeSets(t, wantLog, gotLog, "the log after its readers and writers modified their copies")
	gotDirs, err := s.Directories(ctx)
	require.NoError(t, err)
	assert.Equal(t, wantDirs, gotDirs, "Directories after its readers modified their copies")
}

func testNotifications(t *testing.T, s store.Store) {
	n, ok := s.(store.Notifier)
	if !ok {
		t.Skip("the store does not implement store.Notifier")
	}
	ctx := t.Context()
	a, b := newDirectory(), newDirectory()
	require.NoError(t, s.CreateDirectory(ctx, a))
	require.NoError(t, s.CreateDirectory(ctx, b))

	watch := func(ctx context.Context) <-chan store.Notice {
		ch := make(chan store.Notice, 1024)
		require.NoError(t, n.Watch(ctx, func(n store.Notice) {
			select {
			case ch <- n:
			default: // the test's buffer is full: the test fails on a missing notice
			}
		}))
		return ch
	}
	cancelled, cancel := context.WithCancel(ctx)
	early := watch(cancelled)
	seen := watch(ctx)

	// Commits to both directories from several goroutines.
	const perDir = 5
	var wg sync.WaitGroup
	for _, d := range []store.DirectoryRecord{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perDir {
				_, err := s.Commit(ctx, d.ID, uint64(i), changeSet(memberChange(nil, newMember(fmt.Sprintf("Member %d", i)))))
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	awaitHeads(t, s, seen, map[orgkit.DirectoryID]uint64{a.ID: perDir, b.ID: perDir})
	awaitHeads(t, s, early, map[orgkit.DirectoryID]uint64{a.ID: perDir, b.ID: perDir})

	// A cancelled subscription hears nothing more.
	cancel()
	_, err := s.Commit(ctx, a.ID, perDir, changeSet(memberChange(nil, newMember("Late"))))
	require.NoError(t, err)
	awaitHeads(t, s, seen, map[orgkit.DirectoryID]uint64{a.ID: perDir + 1})
	for {
		select {
		case got := <-early:
			assert.False(t, got.Directory == a.ID && got.Head > perDir, "a notice after the subscription's context was done: %+v", got)
			continue
		default:
		}
		break
	}

	err = n.Watch(cancelled, func(store.Notice) {})
	assert.Error(t, err, "Watch with a context already done")
}

// noticeWait bounds how long the notification sub-test waits for a notice before it
// fails: a store that delivers notices asynchronously gets ample time.
const noticeWait = 30 * time.Second

// awaitHeads receives notices until each directory's notified head reaches want,
// checking that no notice is ahead of what Changes returns.
func awaitHeads(t *testing.T, s store.Store, ch <-chan store.Notice, want map[orgkit.DirectoryID]uint64) {
	t.Helper()
	ctx := t.Context()
	got := map[orgkit.DirectoryID]uint64{}
	timeout := time.NewTimer(noticeWait)
	defer timeout.Stop()
	for done := 0; done < len(want); {
		select {
		case n := <-ch:
			if n.Directory.IsZero() {
				continue // a break in delivery: allowed at any time
			}
			page, err := s.Changes(ctx, n.Directory, n.Head-1, 1)
			require.NoError(t, err)
			assert.Len(t, page, 1, "the notice %+v is ahead of what Changes returns", n)
			w, ok := want[n.Directory]
			if !ok || got[n.Directory] >= w {
				continue
			}
			if n.Head >= w {
				done++
			}
			got[n.Directory] = max(got[n.Directory], n.Head)
		case <-timeout.C:
			t.Fatalf("notified heads %v after %v, want %v", got, noticeWait, want)
		}
	}
}

// ---- scrambling: modify everything a caller holds ----

// scramble modifies every field of d, and every element of its slices and maps.
func scramble(d *store.DirectoryRecord) {
	d.Name.Default += "!"
	for k := range d.Name.ByLang {
		d.Name.ByLang[k] += "!"
	}
	if d.Name.ByLang != nil {
		d.Name.ByLang["xx"] = "scrambled"
	}
	d.UpstreamID += "!"
	for i := range d.SyncedMemberFields {
		d.SyncedMemberFields[i]++
	}
	for i := range d.SyncedNodeFields {
		d.SyncedNodeFields[i]++
	}
	for i := range d.CardLayouts {
		d.CardLayouts[i].Kind++
		for j := range d.CardLayouts[i].Fields {
			d.CardLayouts[i].Fields[j]++
		}
	}
	d.Leader, d.Root = orgkit.NewMemberID(), orgkit.NewNodeID()
	d.MultiOrg = !d.MultiOrg
}

// scrambleChangeSet modifies cs, its metadata and every image in it.
func scrambleChangeSet(cs *store.ChangeSet) {
	if cs == nil {
		return
	}
	cs.ID, cs.Version = uuid.New(), cs.Version+100
	cs.Meta.Actor += "!"
	cs.Meta.Reason += "!"
	for i := range cs.Changes {
		scrambleImage(cs.Changes[i].Before)
		scrambleImage(cs.Changes[i].After)
	}
	if len(cs.Changes) > 0 {
		cs.Changes[0].Kind++
	}
}

// scrambleRecords modifies every record of r.
func scrambleRecords(r *store.Records) {
	r.Head += 100
	scramble(&r.Directory)
	for _, v := range r.Nodes {
		scrambleImage(v)
	}
	for _, v := range r.Members {
		scrambleImage(v)
	}
	for _, v := range r.Roles {
		scrambleImage(v)
	}
	for _, v := range r.RoleGroups {
		scrambleImage(v)
	}
	for _, v := range r.Assignments {
		scrambleImage(v)
	}
	if len(r.Members) > 0 {
		r.Members[0] = nil
	}
}

// scrambleImage modifies a record in place: a field of each kind, and every element
// of its slices and maps.
func scrambleImage(v any) {
	names := func(n *orgkit.Names) {
		n.Default += "!"
		for k := range n.ByLang {
			n.ByLang[k] += "!"
		}
	}
	switch r := v.(type) {
	case *store.DirectoryRecord:
		if r != nil {
			scramble(r)
		}
	case *orgtree.Node:
		if r == nil {
			return
		}
		names(&r.Name)
		r.Code += "!"
		for i := range r.Assistants {
			r.Assistants[i] = orgkit.NewMemberID()
		}
		for i := range r.Observers {
			r.Observers[i] = orgkit.NewMemberID()
		}
		for _, w := range []*orgtree.Whitelist{&r.Isolation.VisibilityWhitelist, &r.Isolation.ContactWhitelist} {
			for i := range w.Members {
				w.Members[i] = orgkit.NewMemberID()
			}
			for i := range w.Nodes {
				w.Nodes[i] = orgkit.NewNodeID()
			}
		}
	case *member.Member:
		if r == nil {
			return
		}
		names(&r.SystemName)
		r.FullName += "!"
		r.Mobile += "9"
		for i := range r.Secondary {
			r.Secondary[i] = orgkit.NewNodeID()
		}
		for i := range r.ResponsibleLines {
			r.ResponsibleLines[i] += "!"
		}
	case *role.Role:
		if r == nil {
			return
		}
		names(&r.Name)
		for i := range r.Permissions {
			r.Permissions[i] += "!"
		}
	case *role.Group:
		if r != nil {
			names(&r.Name)
		}
	case *role.Assignment:
		if r == nil {
			return
		}
		for i := range r.Roles {
			r.Roles[i] = orgkit.NewRoleID()
		}
		r.Primary = orgkit.NewRoleID()
	}
}

// deepRecords returns a copy of r sharing nothing with it.
func deepRecords(r *store.Records) *store.Records {
	c := &store.Records{Head: r.Head, Directory: r.Directory.Clone()}
	for _, v := range r.Nodes {
		c.Nodes = append(c.Nodes, v.Clone())
	}
	for _, v := range r.Members {
		c.Members = append(c.Members, v.Clone())
	}
	for _, v := range r.Roles {
		c.Roles = append(c.Roles, v.Clone())
	}
	for _, v := range r.RoleGroups {
		c.RoleGroups = append(c.RoleGroups, v.Clone())
	}
	for _, v := range r.Assignments {
		c.Assignments = append(c.Assignments, v.Clone())
	}
	return c
}

// ---- fixtures ----

// timestamp returns the current time as SQL databases keep it: UTC, microseconds.
func timestamp() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// newDirectory returns a minimal directory record with a fresh ID and key.
func newDirectory() store.DirectoryRecord {
	id := orgkit.NewDirectoryID()
	return store.DirectoryRecord{
		ID:        id,
		Key:       "d-" + id.String(),
		Name:      orgkit.Name("Directory " + id.String()[:8]),
		Platform:  orgkit.Generic,
		Root:      orgkit.NewNodeID(),
		AdminRole: orgkit.NewRoleID(),
		CreatedAt: timestamp(),
	}
}

// fullDirectory returns a directory record with every field set.
func fullDirectory() *store.DirectoryRecord {
	id := orgkit.NewDirectoryID()
	return &store.DirectoryRecord{
		ID:                 id,
		Key:                "acme-" + id.String(),
		Name:               orgkit.Names{Default: "Acme 集团", ByLang: map[string]string{"en": "Acme Group", "zh-Hans": "爱克米集团", "zh-Hant": "愛克米集團"}},
		Platform:           orgkit.DingTalk,
		UpstreamID:         "ding-corp-0042",
		SyncedMemberFields: []member.Field{member.FullNameField, member.MobileField, member.EmailField, member.PrimaryDepartmentField},
		SyncedNodeFields:   []orgtree.Field{orgtree.NameField, orgtree.ParentField, orgtree.ManagerField},
		CardLayouts: []member.Layout{
			{Kind: member.HoverCard, Fields: []member.Field{member.PrimaryDepartmentField, member.MobileField}},
			{Kind: member.ProfilePage, Fields: []member.Field{member.BioField, member.HireDateField, member.ExtendedAField}},
		},
		Leader:           orgkit.NewMemberID(),
		DisallowSelfJoin: true,
		MultiOrg:         true,
		Default:          true,
		Root:             orgkit.NewNodeID(),
		AdminRole:        orgkit.NewRoleID(),
		CreatedAt:        time.Date(2021, time.June, 30, 23, 59, 58, 123456000, time.UTC),
	}
}

// fullNode returns a department with every field set.
func fullNode() *orgtree.Node {
	return &orgtree.Node{
		ID:         orgkit.NewNodeID(),
		Kind:       orgtree.Department,
		Parent:     orgkit.NewNodeID(),
		Name:       orgkit.Names{Default: "研发部", ByLang: map[string]string{"en": "R&D", "zh-Hant": "研發部"}},
		Code:       "BJ-RD.01",
		Order:      -7,
		Manager:    orgkit.NewMemberID(),
		Assistants: []orgkit.MemberID{orgkit.NewMemberID(), orgkit.NewMemberID()},
		Observers:  []orgkit.MemberID{orgkit.NewMemberID()},
		Group:      orgtree.GroupSettings{IncludeSubMembers: true, IncludeIsolatedSubMembers: true},
		Isolation: orgtree.Isolation{
			HideFromOutside:     true,
			VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{orgkit.NewMemberID()}, Nodes: []orgkit.NodeID{orgkit.NewNodeID(), orgkit.NewNodeID()}},
			ContactView:         orgtree.OnlySelf,
			ContactWhitelist:    orgtree.Whitelist{Members: []orgkit.MemberID{orgkit.NewMemberID(), orgkit.NewMemberID()}, Nodes: []orgkit.NodeID{orgkit.NewNodeID()}},
			Reception:           orgtree.OnlyThisNode,
		},
		Status:     orgkit.Retired,
		ExternalID: "dept-4711",
		MergedInto: orgkit.NewNodeID(),
	}
}

// fullMember returns a member with every field set.
func fullMember() *member.Member {
	return &member.Member{
		ID:                     orgkit.NewMemberID(),
		SystemName:             orgkit.Names{Default: "ada.l", ByLang: map[string]string{"en": "Ada L.", "zh-Hans": "艾达"}},
		FullName:               "Ada Lovelace 艾达",
		LoginMethod:            member.LoginByEmail,
		Mobile:                 "+85212345678",
		Email:                  "ada@example.com",
		LoginAccount:           "ada",
		Gender:                 member.Female,
		SSOAccount:             "ada@sso.example.com",
		Status:                 orgkit.Inactive,
		LoginBlocked:           true,
		ActivatedAt:            time.Date(2023, time.March, 5, 6, 7, 8, 654321000, time.UTC),
		Primary:                orgkit.NewNodeID(),
		Secondary:              []orgkit.NodeID{orgkit.NewNodeID(), orgkit.NewNodeID()},
		AffiliatedDepartment:   orgkit.NewNodeID(),
		AffiliatedOrganization: orgkit.NewNodeID(),
		JobTitle:               "Principal Engineer",
		ReportingManager:       orgkit.NewMemberID(),
		HireDate:               member.Date{Year: 2019, Month: time.December, Day: 31},
		EmploymentDate:         member.Date{Year: 2020, Month: time.January, Day: 2},
		EmployeeNumber:         "E-000042",
		ResponsibleLines:       []string{"华北", "Export, EMEA", ""},
		Avatar:                 member.Avatar{URI: "https://cdn.example.com/a/ada.png", MIMEType: "image/png", Size: 48213, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		Birthday:               member.Date{Year: 1815, Month: time.December, Day: 10},
		OfficePhone:            "+86-10-88886666",
		Extension:              "8042",
		QQ:                     "10001",
		WeChat:                 "ada_wx",
		Language:               "zh-Hans",
		TimeZone:               "Asia/Shanghai",
		Region:                 "CN",
		Bio:                    "Line one\nline two — “quoted” 🚀",
		WorkDetails:            "Analytical engines\tand notes",
		WorkPlace:              "Beijing, 3F",
		ExtendedA:              "=SUM(A1:A2)",
		ExtendedB:              "'leading quote",
		ExternalID:             "ding-user-0042",
		SelfJoined:             true,
		GivenName:              "Ada",
		FamilyName:             "Lovelace",
		Deprovisioned:          true,
		MobileAsWritten:        "139 0000 0042",
		EmailAsWritten:         "Ada@Example.com",
	}
}

// fullRole returns a role with every field set.
func fullRole() *role.Role {
	return &role.Role{
		ID:          orgkit.NewRoleID(),
		Name:        orgkit.Names{Default: "销售经理", ByLang: map[string]string{"en": "Sales manager"}},
		Kind:        role.Admin,
		Group:       orgkit.NewRoleGroupID(),
		Permissions: []string{"crm.lead.read", "crm.lead.write", "报表.查看"},
		OrgAdmin:    true,
		Status:      orgkit.Inactive,
	}
}

// fullGroup returns a role group with every field set.
func fullGroup() *role.Group {
	return &role.Group{
		ID:     orgkit.NewRoleGroupID(),
		Name:   orgkit.Names{Default: "销售角色", ByLang: map[string]string{"en": "Sales roles"}},
		Status: orgkit.Inactive,
	}
}

// fullAssignment returns an assignment of two roles to m, the second primary.
func fullAssignment(m orgkit.MemberID) *role.Assignment {
	r1, r2 := orgkit.NewRoleID(), orgkit.NewRoleID()
	return &role.Assignment{Member: m, Roles: []orgkit.RoleID{r1, r2}, Primary: r2}
}

// newMember returns an active member with a few fields set.
func newMember(name string) *member.Member {
	return &member.Member{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(name), FullName: name}
}

// newNode returns a department with a name.
func newNode(name string) *orgtree.Node {
	return &orgtree.Node{ID: orgkit.NewNodeID(), Kind: orgtree.Department, Parent: orgkit.NewNodeID(), Name: orgkit.Name(name)}
}

// meta returns change-set metadata with every field set.
func meta(reason string) store.Meta {
	return store.Meta{Actor: "admin@example.com", Reason: reason, Origin: store.OriginSync, Time: timestamp(), IfVersion: 3,
		Erased: []member.Field{member.MobileField, member.BioField}}
}

// changeSet returns a change set of changes with metadata.
func changeSet(changes ...store.Change) *store.ChangeSet {
	return &store.ChangeSet{ID: newChangeSetID(), Meta: meta("test"), Changes: changes}
}

// newChangeSetID returns a fresh change-set ID, as the service sets one.
func newChangeSetID() uuid.UUID { return store.NewChangeSetID() }

// pageSize is the limit allChanges reads pages with: small, so that every sub-test
// reading a log reads it in several pages.
const pageSize = 2

// allChanges reads every change set after version after, page by page, checking on
// the way that each page is contiguous, starts where asked and is full unless it is
// the last.
func allChanges(ctx context.Context, s store.Store, dir orgkit.DirectoryID, after uint64) ([]*store.ChangeSet, error) {
	var out []*store.ChangeSet
	for {
		page, err := s.Changes(ctx, dir, after, pageSize)
		if err != nil {
			return nil, err
		}
		if len(page) > pageSize {
			return nil, fmt.Errorf("Changes(%d, limit %d) returned %d change sets", after, pageSize, len(page))
		}
		for i, cs := range page {
			if cs == nil || cs.Version != after+uint64(i)+1 {
				return nil, fmt.Errorf("Changes(%d, limit %d)[%d] is %s, want version %d", after, pageSize, i, describe(cs), after+uint64(i)+1)
			}
		}
		out = append(out, page...)
		if len(page) < pageSize {
			return out, nil
		}
		after += uint64(len(page))
	}
}

// describe names a change set by its version, for messages.
func describe(cs *store.ChangeSet) string {
	if cs == nil {
		return "nil"
	}
	return fmt.Sprintf("version %d", cs.Version)
}

// memberChange returns a member change; before is nil for a creation.
func memberChange(before, after *member.Member) store.Change {
	c := store.Change{Kind: store.KindMember, After: after}
	if before != nil {
		c.Before = before
	}
	return c
}

// nodeChange returns a node change; before is nil for a creation.
func nodeChange(before, after *orgtree.Node) store.Change {
	c := store.Change{Kind: store.KindNode, After: after}
	if before != nil {
		c.Before = before
	}
	return c
}

// ---- comparisons ----

// requireComplete fails when a fixture leaves any exported field, at any depth of
// nested structs, at its zero value: a field added to a record must be added to its
// fixture, so that the round trip covers it.
func requireComplete(t *testing.T, v any) {
	t.Helper()
	rv := reflect.Indirect(reflect.ValueOf(v))
	var missing []string
	findZero(rv, rv.Type().String(), &missing)
	require.Empty(t, missing, "the fixture leaves these fields at their zero value; set them so the round trip covers them")
}

func findZero(v reflect.Value, path string, missing *[]string) {
	if v.IsZero() {
		*missing = append(*missing, path)
		return
	}
	if v.Kind() != reflect.Struct || v.Type() == reflect.TypeFor[time.Time]() {
		return
	}
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() {
			findZero(v.Field(i), path+"."+f.Name, missing)
		}
	}
}

// expect returns the records a directory should hold: d's settings and the given
// records (*orgtree.Node, *member.Member, *role.Role, *role.Group, *role.Assignment).
func expect(head uint64, d store.DirectoryRecord, records ...any) *store.Records {
	r := &store.Records{Head: head, Directory: d}
	for _, v := range records {
		switch v := v.(type) {
		case *orgtree.Node:
			r.Nodes = append(r.Nodes, v)
		case *member.Member:
			r.Members = append(r.Members, v)
		case *role.Role:
			r.Roles = append(r.Roles, v)
		case *role.Group:
			r.RoleGroups = append(r.RoleGroups, v)
		case *role.Assignment:
			r.Assignments = append(r.Assignments, v)
		default:
			panic(fmt.Sprintf("storetest: expect: %T is not a record", v))
		}
	}
	return r
}

// assertRecords compares two sets of records regardless of the order of each kind.
func assertRecords(t *testing.T, want, got *store.Records) {
	t.Helper()
	require.NotNil(t, got, "Load returned nil records")
	want, got = normalize(want), normalize(got)
	assert.Equal(t, want.Head, got.Head, "Records.Head")
	assert.Equal(t, want.Directory, got.Directory, "Records.Directory")
	assertSlice(t, want.Nodes, got.Nodes, "Records.Nodes")
	assertSlice(t, want.Members, got.Members, "Records.Members")
	assertSlice(t, want.Roles, got.Roles, "Records.Roles")
	assertSlice(t, want.RoleGroups, got.RoleGroups, "Records.RoleGroups")
	assertSlice(t, want.Assignments, got.Assignments, "Records.Assignments")
}

// assertChangeSets compares change sets: versions, metadata and every change.
func assertChangeSets(t *testing.T, want, got []*store.ChangeSet, what string) {
	t.Helper()
	if !assert.Equal(t, len(want), len(got), "%s: number of change sets", what) {
		return
	}
	for i, w := range want {
		g := got[i]
		if !assert.NotNil(t, g, "%s[%d]", what, i) {
			continue
		}
		assert.Equal(t, w.ID, g.ID, "%s[%d].ID", what, i)
		assert.Equal(t, w.Version, g.Version, "%s[%d].Version", what, i)
		assert.Equal(t, w.Meta, g.Meta, "%s[%d].Meta", what, i)
		assertSlice(t, w.Changes, g.Changes, fmt.Sprintf("%s[%d].Changes", what, i))
	}
}

// maxShown bounds the differences assertSlice reports, so that a store failing on
// 20,000 records reports a few of them quickly instead of diffing them all.
const maxShown = 3

// assertSlice compares two slices element by element.
func assertSlice[T any](t *testing.T, want, got []T, what string) {
	t.Helper()
	if !assert.Equal(t, len(want), len(got), "%s: length", what) {
		return
	}
	shown := 0
	for i := range want {
		if assert.ObjectsAreEqual(want[i], got[i]) {
			continue
		}
		if shown == maxShown {
			t.Errorf("%s: more elements differ; only the first %d are shown", what, maxShown)
			return
		}
		assert.Equal(t, want[i], got[i], "%s[%d]", what, i)
		shown++
	}
}

// normalize sorts each kind of record by ID and turns empty slices into nil.
func normalize(r *store.Records) *store.Records {
	return &store.Records{
		Head:        r.Head,
		Directory:   r.Directory,
		Nodes:       sortedBy(r.Nodes, func(n *orgtree.Node) uuid.UUID { return n.ID.UUID() }),
		Members:     sortedBy(r.Members, func(m *member.Member) uuid.UUID { return m.ID.UUID() }),
		Roles:       sortedBy(r.Roles, func(r *role.Role) uuid.UUID { return r.ID.UUID() }),
		RoleGroups:  sortedBy(r.RoleGroups, func(g *role.Group) uuid.UUID { return g.ID.UUID() }),
		Assignments: sortedBy(r.Assignments, func(a *role.Assignment) uuid.UUID { return a.Member.UUID() }),
	}
}

// sortedDirectories returns the directory records sorted by ID, as Directories lists
// them.
func sortedDirectories(ds ...store.DirectoryRecord) []store.DirectoryRecord {
	c := slices.Clone(ds)
	slices.SortFunc(c, func(a, b store.DirectoryRecord) int { return a.ID.Compare(b.ID) })
	return c
}

// sortedBy returns a copy of s sorted by id, or nil when s is empty.
func sortedBy[T any](s []*T, id func(*T) uuid.UUID) []*T {
	if len(s) == 0 {
		return nil
	}
	c := slices.Clone(s)
	slices.SortFunc(c, func(a, b *T) int {
		x, y := id(a), id(b)
		return bytes.Compare(x[:], y[:])
	})
	return c
}

// deepCopy returns a copy of cs sharing nothing with it, to check later that the
// store did not modify what it was given, or that it shares nothing with its callers.
func deepCopy(cs *store.ChangeSet) *store.ChangeSet { return cs.Clone() }

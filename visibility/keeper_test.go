package visibility_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
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
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/visibility"
)

// sameAnswers returns "" when a and b answer every check alike for the given members
// and nodes (every pair), or the first check they disagree on.
func sameAnswers(a, b *visibility.Index, members []orgkit.MemberID, nodes []orgkit.NodeID) string {
	for _, v := range members {
		for _, t := range members {
			if a.CanSee(v, t) != b.CanSee(v, t) {
				return fmt.Sprintf("CanSee(%s, %s)", v, t)
			}
			if a.CanReadMember(v, t) != b.CanReadMember(v, t) || a.CanWriteMember(v, t) != b.CanWriteMember(v, t) {
				return fmt.Sprintf("CanRead/WriteMember(%s, %s)", v, t)
			}
		}
		for _, d := range nodes {
			if a.CanRead(v, d) != b.CanRead(v, d) || a.CanWrite(v, d) != b.CanWrite(v, d) {
				return fmt.Sprintf("CanRead/Write(%s, %s)", v, d)
			}
			if a.CanSeeNode(v, d) != b.CanSeeNode(v, d) || a.CanSeeFeed(v, d) != b.CanSeeFeed(v, d) {
				return fmt.Sprintf("CanSeeNode/Feed(%s, %s)", v, d)
			}
			if a.Receives(d, v) != b.Receives(d, v) || a.InGroup(d, v) != b.InGroup(d, v) {
				return fmt.Sprintf("Receives/InGroup(%s, %s)", d, v)
			}
			if a.ExplainCanSeeNode(v, d).Rule != b.ExplainCanSeeNode(v, d).Rule {
				return fmt.Sprintf("ExplainCanSeeNode(%s, %s)", v, d)
			}
		}
	}
	return ""
}

// randomEdit returns a random edit of the kinds that bear on visibility.
func randomEdit(r *rand.Rand, w *world, admin orgkit.RoleID, step int) orgkit.Command {
	ms := w.members[:len(w.members)-1]
	live := w.nodes[:len(w.nodes)-1]
	m, nd := ms[r.IntN(len(ms))], live[r.IntN(len(live))]
	switch r.IntN(9) {
	case 0:
		return member.Update{ID: m, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: nd}}
	case 1:
		return member.Update{ID: m, Fields: []member.Field{member.SecondaryDepartmentsField}, Value: member.Member{Secondary: []orgkit.NodeID{nd}}}
	case 2:
		return member.Deactivate{Members: []orgkit.MemberID{m}}
	case 3:
		return member.Activate{Members: []orgkit.MemberID{m}}
	case 4:
		id := orgkit.NewMemberID()
		w.members = append([]orgkit.MemberID{id}, w.members...)
		return member.Create{ID: id, SystemName: orgkit.Name(fmt.Sprintf("k%d", step)), Email: fmt.Sprintf("k%d@example.test", step),
			LoginMethod: member.LoginByEmail, Primary: nd}
	case 5:
		return role.Assign{Members: []orgkit.MemberID{m}, Roles: []orgkit.RoleID{admin}}
	case 6:
		return orgtree.Rename{Node: nd, Name: orgkit.Name(fmt.Sprintf("K%d", step))}
	case 7:
		return orgtree.SetManager{Node: nd, Member: m}
	}
	return orgtree.SetIsolation{Node: nd, Isolation: orgtree.Isolation{HideFromOutside: r.IntN(2) == 0,
		ContactView: orgtree.ContactView(r.IntN(3)), VisibilityWhitelist: orgtree.Whitelist{Members: []orgkit.MemberID{m}}}}
}

// After a sequence of edits made through two services on one store, the keeper of one
// of them returns, at every step, an index that answers as a fresh Compile of the
// latest snapshot does.
func TestKeeperFollowsTwoServices(t *testing.T) {
	ctx := context.Background()
	steps := 60
	if testing.Short() || raceEnabled {
		steps = 20
	}
	w := buildRandom(t, spec{Seed: 42, Nodes: 10, Members: 25})
	dir := w.snap.ID()
	admin := w.snap.Settings().AdminRole
	a := w.svc
	b := directory.New(directory.Options{Store: a.Store()})
	keeper := visibility.NewKeeper(a)
	defer keeper.Close()
	first, err := keeper.Index(ctx, dir)
	require.NoError(t, err)
	require.Equal(t, w.snap.Version(), first.Snapshot().Version())

	r := rand.New(rand.NewPCG(42, 1))
	for step := range steps {
		svc := []*directory.Service{a, b}[r.IntN(2)]
		cmds := []orgkit.Command{randomEdit(r, w, admin, step)}
		if r.IntN(4) == 0 {
			cmds = append(cmds, randomEdit(r, w, admin, step+1000))
		}
		if _, err := svc.Apply(ctx, dir, directory.Meta{Actor: "test"}, cmds...); err != nil {
			continue // refused (e.g. the root's isolation): nothing changed
		}
		if r.IntN(3) == 0 {
			continue // several commits between two reads of the index
		}
		idx, err := keeper.Index(ctx, dir)
		require.NoError(t, err)
		latest, err := directory.New(directory.Options{Store: a.Store()}).Snapshot(ctx, dir)
		require.NoError(t, err)
		require.Equal(t, latest.Version(), idx.Snapshot().Version(), "step %d: the keeper's index is of the latest snapshot", step)
		if msg := sameAnswers(idx, visibility.Compile(latest), w.members, w.nodes); msg != "" {
			t.Fatalf("step %d: the keeper's index and a fresh Compile disagree on %s\n%s", step, msg, dump(latest))
		}
		if msg := disagreement(latest, idx, w.members, w.nodes, 100, uint64(step)); msg != "" {
			t.Fatalf("step %d: %s", step, msg)
		}
	}
}

// The keeper updates its index from the change sets rather than compiling afresh:
// the index of the next version shares what the edit did not touch, which a Compile
// would not; and an index handed out earlier keeps answering for its own snapshot.
func TestKeeperUpdatesIncrementally(t *testing.T) {
	ctx := context.Background()
	w := buildRandom(t, spec{Seed: 7, Nodes: 8, Members: 20})
	dir := w.snap.ID()
	keeper := visibility.NewKeeper(w.svc)
	defer keeper.Close()
	before, err := keeper.Index(ctx, dir)
	require.NoError(t, err)
	again, err := keeper.Index(ctx, dir)
	require.NoError(t, err)
	assert.Same(t, before, again, "with nothing changed, the same index")

	m := w.members[1]
	_, err = w.svc.Apply(ctx, dir, directory.Meta{}, member.Update{ID: m, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Chief"}})
	require.NoError(t, err)
	after, err := keeper.Index(ctx, dir)
	require.NoError(t, err)
	assert.Equal(t, before.Snapshot().Version()+1, after.Snapshot().Version())
	assert.NotSame(t, before, after)
	assert.Empty(t, sameAnswers(before, after, w.members, w.nodes), "a job title bears on no check")
	assert.Empty(t, disagreement(before.Snapshot(), before, w.members, w.nodes, 100, 1), "the earlier index still answers for its snapshot")
}

// Concurrent commits from two services and concurrent reads of the keeper, for the
// race detector; at the end the keeper's index equals a fresh Compile.
func TestKeeperConcurrent(t *testing.T) {
	ctx := context.Background()
	w := buildRandom(t, spec{Seed: 9, Nodes: 8, Members: 20})
	dir := w.snap.ID()
	admin := w.snap.Settings().AdminRole
	a := w.svc
	b := directory.New(directory.Options{Store: a.Store(), MaxStaleness: time.Hour})
	keeper := visibility.NewKeeper(a)
	defer keeper.Close()

	writes := 15
	if testing.Short() || raceEnabled {
		writes = 6
	}
	// The edits are drawn up front: randomEdit grows w.members, which readers use.
	r := rand.New(rand.NewPCG(9, 2))
	var edits [2][]orgkit.Command
	for i := range 2 * writes {
		edits[i%2] = append(edits[i%2], randomEdit(r, w, admin, i))
	}
	members, nodes := w.members, w.nodes
	var done atomic.Bool
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			last := uint64(0)
			for i := 0; !done.Load(); i++ {
				idx, err := keeper.Index(ctx, dir)
				if !assert.NoError(t, err) {
					return
				}
				assert.GreaterOrEqual(t, idx.Snapshot().Version(), last, "indexes never go back")
				last = idx.Snapshot().Version()
				idx.CanSee(members[i%len(members)], members[(i*7)%len(members)])
				idx.CanRead(members[i%len(members)], nodes[i%len(nodes)])
			}
		}()
	}
	var writers sync.WaitGroup
	for i, svc := range []*directory.Service{a, b} {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for _, c := range edits[i] {
				_, _ = svc.Apply(ctx, dir, directory.Meta{Actor: "test"}, c)
			}
		}()
	}
	writers.Wait()
	done.Store(true)
	readers.Wait()

	idx, err := keeper.Index(ctx, dir)
	require.NoError(t, err)
	latest, err := directory.New(directory.Options{Store: a.Store()}).Snapshot(ctx, dir)
	require.NoError(t, err)
	require.Equal(t, latest.Version(), idx.Snapshot().Version())
	assert.Empty(t, sameAnswers(idx, visibility.Compile(latest), members, nodes))
}

// An index for a directory the service does not know is an error; the zero Keeper
// refuses clearly.
func TestKeeperErrors(t *testing.T) {
	keeper := visibility.NewKeeper(directory.New(directory.Options{}))
	_, err := keeper.Index(t.Context(), orgkit.NewDirectoryID())
	assert.ErrorIs(t, err, orgkit.ErrNotFound)
	var zero visibility.Keeper
	_, err = zero.Index(t.Context(), orgkit.NewDirectoryID())
	assert.ErrorIs(t, err, visibility.ErrNoService)
	zero.Close()
}

// The zero Index, and a nil one, know nobody: every check says no, every list is
// empty, and Update compiles afresh.
func TestZeroIndex(t *testing.T) {
	w := buildRandom(t, spec{Seed: 3, Nodes: 4, Members: 6})
	v, u, n := w.members[0], w.members[1], w.nodes[0]
	for name, x := range map[string]*visibility.Index{"zero": {}, "nil": nil} {
		assert.False(t, x.CanRead(v, n), name)
		assert.False(t, x.CanWrite(v, n), name)
		assert.False(t, x.CanReadMember(v, u), name)
		assert.False(t, x.CanWriteMember(v, u), name)
		assert.False(t, x.CanSee(v, v), name)
		assert.False(t, x.CanSeeNode(v, n), name)
		assert.False(t, x.CanSeeFeed(v, n), name)
		assert.False(t, x.Receives(n, v), name)
		assert.False(t, x.InGroup(n, v), name)
		assert.Empty(t, x.ReadScope(v), name)
		for range x.Visible(v) {
			t.Errorf("%s: Visible yields", name)
		}
		for _, seq := range []func(orgkit.MemberID) iter.Seq[orgkit.NodeID]{x.ReadNodes, x.WriteNodes} {
			for range seq(v) {
				t.Errorf("%s: a node list yields", name)
			}
		}
		for _, seq := range []func(orgkit.MemberID) iter.Seq[orgkit.MemberID]{x.ReadMembers, x.WriteMembers} {
			for range seq(v) {
				t.Errorf("%s: a member list yields", name)
			}
		}
		for range x.FeedAudience(n) {
			t.Errorf("%s: FeedAudience yields", name)
		}
		for range x.Recipients(n) {
			t.Errorf("%s: Recipients yields", name)
		}
		for range x.GroupMembers(n) {
			t.Errorf("%s: GroupMembers yields", name)
		}
		for _, d := range []visibility.Decision{x.ExplainCanRead(v, n), x.ExplainCanWrite(v, n), x.ExplainCanReadMember(v, u),
			x.ExplainCanWriteMember(v, u), x.ExplainCanSee(v, u), x.ExplainCanSeeNode(v, n), x.ExplainCanSeeFeed(v, n)} {
			assert.False(t, d.Allowed, name)
			assert.Equal(t, visibility.RuleUnknownMember, d.Rule, name)
			assert.NotEmpty(t, d.String(), name)
		}
		for _, d := range []visibility.Decision{x.ExplainReceives(n, v), x.ExplainInGroup(n, v)} {
			assert.Equal(t, visibility.RuleUnknownNode, d.Rule, name)
		}
		assert.Nil(t, x.Snapshot(), name)
		y := x.Update(w.snap)
		assert.Same(t, w.snap, y.Snapshot(), name)
		assert.Empty(t, sameAnswers(y, visibility.Compile(w.snap), w.members, w.nodes), name)
		assert.Same(t, w.snap, x.UpdateWith(w.snap).Snapshot(), name)
	}
}

package orgkittest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/textnorm"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/store/memstore"
)

// load seeds d into a fresh memstore and loads it with a directory service.
func load(t *testing.T, d *Directory) *directory.Snapshot {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	require.NoError(t, d.Seed(ctx, st))
	snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
	require.NoError(t, err)
	return snap
}

// applyCommands makes d through the write path: genesis, then Commands in one batch.
func applyCommands(t *testing.T, d *Directory) *directory.Snapshot {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	require.NoError(t, d.SeedGenesis(ctx, st))
	svc := directory.New(directory.Options{Store: st})
	cmds := append(d.Commands(), directory.SetLeader{Member: d.Leader()})
	res, err := svc.Apply(ctx, d.ID(), directory.Meta{Actor: "test", Origin: directory.OriginImport}, cmds...)
	require.NoError(t, err)
	return res.Snapshot
}

// sameRecords asserts that two snapshots hold the same records.
func sameRecords(t *testing.T, want, got *directory.Snapshot) {
	t.Helper()
	assert.Equal(t, want.Settings(), got.Settings())
	assert.Equal(t, want.Tree().Len(), got.Tree().Len())
	for n := range want.Tree().Records() {
		g, ok := got.Tree().Record(n.ID)
		if assert.True(t, ok, "node %s", n.Name.Default) {
			assert.Equal(t, n, g, "node %s", n.Name.Default)
		}
	}
	assert.Equal(t, want.MemberCount(), got.MemberCount())
	for m := range want.Members() {
		g, ok := got.Member(m.ID)
		if assert.True(t, ok, "member %s", m.FullName) {
			assert.Equal(t, m, g, "member %s", m.FullName)
		}
		assert.Equal(t, want.Assignment(m.ID), got.Assignment(m.ID), "assignment of %s", m.FullName)
	}
	for r := range want.Roles() {
		g, ok := got.Role(r.ID)
		if assert.True(t, ok) {
			assert.Equal(t, r, g)
		}
	}
	for r := range want.RoleGroups() {
		g, ok := got.RoleGroup(r.ID)
		if assert.True(t, ok) {
			assert.Equal(t, r, g)
		}
	}
}

// TestCommandsObeyTheRules applies generated directories through the write path:
// every rule the service enforces passes, and the result is exactly what Seed writes
// (so the generated records are already normalized).
func TestCommandsObeyTheRules(t *testing.T) {
	shapes := map[string]Shape{
		"wide":      {Departments: 60, Members: 150, MaxDepth: 1, Seed: 11},                         // stems wrap: "研发中心 2"
		"multi-org": {Departments: 40, Members: 120, MaxDepth: 3, Organizations: 10, Seed: 12},      // organizations nested
		"bare":      {Departments: 5, Members: 3, SecondaryShare: -1, IsolationShare: -1, Seed: 13}, // almost nothing
	}
	for seed := uint64(1); seed <= 5; seed++ {
		shapes[fmt.Sprintf("small-%d", seed)] = SmallShape(seed)
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			d := Generate(shape)
			sameRecords(t, load(t, d), applyCommands(t, d))
		})
	}
}

func TestSmallShapes(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		d := Generate(SmallShape(seed))
		checkRecords(t, d)
		st := d.Stats()
		s := d.Shape()
		assert.Equal(t, s.Departments, st.Departments)
		assert.Equal(t, s.Departments, len(d.Departments()))
		assert.Equal(t, s.Members, st.Members)
		assert.Equal(t, s.Organizations, st.Organizations)
		assert.Equal(t, s.Organizations > 0, st.MultiOrg)
		assert.LessOrEqual(t, st.MaxDepth, s.MaxDepth)
		assert.Positive(t, st.IsolatedNodes)
		assert.Positive(t, st.NestedIsolated)
		assert.GreaterOrEqual(t, float64(st.UnderIsolation), s.IsolationShare*float64(st.Members))
		assert.Positive(t, st.InactiveMembers)
		assert.Positive(t, st.InactiveDepartments)
		assert.Positive(t, st.Unassigned)
		assert.Positive(t, st.WithWhitelist)
		assert.Positive(t, st.WithObservers)
		assert.Positive(t, st.WithAssistants)
		assert.Equal(t, st.Members, st.DistinctMobiles+countBlankMobiles(d))
		assert.Len(t, d.Admins(), st.Admins)
		assert.Equal(t, d.Leader(), d.Admins()[0])
		assert.Equal(t, d.Leader(), d.Managers()[0])
		assert.Len(t, d.ActiveMembers(), st.Members-st.InactiveMembers)
		assert.Len(t, d.InactiveMembers(), st.InactiveMembers)
		assert.Len(t, d.IsolatedNodes(), st.IsolatedNodes)
		for _, id := range d.IsolatedNodes() {
			n, ok := d.Node(id)
			require.True(t, ok)
			assert.True(t, n.Isolation.Isolated())
			assert.Positive(t, d.Depth(id))
		}
		assert.Equal(t, 0, d.Depth(d.Root()))
	}
}

// checkRecords checks the rules of the directory service directly on the records,
// for directories too large to go through the write path in a test.
func checkRecords(t *testing.T, d *Directory) {
	t.Helper()
	must := func(ok bool, format string, args ...any) {
		if !ok {
			t.Helper()
			t.Fatalf(format, args...)
		}
	}
	r := d.Records
	nodes := make(map[orgkit.NodeID]*orgtree.Node, len(r.Nodes))
	for _, n := range r.Nodes {
		nodes[n.ID] = n
	}
	members := make(map[orgkit.MemberID]*member.Member, len(r.Members))
	for _, m := range r.Members {
		members[m.ID] = m
	}
	activeMember := func(id orgkit.MemberID) bool {
		m, ok := members[id]
		return ok && m.Status == orgkit.Active
	}
	activeNode := func(id orgkit.NodeID) bool {
		n, ok := nodes[id]
		return ok && n.Status == orgkit.Active
	}
	// nodes
	codes := map[string]bool{}
	kids := map[orgkit.NodeID][]*orgtree.Node{}
	roots := 0
	for _, n := range r.Nodes {
		if n.Parent.IsZero() {
			roots++
			must(r.Directory.Root == n.ID && n.Kind == orgtree.Company, "root %s", n.ID)
			must(!n.Isolation.Isolated() && len(n.Observers) == 0, "root isolated or observed")
		} else {
			p, ok := nodes[n.Parent]
			must(ok && orgtree.CanParent(p.Kind, n.Kind), "%s: parent", n.Name.Default)
			must(n.Status != orgkit.Active || p.Status == orgkit.Active, "%s: parent inactive", n.Name.Default)
			kids[n.Parent] = append(kids[n.Parent], n)
		}
		must(n.Kind != orgtree.Organization || r.Directory.MultiOrg, "organization while single-org")
		if n.Code != "" {
			k := orgtree.CodeKey(n.Code)
			must(orgtree.ValidCode(n.Code) && !codes[k], "code %q", n.Code)
			codes[k] = true
		}
		must(n.Manager.IsZero() || activeMember(n.Manager), "%s: manager", n.Name.Default)
		for _, id := range append(slices.Clone(n.Assistants), n.Observers...) {
			must(activeMember(id), "%s: post", n.Name.Default)
		}
		for _, w := range []orgtree.Whitelist{n.Isolation.VisibilityWhitelist, n.Isolation.ContactWhitelist} {
			for _, id := range w.Members {
				must(activeMember(id), "%s: whitelist member", n.Name.Default)
			}
			for _, id := range w.Nodes {
				must(activeNode(id), "%s: whitelist node", n.Name.Default)
			}
		}
	}
	must(roots == 1, "%d roots", roots)
	for _, sibs := range kids {
		tags := map[string]bool{"": true}
		for _, n := range sibs {
			for tag := range n.Name.ByLang {
				tags[tag] = true
			}
		}
		for tag := range tags {
			seen := map[string]bool{}
			for _, n := range sibs {
				name := n.Name.Default
				if tag != "" {
					name = n.Name.In(language.Make(tag))
				}
				k := textnorm.Key(name)
				must(!seen[k], "sibling name %q in %q", name, tag)
				seen[k] = true
			}
		}
	}
	// members
	for _, f := range member.UniqueFields {
		seen := make(map[string]bool, len(r.Members))
		for _, m := range r.Members {
			if k := member.UniqueKey(f, m); k != "" {
				must(!seen[k], "%s %q twice", f, k)
				seen[k] = true
			}
		}
	}
	for _, m := range r.Members {
		must(strings.ToLower(m.Email) == m.Email, "email %q", m.Email)
		if !m.Primary.IsZero() {
			must(nodes[m.Primary].Kind == orgtree.Department && activeNode(m.Primary), "%s: primary", m.FullName)
		}
		for _, s := range m.Secondary {
			must(s != m.Primary && activeNode(s), "%s: secondary", m.FullName)
		}
		// reporting lines: active managers, no cycles
		hops := 0
		for cur := m; !cur.ReportingManager.IsZero(); cur = members[cur.ReportingManager] {
			must(activeMember(cur.ReportingManager), "%s: reporting manager", m.FullName)
			hops++
			must(hops < 64, "reporting cycle through %s", m.FullName)
		}
	}
	// roles
	for _, a := range r.Assignments {
		must(activeMember(a.Member) && a.Holds(a.Primary), "assignment of %s", a.Member)
	}
	must(activeMember(r.Directory.Leader), "leader")
}

func countBlankMobiles(d *Directory) int {
	n := 0
	for _, m := range d.Records.Members {
		if m.Mobile == "" {
			n++
		}
	}
	return n
}

func TestDeterministic(t *testing.T) {
	a, b := Generate(SmallShape(42)), Generate(SmallShape(42))
	assert.Equal(t, a.Records, b.Records)
	c := Generate(SmallShape(43))
	assert.NotEqual(t, a.ID(), c.ID())
	// IDs are version-7 UUIDs in creation order
	ids := a.NodeIDs()
	for i := 1; i < len(ids); i++ {
		assert.Equal(t, -1, ids[i-1].Compare(ids[i]))
	}
	assert.EqualValues(t, 7, ids[0].UUID().Version())
	assert.Equal(t, "RFC4122", ids[0].UUID().Variant().String())
}

// TestInactiveMembersHoldNothing checks what leaving active status would remove.
func TestInactiveMembersHoldNothing(t *testing.T) {
	d := Generate(Shape{Departments: 200, Members: 3000, InactiveShare: 0.1, WhitelistShare: 1, Seed: 5})
	inactive := map[orgkit.MemberID]bool{}
	for _, id := range d.InactiveMembers() {
		inactive[id] = true
	}
	require.NotEmpty(t, inactive)
	for _, n := range d.Records.Nodes {
		held := append([]orgkit.MemberID{n.Manager}, n.Assistants...)
		held = append(held, n.Observers...)
		held = append(held, n.Isolation.VisibilityWhitelist.Members...)
		held = append(held, n.Isolation.ContactWhitelist.Members...)
		for _, id := range held {
			assert.False(t, inactive[id], "node %s", n.Name.Default)
		}
	}
	for _, m := range d.Records.Members {
		assert.False(t, inactive[m.ReportingManager], "member %s", m.FullName)
	}
	for _, a := range d.Records.Assignments {
		assert.False(t, inactive[a.Member])
	}
}

func TestNameTablesDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, table := range [][][2]string{orgNames, deptNamesTop, deptNamesMid, deptNamesTeam} {
		for _, stem := range table {
			for _, s := range stem {
				k := textnorm.Key(s)
				require.NotContains(t, seen, k, "%q and %q", s, seen[k])
				seen[k] = s
				require.False(t, strings.ContainsAny(s[len(s)-1:], "0123456789"), s)
			}
		}
	}
	for _, p := range cnPrefixes {
		_, err := member.Rules{}.NormalizeMobile("+86" + p + "12345678")
		require.NoError(t, err, p)
	}
}

func TestLevelSizes(t *testing.T) {
	for _, c := range []struct{ n, levels int }{{10_000, 8}, {30, 5}, {30, 8}, {5, 8}, {1, 3}, {60, 1}, {2, 2}} {
		sizes := levelSizes(c.n, c.levels)
		sum := 0
		for _, s := range sizes {
			assert.Positive(t, s, "%v: %v", c, sizes)
			sum += s
		}
		assert.Equal(t, c.n, sum, "%v: %v", c, sizes)
		assert.Len(t, sizes, min(c.n, c.levels))
	}
}

// TestLargeShape loads the directory of the performance targets and checks its
// proportions from the loaded snapshot.
func TestLargeShape(t *testing.T) {
	start := time.Now()
	d := Generate(LargeShape())
	gen := time.Since(start)
	snap := load(t, d)
	t.Logf("generate %v, seed and load %v", gen, time.Since(start)-gen)

	tree := snap.Tree()
	under := map[orgkit.NodeID]bool{} // an isolated node at or above
	depts, managed, maxDepth, nested := 0, 0, 0, 0
	for n := range tree.All() { // pre-order: parents first
		iso := n.Isolation.Isolated()
		above := !n.Parent.IsZero() && under[n.Parent]
		under[n.ID] = iso || above
		if iso && above {
			nested++
		}
		maxDepth = max(maxDepth, tree.Depth(n.ID))
		if n.Kind == orgtree.Department {
			depts++
			if !n.Manager.IsZero() {
				managed++
			}
		}
	}
	members, secondary, isolated := 0, 0, 0
	for m := range snap.Members() {
		members++
		if len(m.Secondary) > 0 {
			secondary++
		}
		for _, a := range m.Affiliations() {
			if under[a] {
				isolated++
				break
			}
		}
	}
	assert.Equal(t, 10_000, depts)
	assert.Equal(t, 100_000, members)
	assert.LessOrEqual(t, maxDepth, 8)
	assert.GreaterOrEqual(t, maxDepth, 6)
	assert.InDelta(t, 0.20, float64(secondary)/float64(members), 0.02)
	assert.InDelta(t, 1.0/3, float64(managed)/float64(depts), 0.03)
	assert.GreaterOrEqual(t, float64(isolated)/float64(members), 0.20)
	assert.Positive(t, nested)

	checkRecords(t, d)
	st := d.Stats()
	assert.Equal(t, isolated, st.UnderIsolation)
	assert.Equal(t, managed, st.ManagedDepartments)
	assert.Equal(t, nested, st.NestedIsolated)
	t.Logf("%+v", st)
}

// BenchmarkGenerateLarge measures Generate(LargeShape()): 10,000 departments and
// 100,000 members.
func BenchmarkGenerateLarge(b *testing.B) {
	for b.Loop() {
		Generate(LargeShape())
	}
}

func TestNewService(t *testing.T) {
	ctx := context.Background()
	svc, snap, d, err := NewService(ctx, SmallShape(3))
	require.NoError(t, err)
	assert.Equal(t, d.ID(), snap.ID())
	assert.Equal(t, len(d.MemberIDs()), snap.MemberCount())
	again, err := svc.Snapshot(ctx, d.ID())
	require.NoError(t, err)
	assert.Same(t, snap, again)
	assert.True(t, snap.IsOrgAdmin(d.Leader()))
}

func TestSeedTwiceIsRefused(t *testing.T) {
	ctx := context.Background()
	d := Generate(SmallShape(4))
	st := memstore.New()
	require.NoError(t, d.Seed(ctx, st))
	err := d.Seed(ctx, st)
	require.Error(t, err)
	assert.ErrorIs(t, err, orgkit.ErrPrecondition)
	require.NoError(t, d.Seed(ctx, memstore.New()), "another store is fine")
}

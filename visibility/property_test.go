package visibility_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/visibility"
)

// disagreement compares the index with the reference evaluator on random queries of
// every check (and on the list of every node and of some viewers) and describes the
// first difference, or returns "".
func disagreement(snap *directory.Snapshot, x *visibility.Index, members []orgkit.MemberID, nodes []orgkit.NodeID, queries int, seed uint64) string {
	ref := orgkittest.NewReference(snap)
	r := rand.New(rand.NewPCG(seed, 7))
	m := func() orgkit.MemberID { return members[r.IntN(len(members))] }
	n := func() orgkit.NodeID { return nodes[r.IntN(len(nodes))] }
	type check struct {
		name  string
		fast  func() (bool, visibility.Decision)
		slow  func() bool
		query string
	}
	for i := range queries {
		v, t, d := m(), m(), n()
		if i%5 == 0 {
			t = v
		}
		tags := []orgkit.NodeID{n()}
		for range r.IntN(3) {
			tags = append(tags, n())
		}
		checks := []check{
			{"CanRead", func() (bool, visibility.Decision) { return x.CanRead(v, d), x.ExplainCanRead(v, d) }, func() bool { return ref.CanRead(v, d) }, fmt.Sprint(v, d)},
			{"CanWrite", func() (bool, visibility.Decision) { return x.CanWrite(v, d), x.ExplainCanWrite(v, d) }, func() bool { return ref.CanWrite(v, d) }, fmt.Sprint(v, d)},
			{"CanReadMember", func() (bool, visibility.Decision) { return x.CanReadMember(v, t), x.ExplainCanReadMember(v, t) }, func() bool { return ref.CanReadMember(v, t) }, fmt.Sprint(v, t)},
			{"CanWriteMember", func() (bool, visibility.Decision) { return x.CanWriteMember(v, t), x.ExplainCanWriteMember(v, t) }, func() bool { return ref.CanWriteMember(v, t) }, fmt.Sprint(v, t)},
			{"CanSeeFeed", func() (bool, visibility.Decision) { return x.CanSeeFeed(v, tags...), x.ExplainCanSeeFeed(v, tags...) }, func() bool { return ref.CanSeeFeed(v, tags...) }, fmt.Sprint(v, tags)},
			{"CanSee", func() (bool, visibility.Decision) { return x.CanSee(v, t), x.ExplainCanSee(v, t) }, func() bool { return ref.CanSee(v, t) }, fmt.Sprint(v, t)},
			{"CanSeeNode", func() (bool, visibility.Decision) { return x.CanSeeNode(v, d), x.ExplainCanSeeNode(v, d) }, func() bool { return ref.CanSeeNode(v, d) }, fmt.Sprint(v, d)},
			{"Receives", func() (bool, visibility.Decision) { return x.Receives(d, t), x.ExplainReceives(d, t) }, func() bool { return ref.Receives(d, t) }, fmt.Sprint(d, t)},
			{"InGroup", func() (bool, visibility.Decision) { return x.InGroup(d, t), x.ExplainInGroup(d, t) }, func() bool { return ref.InGroup(d, t) }, fmt.Sprint(d, t)},
		}
		for _, c := range checks {
			got, why := c.fast()
			want := c.slow()
			if got != want {
				return fmt.Sprintf("%s(%s) = %v, reference says %v; explained as %s", c.name, c.query, got, want, why)
			}
			if why.Allowed != got {
				return fmt.Sprintf("Explain%s(%s) = %v (%s), check says %v", c.name, c.query, why.Allowed, why, got)
			}
		}
	}
	for _, d := range nodes {
		if got, want := slices.Collect(x.Recipients(d)), slices.Collect(ref.Recipients(d)); !slices.Equal(got, want) {
			return fmt.Sprintf("Recipients(%s) = %v, reference says %v", d, got, want)
		}
		if got, want := slices.Collect(x.GroupMembers(d)), slices.Collect(ref.GroupMembers(d)); !slices.Equal(got, want) {
			return fmt.Sprintf("GroupMembers(%s) = %v, reference says %v", d, got, want)
		}
		if got, want := slices.Collect(x.FeedAudience(d)), slices.Collect(ref.FeedAudience(d)); !slices.Equal(got, want) {
			return fmt.Sprintf("FeedAudience(%s) = %v, reference says %v", d, got, want)
		}
	}
	for range 5 {
		v := m()
		if got, want := slices.Collect(x.Visible(v)), slices.Collect(ref.Visible(v)); !slices.Equal(got, want) {
			return fmt.Sprintf("Visible(%s) = %v, reference says %v", v, got, want)
		}
		var wantNodes []orgkit.NodeID
		for nd := range snap.Tree().All() {
			if ref.CanRead(v, nd.ID) {
				wantNodes = append(wantNodes, nd.ID)
			}
		}
		if got := slices.Collect(x.ReadNodes(v)); !slices.Equal(got, wantNodes) {
			return fmt.Sprintf("ReadNodes(%s) = %v, reference says %v", v, got, wantNodes)
		}
		var wantMembers []orgkit.MemberID
		for mm := range snap.Members() {
			if ref.CanReadMember(v, mm.ID) {
				wantMembers = append(wantMembers, mm.ID)
			}
		}
		if got := slices.Collect(x.ReadMembers(v)); !slices.Equal(got, wantMembers) {
			return fmt.Sprintf("ReadMembers(%s) = %v, reference says %v", v, got, wantMembers)
		}
		wantNodes, wantMembers = nil, nil
		for nd := range snap.Tree().All() {
			if ref.CanWrite(v, nd.ID) {
				wantNodes = append(wantNodes, nd.ID)
			}
		}
		if got := slices.Collect(x.WriteNodes(v)); !slices.Equal(got, wantNodes) {
			return fmt.Sprintf("WriteNodes(%s) = %v, reference says %v", v, got, wantNodes)
		}
		for mm := range snap.Members() {
			if ref.CanWriteMember(v, mm.ID) {
				wantMembers = append(wantMembers, mm.ID)
			}
		}
		if got := slices.Collect(x.WriteMembers(v)); !slices.Equal(got, wantMembers) {
			return fmt.Sprintf("WriteMembers(%s) = %v, reference says %v", v, got, wantMembers)
		}
	}
	return ""
}

// TestAgreesWithReference checks the compiled index against the reference evaluator
// on many random directories: built through the write path (every setting, merges,
// unknown IDs) and generated by orgkittest.SmallShape. A disagreement is shrunk to
// the smallest directory found that still disagrees, and reported with a dump of it.
func TestAgreesWithReference(t *testing.T) {
	dirs, queries := 60, 2000
	if testing.Short() || raceEnabled {
		dirs, queries = 12, 500
	}
	for i := range dirs {
		sp := spec{Seed: uint64(i + 1), Nodes: 4 + i%17, Members: 6 + (i*7)%40}
		w := buildRandom(t, sp)
		if msg := disagreement(w.snap, visibility.Compile(w.snap), w.members, w.nodes, queries, sp.Seed); msg != "" {
			small, smallMsg, snap := shrink(t, sp, queries)
			t.Fatalf("index and reference disagree on %s: %s\nsmallest failing case %s: %s\n%s", sp, msg, small, smallMsg, dump(snap))
		}
	}
	shapes := 8
	if testing.Short() || raceEnabled {
		shapes = 2
	}
	for seed := range uint64(shapes) {
		d, snap := loadGenerated(t, orgkittest.SmallShape(seed+1))
		nodes := append(d.NodeIDs(), orgkit.NewNodeID())
		members := append(d.MemberIDs(), orgkit.NewMemberID())
		if msg := disagreement(snap, visibility.Compile(snap), members, nodes, queries, seed); msg != "" {
			t.Fatalf("index and reference disagree on SmallShape(%d): %s\n%s", seed+1, msg, dump(snap))
		}
	}
}

// shrink looks for the smallest spec (fewest nodes plus members) that still fails,
// trying smaller sizes with the same seed and nearby seeds.
func shrink(t *testing.T, failing spec, queries int) (spec, string, *directory.Snapshot) {
	t.Helper()
	best, bestMsg := failing, ""
	var bestSnap *directory.Snapshot
	for nodes := 1; nodes <= failing.Nodes; nodes++ {
		for members := 1; members <= failing.Members; members++ {
			if bestSnap != nil && nodes+members >= best.Nodes+best.Members {
				continue
			}
			for seed := failing.Seed; seed < failing.Seed+20; seed++ {
				sp := spec{Seed: seed, Nodes: nodes, Members: members}
				w := buildRandom(t, sp)
				if msg := disagreement(w.snap, visibility.Compile(w.snap), w.members, w.nodes, queries, seed); msg != "" {
					best, bestMsg, bestSnap = sp, msg, w.snap
					break
				}
			}
		}
	}
	if bestSnap == nil {
		w := buildRandom(t, failing)
		bestSnap = w.snap
	}
	return best, bestMsg, bestSnap
}

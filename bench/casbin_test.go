package bench

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/store/memstore"
	"github.com/orgkit/orgkit/visibility"
)

// shape is the directory both sides answer on: LargeShape's proportions at a tenth
// of its size (1,000 departments, 10,000 members), because Casbin evaluates its
// matcher against every policy line of every request. BENCH_DEPARTMENTS and
// BENCH_MEMBERS override the sizes.
func shape() orgkittest.Shape {
	s := orgkittest.LargeShape()
	s.Departments, s.Members = envInt("BENCH_DEPARTMENTS", 1_000), envInt("BENCH_MEMBERS", 10_000)
	return s
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

type pair struct {
	v orgkit.MemberID
	d orgkit.NodeID
	// the same as strings, prepared once, as a host would hold them for Casbin
	vs, ds string
}

type fixture struct {
	snap   *directory.Snapshot
	index  *visibility.Index
	policy *casbin.Enforcer // PolicyModel
	graph  *casbin.Enforcer // GraphModel
	pairs  []pair
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

// sample is how many pairs the sides must agree on before anything is timed (each
// question both as read and as write); the benchmarks cycle through the same pairs.
const sample = 4_000

func load(tb testing.TB) *fixture {
	tb.Helper()
	fixOnce.Do(func() {
		ctx := context.Background()
		d := orgkittest.Generate(shape())
		st := memstore.New()
		if fixErr = d.Seed(ctx, st); fixErr != nil {
			return
		}
		snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
		if err != nil {
			fixErr = err
			return
		}
		policy, err := NewPolicyEnforcer(snap)
		if err != nil {
			fixErr = err
			return
		}
		graph, err := NewGraphEnforcer(snap)
		if err != nil {
			fixErr = err
			return
		}
		// Viewers: half post holders, half anyone. Nodes: for three quarters of the post
		// holders, near one of their posts (in the subtree of the post's parent), else
		// anywhere, so that both answers are frequent.
		t := snap.Tree()
		posts := map[orgkit.MemberID][]orgkit.NodeID{}
		for n := range t.All() {
			for _, m := range append([]orgkit.MemberID{n.Manager}, n.Assistants...) {
				posts[m] = append(posts[m], n.ID)
			}
		}
		holders, members, nodes := d.PostHolders(), d.MemberIDs(), d.NodeIDs()
		r := rand.New(rand.NewPCG(11, 12))
		pairs := make([]pair, sample)
		for i := range pairs {
			v := members[r.IntN(len(members))]
			if i%2 == 0 {
				v = holders[r.IntN(len(holders))]
			}
			n := nodes[r.IntN(len(nodes))]
			if ps := posts[v]; i%2 == 0 && i%8 != 0 && len(ps) > 0 {
				around := ps[r.IntN(len(ps))]
				if p, ok := t.Parent(around); ok {
					around = p.ID
				}
				var sub []orgkit.NodeID
				for x := range t.Subtree(around) {
					if sub = append(sub, x.ID); len(sub) == 64 {
						break
					}
				}
				n = sub[r.IntN(len(sub))]
			}
			pairs[i] = pair{v: v, d: n, vs: v.String(), ds: n.String()}
		}
		fix = &fixture{snap: snap, index: visibility.Compile(snap), policy: policy, graph: graph, pairs: pairs}
	})
	require.NoError(tb, fixErr)
	return fix
}

// TestAgree asserts that both Casbin models and orgkit give the same answer to every
// read and write question of the sample, and that the sample has both answers.
func TestAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Casbin with a 10,000-member directory")
	}
	f := load(t)
	reads, writes := 0, 0
	for _, p := range f.pairs {
		for _, act := range []string{"read", "write"} {
			got := f.index.CanRead(p.v, p.d)
			if act == "write" {
				got = f.index.CanWrite(p.v, p.d)
			}
			for name, e := range map[string]*casbin.Enforcer{"policy": f.policy, "graph": f.graph} {
				want, err := e.Enforce(p.vs, p.ds, act)
				require.NoError(t, err)
				require.Equal(t, want, got, "%s model: %s %s %s", name, p.vs, act, p.ds)
			}
			if got && act == "read" {
				reads++
			} else if got {
				writes++
			}
		}
	}
	t.Logf("%d pairs: %d readable, %d writable", len(f.pairs), reads, writes)
	require.Greater(t, reads, len(f.pairs)/10)
	require.Less(t, reads, len(f.pairs)*9/10)
	require.Positive(t, writes)
}

func BenchmarkCanReadOrgkit(b *testing.B) {
	f := load(b)
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		p := &f.pairs[i%len(f.pairs)]
		if f.index.CanRead(p.v, p.d) {
			n++
		}
	}
	sink = n
}

func benchCasbin(b *testing.B, e *casbin.Enforcer) {
	f := load(b)
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		p := &f.pairs[i%len(f.pairs)]
		ok, err := e.Enforce(p.vs, p.ds, "read")
		if err != nil {
			b.Fatal(err)
		}
		if ok {
			n++
		}
	}
	sink = n
}

func BenchmarkCanReadCasbinPolicy(b *testing.B) { benchCasbin(b, load(b).policy) }

func BenchmarkCanReadCasbinGraph(b *testing.B) { benchCasbin(b, load(b).graph) }

// BenchmarkRatio times the three over the same pairs, side by side in one run, and
// reports how many times longer each Casbin model takes than orgkit.
func BenchmarkRatio(b *testing.B) {
	f := load(b)
	const batch = 500
	var tOrgkit, tPolicy, tGraph time.Duration
	for i := 0; b.Loop(); i++ {
		ps := f.pairs[(i*batch)%len(f.pairs):][:batch]
		var want [batch]bool
		start := time.Now()
		for k := range ps {
			want[k] = f.index.CanRead(ps[k].v, ps[k].d)
		}
		t1 := time.Now()
		for k := range ps {
			if ok, _ := f.graph.Enforce(ps[k].vs, ps[k].ds, "read"); ok != want[k] {
				b.Fatal("graph model disagrees")
			}
		}
		t2 := time.Now()
		for k := range ps {
			if ok, _ := f.policy.Enforce(ps[k].vs, ps[k].ds, "read"); ok != want[k] {
				b.Fatal("policy model disagrees")
			}
		}
		tOrgkit, tGraph, tPolicy = tOrgkit+t1.Sub(start), tGraph+t2.Sub(t1), tPolicy+time.Since(t2)
	}
	checks := float64(b.N * batch)
	b.ReportMetric(float64(tOrgkit.Nanoseconds())/checks, "orgkit-ns/check")
	b.ReportMetric(float64(tGraph.Nanoseconds())/checks, "graph-ns/check")
	b.ReportMetric(float64(tPolicy.Nanoseconds())/checks, "policy-ns/check")
	b.ReportMetric(float64(tGraph)/float64(tOrgkit), "graph/orgkit")
	b.ReportMetric(float64(tPolicy)/float64(tOrgkit), "policy/orgkit")
}

var sink int

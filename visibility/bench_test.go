package visibility_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/internal/parallel"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/store/memstore"
	"github.com/orgkit/orgkit/visibility"
)

// The benchmarks measure DESIGN §4 on orgkittest.LargeShape (10,000 departments,
// 100,000 members, nested isolation on a quarter of the members' paths): every pair
// list is generated once, half of the viewers hold posts, and the number of "true"
// answers over the whole list must equal the reference evaluator's before anything
// is timed.

const pairCount = 1 << 20 // 1,048,576

// large is the generated directory, kept as a host keeps one: the store's records, a
// snapshot and its index, and the IDs the benchmarks draw from. The generator itself
// is dropped once the store is seeded, and the reference evaluator (a copy of every
// record) is built only for the benchmarks that check against it, so that the heap
// the collector scans during the timed loops is the host's, not the test's.
type large struct {
	id      orgkit.DirectoryID
	store   *memstore.Store
	snap    *directory.Snapshot
	x       *visibility.Index
	ref     func() *orgkittest.Reference
	holders []orgkit.MemberID
	members []orgkit.MemberID
	nodes   []orgkit.NodeID
	active  []orgkit.MemberID // active members
	depts   []orgkit.NodeID   // active departments
}

var (
	largeOnce sync.Once
	largeDir  *large
)

func loadLarge(b *testing.B) *large {
	b.Helper()
	largeOnce.Do(func() {
		ctx := context.Background()
		d := orgkittest.Generate(orgkittest.LargeShape())
		st := memstore.New()
		if err := d.Seed(ctx, st); err != nil {
			panic(err)
		}
		snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
		if err != nil {
			panic(err)
		}
		l := &large{id: d.ID(), store: st, snap: snap, x: visibility.Compile(snap),
			ref:     sync.OnceValue(func() *orgkittest.Reference { return orgkittest.NewReference(snap) }),
			members: d.MemberIDs(), nodes: d.NodeIDs(), holders: d.PostHolders(),
			active: d.ActiveMembers(), depts: d.ActiveDepartments()}
		largeDir = l
	})
	return largeDir
}

// viewer picks the viewer of pair i: a random post holder for even i, a random
// member (who may hold a post too) for odd i.
func (l *large) viewer(r *rand.Rand, i int) orgkit.MemberID {
	if i%2 == 0 {
		return l.holders[r.IntN(len(l.holders))]
	}
	return l.members[r.IntN(len(l.members))]
}

// postShare is the share of viewers in the pairs holding a manager or assistant post.
func (l *large) postShare(vs []orgkit.MemberID) float64 {
	holders := map[orgkit.MemberID]bool{}
	for _, h := range l.holders {
		holders[h] = true
	}
	n := 0
	for _, v := range vs {
		if holders[v] {
			n++
		}
	}
	return float64(n) / float64(len(vs))
}

type readPair struct {
	v orgkit.MemberID
	d orgkit.NodeID
}

type seePair struct{ v, t orgkit.MemberID }

var (
	readOnce  sync.Once
	readPairs []readPair
	readWant  int
	seeOnce   sync.Once
	seePairs  []seePair
	seeWant   int
)

// countParallel counts the indexes in [0, n) for which f holds, on every core: the
// reference evaluator is slow.
func countParallel(n int, f func(i int) bool) int {
	var total atomic.Int64
	parallel.For(n, 1024, func(i int) {
		if f(i) {
			total.Add(1)
		}
	})
	return int(total.Load())
}

func BenchmarkCanRead(b *testing.B) {
	l := loadLarge(b)
	readOnce.Do(func() {
		// A quarter of the nodes are drawn from the whole tree, the rest from near one of
		// the viewer's posts (the subtree of the post's parent: the post's own subtree,
		// its siblings', the parent itself), so that both answers are frequent.
		t := l.snap.Tree()
		posts := map[orgkit.MemberID][]orgkit.NodeID{}
		for nd := range t.All() {
			for _, m := range append([]orgkit.MemberID{nd.Manager}, nd.Assistants...) {
				posts[m] = append(posts[m], nd.ID)
			}
		}
		near := func(r *rand.Rand, v orgkit.MemberID) orgkit.NodeID {
			ps := posts[v]
			if len(ps) == 0 {
				return l.nodes[r.IntN(len(l.nodes))]
			}
			around := ps[r.IntN(len(ps))]
			if p, ok := t.Parent(around); ok {
				around = p.ID
			}
			var sub []orgkit.NodeID
			for nd := range t.Subtree(around) {
				sub = append(sub, nd.ID)
				if len(sub) == 64 {
					break
				}
			}
			return sub[r.IntN(len(sub))]
		}
		r := rand.New(rand.NewPCG(3, 4))
		readPairs = make([]readPair, pairCount)
		for i := range readPairs {
			v := l.viewer(r, i)
			d := l.nodes[r.IntN(len(l.nodes))]
			if i%4 != 0 {
				d = near(r, v) // a random node for viewers with no post
			}
			readPairs[i] = readPair{v, d}
		}
		start := time.Now()
		readWant = countParallel(len(readPairs), func(i int) bool { return l.ref().CanRead(readPairs[i].v, readPairs[i].d) })
		b.Logf("reference: %d of %d pairs true, counted in %v", readWant, len(readPairs), time.Since(start))
	})
	checkPairs(b, l, readPairs, readWant, func(p readPair) orgkit.MemberID { return p.v },
		func(p *readPair) bool { return l.x.CanRead(p.v, p.d) }, len(readPairs)*9/10, "a fair share of false answers")
	defer lockThread()()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := threadCPU()
	n := 0
	for i := 0; b.Loop(); i++ { // the call is direct, as a host's would be
		p := &readPairs[i&(pairCount-1)]
		if l.x.CanRead(p.v, p.d) {
			n++
		}
	}
	reportCPU(b, threadCPU()-cpu)
	sink = n
}

func BenchmarkCanSee(b *testing.B) {
	l := loadLarge(b)
	seeOnce.Do(func() {
		r := rand.New(rand.NewPCG(5, 6))
		seePairs = make([]seePair, pairCount)
		for i := range seePairs {
			seePairs[i] = seePair{l.viewer(r, i), l.members[r.IntN(len(l.members))]}
		}
		start := time.Now()
		seeWant = countParallel(len(seePairs), func(i int) bool { return l.ref().CanSee(seePairs[i].v, seePairs[i].t) })
		b.Logf("reference: %d of %d pairs true, counted in %v", seeWant, len(seePairs), time.Since(start))
	})
	checkPairs(b, l, seePairs, seeWant, func(p seePair) orgkit.MemberID { return p.v },
		func(p *seePair) bool { return l.x.CanSee(p.v, p.t) }, len(seePairs)*95/100, "isolation hides a fair share")
	defer lockThread()()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := threadCPU()
	n := 0
	for i := 0; b.Loop(); i++ { // the call is direct, as a host's would be
		p := &seePairs[i&(pairCount-1)]
		if l.x.CanSee(p.v, p.t) {
			n++
		}
	}
	reportCPU(b, threadCPU()-cpu)
	sink = n
}

// checkPairs asserts the measurement's premises on the pre-generated pairs: at least
// half the viewers hold posts, the index gives exactly the reference's count of true
// answers (want), and the answers are mixed (more than a tenth true, fewer than
// maxTrue). It ends with a GC, so the timing starts clean.
func checkPairs[P any](b *testing.B, l *large, pairs []P, want int, viewer func(P) orgkit.MemberID,
	check func(*P) bool, maxTrue int, maxTrueMsg string) {
	vs := make([]orgkit.MemberID, len(pairs))
	for i, p := range pairs {
		vs[i] = viewer(p)
	}
	require.GreaterOrEqual(b, l.postShare(vs), 0.5)
	got := 0
	for i := range pairs {
		if check(&pairs[i]) {
			got++
		}
	}
	require.Equal(b, want, got, "true answers of the index and of the reference")
	require.Greater(b, got, len(pairs)/10, "a fair share of true answers")
	require.Less(b, got, maxTrue, maxTrueMsg)
	b.ReportMetric(float64(got)/float64(len(pairs)), "true-share")
	runtime.GC()
}

var sink int

// reportCPU reports the thread's CPU time per operation ("cpu-ns/op") beside the
// wall-clock ns/op: on a shared machine the two differ by the time spent waiting.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkRecipientsRoot(b *testing.B) {
	l := loadLarge(b)
	root := l.snap.Root()
	want := 0
	for range l.ref().Recipients(root) {
		want++
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for range l.x.Recipients(root) {
			n++
		}
		if n != want {
			b.Fatalf("%d recipients, the reference says %d", n, want)
		}
	}
	b.ReportMetric(float64(want), "recipients")
}

// BenchmarkBuild loads the snapshot from the store, compiles the index and asks every
// check once; heap-MB is HeapAlloc after runtime.GC() with the snapshot and index live.
func BenchmarkBuild(b *testing.B) {
	l := loadLarge(b)
	ctx := context.Background()
	v, t, n := l.holders[0], l.members[len(l.members)/2], l.nodes[len(l.nodes)/2]
	var heap uint64
	var tSnap, tIndex time.Duration
	for b.Loop() {
		start := time.Now()
		snap, err := directory.New(directory.Options{Store: l.store}).Snapshot(ctx, l.id)
		if err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		x := visibility.Compile(snap)
		tSnap, tIndex = tSnap+mid.Sub(start), tIndex+time.Since(mid)
		_ = x.CanRead(v, n) || x.CanWrite(v, n) || x.CanReadMember(v, t) || x.CanWriteMember(v, t) ||
			x.CanSeeFeed(v, n) || x.CanSee(v, t) || x.CanSeeNode(v, n) || x.Receives(n, t) || x.InGroup(n, t)
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = ms.HeapAlloc
		runtime.KeepAlive(x)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(tSnap.Milliseconds())/float64(b.N), "snapshot-ms")
	b.ReportMetric(float64(tIndex.Milliseconds())/float64(b.N), "index-ms")
}

// BenchmarkCompile is the index alone, from a loaded snapshot.
func BenchmarkCompile(b *testing.B) {
	l := loadLarge(b)
	b.ReportAllocs()
	for b.Loop() {
		visibility.Compile(l.snap)
	}
}

// memberEditWarmUp is how many edits BenchmarkMemberEdit makes before timing.
const memberEditWarmUp = 1000

// BenchmarkMemberEdit commits one member edit through the write path and updates the
// index (with the change set) until the new snapshot and index answer (DESIGN §4:
// ≤ 2 ms); update-µs is the index's share.
func BenchmarkMemberEdit(b *testing.B) {
	l := loadLarge(b)
	ctx := context.Background()
	svc := directory.New(directory.Options{Store: l.store})
	snap, err := svc.Snapshot(ctx, l.id)
	require.NoError(b, err)
	x := visibility.Compile(snap)
	active, depts := l.active, l.depts
	r := rand.New(rand.NewPCG(7, 8))
	edit := func() time.Duration {
		m := active[r.IntN(len(active))]
		cur, _ := x.Snapshot().Member(m)
		dept := depts[r.IntN(len(depts))]
		for dept == cur.Primary || slices.Contains(cur.Secondary, dept) { // a real move, also when -count replays the draws
			dept = depts[r.IntN(len(depts))]
		}
		res, err := svc.Apply(ctx, l.id, directory.Meta{Actor: "bench"},
			member.Update{ID: m, Fields: []member.Field{member.PrimaryDepartmentField}, Value: member.Member{Primary: dept}})
		if err != nil {
			b.Fatal(err)
		}
		if res.ChangeSet == nil {
			b.Fatal("the edit changed nothing")
		}
		start := time.Now()
		x = x.UpdateWith(res.Snapshot, res.ChangeSet)
		took := time.Since(start)
		if !x.Receives(dept, m) || x.Snapshot() != res.Snapshot {
			b.Fatal("the index does not answer for the new snapshot")
		}
		return took
	}
	// Warm up into the steady state: the first edits after a load are cheaper (the
	// snapshots' persistent maps start with empty overlays, folded every 1,024 edits),
	// and the load's garbage is collected before timing.
	for range memberEditWarmUp {
		edit()
	}
	runtime.GC()
	var tUpdate time.Duration
	b.ReportAllocs()
	for b.Loop() {
		tUpdate += edit()
	}
	b.ReportMetric(float64(tUpdate.Microseconds())/float64(b.N), "update-µs")
}

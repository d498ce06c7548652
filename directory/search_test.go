package directory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/pinyin"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store/memstore"
)

type searchOrg struct {
	rd, sales                                 orgkit.NodeID
	zhangsan, zsf, zeng, alice, lv, wei, wang orgkit.MemberID
}

func setUpSearch(t testing.TB, f *peopleFix) *searchOrg {
	o := &searchOrg{rd: orgkit.NewNodeID(), sales: orgkit.NewNodeID()}
	o.zhangsan, o.zsf, o.zeng, o.alice, o.lv, o.wei, o.wang = orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	f.apply(t,
		orgtree.Create{ID: o.rd, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("研发部"), Code: "RD-01"},
		orgtree.Create{ID: o.sales, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Names{Default: "Sales", ByLang: map[string]string{"zh-Hans": "销售部"}}},
		member.Create{ID: o.zhangsan, SystemName: orgkit.Name("张三"), Mobile: "13900000001", Email: "zhangsan@example.com", EmployeeNumber: "E001", Primary: o.rd},
		member.Create{ID: o.zsf, SystemName: orgkit.Name("张三丰"), Mobile: "13900000002", Primary: o.rd},
		member.Create{ID: o.zeng, SystemName: orgkit.Name("曾小明"), Mobile: "13900000003", Primary: o.sales},
		member.Create{ID: o.alice, SystemName: orgkit.Name("alice"), FullName: "Alice Zhang", Mobile: "+852-61234567", Email: "alice@example.com", Primary: o.sales},
		member.Create{ID: o.lv, SystemName: orgkit.Name("吕布"), Mobile: "13900000005"},
		member.Create{ID: o.wei, SystemName: orgkit.Name("张伟"), Mobile: "13900000006", Status: orgkit.Inactive},
		member.Create{ID: o.wang, SystemName: orgkit.Names{Default: "Wang Fang", ByLang: map[string]string{"zh-Hans": "王芳"}}, Mobile: "13900000007"},
	)
	return o
}

func hitNames(hs []directory.MemberHit) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.Member().SystemName.Default)
	}
	return out
}

func TestSearchMembers(t *testing.T) {
	f := newPeopleFix(t)
	o := setUpSearch(t, f)
	snap := f.snap(t)
	py := pinyin.New()
	type first struct {
		rank   directory.Rank
		via    directory.Via
		field  member.Field
		lang   string
		value  string
		ranges []directory.Range
	}
	tests := []struct {
		name  string
		q     directory.Search
		want  []string
		first *first
	}{
		{"Chinese, exact then prefix", directory.Search{Text: "张三", Transliterator: py}, []string{"张三", "张三丰"},
			&first{directory.Exact, directory.ViaText, member.SystemNameField, "", "张三", []directory.Range{{0, 6}}}},
		{"full pinyin", directory.Search{Text: "zhangsan", Transliterator: py}, []string{"张三", "张三丰"},
			&first{directory.Exact, directory.ViaReading, member.SystemNameField, "", "张三", []directory.Range{{0, 6}}}},
		{"pinyin with a space, upper case", directory.Search{Text: "Zhang San", Transliterator: py}, []string{"张三", "张三丰"}, nil},
		{"pinyin prefix", directory.Search{Text: "zhangs", Transliterator: py}, []string{"张三", "张三丰"},
			&first{directory.Prefix, directory.ViaText, member.EmailField, "", "zhangsan@example.com", []directory.Range{{0, 6}}}},
		{"initials", directory.Search{Text: "zs", Transliterator: py}, []string{"张三", "张三丰"},
			&first{directory.Exact, directory.ViaInitials, member.SystemNameField, "", "张三", []directory.Range{{0, 6}}}},
		{"initials prefix", directory.Search{Text: "zsf", Transliterator: py}, []string{"张三丰"},
			&first{directory.Exact, directory.ViaInitials, member.SystemNameField, "", "张三丰", []directory.Range{{0, 9}}}},
		{"polyphonic: zeng", directory.Search{Text: "zengxiaoming", Transliterator: py}, []string{"曾小明"}, nil},
		{"polyphonic: ceng", directory.Search{Text: "cengxiaoming", Transliterator: py}, []string{"曾小明"}, nil},
		{"polyphonic initials: zxm", directory.Search{Text: "zxm", Transliterator: py}, []string{"曾小明"}, nil},
		{"polyphonic initials: cxm", directory.Search{Text: "cxm", Transliterator: py}, []string{"曾小明"}, nil},
		{"reading from a later syllable", directory.Search{Text: "xiaoming", Transliterator: py}, []string{"曾小明"},
			&first{directory.Substring, directory.ViaReading, member.SystemNameField, "", "曾小明", []directory.Range{{3, 9}}}},
		{"partial syllable highlights the character", directory.Search{Text: "zengx", Transliterator: py}, []string{"曾小明"},
			&first{directory.Prefix, directory.ViaReading, member.SystemNameField, "", "曾小明", []directory.Range{{0, 6}}}},
		{"ü written v", directory.Search{Text: "lvbu", Transliterator: py}, []string{"吕布"}, nil},
		{"a name form in another language", directory.Search{Text: "wangfang", Transliterator: py}, []string{"Wang Fang"},
			&first{directory.Exact, directory.ViaReading, member.SystemNameField, "zh-Hans", "王芳", []directory.Range{{0, 6}}}},
		{"a name form in another language, as text", directory.Search{Text: "王"}, []string{"Wang Fang"},
			&first{directory.Prefix, directory.ViaText, member.SystemNameField, "zh-Hans", "王芳", []directory.Range{{0, 3}}}},
		{"ranks: exact, prefix, substring", directory.Search{Text: "zhang", Transliterator: py}, []string{"张三", "张三丰", "alice"}, nil},
		{"without a transliterator no pinyin", directory.Search{Text: "zs"}, []string{}, nil},
		{"system name exact beats email prefix", directory.Search{Text: "alice"}, []string{"alice"},
			&first{directory.Exact, directory.ViaText, member.SystemNameField, "", "alice", []directory.Range{{0, 5}}}},
		{"full width and case", directory.Search{Text: "ＡＬＩＣＥ"}, []string{"alice"}, nil},
		{"substring of the full name", directory.Search{Text: "ce zh"}, []string{"alice"},
			&first{directory.Substring, directory.ViaText, member.FullNameField, "", "Alice Zhang", []directory.Range{{3, 8}}}},
		{"mobile, national form", directory.Search{Text: "13900000001"}, []string{"张三"},
			&first{directory.Exact, directory.ViaText, member.MobileField, "", "+8613900000001", []directory.Range{{3, 14}}}},
		{"mobile, international form with separators", directory.Search{Text: "+86 139-0000-0001"}, []string{"张三"},
			&first{directory.Exact, directory.ViaText, member.MobileField, "", "+8613900000001", []directory.Range{{1, 14}}}},
		{"mobile, 00 prefix", directory.Search{Text: "00852 6123 4567"}, []string{"alice"}, nil},
		{"mobile, part", directory.Search{Text: "0000003"}, []string{"曾小明"},
			&first{directory.Substring, directory.ViaText, member.MobileField, "", "+8613900000003", []directory.Range{{7, 14}}}},
		{"employee number", directory.Search{Text: "e001"}, []string{"张三"},
			&first{directory.Exact, directory.ViaText, member.EmployeeNumberField, "", "E001", []directory.Range{{0, 4}}}},
		{"email", directory.Search{Text: "alice@EXAMPLE.com"}, []string{"alice"},
			&first{directory.Exact, directory.ViaText, member.EmailField, "", "alice@example.com", []directory.Range{{0, 17}}}},
		{"inactive members are left out", directory.Search{Text: "张伟"}, []string{}, nil},
		{"unless asked for", directory.Search{Text: "张伟", IncludeInactive: true}, []string{"张伟"}, nil},
		{"within a node", directory.Search{Text: "zhang", Transliterator: py, Within: o.sales}, []string{"alice"}, nil},
		{"limit", directory.Search{Text: "张", Limit: 1}, []string{"张三"}, nil},
		{"skip members", directory.Search{Text: "张", SkipMembers: true}, []string{}, nil},
		{"blank", directory.Search{Text: "   "}, []string{}, nil},
		{"no match", directory.Search{Text: "nobody", Transliterator: py}, []string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := snap.Search(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, hitNames(res.Members))
			if tt.first != nil && len(res.Members) > 0 {
				h := res.Members[0]
				assert.Equal(t, *tt.first, first{h.Rank, h.Via, h.Field, h.Lang, h.Value, h.Ranges})
				for _, r := range h.Ranges {
					assert.NotEmpty(t, h.Value[r.Start:r.End])
				}
			}
		})
	}
	res, err := snap.Search(directory.Search{Text: "张", Limit: 1})
	require.NoError(t, err)
	assert.True(t, res.MoreMembers)
	res, err = snap.Search(directory.Search{Text: "张三丰"})
	require.NoError(t, err)
	assert.False(t, res.MoreMembers)
}

func TestSearchNodes(t *testing.T) {
	f := newPeopleFix(t)
	o := setUpSearch(t, f)
	py := pinyin.New()
	closed := f.dept(t, "研发二部", o.rd)
	f.apply(t, orgtree.Deactivate{Node: closed})
	snap := f.snap(t)
	nodeNames := func(hs []directory.NodeHit) []string {
		out := []string{}
		for _, h := range hs {
			out = append(out, h.Node().Name.Default)
		}
		return out
	}
	tests := []struct {
		name  string
		q     directory.Search
		want  []string
		field orgtree.Field
		lang  string
	}{
		{"name prefix", directory.Search{Text: "研发"}, []string{"研发部"}, orgtree.NameField, ""},
		{"inactive too", directory.Search{Text: "研发", IncludeInactive: true}, []string{"研发二部", "研发部"}, orgtree.NameField, ""},
		{"code, any case", directory.Search{Text: "rd-01"}, []string{"研发部"}, orgtree.CodeField, ""},
		{"pinyin", directory.Search{Text: "yanfa", Transliterator: py}, []string{"研发部"}, orgtree.NameField, ""},
		{"initials", directory.Search{Text: "yfb", Transliterator: py}, []string{"研发部"}, orgtree.NameField, ""},
		{"another language's form", directory.Search{Text: "销售"}, []string{"Sales"}, orgtree.NameField, "zh-Hans"},
		{"another language's form in pinyin", directory.Search{Text: "xiaoshou", Transliterator: py}, []string{"Sales"}, orgtree.NameField, "zh-Hans"},
		{"default form", directory.Search{Text: "sales"}, []string{"Sales"}, orgtree.NameField, ""},
		{"within", directory.Search{Text: "部", Within: o.sales}, []string{"Sales"}, orgtree.NameField, "zh-Hans"},
		{"the company", directory.Search{Text: "acme"}, []string{"Acme"}, orgtree.NameField, ""},
		{"skip nodes", directory.Search{Text: "研发", SkipNodes: true}, []string{}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := snap.Search(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, nodeNames(res.Nodes))
			if len(res.Nodes) > 0 {
				assert.Equal(t, tt.field, res.Nodes[0].Field)
				assert.Equal(t, tt.lang, res.Nodes[0].Lang)
			}
		})
	}
	_, err := snap.Search(directory.Search{Text: "x", Within: orgkit.NewNodeID()})
	require.ErrorIs(t, err, orgkit.ErrNotFound)
}

// TestSearchIndexFollowsVersions checks that each snapshot searches its own state.
func TestSearchIndexFollowsVersions(t *testing.T) {
	f := newPeopleFix(t)
	o := setUpSearch(t, f)
	py := pinyin.New()
	old := f.snap(t)
	res, err := old.Search(directory.Search{Text: "zs", Transliterator: py})
	require.NoError(t, err)
	require.Equal(t, []string{"张三", "张三丰"}, hitNames(res.Members))
	f.apply(t, member.Update{ID: o.zhangsan, Fields: []member.Field{member.SystemNameField}, Value: member.Member{SystemName: orgkit.Name("李四")}})
	res, err = f.snap(t).Search(directory.Search{Text: "zs", Transliterator: py})
	require.NoError(t, err)
	assert.Equal(t, []string{"张三丰"}, hitNames(res.Members))
	res, err = f.snap(t).Search(directory.Search{Text: "ls", Transliterator: py})
	require.NoError(t, err)
	assert.Equal(t, []string{"李四"}, hitNames(res.Members))
	res, err = old.Search(directory.Search{Text: "zs", Transliterator: py})
	require.NoError(t, err)
	assert.Equal(t, []string{"张三", "张三丰"}, hitNames(res.Members), "the old snapshot is unchanged")
}

// BenchmarkSearch measures searches of the large directory (100,000 members, 10,000
// departments; DESIGN §4: ≤ 20 ms), pinyin-initial queries included, on a warm index.
func BenchmarkSearch(b *testing.B) {
	big := largePeople()
	snap := big.snap
	py := pinyin.New()
	// a Chinese member name and its readings, from the directory itself
	var zh member.Member
	for m := range snap.Members() {
		if r := []rune(m.SystemName.Default); len(r) == 3 && r[0] >= 0x4E00 && r[0] <= 0x9FFF && m.Status == orgkit.Active {
			zh = m
			break
		}
	}
	require.NotNil(b, zh)
	var full, initials string
	for _, rs := range py.Readings(zh.SystemName.Default) {
		full += rs[0]
		initials += rs[0][:1]
	}
	queries := []struct{ name, text string }{
		{"chinese-exact", zh.SystemName.Default},
		{"chinese-prefix-1char", string([]rune(zh.SystemName.Default)[:1])},
		{"pinyin-full", full},
		{"pinyin-prefix", full[:len(full)-2]},
		{"pinyin-initials-3", initials},
		{"pinyin-initials-2", initials[:2]},
		{"single-letter", "z"},
		{"mobile-part", "0000"},
		{"email-prefix", "zhang"},
		{"employee-number", "E012345"},
		{"no-match", "qqxjz"},
	}
	s, err := snap.Search(directory.Search{Text: full, Transliterator: py}) // build the indexes
	require.NoError(b, err)
	require.NotEmpty(b, s.Members)
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var res directory.SearchResult
			for b.Loop() {
				var err error
				if res, err = snap.Search(directory.Search{Text: q.text, Transliterator: py}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Members)), "hits")
		})
	}
}

// BenchmarkSearchIndex measures building a snapshot's search indexes from scratch, as
// the first search after a load does (coldSnapshots): the text index alone, and with
// pinyin readings. BenchmarkSearchAfterEdit measures the first search after a member
// edit, whose indexes derive from the predecessor's.
func BenchmarkSearchIndex(b *testing.B) {
	big := largePeople()
	cold := coldSnapshots(b, big)
	py := pinyin.New()
	// fill the transliterator's cache of readings first
	if _, err := cold().Search(directory.Search{Text: "zs", Transliterator: py}); err != nil {
		b.Fatal(err)
	}
	for _, withPinyin := range []bool{false, true} {
		name := "text"
		var t directory.Transliterator
		if withPinyin {
			name, t = "text+pinyin", py
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := cold()
				b.StartTimer()
				if _, err := s.Search(directory.Search{Text: "zs", Transliterator: t}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			s := cold()
			before := heapAfterGC()
			_, _ = s.Search(directory.Search{Text: "zs", Transliterator: t})
			b.ReportMetric(float64(heapAfterGC()-before)/(1<<20), "indexMB")
			runtime.KeepAlive(s)
		})
	}
}

// FuzzSearch checks that any query returns well-formed hits: at most Limit, each with
// ranges inside its value.
func FuzzSearch(f *testing.F) {
	pf := newPeopleFix(f)
	setUpSearch(f, pf)
	snap := pf.snap(f)
	py := pinyin.New()
	for _, s := range []string{"zs", "张三", "+86 139", "00852", "ＡＬＩＣＥ", "e\x00", "xi'an", "\xff\xfe", "İ", "ﬁ", "a  b", "0000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res, err := snap.Search(directory.Search{Text: text, Transliterator: py, Limit: 3, IncludeInactive: true})
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Members), 3)
		check := func(m directory.Match) {
			require.NotEmpty(t, m.Ranges)
			for _, r := range m.Ranges {
				require.True(t, 0 <= r.Start && r.Start <= r.End && r.End <= len(m.Value), "%+v in %q", r, m.Value)
			}
		}
		for _, h := range res.Members {
			check(h.Match)
		}
		for _, h := range res.Nodes {
			check(h.Match)
		}
	})
}

// heapAfterGC returns HeapAlloc after full collections (and after the cleanups that
// drop the indexes of collected snapshots have run).
func heapAfterGC() uint64 {
	for range 3 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// activeIDs returns the active members of a snapshot.
func activeIDs(snap *directory.Snapshot) []orgkit.MemberID {
	var ids []orgkit.MemberID
	for m := range snap.Members() {
		if m.Status == orgkit.Active {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// BenchmarkSearchAfterEdit measures the first search after a one-member edit (a
// random active member renamed) on the large directory, as an admin searching right
// after saving a form would: the edit is not timed, the search and the index work it
// needs are. The edits accumulate over the run, so the figure includes the periodic
// rebuilds of the indexes' shared base.
func BenchmarkSearchAfterEdit(b *testing.B) {
	big := largePeople()
	ctx := context.Background()
	py := pinyin.New()
	for _, withPinyin := range []bool{false, true} {
		name := "text"
		var t directory.Transliterator
		if withPinyin {
			name, t = "text+pinyin", py
		}
		b.Run(name, func(b *testing.B) {
			snap, err := big.svc.Snapshot(ctx, big.snap.ID())
			require.NoError(b, err)
			ids := activeIDs(snap)
			r := rand.New(rand.NewPCG(5, 6))
			q := directory.Search{Text: "zhang", Transliterator: t}
			_, err = snap.Search(q) // the index of the latest snapshot is built
			require.NoError(b, err)
			var res directory.SearchResult
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				name := fmt.Sprintf("张伟%d号", i)
				ed, err := big.svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "bench"}, member.Update{ID: ids[r.IntN(len(ids))],
					Fields: []member.Field{member.SystemNameField}, Value: member.Member{SystemName: orgkit.Name(name)}})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if res, err = ed.Snapshot.Search(q); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if len(res.Members) == 0 {
				b.Fatal("no hits")
			}
			b.ReportMetric(float64(len(res.Members)), "hits")
		})
	}
}

// TestDerivedIndexesMatchFreshBuilds edits generated directories at random and, after
// edits, compares searches and list pages on the service's latest snapshot — whose
// indexes derive from its predecessors' — with those of the same version loaded
// afresh from the store, whose indexes are built from scratch. Queries run after
// some edits only (searches, lists, both or neither), so indexes derive across
// snapshots that never built theirs; batches of many edits exceed the size past which
// the indexes are rebuilt. A replica (a second service over the store) catches up by
// replaying the committed change sets every few edits and is compared too.
func TestDerivedIndexesMatchFreshBuilds(t *testing.T) {
	ctx := context.Background()
	py := pinyin.New()
	steps := 80
	if testing.Short() {
		steps = 40
	}
	for seed := range uint64(2) {
		d := orgkittest.Generate(orgkittest.SmallShape(seed + 11))
		st := memstore.New()
		require.NoError(t, d.Seed(ctx, st))
		svc := directory.New(directory.Options{Store: st})
		replica := directory.New(directory.Options{Store: st})
		r := rand.New(rand.NewPCG(seed, 99))
		// Lists mostly use a few scopes and roles, which edits often change, so that
		// their bitmaps derive from older ones.
		e := &randomEditor{r: r, roles: d.BusinessRoles()[:2], depts: d.Departments()[:4]}
		favorites := append([]orgkit.NodeID{{}, d.Root()}, e.depts...)
		applied := 0
		for step := range steps {
			snap, err := svc.Snapshot(ctx, d.ID())
			require.NoError(t, err)
			cmds := e.edit(snap)
			if _, err := svc.Apply(ctx, d.ID(), directory.Meta{Actor: "test"}, cmds...); err != nil {
				require.ErrorIs(t, err, orgkit.ErrInvalid, "step %d", step)
				continue
			}
			applied++
			snap, err = svc.Snapshot(ctx, d.ID())
			require.NoError(t, err)
			mode := r.IntN(4) // 0: no query; 1: searches; 2: lists; 3: both
			if mode == 0 {
				continue
			}
			fresh, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
			require.NoError(t, err)
			require.Equal(t, fresh.Version(), snap.Version())
			snaps := []*directory.Snapshot{snap}
			if r.IntN(4) == 0 {
				rs, err := replica.Snapshot(ctx, d.ID())
				require.NoError(t, err)
				snaps = append(snaps, rs)
			}
			if mode&1 != 0 {
				for _, q := range randomSearches(r, fresh, py)[:10] {
					want := searchView(t, fresh, q)
					for _, s := range snaps {
						require.Equal(t, want, searchView(t, s, q), "seed %d step %d: %+v", seed, step, q)
					}
				}
			}
			if mode&2 != 0 {
				for _, q := range randomLists(r, fresh, d, favorites, e.roles) {
					want := listView(t, fresh, q)
					for _, s := range snaps {
						require.Equal(t, want, listView(t, s, q), "seed %d step %d: %+v", seed, step, q)
					}
				}
			}
		}
		require.Greater(t, applied, steps/2, "most edits should apply")
	}
}

// randomEditor makes random edits of members, nodes and role assignments: most
// apply, a few are refused.
type randomEditor struct {
	r     *rand.Rand
	roles []orgkit.RoleID // assigned and unassigned
	depts []orgkit.NodeID // often joined
	n     int             // for unique values
}

var randomSurnames = []string{"张", "王", "李", "曾", "吕", "赵", "陈"}
var randomGiven = []string{"伟", "芳", "三", "小明", "强", "丽", "长"}

func (e *randomEditor) name() string {
	e.n++
	if e.r.IntN(4) == 0 {
		return fmt.Sprintf("Zhang Wei %d", e.n)
	}
	return randomSurnames[e.r.IntN(len(randomSurnames))] + randomGiven[e.r.IntN(len(randomGiven))] + strconv.Itoa(e.n)
}

func (e *randomEditor) edit(snap *directory.Snapshot) []orgkit.Command {
	r := e.r
	var ms []member.Member
	for m := range snap.Members() {
		ms = append(ms, m)
	}
	var depts []orgkit.NodeID
	for n := range snap.Tree().All() {
		if n.Kind == orgtree.Department && n.Status == orgkit.Active {
			depts = append(depts, n.ID)
		}
	}
	m := ms[r.IntN(len(ms))]
	if in := slices.Collect(snap.ListAll(directory.List{Node: e.depts[r.IntN(len(e.depts))]})); len(in) > 0 && r.IntN(2) == 0 {
		m = in[r.IntN(len(in))] // often leaves a favorite scope
	}
	dept := depts[r.IntN(len(depts))]
	if r.IntN(2) == 0 {
		dept = e.depts[r.IntN(len(e.depts))]
	}
	e.n++
	upd := func(f member.Field, v member.Member) orgkit.Command {
		return member.Update{ID: m.ID, Fields: []member.Field{f}, Value: v}
	}
	switch r.IntN(18) {
	case 0, 1:
		return []orgkit.Command{upd(member.SystemNameField, member.Member{SystemName: orgkit.Name(e.name())})}
	case 2:
		return []orgkit.Command{upd(member.FullNameField, member.Member{FullName: e.name()})}
	case 3:
		return []orgkit.Command{upd(member.MobileField, member.Member{Mobile: fmt.Sprintf("+86137%08d", e.n)})}
	case 4:
		return []orgkit.Command{upd(member.EmailField, member.Member{Email: fmt.Sprintf("zhang%d@example.com", e.n)})}
	case 5:
		return []orgkit.Command{upd(member.EmployeeNumberField, member.Member{EmployeeNumber: fmt.Sprintf("E%05d", e.n)})}
	case 6, 14:
		return []orgkit.Command{member.SetDepartments{Members: []orgkit.MemberID{m.ID}, SetPrimary: true, Primary: dept}}
	case 7, 15:
		mode := []member.SecondaryMode{member.AddSecondary, member.RemoveSecondary, member.ReplaceSecondary}[r.IntN(3)]
		return []orgkit.Command{member.SetDepartments{Members: []orgkit.MemberID{m.ID}, SecondaryMode: mode, Secondary: []orgkit.NodeID{dept}}}
	case 8:
		return []orgkit.Command{member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name(e.name()), FullName: e.name(),
			Mobile: fmt.Sprintf("+86136%08d", e.n), Primary: dept}}
	case 9:
		if m.Status == orgkit.Active {
			return []orgkit.Command{member.Deactivate{Members: []orgkit.MemberID{m.ID}}}
		}
		return []orgkit.Command{member.Activate{Members: []orgkit.MemberID{m.ID}}}
	case 10:
		return []orgkit.Command{orgtree.Rename{Node: dept, Name: orgkit.Names{Default: "研发" + strconv.Itoa(e.n), ByLang: map[string]string{"en": "R&D " + strconv.Itoa(e.n)}}}}
	case 11:
		return []orgkit.Command{orgtree.Move{Node: dept, Parent: depts[r.IntN(len(depts))]}}
	case 17:
		return []orgkit.Command{orgtree.Merge{Sources: []orgkit.NodeID{depts[r.IntN(len(depts))]}, Target: dept}}
	case 12, 16:
		rl := e.roles[r.IntN(len(e.roles))]
		if r.IntN(2) == 0 {
			return []orgkit.Command{role.Unassign{Members: []orgkit.MemberID{m.ID}, Roles: []orgkit.RoleID{rl}}}
		}
		return []orgkit.Command{role.Assign{Members: []orgkit.MemberID{m.ID}, Roles: []orgkit.RoleID{rl}}}
	default: // many members at once
		var cmds []orgkit.Command
		for _, k := range r.Perm(len(ms))[:min(len(ms), 30+r.IntN(40))] {
			e.n++
			cmds = append(cmds, member.Update{ID: ms[k].ID, Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: e.name()}})
		}
		return cmds
	}
}

// randomSearches returns queries drawn from the snapshot's own names, mobiles and
// emails, with and without pinyin, scopes, limits and inactive members.
func randomSearches(r *rand.Rand, snap *directory.Snapshot, py directory.Transliterator) []directory.Search {
	texts := []string{"zhang", "zw", "z", "wang", "li", "张", "伟", "研发", "1", "0001", "@example", "e0", "zhangwei1", "cxm", "Zhang Wei"}
	all := slices.Collect(snap.Members())
	for range 4 {
		m := all[r.IntN(len(all))]
		rs := []rune(m.SystemName.Default)
		texts = append(texts, string(rs[:1+r.IntN(len(rs))]))
		if len(m.Mobile) >= 4 {
			texts = append(texts, m.Mobile[len(m.Mobile)-4:])
		}
		if m.Email != "" {
			texts = append(texts, m.Email[:1+r.IntN(len(m.Email))])
		}
		var initials string
		for _, rd := range py.Readings(m.SystemName.Default) {
			if len(rd) > 0 {
				initials += rd[0][:1]
			}
		}
		if initials != "" {
			texts = append(texts, initials)
		}
	}
	nodes := []orgkit.NodeID{{}}
	for n := range snap.Tree().All() {
		nodes = append(nodes, n.ID)
	}
	r.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })
	var out []directory.Search
	for _, text := range texts {
		q := directory.Search{Text: text, Limit: []int{3, 20, 200}[r.IntN(3)], IncludeInactive: r.IntN(2) == 0}
		if r.IntN(3) > 0 {
			q.Transliterator = py
		}
		if r.IntN(4) == 0 {
			q.Within = nodes[r.IntN(len(nodes))]
		}
		out = append(out, q)
	}
	return out
}

// searchView is a search's result as comparable text.
func searchView(t *testing.T, snap *directory.Snapshot, q directory.Search) []string {
	t.Helper()
	res, err := snap.Search(q)
	require.NoError(t, err)
	out := []string{fmt.Sprint(res.MoreMembers, res.MoreNodes)}
	for _, h := range res.Members {
		out = append(out, fmt.Sprintf("%s %v %+v", h.Member().ID, h.Field, h.Match))
	}
	for _, h := range res.Nodes {
		out = append(out, fmt.Sprintf("%s %v %+v", h.Node().ID, h.Field, h.Match))
	}
	return out
}

// randomLists returns list queries: one over each favorite scope (so that their
// bitmaps derive from older ones), and a few over random scopes; with random
// statuses and roles (among favorites).
func randomLists(r *rand.Rand, snap *directory.Snapshot, d *orgkittest.Directory, favorites []orgkit.NodeID, favoriteRoles []orgkit.RoleID) []directory.List {
	nodes := slices.Clone(favorites)
	var all []orgkit.NodeID
	for n := range snap.Tree().All() {
		all = append(all, n.ID)
	}
	for range 3 {
		nodes = append(nodes, all[r.IntN(len(all))])
	}
	roles := append([]orgkit.RoleID{{}, {}, {}, d.AdminRole()}, favoriteRoles...)
	statuses := []directory.StatusFilter{directory.StatusAll, directory.StatusAll, directory.StatusActive, directory.StatusInactive,
		directory.StatusNoReportingManager, directory.StatusUnassignedPrimary}
	var out []directory.List
	for _, node := range nodes {
		out = append(out, directory.List{
			Node: node, NodeOnly: r.IntN(3) == 0, PrimaryOnly: r.IntN(3) == 0,
			Status: statuses[r.IntN(len(statuses))], Role: roles[r.IntN(len(roles))], Limit: 1 + r.IntN(100),
		})
	}
	return out
}

// listView pages through a list query and returns the pages' members and cursors.
func listView(t *testing.T, snap *directory.Snapshot, q directory.List) []string {
	t.Helper()
	var out []string
	for {
		p, err := snap.List(q)
		require.NoError(t, err)
		for m := range p.Members() {
			out = append(out, m.ID.String())
		}
		out = append(out, "next "+p.Next)
		if p.Next == "" {
			n, err := snap.Count(q)
			require.NoError(t, err)
			return append(out, fmt.Sprint("count ", n))
		}
		q.Cursor = p.Next
	}
}

// TestDerivedIndexesMemoryBounded makes 1,000 one-member edits, keeping only the
// latest snapshot, with the indexes queried never after the first snapshot, or after
// every edit, and checks that what stays alive is bounded: every older snapshot is
// collected (no snapshot keeps its predecessor), and the heap grows by no more than
// with no index at all (where only the store's change log grows) plus a small slack —
// not by a chain of older indexes or of the changes not yet absorbed.
func TestDerivedIndexesMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 edits of a 3,000-member directory, three times")
	}
	ctx := context.Background()
	py := pinyin.New()
	shape := orgkittest.Shape{Departments: 200, Members: 3000, Seed: 5}
	query := func(snap *directory.Snapshot) {
		_, err := snap.Search(directory.Search{Text: "zw", Transliterator: py})
		require.NoError(t, err)
		_, err = snap.List(directory.List{Node: slices.Collect(snap.Tree().Children(snap.Root()))[0].ID})
		require.NoError(t, err)
	}
	// run makes the edits and returns the heap growth, the number of snapshots still
	// alive, and the size of the first snapshot's indexes.
	run := func(queryFirst, queryEvery bool) (growth, indexes int64, alive int) {
		svc, snap, d, err := orgkittest.NewService(ctx, shape)
		require.NoError(t, err)
		ids := d.ActiveMembers()[:400] // fewer than maxDiffSlots: no edit drops a source
		before := heapAfterGC()
		if queryFirst {
			query(snap)
		}
		snap = nil
		start := heapAfterGC()
		indexes = int64(start) - int64(before)
		r := rand.New(rand.NewPCG(1, 2))
		var weaks []weak.Pointer[directory.Snapshot]
		for i := range 1000 {
			res, err := svc.Apply(ctx, d.ID(), directory.Meta{Actor: "test"}, member.Update{ID: ids[r.IntN(len(ids))],
				Fields: []member.Field{member.SystemNameField}, Value: member.Member{SystemName: orgkit.Name(fmt.Sprintf("张伟%d", i))}})
			require.NoError(t, err)
			weaks = append(weaks, weak.Make(res.Snapshot))
			if queryEvery {
				query(res.Snapshot)
			}
		}
		growth = int64(heapAfterGC()) - int64(start)
		for _, w := range weaks {
			if w.Value() != nil {
				alive++
			}
		}
		runtime.KeepAlive(svc) // the service, its latest snapshot and the store
		return growth, indexes, alive
	}
	baseline, _, _ := run(false, false)
	const mb = 1 << 20
	for _, c := range []struct {
		name  string
		every bool
	}{{"no query after the first", false}, {"a query after every edit", true}} {
		growth, indexes, alive := run(true, c.every)
		t.Logf("%s: heap growth %.2f MB (no indexes: %.2f MB; the first indexes: %.2f MB); snapshots alive: %d",
			c.name, float64(growth)/mb, float64(baseline)/mb, float64(indexes)/mb, alive)
		assert.LessOrEqual(t, alive, 1, "%s: older snapshots stay alive", c.name)
		assert.Less(t, growth-baseline, max(indexes/4, mb), "%s: heap growth beyond the store's", c.name)
	}
}

// TestDerivedIndexesConcurrently searches and lists the latest snapshot from several
// goroutines while edits derive new snapshots from it, so that indexes are built
// while successors take them as sources (run with -race); the last snapshot then
// answers as one loaded afresh.
func TestDerivedIndexesConcurrently(t *testing.T) {
	ctx := context.Background()
	d := orgkittest.Generate(orgkittest.SmallShape(3))
	st := memstore.New()
	require.NoError(t, d.Seed(ctx, st))
	svc := directory.New(directory.Options{Store: st})
	snap, err := svc.Snapshot(ctx, d.ID())
	require.NoError(t, err)
	py := pinyin.New()
	searches := []directory.Search{{Text: "zhang", Transliterator: py, Limit: 50}, {Text: "zw", Transliterator: py}, {Text: "1"}}
	lists := []directory.List{{Node: d.Departments()[0]}, {Node: d.Departments()[1], NodeOnly: true}, {Role: d.AdminRole()}}
	var latest atomic.Pointer[directory.Snapshot]
	latest.Store(snap)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				s := latest.Load()
				_, err := s.Search(searches[(g+i)%len(searches)])
				assert.NoError(t, err)
				_, err = s.List(lists[(g+i)%len(lists)])
				assert.NoError(t, err)
			}
		}()
	}
	ids := d.ActiveMembers()
	for i := range 60 {
		var cmd orgkit.Command = member.Update{ID: ids[i%len(ids)], Fields: []member.Field{member.SystemNameField},
			Value: member.Member{SystemName: orgkit.Name(fmt.Sprintf("张伟%d", i))}}
		if i%10 == 9 {
			cmd = member.SetDepartments{Members: []orgkit.MemberID{ids[i%len(ids)]}, SetPrimary: true, Primary: d.Departments()[i%2]}
		}
		res, err := svc.Apply(ctx, d.ID(), directory.Meta{Actor: "test"}, cmd)
		require.NoError(t, err)
		latest.Store(res.Snapshot)
	}
	close(stop)
	wg.Wait()
	fresh, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, d.ID())
	require.NoError(t, err)
	for _, q := range searches {
		assert.Equal(t, searchView(t, fresh, q), searchView(t, latest.Load(), q))
	}
	for _, q := range lists {
		assert.Equal(t, listView(t, fresh, q), listView(t, latest.Load(), q))
	}
}

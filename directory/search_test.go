package directory_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/pinyin"
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
		out = append(out, h.Member.SystemName.Default)
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
			&first{directory.Exact, directory.ViaText, member.SystemName, "", "张三", []directory.Range{{0, 6}}}},
		{"full pinyin", directory.Search{Text: "zhangsan", Transliterator: py}, []string{"张三", "张三丰"},
			&first{directory.Exact, directory.ViaReading, member.SystemName, "", "张三", []directory.Range{{0, 6}}}},
		{"pinyin with a space, upper case", directory.Search{Text: "Zhang San", Transliterator: py}, []string{"张三", "张三丰"}, nil},
		{"pinyin prefix", directory.Search{Text: "zhangs", Transliterator: py}, []string{"张三", "张三丰"},
			&first{directory.Prefix, directory.ViaText, member.Email, "", "zhangsan@example.com", []directory.Range{{0, 6}}}},
		{"initials", directory.Search{Text: "zs", Transliterator: py}, []string{"张三", "张三丰"},
			&first{directory.Exact, directory.ViaInitials, member.SystemName, "", "张三", []directory.Range{{0, 6}}}},
		{"initials prefix", directory.Search{Text: "zsf", Transliterator: py}, []string{"张三丰"},
			&first{directory.Exact, directory.ViaInitials, member.SystemName, "", "张三丰", []directory.Range{{0, 9}}}},
		{"polyphonic: zeng", directory.Search{Text: "zengxiaoming", Transliterator: py}, []string{"曾小明"}, nil},
		{"polyphonic: ceng", directory.Search{Text: "cengxiaoming", Transliterator: py}, []string{"曾小明"}, nil},
		{"polyphonic initials: zxm", directory.Search{Text: "zxm", Transliterator: py}, []string{"曾小明"}, nil},
		{"polyphonic initials: cxm", directory.Search{Text: "cxm", Transliterator: py}, []string{"曾小明"}, nil},
		{"reading from a later syllable", directory.Search{Text: "xiaoming", Transliterator: py}, []string{"曾小明"},
			&first{directory.Substring, directory.ViaReading, member.SystemName, "", "曾小明", []directory.Range{{3, 9}}}},
		{"partial syllable highlights the character", directory.Search{Text: "zengx", Transliterator: py}, []string{"曾小明"},
			&first{directory.Prefix, directory.ViaReading, member.SystemName, "", "曾小明", []directory.Range{{0, 6}}}},
		{"ü written v", directory.Search{Text: "lvbu", Transliterator: py}, []string{"吕布"}, nil},
		{"a name form in another language", directory.Search{Text: "wangfang", Transliterator: py}, []string{"Wang Fang"},
			&first{directory.Exact, directory.ViaReading, member.SystemName, "zh-Hans", "王芳", []directory.Range{{0, 6}}}},
		{"a name form in another language, as text", directory.Search{Text: "王"}, []string{"Wang Fang"},
			&first{directory.Prefix, directory.ViaText, member.SystemName, "zh-Hans", "王芳", []directory.Range{{0, 3}}}},
		{"ranks: exact, prefix, substring", directory.Search{Text: "zhang", Transliterator: py}, []string{"张三", "张三丰", "alice"}, nil},
		{"without a transliterator no pinyin", directory.Search{Text: "zs"}, []string{}, nil},
		{"system name exact beats email prefix", directory.Search{Text: "alice"}, []string{"alice"},
			&first{directory.Exact, directory.ViaText, member.SystemName, "", "alice", []directory.Range{{0, 5}}}},
		{"full width and case", directory.Search{Text: "ＡＬＩＣＥ"}, []string{"alice"}, nil},
		{"substring of the full name", directory.Search{Text: "ce zh"}, []string{"alice"},
			&first{directory.Substring, directory.ViaText, member.FullName, "", "Alice Zhang", []directory.Range{{3, 8}}}},
		{"mobile, national form", directory.Search{Text: "13900000001"}, []string{"张三"},
			&first{directory.Exact, directory.ViaText, member.Mobile, "", "+8613900000001", []directory.Range{{3, 14}}}},
		{"mobile, international form with separators", directory.Search{Text: "+86 139-0000-0001"}, []string{"张三"},
			&first{directory.Exact, directory.ViaText, member.Mobile, "", "+8613900000001", []directory.Range{{1, 14}}}},
		{"mobile, 00 prefix", directory.Search{Text: "00852 6123 4567"}, []string{"alice"}, nil},
		{"mobile, part", directory.Search{Text: "0000003"}, []string{"曾小明"},
			&first{directory.Substring, directory.ViaText, member.Mobile, "", "+8613900000003", []directory.Range{{7, 14}}}},
		{"employee number", directory.Search{Text: "e001"}, []string{"张三"},
			&first{directory.Exact, directory.ViaText, member.EmployeeNumber, "", "E001", []directory.Range{{0, 4}}}},
		{"email", directory.Search{Text: "alice@EXAMPLE.com"}, []string{"alice"},
			&first{directory.Exact, directory.ViaText, member.Email, "", "alice@example.com", []directory.Range{{0, 17}}}},
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
			out = append(out, h.Node.Name.Default)
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
	f.apply(t, member.Update{ID: o.zhangsan, Fields: []member.Field{member.SystemName}, Value: member.Member{SystemName: orgkit.Name("李四")}})
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
	var zh *member.Member
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

// BenchmarkSearchIndex measures building a snapshot's search indexes, as the first
// search after an edit does: the text index alone, and with pinyin readings.
func BenchmarkSearchIndex(b *testing.B) {
	snap := largePeople().snap
	py := pinyin.New()
	warm := *snap // fill the transliterator's cache of readings first
	if _, err := warm.Search(directory.Search{Text: "zs", Transliterator: py}); err != nil {
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
				fresh := *snap
				if _, err := fresh.Search(directory.Search{Text: "zs", Transliterator: t}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			fresh := *snap
			before := heapAfterGC()
			_, _ = fresh.Search(directory.Search{Text: "zs", Transliterator: t})
			b.ReportMetric(float64(heapAfterGC()-before)/(1<<20), "indexMB")
			runtime.KeepAlive(&fresh)
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

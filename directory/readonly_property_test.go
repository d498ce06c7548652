package directory_test

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store/memstore"
)

// TestNothingReadChangesSharedState is issue 10's read-only property: whatever a
// host does to what it reads cannot change shared state. It reads a generated
// directory through every method of the snapshot, its tree and every value they
// return (found by reflection, so that methods and fields added later are covered
// too), and through the service's results (Apply, Plan, Undo, History, OnChange,
// Directories, Join); it changes every exported field, slice element (spare
// capacity included), map entry and pointee of all of it, and calls every iterator
// and changes what it yields. Then the cached snapshot must deep-equal one rebuilt
// from the store, and the unique-field index, lists and search must answer as they
// did before. The zero-copy path, Snapshot.Shared and Tree.Shared, is left out by
// design: its records must not be modified.
func TestNothingReadChangesSharedState(t *testing.T) {
	seeds := []uint64{1, 2}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { readOnlyProperty(t, seed) })
	}
}

func readOnlyProperty(t *testing.T, seed uint64) {
	ctx := context.Background()
	gen := orgkittest.Generate(orgkittest.SmallShape(seed))
	st := memstore.New()
	require.NoError(t, gen.Seed(ctx, st))
	svc := directory.New(directory.Options{Store: st})
	dir := gen.ID()
	_, err := svc.Snapshot(ctx, dir)
	require.NoError(t, err)

	// Some history, so that Undo, History and change views have something to show.
	active := gen.ActiveMembers()
	depts := gen.ActiveDepartments()
	res, err := svc.Apply(ctx, dir, directory.Meta{Actor: "property"},
		member.Update{ID: active[0], Fields: []member.Field{member.JobTitleField, member.SecondaryDepartmentsField},
			Value: member.Member{JobTitle: "Tester", Secondary: []orgkit.NodeID{depts[len(depts)-1]}}},
		orgtree.AddAssistants{Node: depts[0], Members: []orgkit.MemberID{active[1]}},
		orgtree.AddToWhitelist{Node: depts[1], List: orgtree.VisibilityList, Members: []orgkit.MemberID{active[2]}, Nodes: []orgkit.NodeID{depts[2]}},
	)
	require.NoError(t, err)
	edit := res.ChangeSet.Version
	snap := res.Snapshot

	before, beforeAnswers := dumpSnapshot(snap), answersOf(t, snap)

	sc := newScrambler(t, snap)
	// Every read of the snapshot, its tree and what they return.
	sc.scramble(reflect.ValueOf(snap), 0)
	// Every result of the service.
	stop := svc.OnChange(func(u directory.Update) {
		u.Snapshot = nil // scrambled on its own below; the change sets here
		sc.scramble(reflect.ValueOf(&u), 0)
	})
	defer stop()
	res, err = svc.Apply(ctx, dir, directory.Meta{Actor: "property"},
		member.Update{ID: active[3], Fields: []member.Field{member.BioField}, Value: member.Member{Bio: "bio"}})
	require.NoError(t, err)
	sc.scramble(reflect.ValueOf(res), 0)
	plan, err := svc.Plan(ctx, dir, directory.Meta{}, orgtree.Rename{Node: depts[0], Name: orgkit.Name("Renamed in a plan")})
	require.NoError(t, err)
	sc.scramble(reflect.ValueOf(plan), 0)
	undo, err := svc.Undo(ctx, dir, edit, directory.Meta{Actor: "property"})
	require.NoError(t, err)
	sc.scramble(reflect.ValueOf(undo), 0)
	sc.scramble(reflect.ValueOf(svc.History(ctx, dir, directory.HistoryQuery{})), 0)
	dirs, err := svc.Directories(ctx)
	require.NoError(t, err)
	sc.scramble(reflect.ValueOf(&dirs), 0)
	joined, err := svc.Join(ctx, dir, directory.Registration{Name: "newcomer", Email: "newcomer@example.com"})
	if err == nil {
		sc.scramble(reflect.ValueOf(&joined), 0)
	}
	sc.report()

	// The snapshot read from is as it was.
	assert.Equal(t, before, dumpSnapshot(snap), "the snapshot read from changed")
	assert.Equal(t, beforeAnswers, answersOf(t, snap), "the snapshot read from answers differently")

	// The service's current snapshot equals one rebuilt from the store's records.
	cached, err := svc.Snapshot(ctx, dir)
	require.NoError(t, err)
	rebuilt, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, dir)
	require.NoError(t, err)
	require.Equal(t, rebuilt.Version(), cached.Version())
	assert.Equal(t, dumpSnapshot(rebuilt), dumpSnapshot(cached), "the cached snapshot and one rebuilt from the store differ")
	assert.Equal(t, answersOf(t, rebuilt), answersOf(t, cached), "the cached snapshot's indexes answer differently from a rebuilt one's")

	// Later snapshots share structure with the ones read from: one more edit, and
	// again.
	_, err = svc.Apply(ctx, dir, directory.Meta{Actor: "property"},
		member.Update{ID: active[4], Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Later"}})
	require.NoError(t, err)
	cached, err = svc.Snapshot(ctx, dir)
	require.NoError(t, err)
	rebuilt, err = directory.New(directory.Options{Store: st}).Snapshot(ctx, dir)
	require.NoError(t, err)
	assert.Equal(t, dumpSnapshot(rebuilt), dumpSnapshot(cached), "after one more edit")
	assert.Equal(t, answersOf(t, rebuilt), answersOf(t, cached), "after one more edit")
}

// dumped is everything a snapshot holds, as copies in ID order.
type dumped struct {
	Version     uint64
	Settings    directory.Settings
	Nodes       []orgtree.Node
	Members     []member.Member
	Roles       []role.Role
	Groups      []role.Group
	Assignments []role.Assignment
}

func dumpSnapshot(s *directory.Snapshot) dumped {
	d := dumped{Version: s.Version(), Settings: s.Settings()}
	d.Nodes = slices.SortedFunc(s.Tree().Records(), func(a, b orgtree.Node) int { return a.ID.Compare(b.ID) })
	d.Members = slices.SortedFunc(s.Members(), func(a, b member.Member) int { return a.ID.Compare(b.ID) })
	d.Roles = slices.SortedFunc(s.Roles(), func(a, b role.Role) int { return a.ID.Compare(b.ID) })
	d.Groups = slices.SortedFunc(s.RoleGroups(), func(a, b role.Group) int { return a.ID.Compare(b.ID) })
	d.Assignments = slices.SortedFunc(s.Assignments(), func(a, b role.Assignment) int { return a.Member.Compare(b.Member) })
	return d
}

// answersOf asks a snapshot's indexes: every member by every unique field it has, a
// few lists (every page), and a few searches.
func answersOf(t *testing.T, s *directory.Snapshot) []string {
	t.Helper()
	var out []string
	for m := range s.Members() {
		for _, f := range member.UniqueFields {
			v := uniqueValue(f, m)
			if v == "" {
				continue
			}
			got, ok := s.MemberBy(f, v)
			out = append(out, fmt.Sprintf("by %s %q: %v %s", f, v, ok, got.ID))
		}
	}
	for _, q := range listQueries(s) {
		for page := 0; page < 100; page++ {
			p, err := s.List(q)
			require.NoError(t, err)
			out = append(out, fmt.Sprintf("list %+v: %v next %q", q, p.IDs(), p.Next))
			if q.Cursor = p.Next; q.Cursor == "" {
				break
			}
		}
	}
	for _, q := range searchQueries(s) {
		res, err := s.Search(q)
		require.NoError(t, err)
		for _, h := range res.Members {
			out = append(out, fmt.Sprintf("search %q: member %s %s %+v", q.Text, h.ID(), h.Field, h.Match))
		}
		for _, h := range res.Nodes {
			out = append(out, fmt.Sprintf("search %q: node %s %s %+v", q.Text, h.ID(), h.Field, h.Match))
		}
	}
	return out
}

func uniqueValue(f member.Field, m member.Member) string {
	switch f {
	case member.SystemNameField:
		return m.SystemName.Default
	case member.EmployeeNumberField:
		return m.EmployeeNumber
	case member.MobileField:
		return m.Mobile
	case member.EmailField:
		return m.Email
	case member.LoginAccountField:
		return m.LoginAccount
	case member.SSOAccountField:
		return m.SSOAccount
	case member.ExternalIDField:
		return m.ExternalID
	}
	return ""
}

// listQueries are the lists asked: the whole directory, each active department's
// subtree and node alone, by status and by role, in pages of 7.
func listQueries(s *directory.Snapshot) []directory.List {
	qs := []directory.List{{Limit: 7}, {Status: directory.StatusActive, Limit: 7}, {Status: directory.StatusInactive, Limit: 7}}
	for n := range s.Tree().All() {
		if n.Status == orgkit.Active && len(qs) < 12 {
			qs = append(qs, directory.List{Node: n.ID, Limit: 7}, directory.List{Node: n.ID, NodeOnly: true, PrimaryOnly: true, Limit: 7})
		}
	}
	for r := range s.Roles() {
		if r.Status != orgkit.Retired {
			qs = append(qs, directory.List{Role: r.ID, Limit: 7})
		}
	}
	return qs
}

// searchQueries are the searches asked: a letter, a digit, and parts of a few names.
func searchQueries(s *directory.Snapshot) []directory.Search {
	qs := []directory.Search{{Text: "a", IncludeInactive: true}, {Text: "1"}, {Text: "139"}}
	i := 0
	for m := range s.Members() {
		if i++; i%40 == 0 {
			if r := []rune(m.SystemName.Default); len(r) > 1 {
				qs = append(qs, directory.Search{Text: string(r[:2])})
			}
		}
	}
	return qs
}

// scrambler changes everything reachable from a value, calling methods and iterators
// to reach further.
type scrambler struct {
	t       *testing.T
	pools   map[reflect.Type][]reflect.Value // arguments for methods, by type
	missing map[string]bool                  // methods not called for want of arguments
	called  map[string]int                   // calls by method
	calls   int
}

// maxCalls bounds the calls of one method: enough to reach every kind of value it
// returns, few enough for the test to stay quick.
const maxCalls = 200

// maxMethodDepth bounds how many method calls and iterations deep the scrambler goes
// from a root (a method of a method's result, …); every value and method appears
// within it.
const maxMethodDepth = 4

// poolSize bounds the arguments of each type the scrambler tries.
const poolSize = 12

// skippedMethods are not called: the zero-copy path, whose records must not be
// modified, and methods whose arguments the scrambler cannot make up, with what
// covers them.
var skippedMethods = map[string]string{
	"Shared":        "the zero-copy path, excluded by design",
	"Page.Member":   "Page.Members yields the same copies",
	"UnmarshalText": "a decoder: it writes into the copy it is called on",
	"UnmarshalJSON": "a decoder: it writes into the copy it is called on",
	"Is":            "errors.Is support: compares with a target, reads nothing",
}

func newScrambler(t *testing.T, s *directory.Snapshot) *scrambler {
	sc := &scrambler{t: t, pools: map[reflect.Type][]reflect.Value{}, missing: map[string]bool{}, called: map[string]int{}}
	add := func(v any) {
		rv := reflect.ValueOf(v)
		if len(sc.pools[rv.Type()]) < poolSize {
			sc.pools[rv.Type()] = append(sc.pools[rv.Type()], rv)
		}
	}
	add(orgkit.NewMemberID()) // unknown IDs too
	add(orgkit.NewNodeID())
	for m := range s.Members() {
		add(m.ID)
		add(m.SystemName.Default)
		add(m.Mobile)
		add(&m)
	}
	for n := range s.Tree().Records() {
		add(n.ID)
		if n.Code != "" {
			add(n.Code)
		}
		if n.ExternalID != "" {
			add(n.ExternalID)
		}
	}
	add(s.Tree().PathString(s.Root(), language.English))
	for r := range s.Roles() {
		add(r.ID)
	}
	for g := range s.RoleGroups() {
		add(g.ID)
	}
	for _, f := range member.Fields() {
		add(f)
	}
	add(member.HoverCard)
	add(member.ProfilePage)
	add(language.English)
	add(language.SimplifiedChinese)
	sc.pools[reflect.TypeFor[member.Resolver]()] = []reflect.Value{reflect.ValueOf(s).Convert(reflect.TypeFor[member.Resolver]())}
	add(orgkit.Name("Sales"))
	for _, q := range listQueries(s) {
		add(q)
	}
	for _, q := range searchQueries(s) {
		add(q)
	}
	return sc
}

// report fails the test for methods that were not called for want of arguments.
func (sc *scrambler) report() {
	sc.t.Helper()
	missing := slices.Sorted(func(yield func(string) bool) {
		for m := range sc.missing {
			if !yield(m) {
				return
			}
		}
	})
	assert.Empty(sc.t, missing, "methods of read results the property test cannot call: give their argument types a pool, or list them in skippedMethods")
	assert.Greater(sc.t, sc.calls, 1000, "methods called")
	sc.t.Logf("%d calls of %d methods", sc.calls, len(sc.called))
}

// scramble changes v and everything reachable from it. v need not be settable: a
// non-settable value (a method's result) is copied first.
func (sc *scrambler) scramble(v reflect.Value, depth int) {
	if !v.IsValid() {
		return
	}
	if !v.CanSet() && v.Kind() != reflect.Pointer {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	}
	sc.change(v, depth)
}

// change changes the settable (or pointer) value v.
func (sc *scrambler) change(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "·")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Array:
		for i := range v.Len() {
			sc.change(v.Index(i), depth)
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		full := v.Slice3(0, v.Cap(), v.Cap()) // spare capacity too: an append writes there
		for i := range full.Len() {
			sc.change(full.Index(i), depth)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			sc.change(e, depth)
			v.SetMapIndex(k, e)
		}
		k := reflect.New(v.Type().Key()).Elem()
		sc.change(k, depth)
		v.SetMapIndex(k, reflect.Zero(v.Type().Elem()))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				sc.change(v.Field(i), depth)
			}
		}
		sc.methods(v.Addr(), depth)
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Elem().Kind() == reflect.Struct {
			sc.change(v.Elem(), depth)
		} else if v.Elem().CanSet() {
			sc.change(v.Elem(), depth)
		}
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		c := reflect.New(v.Elem().Type()).Elem()
		c.Set(v.Elem())
		sc.change(c, depth)
		if v.CanSet() {
			v.Set(c)
		}
	case reflect.Func:
		sc.iterate(v, depth)
	}
}

// iterate calls an iterator (iter.Seq or iter.Seq2) and changes what it yields.
func (sc *scrambler) iterate(f reflect.Value, depth int) {
	ft := f.Type()
	if f.IsNil() || ft.NumIn() != 1 || ft.NumOut() != 0 || ft.In(0).Kind() != reflect.Func {
		return
	}
	yt := ft.In(0)
	if yt.NumOut() != 1 || yt.Out(0).Kind() != reflect.Bool {
		return
	}
	yield := reflect.MakeFunc(yt, func(args []reflect.Value) []reflect.Value {
		for _, a := range args {
			sc.scramble(a, depth+1)
		}
		return []reflect.Value{reflect.ValueOf(true)}
	})
	f.Call([]reflect.Value{yield})
}

// methods calls every exported method of p (a pointer to a struct) that reads, with
// every combination of arguments from the pools, and changes what they return.
func (sc *scrambler) methods(p reflect.Value, depth int) {
	if depth >= maxMethodDepth || !strings.HasPrefix(p.Type().Elem().PkgPath(), "github.com/orgkit/orgkit") {
		return // only orgkit's own types: time.Time and the like hand out nothing shared
	}
	typ := p.Type()
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		name := typ.Elem().Name() + "." + m.Name
		if _, skip := skippedMethods[m.Name]; skip {
			continue
		}
		if _, skip := skippedMethods[name]; skip {
			continue
		}
		var pools [][]reflect.Value
		for j := 1; j < m.Type.NumIn(); j++ { // 0 is the receiver
			in := m.Type.In(j)
			if m.Type.IsVariadic() && j == m.Type.NumIn()-1 {
				pools = append(pools, []reflect.Value{reflect.Zero(in)})
				continue
			}
			pool, ok := sc.pools[in]
			if !ok {
				sc.missing[fmt.Sprintf("%s (%s)", name, in)] = true
				pools = nil
				break
			}
			pools = append(pools, pool)
		}
		if m.Type.NumIn() > 1 && pools == nil {
			continue
		}
		for args := range combinations(pools) {
			if sc.called[name]++; sc.called[name] > maxCalls {
				break
			}
			call := slices.Concat([]reflect.Value{p}, args)
			var outs []reflect.Value
			if m.Type.IsVariadic() {
				outs = m.Func.CallSlice(call)
			} else {
				outs = m.Func.Call(call)
			}
			sc.calls++
			for _, out := range outs {
				sc.scramble(out, depth+1)
			}
		}
	}
}

// combinations yields every choice of one value from each pool (a few when the pools
// are large).
func combinations(pools [][]reflect.Value) iter.Seq[[]reflect.Value] {
	return func(yield func([]reflect.Value) bool) {
		if len(pools) == 0 {
			yield(nil)
			return
		}
		// two-argument methods get the first values of the second pool only
		limit := func(j int) int {
			if j == 0 {
				return len(pools[0])
			}
			return min(len(pools[j]), 3)
		}
		idx := make([]int, len(pools))
		for {
			args := make([]reflect.Value, len(pools))
			for j, i := range idx {
				args[j] = pools[j][i]
			}
			if !yield(args) {
				return
			}
			j := len(idx) - 1
			for ; j >= 0; j-- {
				if idx[j]++; idx[j] < limit(j) {
					break
				}
				idx[j] = 0
			}
			if j < 0 {
				return
			}
		}
	}
}

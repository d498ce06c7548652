package directory_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store/memstore"
)

func TestCreateAndListDirectories(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	a, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme Holdings"), MultiOrg: true})
	require.NoError(t, err)
	b, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme Holdings")})
	require.NoError(t, err)
	c, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("艾克米")})
	require.NoError(t, err)
	assert.Equal(t, "acme-holdings", a.Settings().Key)
	assert.Equal(t, "acme-holdings-2", b.Settings().Key, "keys are unique per store")
	assert.NotEmpty(t, c.Settings().Key)
	assert.True(t, directory.ValidKey(c.Settings().Key))
	_, err = svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("X"), Key: "acme-holdings"})
	assert.ErrorIs(t, err, orgkit.ErrPrecondition)
	_, err = svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("X"), Key: "Bad Key"})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("  ")})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)

	dirs, err := svc.Directories(ctx)
	require.NoError(t, err)
	assert.Len(t, dirs, 3)
	// every directory gets its root (named after it) and the built-in org-admin role
	root, ok := a.Node(a.Root())
	require.True(t, ok)
	assert.Equal(t, orgtree.Company, root.Kind)
	assert.Equal(t, "Acme Holdings", root.Name.Default)
	r, ok := a.Role(a.Settings().AdminRole)
	require.True(t, ok)
	assert.True(t, r.OrgAdmin)
	assert.Equal(t, "组织管理员", r.Name.In(language.SimplifiedChinese))
	assert.Equal(t, uint64(1), a.Version())
	_, err = svc.Snapshot(ctx, orgkit.NewDirectoryID())
	assert.ErrorIs(t, err, orgkit.ErrNotFound)
}

func TestDirectoriesAreIndependent(t *testing.T) {
	f := newFixture(t)
	other, err := f.svc.Create(f.ctx, directory.NewDirectory{Name: orgkit.Name("Other")})
	require.NoError(t, err)
	// nothing of one directory can be referenced from another
	_, err = f.svc.Apply(f.ctx, other.ID(), directory.Meta{},
		orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.rd, Kind: orgtree.Department, Name: orgkit.Name("X")})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = f.svc.Apply(f.ctx, other.ID(), directory.Meta{},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("x"), Mobile: "13911111111", Primary: f.rd})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = f.svc.Apply(f.ctx, other.ID(), directory.Meta{},
		role.Assign{Members: []orgkit.MemberID{f.bob}, Roles: []orgkit.RoleID{other.Settings().AdminRole}})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = f.svc.Apply(f.ctx, f.dir, directory.Meta{},
		role.Assign{Members: []orgkit.MemberID{f.bob}, Roles: []orgkit.RoleID{other.Settings().AdminRole}})
	assert.ErrorIs(t, err, orgkit.ErrInvalid, "a role of another directory")
	// the same mobile may exist in two directories
	_, err = f.svc.Apply(f.ctx, other.ID(), directory.Meta{},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("bob"), Mobile: f.member(f.bob).Mobile})
	assert.NoError(t, err)
}

func TestEnsureDefaultConcurrently(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	var wg sync.WaitGroup
	ids := make([]orgkit.DirectoryID, 12)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := directory.New(directory.Options{Store: st}) // many "processes"
			s, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
			assert.NoError(t, err)
			if err == nil {
				ids[i] = s.ID()
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	dirs, err := st.Directories(ctx)
	require.NoError(t, err)
	assert.Len(t, dirs, 1)
	snap, err := directory.New(directory.Options{Store: st}).Snapshot(ctx, ids[0])
	require.NoError(t, err)
	assert.Equal(t, 1, snap.MemberCount(), "one founder")
	founder := snap.Settings().Leader
	assert.True(t, snap.IsOrgAdmin(founder), "the founder is leader and org admin")
}

func TestSettingsAreVersioned(t *testing.T) {
	f := newFixture(t)
	v := f.snap().Version()
	f.apply(directory.Rename{Name: orgkit.Name("Acme Group")}, directory.SetSelfJoin{Allowed: false}, directory.SetLeader{Member: f.alice})
	s := f.snap().Settings()
	assert.Equal(t, "Acme Group", s.Name.Default)
	assert.True(t, s.DisallowSelfJoin)
	assert.Equal(t, f.alice, s.Leader)
	hist, err := history(f.svc.History(f.ctx, f.dir, directory.HistoryQuery{After: v}))
	require.NoError(t, err)
	require.Len(t, hist, 1)
	require.Len(t, hist[0].Changes, 1)
	before, ok := hist[0].Changes[0].Before().Settings()
	require.True(t, ok)
	assert.Equal(t, "Default", before.Name.Default)
	assert.False(t, before.DisallowSelfJoin, "the zero value lets users join")
	dirs, _ := f.svc.Directories(f.ctx)
	assert.Equal(t, "Acme Group", dirs[0].Name.Default, "the store lists the latest settings")
	vs := f.refuse(directory.SetLeader{Member: orgkit.NewMemberID()})
	assert.Equal(t, []string{orgkit.CodeDirectoryLeader}, codes(vs))
}

func TestPlanIsADryRun(t *testing.T) {
	f := newFixture(t)
	v := f.snap().Version()
	x := orgkit.NewNodeID()
	res, err := f.svc.Plan(f.ctx, f.dir, directory.Meta{}, orgtree.Create{ID: x, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Legal")})
	require.NoError(t, err)
	require.NotNil(t, res.ChangeSet)
	assert.Len(t, res.ChangeSet.Changes, 1)
	_, ok := res.Snapshot.Node(x)
	assert.True(t, ok, "the plan's snapshot shows the change")
	_, ok = f.snap().Node(x)
	assert.False(t, ok, "the directory does not")
	assert.Equal(t, v, f.snap().Version())
	_, err = f.svc.Plan(f.ctx, f.dir, directory.Meta{}, orgtree.Move{Node: f.rd, Parent: f.qa})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
}

func TestEmptyBatchNeverCommits(t *testing.T) {
	f := newFixture(t)
	before := f.snap()
	v := before.Version()
	res := f.apply()
	assert.Nil(t, res.ChangeSet)
	res = f.apply(orgtree.Rename{Node: f.rd, Name: f.node(f.rd).Name}, member.Deactivate{Members: []orgkit.MemberID{}})
	assert.Nil(t, res.ChangeSet)
	assert.Same(t, before, res.Snapshot, "a batch that changes nothing returns the snapshot it started from")
	assert.Equal(t, v, f.snap().Version())
}

func TestWritersOnOneStore(t *testing.T) {
	f := newFixture(t)
	// a second service on the same store: another process
	other := directory.New(directory.Options{Store: f.svc.Store()})
	_, err := other.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales EMEA")})
	require.NoError(t, err)
	// the first service catches up, and its next write is based on fresh state
	assert.Equal(t, "Sales EMEA", f.node(f.sales).Name.Default)
	// a write pinned to an old version conflicts instead of retrying
	v := f.snap().Version()
	_, err = other.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.sales, Name: orgkit.Name("Sales APAC")})
	require.NoError(t, err)
	_, err = f.svc.Apply(f.ctx, f.dir, directory.Meta{IfVersion: v}, orgtree.Rename{Node: f.qa, Name: orgkit.Name("Quality")})
	assert.ErrorIs(t, err, orgkit.ErrConflict)
	assert.Equal(t, "QA", f.node(f.qa).Name.Default)
	// concurrent unpinned writers from several services all land
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := directory.New(directory.Options{Store: f.svc.Store(), MaxRetries: 50})
			_, err := svc.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Create{ID: orgkit.NewNodeID(), Parent: f.root,
				Kind: orgtree.Department, Name: orgkit.Name("Team " + string(rune('A'+i)))})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Len(t, slices.Collect(f.snap().Tree().Children(f.root)), 2+8)
	hist, err := history(f.svc.History(f.ctx, f.dir, directory.HistoryQuery{}))
	require.NoError(t, err)
	for i, cs := range hist {
		assert.Equal(t, uint64(i+1), cs.Version, "gap-free history")
	}
}

func TestSnapshotsAreImmutableAndShareStructure(t *testing.T) {
	f := newFixture(t)
	s1 := f.snap()
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.JobTitleField}, Value: member.Member{JobTitle: "Engineer"}})
	s2 := f.snap()
	b1, _ := s1.Member(f.bob)
	b2, _ := s2.Member(f.bob)
	assert.Empty(t, b1.JobTitle, "the old snapshot is unchanged")
	assert.Equal(t, "Engineer", b2.JobTitle)
	a1, _ := s1.Shared().Member(f.alice)
	a2, _ := s2.Shared().Member(f.alice)
	assert.Same(t, a1, a2, "unchanged records are shared")
	assert.Same(t, s1.Tree(), s2.Tree(), "a member edit does not rebuild the tree")
}

func TestCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	svc := directory.New(directory.Options{Store: st, MaxCachedDirectories: 2})
	var ids []orgkit.DirectoryID
	for _, n := range []string{"a", "b", "c"} {
		s, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name(n)})
		require.NoError(t, err)
		ids = append(ids, s.ID())
	}
	// the evicted directory loads again from the store
	s, err := svc.Snapshot(ctx, ids[0])
	require.NoError(t, err)
	assert.Equal(t, "a", s.Settings().Name.Default)
}

func TestViolationsAreLocalized(t *testing.T) {
	f := newFixture(t)
	vs := f.refuse(orgtree.Move{Node: f.rd, Parent: f.qa})
	require.Len(t, vs, 1)
	en, hans, hant := vs[0].Text(language.English), vs[0].Text(language.SimplifiedChinese), vs[0].Text(language.MustParse("zh-TW"))
	assert.Contains(t, en, "would make a cycle")
	assert.Contains(t, hans, "形成循环")
	assert.Contains(t, hant, "形成循環")
	assert.Equal(t, en, vs[0].Message())
	// generic codes get generic messages in every language
	vs = f.refuse(member.Update{ID: f.dave, Fields: []member.Field{member.EmployeeNumberField}, Value: member.Member{EmployeeNumber: "x"}},
		member.Update{ID: f.bob, Fields: []member.Field{member.EmployeeNumberField}, Value: member.Member{EmployeeNumber: "X"}})
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Text(language.SimplifiedChinese), "已被")
	var inv *orgkit.InvalidError
	_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Move{Node: f.rd, Parent: f.qa})
	require.True(t, errors.As(err, &inv))
	assert.Contains(t, err.Error(), "tree.cycle")
}

func TestUndo(t *testing.T) {
	f := newFixture(t)
	f.apply(orgtree.SetManager{Node: f.sales, Member: f.dave}, orgtree.SetObservers{Node: f.qa, Members: []orgkit.MemberID{f.dave}})
	res := f.apply(member.Resign{Members: []orgkit.MemberID{f.dave}})
	assert.True(t, f.node(f.sales).Manager.IsZero())
	u, err := f.svc.Undo(f.ctx, f.dir, res.ChangeSet.Version, directory.Meta{Actor: "admin"})
	require.NoError(t, err)
	assert.Empty(t, u.Skipped)
	assert.Equal(t, directory.OriginUndo, u.ChangeSet.Meta.Origin)
	assert.Equal(t, f.dave, f.node(f.sales).Manager)
	assert.Equal(t, []orgkit.MemberID{f.dave}, f.node(f.qa).Observers)
	assert.Equal(t, orgkit.Active, f.member(f.dave).Status)
	// undoing a creation retires what it created; what changed since is skipped
	x := orgkit.NewNodeID()
	created := f.apply(orgtree.Create{ID: x, Parent: f.root, Kind: orgtree.Department, Name: orgkit.Name("Temp")},
		orgtree.SetOrder{Node: f.sales, Order: 5})
	f.apply(orgtree.SetOrder{Node: f.sales, Order: 7})
	u, err = f.svc.Undo(f.ctx, f.dir, created.ChangeSet.Version, directory.Meta{})
	require.NoError(t, err)
	require.Len(t, u.Skipped, 1)
	assert.Equal(t, "changed since", u.Skipped[0].Reason)
	rec, _ := f.snap().Tree().Record(x)
	assert.Equal(t, orgkit.Retired, rec.Status)
	assert.Equal(t, 7, f.node(f.sales).Order)
	_, err = f.svc.Undo(f.ctx, f.dir, 999, directory.Meta{})
	assert.ErrorIs(t, err, orgkit.ErrNotFound)
}

func TestSyncedFieldsAreReadOnly(t *testing.T) {
	f := newFixture(t)
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.ExternalIDField}, Value: member.Member{ExternalID: "u-bob"}},
		orgtree.SetExternalID{Node: f.product, ExternalID: "d-product"},
		directory.Bind{Platform: orgkit.WeCom, UpstreamID: "corp-1",
			MemberFields: []member.Field{member.FullNameField, member.MobileField, member.PrimaryDepartmentField},
			NodeFields:   []orgtree.Field{orgtree.NameField, orgtree.ParentField}})
	_, err := f.svc.Apply(f.ctx, f.dir, directory.Meta{}, member.Update{ID: f.bob, Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: "Robert"}})
	require.ErrorIs(t, err, orgkit.ErrReadOnly)
	require.ErrorIs(t, err, orgkit.ErrInvalid)
	_, err = f.svc.Apply(f.ctx, f.dir, directory.Meta{}, orgtree.Rename{Node: f.product, Name: orgkit.Name("Products")})
	require.ErrorIs(t, err, orgkit.ErrReadOnly)
	_, err = f.svc.Apply(f.ctx, f.dir, directory.Meta{}, member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("new"), Mobile: "13900000088"})
	require.ErrorIs(t, err, orgkit.ErrReadOnly, "members come from the platform")
	vs := f.refuse(orgtree.Merge{Sources: []orgkit.NodeID{f.qa}, Target: f.product})
	assert.Equal(t, []string{orgkit.CodeNodeMergeSynced}, codes(vs))
	// undeclared fields, and records the platform does not know, stay editable
	f.apply(member.Update{ID: f.bob, Fields: []member.Field{member.ExtendedAField}, Value: member.Member{ExtendedA: "local note"}},
		orgtree.SetIsolation{Node: f.product, Isolation: orgtree.Isolation{HideFromOutside: true}},
		orgtree.Rename{Node: f.qa, Name: orgkit.Name("Quality")},
		member.Update{ID: f.dave, Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: "David"}})
	// the sync itself may change them
	_, err = f.svc.Apply(f.ctx, f.dir, directory.Meta{Origin: directory.OriginSync}, member.Update{ID: f.bob, Fields: []member.Field{member.FullNameField}, Value: member.Member{FullName: "Robert"}})
	require.NoError(t, err)
	assert.Equal(t, "Robert", f.member(f.bob).FullName)
}

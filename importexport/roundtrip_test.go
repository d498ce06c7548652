package importexport

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/orgkittest"
	"github.com/orgkit/orgkit/role"
	"github.com/orgkit/orgkit/store/memstore"
)

// generated seeds a generated directory into a new service.
func generated(t testing.TB, shape orgkittest.Shape) (*directory.Service, *directory.Snapshot) {
	t.Helper()
	ctx := context.Background()
	d := orgkittest.Generate(shape)
	st := memstore.New()
	require.NoError(t, d.Seed(ctx, st))
	svc := directory.New(directory.Options{Store: st})
	snap, err := svc.Snapshot(ctx, d.ID())
	require.NoError(t, err)
	return svc, snap
}

// freshLike creates an empty directory with the same name, multi-org switch and
// roles (by name) as snap, for an export to be imported into.
func freshLike(t testing.TB, snap *directory.Snapshot) (*directory.Service, orgkit.DirectoryID) {
	t.Helper()
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	set := snap.Settings()
	fresh, err := svc.Create(ctx, directory.NewDirectory{Name: set.Name, MultiOrg: set.MultiOrg})
	require.NoError(t, err)
	var cmds []orgkit.Command
	for r := range snap.Roles() {
		if r.OrgAdmin || r.Status == orgkit.Retired {
			continue
		}
		cmds = append(cmds, role.Create{ID: orgkit.NewRoleID(), Name: r.Name, Kind: r.Kind, Permissions: r.Permissions})
	}
	if len(cmds) > 0 {
		_, err = svc.Apply(ctx, fresh.ID(), directory.Meta{}, cmds...)
		require.NoError(t, err)
	}
	return svc, fresh.ID()
}

func TestRoundTripXLSX(t *testing.T) {
	for _, seed := range []uint64{2, 3} {
		_, snap := generated(t, orgkittest.SmallShape(seed))
		for _, tag := range []language.Tag{language.English, language.SimplifiedChinese} {
			opts := ExportOptions{Sheets: Members | Departments, Language: tag}
			var first bytes.Buffer
			require.NoError(t, Export(context.Background(), &first, snap, opts))

			svc, dir := freshLike(t, snap)
			rep, err := Import(context.Background(), svc, dir, bytes.NewReader(first.Bytes()), ImportOptions{})
			require.NoError(t, err, dumpProblems(rep))
			assert.Equal(t, snap.MemberCount(), rep.Members.Created)

			again, err := svc.Snapshot(context.Background(), dir)
			require.NoError(t, err)
			var second bytes.Buffer
			require.NoError(t, Export(context.Background(), &second, again, opts))
			require.True(t, bytes.Equal(first.Bytes(), second.Bytes()), "seed %d %s: the second export differs", seed, tag)
		}
	}
}

func TestRoundTripCSV(t *testing.T) {
	for _, seed := range []uint64{1, 3} {
		_, snap := generated(t, orgkittest.SmallShape(seed))
		export := func(s *directory.Snapshot, sheets Sheets) []byte {
			var b bytes.Buffer
			require.NoError(t, Export(context.Background(), &b, s, ExportOptions{Format: CSV, Sheets: sheets, Language: language.TraditionalChinese}))
			return b.Bytes()
		}
		depts, members := export(snap, Departments), export(snap, Members)

		svc, dir := freshLike(t, snap)
		rep, err := ImportFiles(context.Background(), svc, dir, []Input{
			{Name: "members.csv", R: bytes.NewReader(members)},
			{Name: "departments.csv", R: bytes.NewReader(depts)},
		}, ImportOptions{})
		require.NoError(t, err, dumpProblems(rep))

		again, err := svc.Snapshot(context.Background(), dir)
		require.NoError(t, err)
		assert.Equal(t, string(depts), string(export(again, Departments)))
		assert.Equal(t, string(members), string(export(again, Members)))
	}
}

func TestExportDeterministic(t *testing.T) {
	_, snap := generated(t, orgkittest.SmallShape(5))
	var a, b bytes.Buffer
	opts := ExportOptions{Sheets: Members | Departments}
	require.NoError(t, Export(context.Background(), &a, snap, opts))
	require.NoError(t, Export(context.Background(), &b, snap, opts))
	assert.True(t, bytes.Equal(a.Bytes(), b.Bytes()))
}

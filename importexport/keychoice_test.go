package importexport

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// TestRoundTripWithoutEmployeeNumbers is issue 10's report on the automatic key:
// exporting a directory whose members have no employee numbers and importing the
// file back with the automatic key was refused (the employee number column came
// first, and every row's key was blank). A key column with a blank row is not a key:
// the choice falls to the first complete one, and the import is a no-op.
func TestRoundTripWithoutEmployeeNumbers(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada", Mobile: "13900000000"})
	require.NoError(t, err)
	rd, bob, carol := orgkit.NewNodeID(), orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err = svc.Apply(ctx, snap.ID(), directory.Meta{Actor: "test"},
		orgtree.Create{ID: rd, Parent: snap.Root(), Kind: orgtree.Department, Name: orgkit.Name("R&D")},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), FullName: "Bob", Mobile: "13900000001", Primary: rd},
		// Carol has no mobile: the mobile column is not a complete key either
		member.Create{ID: carol, SystemName: orgkit.Name("carol"), FullName: "Carol", Email: "carol@example.com",
			LoginMethod: member.LoginByEmail, Primary: rd, ReportingManager: bob},
		orgtree.SetManager{Node: rd, Member: bob},
	)
	require.NoError(t, err)
	snap, err = svc.Snapshot(ctx, snap.ID())
	require.NoError(t, err)

	for _, format := range []Format{CSV, XLSX} {
		var file bytes.Buffer
		require.NoError(t, Export(ctx, &file, snap, ExportOptions{Format: format}))
		for _, mode := range []Mode{Update, Upsert} {
			rep, err := Import(ctx, svc, snap.ID(), bytes.NewReader(file.Bytes()), ImportOptions{Mode: mode})
			require.NoError(t, err, "%s %s: %s", format, mode, dumpProblems(rep))
			assert.Equal(t, member.SystemNameField, rep.Key, "%s %s: the first complete key column", format, mode)
			assert.Equal(t, 3, rep.Members.Unchanged, "%s %s", format, mode)
			assert.Zero(t, rep.Members.Created+rep.Members.Updated, "%s %s", format, mode)
		}
	}
	after, err := svc.Snapshot(ctx, snap.ID())
	require.NoError(t, err)
	assert.Equal(t, snap.Version(), after.Version(), "importing the export back changes nothing")
}

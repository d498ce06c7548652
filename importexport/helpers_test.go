package importexport

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
	"github.com/orgkit/orgkit/role"
)

// fixture is a small directory: Acme with Beijing R&D (BJ-RD) and its Product team
// (no code), Shanghai Sales (SH-SALES), roles "Engineer" and "Sales rep", and one
// existing member.
type fixture struct {
	ctx      context.Context
	svc      *directory.Service
	dir      orgkit.DirectoryID
	root     orgkit.NodeID
	rd       orgkit.NodeID
	product  orgkit.NodeID
	sales    orgkit.NodeID
	engineer orgkit.RoleID
	salesRep orgkit.RoleID
	ada      orgkit.MemberID
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureWith(t, directory.Options{})
}

// newFixtureWith is newFixture with a service made with opts.
func newFixtureWith(t testing.TB, opts directory.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	svc := directory.New(opts)
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	require.NoError(t, err)
	fx := &fixture{ctx: ctx, svc: svc, dir: snap.ID(), root: snap.Root(),
		rd: orgkit.NewNodeID(), product: orgkit.NewNodeID(), sales: orgkit.NewNodeID(),
		engineer: orgkit.NewRoleID(), salesRep: orgkit.NewRoleID(), ada: orgkit.NewMemberID()}
	_, err = svc.Apply(ctx, fx.dir, directory.Meta{},
		orgtree.Create{ID: fx.rd, Parent: fx.root, Kind: orgtree.Department, Code: "BJ-RD",
			Name: orgkit.Names{Default: "Beijing R&D", ByLang: map[string]string{"zh-Hans": "北京研发"}}},
		orgtree.Create{ID: fx.product, Parent: fx.rd, Kind: orgtree.Department, Name: orgkit.Name("Product")},
		orgtree.Create{ID: fx.sales, Parent: fx.root, Kind: orgtree.Department, Code: "SH-SALES", Name: orgkit.Name("Shanghai Sales")},
		role.Create{ID: fx.engineer, Name: orgkit.Names{Default: "Engineer", ByLang: map[string]string{"zh-Hans": "工程师"}}},
		role.Create{ID: fx.salesRep, Name: orgkit.Name("Sales rep")},
		member.Create{ID: fx.ada, SystemName: orgkit.Name("ada"), FullName: "Ada Lovelace", Mobile: "13900000000",
			EmployeeNumber: "E0001", Email: "ada@acme.example", Primary: fx.rd},
	)
	require.NoError(t, err)
	return fx
}

func (fx *fixture) snap(t testing.TB) *directory.Snapshot {
	t.Helper()
	s, err := fx.svc.Snapshot(fx.ctx, fx.dir)
	require.NoError(t, err)
	return s
}

func (fx *fixture) member(t testing.TB, f member.Field, v string) member.Member {
	t.Helper()
	m, ok := fx.snap(t).MemberBy(f, v)
	require.True(t, ok, "member %s=%s", f, v)
	return m
}

// xcell is a cell of a generated workbook: a string is a text cell; numbers, bools
// and dateCell are typed cells.
type dateCell float64 // a serial date, formatted as a date

// sheetSpec is one sheet of a generated workbook.
type sheetSpec struct {
	name   string
	rows   [][]any
	merges [][2]string
}

// makeXLSX writes a workbook with the cell API, the way a person's spreadsheet
// program would: typed cells, date formats, merged cells.
func makeXLSX(t testing.TB, date1904 bool, sheets ...sheetSpec) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		v := true
		require.NoError(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &v}))
	}
	dateFmt := "yyyy/m/d"
	ds, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	require.NoError(t, err)
	for i, sh := range sheets {
		if i == 0 {
			require.NoError(t, f.SetSheetName("Sheet1", sh.name))
		} else {
			_, err := f.NewSheet(sh.name)
			require.NoError(t, err)
		}
		for r, row := range sh.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch v := v.(type) {
				case nil:
				case dateCell:
					require.NoError(t, f.SetCellFloat(sh.name, cell, float64(v), -1, 64))
					require.NoError(t, f.SetCellStyle(sh.name, cell, cell, ds))
				case string:
					require.NoError(t, f.SetCellStr(sh.name, cell, v))
				default:
					require.NoError(t, f.SetCellValue(sh.name, cell, v))
				}
			}
		}
		for _, m := range sh.merges {
			require.NoError(t, f.MergeCell(sh.name, m[0], m[1]))
		}
	}
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

func makeCSV(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.WriteAll(rows))
	return buf.Bytes()
}

// problemsOf renders problems as "sheet!C5 code" lines for assertions.
func problemsOf(r *Report) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, p := range r.Problems {
		out = append(out, fmt.Sprintf("%s%d %s", p.Column, p.Row, p.Code))
	}
	return out
}

func dumpProblems(r *Report) string {
	if r == nil {
		return "<nil report>"
	}
	var b strings.Builder
	for _, p := range r.Problems {
		b.WriteString(p.String())
		b.WriteString(" [" + p.Code + "]\n")
	}
	return b.String()
}

package importexport

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

func exportCSV(t *testing.T, snap *directory.Snapshot, opts ExportOptions) [][]string {
	t.Helper()
	opts.Format = CSV
	var b bytes.Buffer
	require.NoError(t, Export(context.Background(), &b, snap, opts))
	require.True(t, strings.HasPrefix(b.String(), "\uFEFF"), "UTF-8 byte order mark")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	return rows
}

func TestExportSelections(t *testing.T) {
	fx := newFixture(t)
	bob, carol := orgkit.NewMemberID(), orgkit.NewMemberID()
	_, err := fx.svc.Apply(fx.ctx, fx.dir, directory.Meta{},
		member.Create{ID: bob, SystemName: orgkit.Name("bob"), Mobile: "13800000001", Primary: fx.product, Secondary: []orgkit.NodeID{fx.sales},
			AffiliatedDepartment: fx.product, ReportingManager: fx.ada, JobTitle: "=1+1"},
		member.Create{ID: carol, SystemName: orgkit.Name("carol"), Email: "carol@acme.example", LoginMethod: member.LoginByEmail,
			Primary: fx.sales, AffiliatedDepartment: fx.rd, Status: orgkit.Inactive},
	)
	require.NoError(t, err)
	snap := fx.snap(t)
	cols := []Column{FieldColumn(member.SystemNameField), FieldColumn(member.PrimaryDepartmentField), FieldColumn(member.SecondaryDepartmentsField),
		FieldColumn(member.AffiliatedDepartmentField), FieldColumn(member.ReportingManagerField), FieldColumn(member.JobTitleField), FieldColumn(member.StatusField)}

	all := exportCSV(t, snap, ExportOptions{Columns: cols})
	assert.Equal(t, []string{"System name", "Primary department", "Secondary departments", "Affiliated department", "Reporting manager", "Job title", "Status"}, all[0])
	assert.Equal(t, []string{"ada", "BJ-RD", "", "", "", "", "Active"}, all[1])
	assert.Equal(t, []string{"bob", "Acme/Beijing R&D/Product", "SH-SALES", "", "ada", "'=1+1", "Active"}, all[2], "derived affiliation blank; manager by system name (the key)")
	assert.Equal(t, []string{"carol", "SH-SALES", "", "BJ-RD", "", "", "Inactive"}, all[3])

	sub := exportCSV(t, snap, ExportOptions{Columns: cols, Node: fx.rd})
	assert.Len(t, sub, 3, "ada and bob are at or below R&D")
	ids := exportCSV(t, snap, ExportOptions{Columns: cols, IDs: []orgkit.MemberID{carol, fx.ada}})
	assert.Equal(t, "carol", ids[1][0])
	assert.Equal(t, "ada", ids[2][0])
	inactive := exportCSV(t, snap, ExportOptions{Columns: cols, Members: snap.ListAll(directory.List{Status: directory.StatusInactive})})
	require.Len(t, inactive, 2)
	assert.Equal(t, "carol", inactive[1][0])

	zh := exportCSV(t, snap, ExportOptions{Columns: cols[:3], Language: language.SimplifiedChinese, Key: member.EmployeeNumberField})
	assert.Equal(t, []string{"系统名", "主属部门", "附属部门"}, zh[0])
	assert.Equal(t, "Acme/北京研发/Product", zh[2][1], "paths in the language asked for")

	depts := exportCSV(t, snap, ExportOptions{Sheets: Departments, DepartmentColumns: []Column{ColCode, ColParent, ColName, LanguageColumn(ColName, "zh-Hans"), ColKind}})
	assert.Equal(t, [][]string{
		{"Code", "Parent", "Name", "Name (Simplified Chinese)", "Kind"},
		{"", "", "Acme", "", "Company"},
		{"BJ-RD", "Acme", "Beijing R&D", "北京研发", "Department"},
		{"", "BJ-RD", "Product", "", "Department"},
		{"SH-SALES", "Acme", "Shanghai Sales", "", "Department"},
	}, depts)
}

func TestExportXLSXStringCells(t *testing.T) {
	fx := newFixture(t)
	_, err := fx.svc.Apply(fx.ctx, fx.dir, directory.Meta{},
		member.Create{ID: orgkit.NewMemberID(), SystemName: orgkit.Name("=cmd|' /C calc'!A0"), Mobile: "+852 1234 5678", EmployeeNumber: "000123",
			HireDate: member.Date{Year: 2024, Month: 3, Day: 1}})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, Export(fx.ctx, &b, fx.snap(t), ExportOptions{Columns: []Column{FieldColumn(member.SystemNameField), FieldColumn(member.MobileField), FieldColumn(member.EmployeeNumberField), FieldColumn(member.HireDateField)}}))
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("Members")
	require.NoError(t, err)
	assert.Equal(t, []string{"=cmd|' /C calc'!A0", "+85212345678", "000123", "2024-03-01"}, rows[2])
	for _, cell := range []string{"A3", "B3", "C3", "D3"} {
		formula, err := f.GetCellFormula("Members", cell)
		require.NoError(t, err)
		assert.Empty(t, formula, cell)
		typ, err := f.GetCellType("Members", cell)
		require.NoError(t, err)
		assert.Equal(t, excelize.CellTypeInlineString, typ, cell)
	}
}

func TestExportErrors(t *testing.T) {
	fx := newFixture(t)
	snap := fx.snap(t)
	var b bytes.Buffer
	assert.ErrorIs(t, Export(fx.ctx, &b, snap, ExportOptions{Format: CSV, Sheets: Members | Departments}), orgkit.ErrInvalid)
	assert.ErrorIs(t, Export(fx.ctx, &b, snap, ExportOptions{Columns: []Column{"shoe_size"}}), orgkit.ErrInvalid)
	assert.ErrorIs(t, Export(fx.ctx, &b, snap, ExportOptions{Node: orgkit.NewNodeID()}), orgkit.ErrNotFound)
	assert.ErrorIs(t, Export(fx.ctx, &b, snap, ExportOptions{Key: member.FullNameField}), orgkit.ErrInvalid)
}

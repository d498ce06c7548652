package importexport

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit/member"
)

func TestErrorWorkbookXLSX(t *testing.T) {
	fx := newFixture(t)
	upload := makeXLSX(t, false, sheetSpec{name: "成员", rows: [][]any{
		{"员工名单"},
		{"工号", "系统名", "手机号", "入职日期", "主属部门"},
		{"E1", "a1", 13800000001, dateCell(45352), "BJ-RD"},
		{"E2", "a2", "bad phone", dateCell(45353), "NOPE"},
		{"E3", "a3", 13800000003, "2024-13-01", "BJ-RD"},
	}, merges: [][2]string{{"A1", "E1"}}})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(upload), ImportOptions{Language: language.SimplifiedChinese})
	require.Error(t, err)
	require.Len(t, rep.Problems, 3, dumpProblems(rep))

	var out bytes.Buffer
	require.NoError(t, WriteErrorWorkbook(context.Background(), &out, bytes.NewReader(upload), rep))
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"成员", "错误列表"}, f.GetSheetList())

	rows, err := f.GetRows("成员")
	require.NoError(t, err)
	require.Len(t, rows, 5)
	assert.Equal(t, "错误信息", rows[1][5], "the problem column's header")
	assert.Equal(t, "2024-03-01", rows[2][3], "a date cell re-streamed as a date")
	assert.Len(t, rows[2], 5, "a good row has no problem column")
	assert.Contains(t, rows[3][5], "C4")
	assert.Contains(t, rows[3][5], "E4")
	assert.Contains(t, rows[4][5], "D5")

	bad := func(cell string) bool {
		id, err := f.GetCellStyle("成员", cell)
		require.NoError(t, err)
		st, err := f.GetStyle(id)
		require.NoError(t, err)
		return len(st.Fill.Color) > 0 && st.Fill.Color[0] == "FFC7CE"
	}
	assert.True(t, bad("C4"))
	assert.True(t, bad("E4"))
	assert.True(t, bad("D5"))
	assert.False(t, bad("C3"))

	list, err := f.GetRows("错误列表")
	require.NoError(t, err)
	require.Len(t, list, 4)
	assert.Equal(t, []string{"成员", "4", "C", "手机号", "bad phone", "member.mobile.invalid"}, list[1][:6])
	ok, target, err := f.GetCellHyperLink("错误列表", "B2")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "'成员'!C4", target)

	// Fixed in the error workbook and uploaded again, it imports: the problem column
	// and the problem sheet are ignored.
	require.NoError(t, f.SetCellStr("成员", "C4", "13800000002"))
	require.NoError(t, f.SetCellStr("成员", "E4", "SH-SALES"))
	require.NoError(t, f.SetCellStr("成员", "D5", "2024-12-01"))
	var fixed bytes.Buffer
	_, err = f.WriteTo(&fixed)
	require.NoError(t, err)
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(fixed.Bytes()), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Created: 3}, rep.Members)
	assert.Equal(t, member.Date{Year: 2024, Month: 3, Day: 2}, fx.member(t, member.EmployeeNumberField, "E2").HireDate)
}

func TestErrorWorkbookCSV(t *testing.T) {
	fx := newFixture(t)
	upload := makeCSV(t, [][]string{
		{"Employee number", "System name", "Mobile", "Job title"},
		{"E1", "a1", "13800000001", "'=1+1"},
		{"E1", "a2", "13800000002", "x"},
	})
	inputs := []Input{{Name: "depts.csv", R: strings.NewReader("Code,Name\nD1,Dept\n")}, {Name: "people.csv", R: bytes.NewReader(upload)}}
	rep, err := ImportFiles(fx.ctx, fx.svc, fx.dir, inputs, ImportOptions{})
	require.Error(t, err)
	require.Equal(t, []string{"A3 field.duplicate"}, problemsOf(rep))
	assert.Equal(t, "people.csv", rep.Problems[0].File)
	assert.Equal(t, 1, rep.Problems[0].Input)

	var out bytes.Buffer
	require.NoError(t, WriteErrorWorkbook(context.Background(), &out, bytes.NewReader(upload), rep.ForInput(1)))
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"Members", "Problems"}, f.GetSheetList())
	rows, err := f.GetRows("Members")
	require.NoError(t, err)
	assert.Equal(t, "=1+1", rows[1][3], "written as text")
	typ, err := f.GetCellType("Members", "D2")
	require.NoError(t, err)
	assert.NotEqual(t, excelize.CellTypeFormula, typ)
	formula, err := f.GetCellFormula("Members", "D2")
	require.NoError(t, err)
	assert.Empty(t, formula)
	assert.Contains(t, rows[2][4], "A3")
}

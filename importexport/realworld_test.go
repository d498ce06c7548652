package importexport

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// thousandRows is a member sheet of 1,000 rows with shuffled English headers, Excel
// date cells, leading-zero employee numbers, mobiles typed as numbers and a few
// international ones, and the rows in bad (2-based row numbers) broken.
func thousandRows(t *testing.T, bad map[int]string) []byte {
	rows := [][]any{{"Hire date", "Mobile", "Employee number", "System name", "Full name", "Primary department", "Reporting manager", "Gender", "Job title"}}
	for i := range 1000 {
		r := i + 2
		mobile := any(int64(13800000000 + i))
		if i%50 == 0 {
			mobile = fmt.Sprintf("+852-%08d", 12340000+i)
		}
		mgr := ""
		if i > 0 {
			mgr = fmt.Sprintf("%06d", i/10)
		}
		row := []any{dateCell(44000 + i), mobile, fmt.Sprintf("%06d", i), fmt.Sprintf("user%04d", i), fmt.Sprintf("用户 %d", i),
			[]string{"BJ-RD", "SH-SALES", "Acme/Beijing R&D/Product"}[i%3], mgr, []string{"男", "Female", ""}[i%3], "=cmd"}
		switch bad[r] {
		case "date":
			row[0] = "2024-02-30"
		case "department":
			row[5] = "BJ-RDX"
		case "mobile":
			row[1] = "138-no-number"
		}
		rows = append(rows, row)
	}
	return makeXLSX(t, false, sheetSpec{name: "Members", rows: rows})
}

func TestImportThousandRowsThreeBad(t *testing.T) {
	fx := newFixture(t)
	before := fx.snap(t).Version()
	data := thousandRows(t, map[int]string{17: "date", 503: "department", 998: "mobile"})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.Error(t, err)
	assert.Equal(t, []string{"A17 field.invalid", "F503 field.reference.not_found", "B998 member.mobile.invalid"}, problemsOf(rep), dumpProblems(rep))
	assert.Equal(t, "2024-02-30", rep.Problems[0].Value)
	assert.Equal(t, "Hire date", rep.Problems[0].Header)
	assert.Equal(t, "BJ-RDX", rep.Problems[1].Value)
	assert.Equal(t, "138-no-number", rep.Problems[2].Value)
	assert.Equal(t, "Members", rep.Problems[2].Sheet)
	assert.Equal(t, before, fx.snap(t).Version(), "nothing written")

	// Fixed, the same file imports as one change set.
	data = thousandRows(t, nil)
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, 1000, rep.Members.Created)
	assert.Equal(t, before+1, fx.snap(t).Version())
	m := fx.member(t, member.EmployeeNumberField, "000042")
	assert.Equal(t, "+8613800000042", m.Mobile)
	want, ok := serialDate(44042, false)
	require.True(t, ok)
	assert.Equal(t, want, m.HireDate)
	assert.Equal(t, fx.member(t, member.EmployeeNumberField, "000004").ID, m.ReportingManager)
	assert.Equal(t, "=cmd", m.JobTitle)
	assert.Equal(t, "+85212340050", fx.member(t, member.EmployeeNumberField, "000050").Mobile)
}

func TestDate1904Workbook(t *testing.T) {
	fx := newFixture(t)
	// 1904 system: serial 43890 is 2024-03-01 (1462 days less than in 1900).
	data := makeXLSX(t, true, sheetSpec{name: "Sheet1", rows: [][]any{
		{"System name", "Mobile", "Hire date", "Birthday"},
		{"old-mac", "13800000001", dateCell(45352 - 1462), "1990/12/31"},
	}})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	m := fx.member(t, member.SystemNameField, "old-mac")
	assert.Equal(t, member.Date{Year: 2024, Month: 3, Day: 1}, m.HireDate)
	assert.Equal(t, member.Date{Year: 1990, Month: 12, Day: 31}, m.Birthday)
}

// A two-row header: group labels merged across the top, and headers merged down two
// rows; formatted but empty rows at the end; numbers stored as text with full-width
// digits and spaces around them.
func TestMergedHeaderAndTrailingRows(t *testing.T) {
	fx := newFixture(t)
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	require.NoError(t, f.SetSheetRow(sh, "A1", &[]any{"系统名", "联系方式", nil, "入职日期"}))
	require.NoError(t, f.SetSheetRow(sh, "A2", &[]any{nil, "手机号", "邮箱", nil}))
	require.NoError(t, f.MergeCell(sh, "A1", "A2"))
	require.NoError(t, f.MergeCell(sh, "B1", "C1"))
	require.NoError(t, f.MergeCell(sh, "D1", "D2"))
	require.NoError(t, f.SetSheetRow(sh, "A3", &[]any{"  mei  ", " １３８００００００７７ ", "MEI@ACME.EXAMPLE ", 45352}))
	style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
	require.NoError(t, f.SetRowStyle(sh, 4, 5000, style))
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	require.NoError(t, err)

	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(buf.Bytes()), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, 2, rep.Sheets[0].HeaderRow)
	assert.Equal(t, 1, rep.Sheets[0].Rows)
	m := fx.member(t, member.SystemNameField, "mei")
	assert.Equal(t, "+8613800000077", m.Mobile)
	assert.Equal(t, "mei@acme.example", m.Email)
	assert.Equal(t, member.Date{Year: 2024, Month: 3, Day: 1}, m.HireDate)
}

func TestNumbersStoredAsNumbers(t *testing.T) {
	fx := newFixture(t)
	data := makeXLSX(t, false, sheetSpec{name: "Sheet1", rows: [][]any{
		{"System name", "Mobile", "Employee number", "QQ"},
		{"n1", 13800000011, 123, float64(1234567890)},
		{"n2", "13800000012", "00124", "０１２３"},
	}})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Key: member.SystemNameField})
	require.NoError(t, err, dumpProblems(rep))
	n1 := fx.member(t, member.SystemNameField, "n1")
	assert.Equal(t, "123", n1.EmployeeNumber)
	assert.Equal(t, "1234567890", n1.QQ)
	assert.Equal(t, "+8613800000011", n1.Mobile)
	n2 := fx.member(t, member.SystemNameField, "n2")
	assert.Equal(t, "00124", n2.EmployeeNumber, "leading zeros of a text cell stay")
	assert.Equal(t, "0123", n2.QQ)
}

func TestSyncedColumnsAreReadOnly(t *testing.T) {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Synced")})
	require.NoError(t, err)
	ada := orgkit.NewMemberID()
	_, err = svc.Apply(ctx, snap.ID(), directory.Meta{},
		member.Create{ID: ada, SystemName: orgkit.Name("ada"), Mobile: "13900000000", EmployeeNumber: "E1"},
		directory.Bind{Platform: orgkit.DingTalk, UpstreamID: "corp", MemberFields: []member.Field{member.FullNameField, member.MobileField, member.EmployeeNumberField}},
	)
	require.NoError(t, err)
	data := makeCSV(t, [][]string{
		{"Employee number", "Full name", "Mobile", "Job title"},
		{"E1", "Ada L.", "13900000001", "CTO"},
	})
	rep, err := Import(ctx, svc, snap.ID(), bytes.NewReader(data), ImportOptions{Mode: Update, Language: language.TraditionalChinese})
	require.Error(t, err)
	assert.ErrorIs(t, err, orgkit.ErrReadOnly)
	assert.Equal(t, []string{"B1 field.read_only", "C1 field.read_only"}, problemsOf(rep), dumpProblems(rep))
	assert.Contains(t, rep.Problems[0].Message, "同步平台")

	// Without those columns the local fields import.
	data = makeCSV(t, [][]string{{"Employee number", "Job title"}, {"E1", "CTO"}})
	rep, err = Import(ctx, svc, snap.ID(), bytes.NewReader(data), ImportOptions{Mode: Update})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Updated: 1}, rep.Members)
}

package importexport

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
)

// A realistic Chinese workbook: a title row merged over the columns, shuffled
// columns, Excel date cells, leading-zero employee numbers typed as text, a mobile
// typed as a number, an international mobile, a formula-looking job title,
// departments by code, by path and by name, a reporting manager named by a later row,
// roles by their Chinese names, a trailing blank row.
func TestImportChineseWorkbook(t *testing.T) {
	fx := newFixture(t)
	data := makeXLSX(t, false, sheetSpec{
		name: "成员",
		rows: [][]any{
			{"2024 年员工名单"},
			{"*姓名", "手机号", "工号", "系统名", "入职日期", "主属部门", "职位", "汇报对象", "性别", "角色", "邮箱"},
			{"张伟", 13912345678, "000123", "zhangwei", dateCell(45352), "BJ-RD", "=cmd|' /C calc'!A0", "000456", "男", "工程师", ""},
			{"Li Na", "+852-12345678", "000456", "lina", "2024/3/1", "Acme/Beijing R&D/Product", "经理", "", "女", "工程师;Sales rep", "LiNa@Acme.example"},
			{"王芳", "１３９ ８７６５ ４３２１", " 000789 ", "wangfang", "2024年3月1日", "Shanghai Sales", "", "E0001", "保密", "", ""},
			{nil, nil, "", nil},
		},
		merges: [][2]string{{"A1", "K1"}},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Language: language.SimplifiedChinese})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, member.EmployeeNumberField, rep.Key)
	assert.Equal(t, Counts{Created: 3}, rep.Members)
	assert.True(t, rep.Committed)
	require.Len(t, rep.Sheets, 1)
	assert.Equal(t, 2, rep.Sheets[0].HeaderRow)
	assert.Equal(t, 3, rep.Sheets[0].Rows)

	zw := fx.member(t, member.EmployeeNumberField, "000123")
	assert.Equal(t, "张伟", zw.FullName)
	assert.Equal(t, "+8613912345678", zw.Mobile)
	assert.Equal(t, member.Date{Year: 2024, Month: 3, Day: 1}, zw.HireDate)
	assert.Equal(t, fx.rd, zw.Primary)
	assert.Equal(t, "=cmd|' /C calc'!A0", zw.JobTitle)
	assert.Equal(t, member.Male, zw.Gender)
	ln := fx.member(t, member.EmployeeNumberField, "000456")
	assert.Equal(t, ln.ID, zw.ReportingManager, "a manager named by a later row")
	assert.Equal(t, "+85212345678", ln.Mobile)
	assert.Equal(t, "lina@acme.example", ln.Email)
	assert.Equal(t, fx.product, ln.Primary)
	snap := fx.snap(t)
	a := snap.Assignment(ln.ID)
	require.NotNil(t, a)
	assert.Equal(t, fx.engineer, a.Primary)
	assert.ElementsMatch(t, []orgkit.RoleID{fx.engineer, fx.salesRep}, a.Roles)
	wf := fx.member(t, member.EmployeeNumberField, "000789")
	assert.Equal(t, "+8613987654321", wf.Mobile)
	assert.Equal(t, fx.sales, wf.Primary)
	assert.Equal(t, fx.ada, wf.ReportingManager)
	assert.Equal(t, member.GenderPrivate, wf.Gender)

	cs := rep.Result.ChangeSet
	require.NotNil(t, cs)
	assert.Equal(t, directory.OriginImport, cs.Meta.Origin)
}

func TestImportEnglishCSV(t *testing.T) {
	fx := newFixture(t)
	data := makeCSV(t, [][]string{
		{"Employee number", "System name", "Full name", "Mobile", "Hire date", "Primary department", "Job title", "Extended field A"},
		{"E0100", "bob", "Bob", "'+852-12345678", "01/03/2024", "BJ-RD", "'=HYPERLINK(\"x\")", "'-5"},
		{"E0101", "carol", "Carol", "13800000001", "13/03/2024", "Beijing R&D", "'@SUM(A1)", "''=kept"},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	bob := fx.member(t, member.EmployeeNumberField, "E0100")
	assert.Equal(t, "+85212345678", bob.Mobile)
	assert.Equal(t, member.Date{Year: 2024, Month: 3, Day: 1}, bob.HireDate, "day first")
	assert.Equal(t, `=HYPERLINK("x")`, bob.JobTitle)
	assert.Equal(t, "-5", bob.ExtendedA)
	carol := fx.member(t, member.EmployeeNumberField, "E0101")
	assert.Equal(t, member.Date{Year: 2024, Month: 3, Day: 13}, carol.HireDate)
	assert.Equal(t, "@SUM(A1)", carol.JobTitle)
	assert.Equal(t, "'=kept", carol.ExtendedA)
}

func TestImportProblemsWriteNothing(t *testing.T) {
	fx := newFixture(t)
	before := fx.snap(t).Version()
	data := makeCSV(t, [][]string{
		{"Employee number", "System name", "Mobile", "Hire date", "Primary department"},
		{"E0100", "bob", "13800000001", "2024-02-30", "BJ-RD"},
		{"E0101", "carol", "not a phone", "2024-03-01", "Nowhere"},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, orgkit.ErrInvalid))
	require.NotNil(t, rep)
	assert.Equal(t, []string{"D2 field.invalid", "C3 member.mobile.invalid", "E3 field.reference.not_found"}, problemsOf(rep), dumpProblems(rep))
	assert.Equal(t, before, fx.snap(t).Version())
	for _, p := range rep.Problems {
		assert.NotEmpty(t, p.Message)
		assert.NotContains(t, p.Message, "%!")
	}
}

func TestImportUpdateAndUpsert(t *testing.T) {
	fx := newFixture(t)
	// Add two members first.
	add := makeCSV(t, [][]string{
		{"工号", "系统名", "姓名", "手机号", "职位", "办公地点", "角色"},
		{"E0100", "bob", "Bob", "13800000001", "Engineer", "Beijing", "Engineer"},
		{"E0101", "carol", "Carol", "13800000002", "Sales", "Shanghai", ""},
	})
	_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(add), ImportOptions{})
	require.NoError(t, err)

	// Update by mobile, written differently: blank leaves, #clear empties, roles
	// replaced; an unchanged row is counted as such.
	upd := makeCSV(t, [][]string{
		{"Mobile", "Job title", "Work place", "Roles", "Full name"},
		{"138 0000 0001", "Staff engineer", "#clear", "Sales rep;Engineer", ""},
		{"+86 138-0000-0002", "", "", "", "Carol"},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(upd), ImportOptions{Mode: Update, Key: member.MobileField})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Updated: 1, Unchanged: 1}, rep.Members)
	bob := fx.member(t, member.EmployeeNumberField, "E0100")
	assert.Equal(t, "Staff engineer", bob.JobTitle)
	assert.Equal(t, "", bob.WorkPlace)
	assert.Equal(t, "Bob", bob.FullName)
	a := fx.snap(t).Assignment(bob.ID)
	require.NotNil(t, a)
	assert.Equal(t, fx.salesRep, a.Primary)
	assert.ElementsMatch(t, []orgkit.RoleID{fx.engineer, fx.salesRep}, a.Roles)
	carol := fx.member(t, member.EmployeeNumberField, "E0101")
	assert.Equal(t, "Sales", carol.JobTitle)

	// Upsert: one existing, one new.
	ups := makeCSV(t, [][]string{
		{"Employee number", "System name", "Job title", "Reporting manager", "Mobile"},
		{"E0101", "", "Sales lead", "E0102", ""},
		{"E0102", "dave", "Director", "", "13800000003"},
	})
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(ups), ImportOptions{Mode: Upsert})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Created: 1, Updated: 1}, rep.Members)
	carol = fx.member(t, member.EmployeeNumberField, "E0101")
	dave := fx.member(t, member.EmployeeNumberField, "E0102")
	assert.Equal(t, "Sales lead", carol.JobTitle)
	assert.Equal(t, dave.ID, carol.ReportingManager)

	// Re-importing the same update changes nothing and commits nothing.
	before := fx.snap(t).Version()
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(ups), ImportOptions{Mode: Upsert})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Unchanged: 2}, rep.Members)
	assert.False(t, rep.Committed)
	assert.Equal(t, before, fx.snap(t).Version())
}

func TestPlanWritesNothing(t *testing.T) {
	fx := newFixture(t)
	before := fx.snap(t).Version()
	data := makeCSV(t, [][]string{{"System name", "Mobile"}, {"eve", "13800000009"}})
	rep, err := Plan(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err)
	assert.Equal(t, Counts{Created: 1}, rep.Members)
	assert.False(t, rep.Committed)
	require.NotNil(t, rep.Result)
	require.NotNil(t, rep.Result.ChangeSet)
	_, ok := rep.Result.Snapshot.MemberBy(member.SystemNameField, "eve")
	assert.True(t, ok)
	assert.Equal(t, before, fx.snap(t).Version())
	_, ok = fx.snap(t).MemberBy(member.SystemNameField, "eve")
	assert.False(t, ok)
}

// Every kind of problem, each alone in a file, with where it is reported.
func TestImportProblemKinds(t *testing.T) {
	type tc struct {
		name string
		mode Mode
		key  member.Field
		rows [][]string
		want []string
	}
	hdr := []string{"Employee number", "System name", "Mobile", "Email", "Primary department", "Reporting manager", "Hire date", "Gender", "Login blocked", "Roles"}
	row := func(cells ...string) []string {
		r := make([]string, len(hdr))
		copy(r, cells)
		return r
	}
	cases := []tc{
		{"unknown column", Add, 0, [][]string{{"System name", "Shoe size", "Mobile"}, {"x", "44", "13800000001"}}, []string{"B1 import.column.unknown"}},
		{"duplicate column", Add, 0, [][]string{{"System name", "Mobile", "系统名"}, {"x", "13800000001", "y"}}, []string{"C1 import.column.duplicate"}},
		{"value without header", Add, 0, [][]string{{"System name", "", "Mobile"}, {"x", "stray", "13800000001"}}, []string{"B2 import.column.no_header"}},
		{"no header", Add, 0, [][]string{{"foo", "bar"}, {"1", "2"}}, []string{"1 import.header.not_found"}},
		{"key column missing in update", Update, member.EmployeeNumberField, [][]string{{"System name"}, {"x"}}, []string{"1 import.column.required"}},
		{"blank key in update", Update, member.EmployeeNumberField, [][]string{hdr, row("", "x")}, []string{"A2 field.required"}},
		{"unknown key in update", Update, 0, [][]string{hdr, row("E9999", "x")}, []string{"A2 field.reference.not_found"}},
		{"key taken in add", Add, 0, [][]string{hdr, row("E0001", "x")}, []string{"A2 field.duplicate"}},
		{"key twice in file", Add, 0, [][]string{hdr, row("E1", "x", "13800000001"), row("E1", "y", "13800000002")}, []string{"A3 field.duplicate"}},
		{"invalid key in update", Update, member.MobileField, [][]string{hdr, row("", "", "12")}, []string{"C2 member.mobile.invalid"}},
		{"other field taken", Add, 0, [][]string{hdr, row("E1", "x", "13900000000")}, []string{"C2 field.duplicate"}},
		{"other field twice", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "a@b.example"), row("E2", "y", "13800000002", "A@B.example")}, []string{"D3 field.duplicate"}},
		{"field rule", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "not-an-email")}, []string{"D2 member.email.invalid"}},
		{"required field", Add, 0, [][]string{hdr, row("E1", "", "13800000001")}, []string{"B2 field.required"}},
		{"login method contact", Add, 0, [][]string{hdr, row("E1", "x")}, []string{"C2 member.login_method.missing_contact"}},
		{"department", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "Nowhere/Else")}, []string{"E2 field.reference.not_found"}},
		{"manager", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "E404")}, []string{"F2 field.reference.not_found"}},
		{"manager cycle", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "E2"), row("E2", "y", "13800000002", "", "", "E1")}, []string{"F2 member.reporting_manager.cycle", "F3 member.reporting_manager.cycle"}},
		{"self manager", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "E1")}, []string{"F2 member.reporting_manager.self"}},
		{"date", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "", "24/3/1")}, []string{"G2 field.invalid"}},
		{"year only", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "", "2024")}, []string{"G2 field.invalid"}},
		{"enum", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "", "", "robot")}, []string{"H2 field.invalid"}},
		{"bool", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "", "", "", "maybe")}, []string{"I2 field.invalid"}},
		{"role", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "", "", "", "", "", "Engineer;Astronaut")}, []string{"J2 field.reference.not_found"}},
		{"rounded number", Add, 0, [][]string{hdr, row("1.23E+05", "x", "13800000001")}, []string{"A2 import.cell.rounded"}},
		{"spreadsheet error", Add, 0, [][]string{hdr, row("E1", "x", "#N/A")}, []string{"C2 import.cell.error"}},
		{"ambiguous department", Add, 0, [][]string{hdr, row("E1", "x", "13800000001", "", "Team")}, []string{"E2 import.reference.ambiguous"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			if c.name == "ambiguous department" {
				_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(makeCSV(t, [][]string{
					{"Code", "Name", "Parent"}, {"T1", "Team", "BJ-RD"}, {"T2", "Team", "SH-SALES"},
				})), ImportOptions{})
				require.NoError(t, err)
			}
			before := fx.snap(t).Version()
			rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(makeCSV(t, c.rows)), ImportOptions{Mode: c.mode, Key: c.key})
			require.Error(t, err)
			require.True(t, errors.Is(err, orgkit.ErrInvalid), err)
			assert.Equal(t, c.want, problemsOf(rep), dumpProblems(rep))
			assert.Equal(t, before, fx.snap(t).Version())
		})
	}
}

func TestInactiveMembersAndDepartments(t *testing.T) {
	fx := newFixture(t)
	data := makeXLSX(t, false,
		sheetSpec{name: "Departments", rows: [][]any{
			{"Code", "Name", "Parent", "Status"},
			{"OLD-TEAM", "Old team", "OLD", "Inactive"},
			{"OLD", "Old", "", "Inactive"},
		}},
		sheetSpec{name: "Members", rows: [][]any{
			{"System name", "Mobile", "Status", "Roles", "Primary department", "Reporting manager"},
			{"gone", "13800000001", "Inactive", "Engineer;Sales rep", "OLD-TEAM", ""},
			{"here", "13800000002", "Active", "Sales rep", "BJ-RD", "ada"},
		}},
	)
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	snap := fx.snap(t)
	gone := fx.member(t, member.SystemNameField, "gone")
	assert.Equal(t, orgkit.Inactive, gone.Status)
	a := snap.Assignment(gone.ID)
	require.NotNil(t, a)
	assert.Equal(t, []orgkit.RoleID{fx.engineer, fx.salesRep}, a.Roles, "an inactive member keeps the roles it is given")
	assert.Equal(t, fx.engineer, a.Primary)
	for _, code := range []string{"OLD", "OLD-TEAM"} {
		n, ok := snap.Tree().ByCode(code)
		require.True(t, ok)
		assert.Equal(t, orgkit.Inactive, n.Status, code)
	}

	// Deactivating a member by update keeps its roles; a manager who leaves is
	// refused as anyone's reporting manager.
	upd := makeCSV(t, [][]string{{"System name", "Status", "Roles"}, {"here", "Inactive", "Engineer"}})
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(upd), ImportOptions{Mode: Update})
	require.NoError(t, err, dumpProblems(rep))
	here := fx.member(t, member.SystemNameField, "here")
	assert.Equal(t, orgkit.Inactive, here.Status)
	assert.Equal(t, []orgkit.RoleID{fx.engineer}, fx.snap(t).Assignment(here.ID).Roles)

	bad := makeCSV(t, [][]string{{"System name", "Mobile", "Reporting manager"}, {"new", "13800000003", "gone"}})
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(bad), ImportOptions{})
	require.Error(t, err)
	assert.Equal(t, []string{"C2 member.reporting_manager.inactive"}, problemsOf(rep), dumpProblems(rep))
}

// CSV as spreadsheets save it: GBK from Chinese Excel, UTF-16 "Unicode text" with
// tabs, semicolons from European locales.
func TestCSVEncodings(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("工号,系统名,手机号,姓名\n001,gbk,13800000001,张伟\n")
	require.NoError(t, err)
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("Employee number\tSystem name\tMobile\tFull name\n002\tu16\t13800000002\tLi Na\n")
	require.NoError(t, err)
	semi := "Employee number;System name;Mobile;Full name\r\n003;semi;13800000003;\"Müller; Hans\"\r\n"
	for _, c := range []struct{ data, key, name string }{{gbk, "001", "张伟"}, {u16, "002", "Li Na"}, {semi, "003", "Müller; Hans"}} {
		fx := newFixture(t)
		rep, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(c.data), ImportOptions{})
		require.NoError(t, err, dumpProblems(rep))
		assert.Equal(t, c.name, fx.member(t, member.EmployeeNumberField, c.key).FullName)
	}
}

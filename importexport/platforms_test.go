package importexport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

// Hosts name their own headers; the aliases win over the built-in ones, may ignore a
// column or mark it secret, and a wrong alias is refused before anything is read.
func TestHeaderAliases(t *testing.T) {
	fx := newFixture(t)
	data := makeCSV(t, [][]string{
		{"Personalnummer", "Benutzer", "Handy", "Abteilung", "Kennwort", "Kostenstelle", "Name"},
		{"P-1", "mueller", "13800000081", "BJ-RD", "geheim-123", "4711", "Hans Müller"},
	})
	opts := ImportOptions{HeaderAliases: map[string]Column{
		"Personalnummer": FieldColumn(member.EmployeeNumberField),
		"benutzer":       FieldColumn(member.SystemNameField),
		"Handy":          FieldColumn(member.MobileField),
		"Abteilung":      FieldColumn(member.PrimaryDepartmentField),
		"Kennwort":       ColSecret,
		"Kostenstelle":   ColIgnore,
		"Name":           FieldColumn(member.FullNameField),
	}}
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), opts)
	require.NoError(t, err, dumpProblems(rep))
	m := fx.member(t, member.EmployeeNumberField, "P-1")
	assert.Equal(t, "mueller", m.SystemName.Default)
	assert.Equal(t, "Hans Müller", m.FullName)
	assert.Equal(t, fx.rd, m.Primary)
	assert.NotContains(t, secretsIn(t, fx, rep, err), "geheim-123")

	// An alias wins over a built-in header: "Name" is the full name here, not a
	// department's name or the system name.
	assert.Equal(t, []ColumnReport{
		{Letter: "A", Header: "Personalnummer", Column: "employee_number"},
		{Letter: "B", Header: "Benutzer", Column: "system_name"},
		{Letter: "C", Header: "Handy", Column: "mobile"},
		{Letter: "D", Header: "Abteilung", Column: "primary_department"},
		{Letter: "E", Header: "Kennwort"},
		{Letter: "F", Header: "Kostenstelle"},
		{Letter: "G", Header: "Name", Column: "full_name"},
	}, rep.Sheets[0].Columns)

	_, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{HeaderAliases: map[string]Column{"Handy": "handy_number"}})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
	assert.Contains(t, err.Error(), "handy_number")
	_, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{HeaderAliases: map[string]Column{" * ": ColIgnore}})
	assert.ErrorIs(t, err, orgkit.ErrInvalid)
}

// Any member sheet, not only a platform template: a cell of several departments
// separated by '；' or ';' (the first the primary) — a department whose name holds
// the separator is read whole first; a sheet without a system-name column derives
// it; given and family names make the full name.
func TestPrimaryDepartmentListAndDerivedNames(t *testing.T) {
	fx := newFixture(t)
	semi := orgkit.NewNodeID()
	_, err := fx.svc.Apply(fx.ctx, fx.dir, directory.Meta{},
		orgtree.Create{ID: semi, Parent: fx.root, Kind: orgtree.Department, Name: orgkit.Name("R&D; Ops")})
	require.NoError(t, err)
	data := makeCSV(t, [][]string{
		{"Employee number", "Given name", "Family name", "Mobile", "Department"},
		{"E1", "Ada", "Byron", "13800000091", "Beijing R&D；Shanghai Sales；Acme/Beijing R&D/Product"},
		{"E2", "伟", "张", "13800000092", "R&D; Ops"},
		{"E3", "Ada", "Byron", "13800000093", "Shanghai Sales"},
	})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	e1 := fx.member(t, member.EmployeeNumberField, "E1")
	assert.Equal(t, fx.rd, e1.Primary)
	assert.Equal(t, []orgkit.NodeID{fx.sales, fx.product}, e1.Secondary)
	assert.Equal(t, "Ada Byron", e1.FullName)
	assert.Equal(t, "Ada Byron", e1.SystemName.Default)
	e2 := fx.member(t, member.EmployeeNumberField, "E2")
	assert.Equal(t, semi, e2.Primary, "a name with ';' read whole")
	assert.Equal(t, "张伟", e2.SystemName.Default)
	e3 := fx.member(t, member.EmployeeNumberField, "E3")
	assert.Equal(t, "Ada Byron (E3)", e3.SystemName.Default, "taken by the row above: the employee number")

	// Not found: the department named, not the cell.
	bad := makeCSV(t, [][]string{{"Employee number", "System name", "Mobile", "Department"}, {"E4", "e4", "13800000094", "Beijing R&D；Nowhere"}})
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(bad), ImportOptions{})
	require.Error(t, err)
	require.Len(t, rep.Problems, 1, dumpProblems(rep))
	assert.Equal(t, "field.reference.not_found", rep.Problems[0].Code)
	assert.Equal(t, "Nowhere", rep.Problems[0].Value)

	// Updating by a list replaces the secondary departments.
	upd := makeCSV(t, [][]string{{"Employee number", "Department"}, {"E1", "Shanghai Sales;Beijing R&D"}})
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(upd), ImportOptions{Mode: Update})
	require.NoError(t, err, dumpProblems(rep))
	e1 = fx.member(t, member.EmployeeNumberField, "E1")
	assert.Equal(t, fx.sales, e1.Primary)
	assert.Equal(t, []orgkit.NodeID{fx.rd}, e1.Secondary)
}

// Header keys: bracketed property names and notes of the Entra and Google templates.
func TestTemplateKeys(t *testing.T) {
	assert.Equal(t, []string{"name[displayname]required", "[displayname]", "name"}, templateKeys("Name [displayName] Required"))
	assert.Equal(t, []string{"blocksignin(yes/no)[accountenabled]required", "[accountenabled]", "blocksignin(yes/no)"}, templateKeys("Block sign in (Yes/No) [accountEnabled] Required"))
	assert.Equal(t, []string{"firstname[required]", "firstname"}, templateKeys("First Name [Required]"))
	assert.Equal(t, []string{"recoveryphone[mustbeinthee.164format]", "recoveryphone"}, templateKeys("Recovery Phone [MUST BE IN THE E.164 FORMAT]"))
	assert.Equal(t, []string{"员工userid"}, templateKeys("员工UserID"))
}

// FuzzHeaderMatch: any header text is matched or not, never a panic, and a header
// an alias names always resolves to the alias.
func FuzzHeaderMatch(f *testing.F) {
	for _, s := range []string{"Name [displayName] Required", "First Name [Required]", "帐号", "是否此部门主管(是/否)", "[", "]]", "a[b", "禁用项说明：(0-启用;1-禁用)", "Hire date (YYYY-MM-DD)", "name:en"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if len(h) > 1000 {
			return
		}
		_ = templateKeys(h)
		_ = recognizeTemplate([]string{h, h})
		for _, kind := range []Sheets{Members, Departments} {
			_ = knownHeader(kind, h)
			m := &headerMatcher{}
			_ = m.match(kind, h)
		}
		if strings.TrimSpace(h) == "" || headerKey(h) == "" {
			return
		}
		aliases, err := newAliases(map[string]Column{h: ColIgnore})
		if err != nil {
			t.Fatalf("%q: %v", h, err)
		}
		m := &headerMatcher{aliases: aliases}
		if s := m.match(Members, h); s == nil || s.col != ColIgnore {
			t.Fatalf("%q: alias not applied: %v", h, s)
		}
	})
}

// A department cell in a template's own notation reads in the importer's: DingTalk's
// file separates levels with '-' and departments with ','; WeCom's writes them as the
// importer does, so nothing is rewritten.
func TestTemplateDepartmentCell(t *testing.T) {
	ding := templateNamed("DingTalk")
	require.NotNil(t, ding)
	for in, want := range map[string]string{
		"市场部-杭州分部":                         "市场部/杭州分部",
		"Acme-Beijing R&D, Shanghai Sales": "Acme/Beijing R&D;Shanghai Sales",
		"市场部 - 杭州分部,,产品部":                  "市场部/杭州分部;产品部",
	} {
		got, ok := ding.departmentCell(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"广州研发部", "Acme/Beijing R&D；Shanghai Sales", ""} {
		got, ok := ding.departmentCell(in)
		assert.False(t, ok, "%q reads the same either way", in)
		assert.Equal(t, in, got)
	}
	wecom := templateNamed("WeCom")
	require.NotNil(t, wecom)
	got, ok := wecom.departmentCell("腾讯公司-微信事业群,广州研发部")
	assert.False(t, ok, "WeCom's notation is the importer's")
	assert.Equal(t, "腾讯公司-微信事业群,广州研发部", got)
	_, ok = templateNamed("no such template").departmentCell("a-b")
	assert.False(t, ok, "no template: nothing rewritten")
}

// FuzzDepartmentCell: any cell is rewritten or not, never a panic; a rewrite has none
// of the template's separators left and reads the same when rewritten again.
func FuzzDepartmentCell(f *testing.F) {
	for _, s := range []string{"市场部-杭州分部", "a,b", "-", ",", " - , - ", "Acme/Beijing R&D；Shanghai Sales", "a--b,,c", "\u3000-\u3000"} {
		f.Add(s)
	}
	ding := templateNamed("DingTalk")
	f.Fuzz(func(t *testing.T, v string) {
		if len(v) > 1000 {
			return
		}
		got, ok := ding.departmentCell(v)
		if !ok {
			if got != v {
				t.Fatalf("%q: not rewritten, yet %q returned", v, got)
			}
			return
		}
		if strings.ContainsAny(got, ding.pathSeparator+ding.listSeparator) {
			t.Fatalf("%q → %q: a template separator is left", v, got)
		}
		if again, ok := ding.departmentCell(got); ok && again != got {
			t.Fatalf("%q → %q → %q: not stable", v, got, again)
		}
	})
}

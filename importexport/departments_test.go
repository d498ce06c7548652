package importexport

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/orgtree"
)

func TestImportDepartments(t *testing.T) {
	fx := newFixture(t)
	// Children before parents, parents by code and by path, names in three languages,
	// posts by employee number (an existing member and a member of the member sheet),
	// isolation with whitelists, an inactive department.
	data := makeXLSX(t, false,
		sheetSpec{name: "部门", rows: [][]any{
			{"部门编码", "名称", "名称（英文）", "名稱（繁體中文）", "上级部门", "负责人", "助理", "对外隐藏", "可见成员白名单", "排序", "状态"},
			{"BJ-RD-AI", "人工智能组", "AI Team", "人工智能組", "Acme/北京研发/平台部", "E0001", "E0200", "是", "E0200", 2, "启用"},
			{"BJ-RD-PF", "平台部", "Platform", "", "BJ-RD", "E0200", "", "", "", "1", ""},
			{"OLD", "旧部门", "", "", "SH-SALES", "", "", "", "", "", "停用"},
		}},
		sheetSpec{name: "成员", rows: [][]any{
			{"工号", "系统名", "手机号", "主属部门"},
			{"E0200", "grace", "13800000200", "BJ-RD-AI"},
		}},
	)
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Created: 3}, rep.Departments)
	assert.Equal(t, Counts{Created: 1}, rep.Members)
	tree := fx.snap(t).Tree()
	pf, ok := tree.ByCode("BJ-RD-PF")
	require.True(t, ok)
	ai, ok := tree.ByCode("bj-rd-ai")
	require.True(t, ok)
	assert.Equal(t, fx.rd, pf.Parent)
	assert.Equal(t, pf.ID, ai.Parent)
	assert.Equal(t, orgkit.Names{Default: "人工智能组", ByLang: map[string]string{"en": "AI Team", "zh-Hant": "人工智能組"}}, ai.Name)
	grace := fx.member(t, member.EmployeeNumberField, "E0200")
	assert.Equal(t, fx.ada, ai.Manager)
	assert.Equal(t, []orgkit.MemberID{grace.ID}, ai.Assistants)
	assert.True(t, ai.Isolation.HideFromOutside)
	assert.Equal(t, []orgkit.MemberID{grace.ID}, ai.Isolation.VisibilityWhitelist.Members)
	assert.Equal(t, 2, ai.Order)
	assert.Equal(t, grace.ID, pf.Manager)
	assert.Equal(t, ai.ID, grace.Primary)
	old, _ := tree.ByCode("OLD")
	assert.Equal(t, orgkit.Inactive, old.Status)

	// Update: move, rename, clear the manager, reactivate; an unchanged row.
	upd := makeCSV(t, [][]string{
		{"Code", "Parent", "Name", "Manager", "Status"},
		{"BJ-RD-AI", "SH-SALES", "AI Lab", "#clear", ""},
		{"OLD", "", "", "", "Active"},
		{"BJ-RD-PF", "", "平台部", "", ""},
	})
	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(upd), ImportOptions{Mode: Update})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Updated: 2, Unchanged: 1}, rep.Departments)
	tree = fx.snap(t).Tree()
	ai, _ = tree.ByCode("BJ-RD-AI")
	assert.Equal(t, fx.sales, ai.Parent)
	assert.Equal(t, "AI Lab", ai.Name.Default)
	assert.Equal(t, "AI Team", ai.Name.ByLang["en"], "a blank cell leaves the form")
	assert.True(t, ai.Manager.IsZero())
	old, _ = tree.ByCode("OLD")
	assert.Equal(t, orgkit.Active, old.Status)
}

func TestImportDepartmentProblems(t *testing.T) {
	cases := []struct {
		name string
		mode Mode
		rows [][]string
		want []string
	}{
		{"cycle among rows", Add, [][]string{{"Code", "Name", "Parent"}, {"A", "A", "B"}, {"B", "B", "A"}}, []string{"C2 import.row.cycle", "C3 import.row.cycle"}},
		{"unknown parent", Add, [][]string{{"Code", "Name", "Parent"}, {"A", "A", "Acme/Nowhere"}, {"B", "B", "A"}}, []string{"C2 field.reference.not_found"}},
		{"code taken", Add, [][]string{{"Code", "Name"}, {"BJ-RD", "Again"}}, []string{"A2 node.code.duplicate"}},
		{"code twice", Add, [][]string{{"Code", "Name"}, {"X1", "One"}, {"x1", "Two"}}, []string{"A3 node.code.duplicate"}},
		{"invalid code", Add, [][]string{{"Code", "Name"}, {"-bad", "One"}}, []string{"A2 node.code.invalid"}},
		{"sibling names", Add, [][]string{{"Code", "Name"}, {"X1", "Shanghai Sales"}}, []string{"B2 node.name.duplicate_sibling"}},
		{"organization without multi-org", Add, [][]string{{"Code", "Name", "Kind"}, {"X1", "Sub Co", "Organization"}}, []string{"C2 node.organization.multi_org_off"}},
		{"kind change", Update, [][]string{{"Code", "Kind"}, {"BJ-RD", "Organization"}}, []string{"B2 node.kind.invalid"}},
		{"unknown code in update", Update, [][]string{{"Code", "Name"}, {"NOPE", "x"}}, []string{"A2 field.reference.not_found"}},
		{"blank code in update", Update, [][]string{{"Code", "Name"}, {"", "x"}}, []string{"A2 field.required"}},
		{"manager", Add, [][]string{{"Code", "Name", "Manager"}, {"X1", "X", "E404"}}, []string{"C2 field.reference.not_found"}},
		{"order", Add, [][]string{{"Code", "Name", "Order"}, {"X1", "X", "first"}}, []string{"C2 field.invalid"}},
		{"deactivate with members", Update, [][]string{{"Code", "Status"}, {"BJ-RD", "Inactive"}}, []string{"B2 node.deactivate.active_children", "B2 node.deactivate.active_members"}},
		{"two company rows", Add, [][]string{{"Kind", "Name"}, {"Company", "Acme"}, {"公司", "Acme2"}}, []string{"A3 import.row.root"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			before := fx.snap(t).Version()
			rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(makeCSV(t, c.rows)), ImportOptions{Mode: c.mode})
			require.Error(t, err)
			assert.Equal(t, c.want, problemsOf(rep), dumpProblems(rep))
			assert.Equal(t, before, fx.snap(t).Version())
		})
	}
}

func TestImportCompanyRow(t *testing.T) {
	fx := newFixture(t)
	data := makeCSV(t, [][]string{{"Kind", "Code", "Name", "Name (English)", "Manager"}, {"Company", "HQ", "艾克米", "Acme", "E0001"}})
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Updated: 1}, rep.Departments)
	root := fx.snap(t).Tree().Root()
	assert.Equal(t, "HQ", root.Code)
	assert.Equal(t, "艾克米", root.Name.Default)
	assert.Equal(t, fx.ada, root.Manager)
	_ = orgtree.Company
}

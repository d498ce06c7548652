package importexport

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit/member"
)

func TestTemplateFillImport(t *testing.T) {
	fx := newFixture(t)
	var buf bytes.Buffer
	require.NoError(t, WriteTemplate(context.Background(), &buf, TemplateOptions{Sheets: Members | Departments, Language: language.SimplifiedChinese}))

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"成员", "部门", "填写说明"}, f.GetSheetList())
	hdr, err := f.GetRows("成员")
	require.NoError(t, err)
	require.NotEmpty(t, hdr)
	assert.Equal(t, "*系统名", hdr[0][0])
	assert.Contains(t, hdr[0], "手机号")
	dvs, err := f.GetDataValidations("成员")
	require.NoError(t, err)
	var lists []string
	for _, dv := range dvs {
		lists = append(lists, dv.Formula1)
	}
	assert.Contains(t, lists, `"男,女,保密"`)
	assert.Contains(t, lists, `"启用,停用"`)
	instr, err := f.GetRows("填写说明")
	require.NoError(t, err)
	assert.Greater(t, len(instr), 20)

	// Fill it in as a person would, in the template's columns.
	col := map[string]int{}
	for i, h := range hdr[0] {
		col[h] = i + 1
	}
	set := func(sheet, header string, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col[header], row)
		require.NoError(t, f.SetCellValue(sheet, cell, v), header)
	}
	set("成员", "*系统名", 2, "tina")
	set("成员", "姓名", 2, "Tina")
	set("成员", "员工编号", 2, "007")
	set("成员", "手机号", 2, "13800000070")
	set("成员", "性别", 2, "女")
	set("成员", "主属部门", 2, "NEW-1")
	set("成员", "状态", 2, "启用")
	set("成员", "角色", 2, "工程师")
	dh, err := f.GetRows("部门")
	require.NoError(t, err)
	for i, h := range dh[0] {
		col[h] = i + 1
	}
	set("部门", "编码", 2, "NEW-1")
	set("部门", "*名称", 2, "新部门")
	set("部门", "上级", 2, "BJ-RD")
	set("部门", "负责人", 2, "007")
	var filled bytes.Buffer
	_, err = f.WriteTo(&filled)
	require.NoError(t, err)

	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(filled.Bytes()), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, Counts{Created: 1}, rep.Members)
	assert.Equal(t, Counts{Created: 1}, rep.Departments)
	tina := fx.member(t, member.EmployeeNumberField, "007")
	n, ok := fx.snap(t).Tree().ByCode("NEW-1")
	require.True(t, ok)
	assert.Equal(t, n.ID, tina.Primary)
	assert.Equal(t, tina.ID, n.Manager)
	assert.Equal(t, fx.rd, n.Parent)
}

func TestTemplateDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, WriteTemplate(context.Background(), &a, TemplateOptions{Language: language.TraditionalChinese}))
	require.NoError(t, WriteTemplate(context.Background(), &b, TemplateOptions{Language: language.TraditionalChinese}))
	assert.Equal(t, a.Bytes(), b.Bytes())
	require.Error(t, WriteTemplate(context.Background(), &a, TemplateOptions{Columns: []Column{"shoe_size"}}))
}

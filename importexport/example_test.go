package importexport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/importexport"
	"github.com/orgkit/orgkit/member"
)

// Import a department file and a member file as one change set, then export the
// members as CSV.
func Example() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // in-memory store
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	if err != nil {
		panic(err)
	}
	departments := "Code,Name,Parent,Manager\nRD,R&D,,E002\nAI,AI Lab,RD,\n"
	members := "工号,系统名,姓名,手机号,主属部门,汇报对象,入职日期\n" +
		"E001,wei,张伟,13900000001,Acme/R&D/AI Lab,E002,2024/3/1\n" +
		"E002,ada,Ada,+852-12345678,RD,,45352\n"
	rep, err := importexport.ImportFiles(ctx, svc, snap.ID(), []importexport.Input{
		{Name: "departments.csv", R: strings.NewReader(departments)},
		{Name: "members.csv", R: strings.NewReader(members)},
	}, importexport.ImportOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("members %+v, departments %+v\n", rep.Members, rep.Departments)

	var out bytes.Buffer
	err = importexport.Export(ctx, &out, rep.Result.Snapshot, importexport.ExportOptions{
		Format: importexport.CSV,
		Columns: []importexport.Column{
			importexport.FieldColumn(member.EmployeeNumberField), importexport.FieldColumn(member.FullNameField),
			importexport.FieldColumn(member.MobileField), importexport.FieldColumn(member.PrimaryDepartmentField),
			importexport.FieldColumn(member.ReportingManagerField), importexport.FieldColumn(member.HireDateField),
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(strings.ReplaceAll(strings.TrimPrefix(out.String(), "\uFEFF"), "\r\n", "\n"))
	// Output:
	// members {Created:2 Updated:0 Unchanged:0}, departments {Created:2 Updated:0 Unchanged:0}
	// Employee number,Full name,Mobile,Primary department,Reporting manager,Hire date
	// E001,张伟,'+8613900000001,AI,E002,2024-03-01
	// E002,Ada,'+85212345678,RD,,2024-03-01
}

// A file with problems writes nothing; the report says where each problem is, in the
// language asked for.
func ExampleImport_problems() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	file := "系统名,手机号,入职日期\nwei,13900000001,2024-02-30\nna,1.39E+10,2024-03-01\n"
	rep, err := importexport.Import(ctx, svc, snap.ID(), strings.NewReader(file), importexport.ImportOptions{Language: language.SimplifiedChinese})
	fmt.Println(errors.Is(err, orgkit.ErrInvalid))
	for _, p := range rep.Problems {
		fmt.Printf("%s%d %s: %s\n", p.Column, p.Row, p.Code, p.Message)
	}
	// Output:
	// true
	// C2 field.invalid: 第 2 行：入职日期「2024-02-30」无效（请填写日期，如 2024-03-01）
	// B3 import.cell.rounded: 第 3 行：手机号「1.39E+10」像是被表格软件按科学计数法截断的数字；请把该列设为文本格式并填写完整
}

// A member file as WeCom's admin console hands it out: an instruction row above the
// header, 帐号 for the account, no system-name column, and a member in two
// departments, the first the primary.
func ExampleImport_platformTemplate() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, _ := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	file := "填写说明：部门上下级用“/”隔开，多个部门用“;”隔开，第一个为主部门,,,,,,,,\n" +
		"姓名,帐号,别名,职务,部门,性别,手机,座机,个人邮箱\n" +
		"张伟,zhangwei,David,工程师,研发部；产品部,男,13800138001,,\n" +
		"张伟,zhangwei2,,,产品部,男,,,zw2@example.com\n"
	depts := "Code,Name\nRD,研发部\nPM,产品部\n"
	rep, err := importexport.ImportFiles(ctx, svc, snap.ID(), []importexport.Input{
		{Name: "departments.csv", R: strings.NewReader(depts)},
		{Name: "wecom.csv", R: strings.NewReader(file)},
	}, importexport.ImportOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Sheets[1].Template, rep.Sheets[1].HeaderRow)
	for _, account := range []string{"zhangwei", "zhangwei2"} {
		m, _ := rep.Result.Snapshot.MemberBy(member.LoginAccountField, account)
		fmt.Println(m.SystemName.Default, len(m.Secondary), m.LoginMethod)
	}
	// Output:
	// WeCom 2
	// 张伟 1 mobile
	// 张伟 (zhangwei2) 0 email
}

// An upload over a limit is refused before its memory is spent, with an error that
// names the limit, the file, the part and the row.
func ExampleLimits() {
	ctx := context.Background()
	svc := directory.New(directory.Options{})
	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("Acme")})
	if err != nil {
		panic(err)
	}
	// A line of a million commas: refused at its 17th field, never split.
	upload := "System name,Mobile\n" + strings.Repeat(",", 1_000_000) + "\n"
	_, err = importexport.Import(ctx, svc, snap.ID(), strings.NewReader(upload), importexport.ImportOptions{
		Limits: importexport.Limits{MaxColumns: 16},
	})
	var le *importexport.LimitError
	if errors.As(err, &le) {
		fmt.Println(le.Limit, le.Max, "row", le.Row)
	}
	fmt.Println(errors.Is(err, importexport.ErrTooLarge), errors.Is(err, orgkit.ErrInvalid))
	fmt.Println(importexport.DefaultLimits().MaxXMLDepth, importexport.DefaultLimits().MaxXMLToken)
	// Output:
	// columns 16 row 2
	// true true
	// 128 1048576
}

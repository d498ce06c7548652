// Command import onboards a company from a spreadsheet on the in-memory store: it
// writes the xlsx template (Simplified Chinese headers, dropdowns, instructions),
// fills it in as an administrator would, previews and imports it, shows what a file
// with mistakes reports (and the error workbook made for it), and exports the result
// as CSV. Run it with: go run ./examples/import
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/importexport"
	"github.com/orgkit/orgkit/member"
	"github.com/orgkit/orgkit/role"
)

func main() {
	ctx := context.Background()
	svc := directory.New(directory.Options{}) // in-memory store
	dir, err := svc.EnsureDefault(ctx, directory.Founder{Name: "Ada Chen", Mobile: "13900000000"})
	check(err)
	_, err = svc.Apply(ctx, dir.ID(), directory.Meta{Actor: "ada"},
		role.Create{ID: orgkit.NewRoleID(), Name: orgkit.Names{Default: "Engineer", ByLang: map[string]string{"zh-Hans": "工程师"}}})
	check(err)

	// 1. The template: member and department sheets with Chinese headers.
	var tmpl bytes.Buffer
	check(importexport.WriteTemplate(ctx, &tmpl, importexport.TemplateOptions{
		Sheets: importexport.Members | importexport.Departments, Language: language.SimplifiedChinese}))
	fmt.Printf("template: %d bytes\n", tmpl.Len())

	// 2. Filled in as an administrator would: dates as date cells, employee numbers
	// with leading zeros, a Hong Kong mobile, departments by code and by path.
	filled := fill(tmpl.Bytes(),
		map[string][][]any{
			"部门": {
				{"编码", "RD"}, {"*名称", "研发中心"}, {"名称（英文）", "R&D"},
			},
			"成员": {
				{"*系统名", "wei", "na", "mei"},
				{"姓名", "张伟", "李娜", "王梅"},
				{"员工编号", "0001", "0002", "0003"},
				{"手机号", 13900000001, "+852-12345678", "13900000003"},
				{"性别", "男", "女", "保密"},
				{"主属部门", "RD", "Default/研发中心", "RD"},
				{"汇报对象", "", "0001", "0001"},
				{"入职日期", date(2024, 3, 1), "2024/3/18", "2024年4月1日"},
				{"角色", "工程师", "", "Engineer"},
			},
		})

	// 3. Preview, then import: one change set, or nothing.
	rep, err := importexport.Plan(ctx, svc, dir.ID(), bytes.NewReader(filled), importexport.ImportOptions{})
	check(err)
	fmt.Println("plan:  ", rep)
	rep, err = importexport.Import(ctx, svc, dir.ID(), bytes.NewReader(filled), importexport.ImportOptions{
		Meta: directory.Meta{Actor: "ada", Reason: "onboarding"}})
	check(err)
	fmt.Println("import:", rep)
	fmt.Println("change set version", rep.Result.ChangeSet.Version, "origin", rep.Result.ChangeSet.Meta.Origin)

	// 4. A second file with mistakes: nothing is written, every problem is reported,
	// and an error workbook marks the cells.
	bad := "员工编号,系统名,手机号,入职日期,主属部门\n0004,li,1.39E+10,2024-02-30,RD\n0001,zhao,13900000005,2024-05-01,Nowhere\n"
	rep, err = importexport.Import(ctx, svc, dir.ID(), strings.NewReader(bad), importexport.ImportOptions{Language: language.SimplifiedChinese})
	fmt.Println("second import refused:", errors.Is(err, orgkit.ErrInvalid))
	for _, p := range rep.Problems {
		fmt.Printf("  %s%d [%s] %s\n", p.Column, p.Row, p.Code, p.Message)
	}
	var book bytes.Buffer
	check(importexport.WriteErrorWorkbook(ctx, &book, strings.NewReader(bad), rep))
	fmt.Printf("error workbook: %d bytes\n", book.Len())

	// 5. Export the members as CSV.
	snap, err := svc.Snapshot(ctx, dir.ID())
	check(err)
	var out bytes.Buffer
	check(importexport.Export(ctx, &out, snap, importexport.ExportOptions{
		Format: importexport.CSV,
		Columns: []importexport.Column{
			importexport.FieldColumn(member.EmployeeNumberField), importexport.FieldColumn(member.FullNameField),
			importexport.FieldColumn(member.MobileField), importexport.FieldColumn(member.PrimaryDepartmentField),
			importexport.FieldColumn(member.ReportingManagerField), importexport.FieldColumn(member.HireDateField),
			importexport.ColRoles,
		},
	}))
	fmt.Print(strings.ReplaceAll(strings.TrimPrefix(out.String(), "\uFEFF"), "\r\n", "\n"))
}

// fill writes columns (header first) into the template's sheets, below the header,
// matching headers as the template wrote them.
func fill(tmpl []byte, sheets map[string][][]any) []byte {
	f, err := excelize.OpenReader(bytes.NewReader(tmpl))
	check(err)
	defer f.Close()
	for sheet, cols := range sheets {
		rows, err := f.GetRows(sheet)
		check(err)
		for _, col := range cols {
			idx := -1
			for i, h := range rows[0] {
				if h == col[0] {
					idx = i
				}
			}
			if idx < 0 {
				log.Fatalf("no column %q in sheet %q", col[0], sheet)
			}
			for r, v := range col[1:] {
				cell, _ := excelize.CoordinatesToCellName(idx+1, r+2)
				check(f.SetCellValue(sheet, cell, v))
			}
		}
	}
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	check(err)
	return buf.Bytes()
}

// date is the spreadsheet serial number of a date, as Excel stores a date cell.
func date(y int, m time.Month, d int) float64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
}

func check(err error) {
	if err != nil {
		var inv *orgkit.InvalidError
		if errors.As(err, &inv) {
			for _, v := range inv.Violations {
				log.Print(v)
			}
		}
		log.Fatal(err)
	}
}

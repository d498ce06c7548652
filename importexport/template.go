package importexport

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// TemplateOptions configure WriteTemplate. The zero value writes the member template
// in English.
type TemplateOptions struct {
	// Sheets is Members (the default), Departments, or both.
	Sheets Sheets
	// Language of the headers, dropdown values and instructions; the zero value
	// means English. Imports recognize the headers of every language.
	Language language.Tag
	// Columns of the member sheet; nil means TemplateMemberColumns().
	Columns []Column
	// DepartmentColumns of the department sheet; nil means
	// TemplateDepartmentColumns().
	DepartmentColumns []Column
	// Key is the member field by which the sheet refers to members (reporting
	// managers, department managers); it is named in the instructions. Zero means the
	// first of KeyFields among the member columns, or the system name.
	Key member.Field
	// Rows is how many rows below the header get dropdowns and formats. Zero means
	// 1,000.
	Rows int
}

// WriteTemplate writes an xlsx template to fill in and import: a sheet per kind with
// localized headers (required columns marked "*" and in red), dropdown validation for
// enumerated columns (gender, login method, status, yes/no, …), text format for
// columns of digits (so that leading zeros stay), a date format for dates, and an
// instruction sheet describing every column. It stops with ctx's error once ctx is
// done, having written part of the workbook at most.
func WriteTemplate(ctx context.Context, w io.Writer, opts TemplateOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tag := opts.Language
	if tag == (language.Tag{}) {
		tag = language.English
	}
	sheets := cmp.Or(opts.Sheets, Members)
	if sheets&^(Members|Departments) != 0 {
		return fmt.Errorf("importexport: unknown sheets %d: %w", sheets, orgkit.ErrInvalid)
	}
	rows := cmp.Or(opts.Rows, 1000)
	if rows < 1 || rows > 100_000 {
		return fmt.Errorf("importexport: template rows %d out of 1…100000: %w", rows, orgkit.ErrInvalid)
	}
	var mspecs, dspecs []*colSpec
	var err error
	if sheets&Members != 0 {
		cols := opts.Columns
		if cols == nil {
			cols = TemplateMemberColumns()
		}
		if mspecs, err = specsOf(Members, cols); err != nil {
			return err
		}
	}
	if sheets&Departments != 0 {
		cols := opts.DepartmentColumns
		if cols == nil {
			cols = TemplateDepartmentColumns()
		}
		if dspecs, err = specsOf(Departments, cols); err != nil {
			return err
		}
	}
	key := opts.Key
	if key == 0 {
		key = member.SystemNameField
	found:
		for _, f := range keyFields {
			for _, s := range mspecs {
				if s.col == FieldColumn(f) {
					key = f
					break found
				}
			}
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(fixedDocProps); err != nil {
		return err
	}
	st, err := newTemplateStyles(f)
	if err != nil {
		return err
	}
	first := true
	newSheet := func(name string) error {
		if first {
			first = false
			return f.SetSheetName("Sheet1", name)
		}
		_, err := f.NewSheet(name)
		return err
	}
	type part struct {
		name  string
		specs []*colSpec
		kind  Sheets
	}
	var parts []part
	if mspecs != nil {
		parts = append(parts, part{wordMembers.in(tag), mspecs, Members})
	}
	if dspecs != nil {
		parts = append(parts, part{wordDepts.in(tag), dspecs, Departments})
	}
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := newSheet(p.name); err != nil {
			return err
		}
		if err := writeTemplateSheet(f, p.name, p.specs, tag, rows, st); err != nil {
			return err
		}
	}
	instr := wordInstr.in(tag)
	if err := newSheet(instr); err != nil {
		return err
	}
	if err := writeInstructions(f, instr, parts[0].specs, func() []*colSpec {
		if len(parts) > 1 {
			return parts[1].specs
		}
		return nil
	}(), tag, key, st); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(ctxWriter{ctx, w})
	return err
}

// ctxWriter writes to w until ctx is done, then fails with ctx's error.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

type templateStyles struct {
	header, required, text, date, title, wrap int
}

func newTemplateStyles(f *excelize.File) (*templateStyles, error) {
	var st templateStyles
	var err error
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	border := []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}}
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill, Border: border,
		Alignment: &excelize.Alignment{Vertical: "center"}}); err != nil {
		return nil, err
	}
	if st.required, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Fill: fill, Border: border,
		Alignment: &excelize.Alignment{Vertical: "center"}}); err != nil {
		return nil, err
	}
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // "@": text
		return nil, err
	}
	fmtDate := "yyyy-mm-dd"
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &fmtDate}); err != nil {
		return nil, err
	}
	if st.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
		return nil, err
	}
	if st.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return nil, err
	}
	return &st, nil
}

func writeTemplateSheet(f *excelize.File, sheet string, specs []*colSpec, tag language.Tag, rows int, st *templateStyles) error {
	for i, s := range specs {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell := col + "1"
		if err := f.SetCellStr(sheet, cell, s.header(tag, true)); err != nil {
			return err
		}
		style := st.header
		if s.required {
			style = st.required
		}
		if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
			return err
		}
		width := 16.0
		switch s.typ {
		case tNodeRef, tNodeList, tRoleList, tLongText:
			width = 24
		case tNumText:
			width = 18
		}
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
		switch s.typ {
		case tNumText, tCode, tText, tNodeRef, tNodeList, tMemberRef, tMemberList, tRoleList, tTextList:
			if err := f.SetColStyle(sheet, col, st.text); err != nil {
				return err
			}
		case tDate:
			if err := f.SetColStyle(sheet, col, st.date); err != nil {
				return err
			}
		}
		var values []string
		switch s.typ {
		case tEnum:
			values = s.enum.labelsIn(tag)
		case tBool:
			values = yesNoEnum.labelsIn(tag)
		}
		if values != nil {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, rows+1)
			if err := dv.SetDropList(values); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, s.header(tag, false), fmt.Sprintf(typeHelp[tEnum].in(tag), strings.Join(values, ", ")))
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
		// The header row's own cell keeps the header style, not the column's.
		if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sheet, 1, 22); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// help describes what a column holds.
func help(s *colSpec, tag language.Tag, key member.Field) string {
	t := typeHelp[s.typ].in(tag)
	switch s.typ {
	case tEnum:
		return fmt.Sprintf(t, strings.Join(s.enum.labelsIn(tag), ", "))
	case tMemberRef, tMemberList:
		return fmt.Sprintf(t, key.Label(tag))
	}
	return t
}

func writeInstructions(f *excelize.File, sheet string, a, b []*colSpec, tag language.Tag, key member.Field, st *templateStyles) error {
	row := 1
	set := func(col string, v string, style int) error {
		cell := fmt.Sprintf("%s%d", col, row)
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	if err := set("A", wordInstr.in(tag), st.title); err != nil {
		return err
	}
	row++
	for i, t := range instructions {
		if err := set("A", fmt.Sprintf("%d. %s", i+1, t.in(tag)), 0); err != nil {
			return err
		}
		row++
	}
	for _, specs := range [][]*colSpec{a, b} {
		if specs == nil {
			continue
		}
		row++
		if err := set("A", map[Sheets]tr{Members: wordMembers, Departments: wordDepts}[specs[0].sheet].in(tag), st.title); err != nil {
			return err
		}
		row++
		for i, h := range instrHeaders {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := set(col, h.in(tag), st.header); err != nil {
				return err
			}
		}
		row++
		for _, s := range specs {
			req := ""
			if s.required {
				req = wordYes.in(tag)
			}
			if err := set("A", s.header(tag, true), 0); err != nil {
				return err
			}
			if err := set("B", req, 0); err != nil {
				return err
			}
			if err := set("C", help(s, tag, key), st.wrap); err != nil {
				return err
			}
			row++
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 34); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 10); err != nil {
		return err
	}
	return f.SetColWidth(sheet, "C", "C", 90)
}

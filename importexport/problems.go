package importexport

import (
	"slices"

	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/member"
)

// sheetRecord names a sheet in violations: `sheet "Members"`, or the file for CSV.
func (im *importer) sheetRecord(sh *sheetData) orgkit.Ref {
	if sh.name != "" {
		return orgkit.Ref{Kind: orgkit.KindSheet, Name: sh.name}
	}
	return orgkit.Ref{Kind: orgkit.KindFile, Name: sh.file}
}

// rowRecord names the record of a row in violations: "member (row 5)".
func rowRecord(kind orgkit.RecordKind, l rowLoc) orgkit.Ref {
	return orgkit.Ref{Kind: kind, Row: l.sh.nums[l.row]}
}

// newProblem makes a problem at a row (its number) and column of a sheet.
func (im *importer) newProblem(sh *sheetData, num int, letter, header, value string, v orgkit.Violation) Problem {
	p := Problem{Input: sh.input, File: sh.file, Sheet: sh.name, Row: num, Column: letter, Header: header, Value: value, Code: v.Code, Violation: v}
	disp := v
	if header != "" {
		disp.Field = orgkit.FieldName(header) // named as the sheet does
	}
	p.Message = message(disp, im.tag)
	return p
}

// fileProblem is a problem of a whole file or sheet.
func (im *importer) fileProblem(input int, file, sheet string, num int, code, value, detail string) Problem {
	rec := orgkit.Ref{Kind: orgkit.KindFile, Name: file}
	if sheet != "" {
		rec = orgkit.Ref{Kind: orgkit.KindSheet, Name: sheet}
	}
	v := orgkit.Violation{Code: code, Command: -1, Record: rec, Value: value, Detail: detail}
	return Problem{Input: input, File: file, Sheet: sheet, Row: num, Value: value, Code: code, Message: message(v, im.tag), Violation: v}
}

// columnProblem is a problem of a column, reported at the header row.
func (im *importer) columnProblem(sh *sheetData, letter, header, code, value, detail string) Problem {
	v := orgkit.Violation{Code: code, Command: -1, Record: im.sheetRecord(sh), Value: value, Detail: detail}
	return im.newProblem(sh, sh.header, letter, header, value, v)
}

// cellProblem is a problem of a cell (bi < 0: of the row), with the other records
// involved.
func (im *importer) cellProblem(sh *sheetData, row, bi int, code, value, detail string, related ...orgkit.Ref) Problem {
	if im.full() {
		return Problem{} // it would be dropped: spend nothing on it
	}
	letter, header, field := "", "", orgkit.FieldName("")
	if bi >= 0 {
		b := sh.binds[bi]
		letter, header, field = b.letter, b.header, orgkit.FieldName(b.spec.col)
	}
	v := orgkit.Violation{Code: code, Command: -1, Record: orgkit.Ref{Kind: orgkit.KindRow, Row: sh.nums[row]}, Field: field,
		Value: value, Detail: detail, Related: related}
	return im.newProblem(sh, sh.nums[row], letter, header, value, v)
}

// fromViolation places a violation of the directory service at the row of its
// command and the column of its field, and names the import's own records by row.
func (im *importer) fromViolation(v orgkit.Violation) Problem {
	if v.Command < 0 || v.Command >= len(im.refs) {
		var sh *sheetData
		if len(im.sheets) > 0 {
			sh = im.sheets[0]
		}
		p := Problem{Code: v.Code, Value: v.Value, Violation: v, Message: message(im.rename(v), im.tag)}
		if sh != nil {
			p.Input, p.File, p.Sheet = sh.input, sh.file, sh.name
		}
		return p
	}
	ref := im.refs[v.Command]
	sh := ref.sh
	bi := fieldBinding(sh, string(v.Field))
	if bi < 0 {
		bi = ref.col
	}
	letter, header, value := "", "", v.Value
	disp := im.rename(v)
	if bi >= 0 {
		b := sh.binds[bi]
		letter, header = b.letter, b.header
		if c := sh.cell(ref.row, bi); c != "" {
			value = c
			if _, err := uuid.Parse(v.Value); err == nil {
				disp.Value = c // a reference: say it as the cell does
			}
		}
	}
	p := im.newProblem(sh, sh.nums[ref.row], letter, header, value, disp)
	p.Violation = v
	return p
}

// rename names the import's own records by their rows: `member "Alice" (row 5)`.
func (im *importer) rename(v orgkit.Violation) orgkit.Violation {
	v.Record = im.atRow(v.Record)
	if len(v.Related) > 0 {
		v.Related = slices.Clone(v.Related)
		for i, r := range v.Related {
			v.Related[i] = im.atRow(r)
		}
	}
	return v
}

// atRow gives r the row of the record the import creates or changes, if it is one.
func (im *importer) atRow(r orgkit.Ref) orgkit.Ref {
	if loc, ok := im.rowOf(r.ID); ok && r.ID != uuid.Nil {
		r.Row = loc.sh.nums[loc.row]
	}
	return r
}

// fieldBinding finds the column a violation's field names on a sheet, or -1.
func fieldBinding(sh *sheetData, field string) int {
	if field == "" {
		return -1
	}
	if b := sh.bindingOf(Column(field)); b >= 0 {
		return b
	}
	first := func(cols ...Column) int { return firstCol(sh, cols) }
	switch sh.kind {
	case Members:
		switch field {
		case "login_method":
			return first(FieldColumn(member.MobileField), FieldColumn(member.EmailField))
		case "members", "role", "primary":
			return first(ColRoles)
		case "system_name":
			for i, b := range sh.binds {
				if b.spec.field == member.SystemNameField {
					return i
				}
			}
		}
	case Departments:
		switch field {
		case "default":
			return first(ColName)
		case "whitelist":
			return first(ColVisibilityMembers, ColContactMembers, ColVisibilityNodes, ColContactNodes)
		case "group":
			return first(ColIncludeSubMembers, ColIncludeIsolated)
		case "isolation":
			return firstCol(sh, isolationCols)
		case "node", "id", "member":
			return -1
		}
		if b := sh.bindingOf(LanguageColumn(ColName, field)); b >= 0 {
			return b
		}
		if t, err := language.Parse(field); err == nil && t != language.Und {
			return first(ColName)
		}
	}
	return -1
}

// rowOf finds the row of a record the import creates or changes.
func (im *importer) rowOf(id uuid.UUID) (rowLoc, bool) {
	if im.idRows == nil {
		im.idRows = make(map[uuid.UUID]rowLoc, len(im.memberRows)+len(im.deptRows))
		for _, r := range im.memberRows {
			im.idRows[r.id.UUID()] = rowLoc{r.sh, r.row}
		}
		for _, r := range im.deptRows {
			im.idRows[r.id.UUID()] = rowLoc{r.sh, r.row}
		}
	}
	loc, ok := im.idRows[id]
	return loc, ok
}

// nodeList resolves a cell listing departments (by code or path), reporting every item
// that names no department (notFound) or several (CodeReferenceAmbiguous); ok is false
// when any item failed.
func (im *importer) nodeList(sh *sheetData, row, bi int, v, notFound string) (ids []orgkit.NodeID, ok bool) {
	ok = true
	for _, item := range splitList(v) {
		r := im.res.node(item)
		switch {
		case r.ok:
			ids = append(ids, r.node)
		case r.ambiguous != "":
			im.addProblem(im.cellProblem(sh, row, bi, CodeReferenceAmbiguous, item, r.ambiguous))
			ok = false
		default:
			im.addProblem(im.cellProblem(sh, row, bi, notFound, item, ""))
			ok = false
		}
	}
	return ids, ok
}

// addProblem records a problem, as long as the import has fewer than
// Limits.MaxProblems; past that it only notes that the list is cut short.
func (im *importer) addProblem(p Problem) {
	if len(im.problems) >= im.lim.MaxProblems {
		im.cutShort = true
		return
	}
	im.problems = append(im.problems, p)
}

// addReadErr records a problem found while reading, as addProblem does.
func (im *importer) addReadErr(p Problem) {
	if len(im.readErrs) >= im.lim.MaxProblems {
		im.cutShort = true
		return
	}
	im.readErrs = append(im.readErrs, p)
}

// full reports whether the import has all the problems it will report.
func (im *importer) full() bool {
	return len(im.problems) >= im.lim.MaxProblems || len(im.readErrs) >= im.lim.MaxProblems
}

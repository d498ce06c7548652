package importexport

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/internal/i18n"
)

// WriteErrorWorkbook writes an xlsx workbook for the person who uploaded a file with
// problems: the upload re-streamed sheet by sheet (through excelize's StreamWriter),
// every cell with a problem filled red, a last column on each such row saying what is
// wrong, and a sheet listing every problem with a link to its cell. Fixed and
// uploaded again, the workbook imports like the original: the added column is
// ignored. Values are written as text (never as formulas); spreadsheet dates in date
// columns as YYYY-MM-DD.
//
// upload must be the file the report was made from. For a report of ImportFiles,
// pass report.ForInput(i) with the i-th file. It stops with ctx's error once ctx is
// done (checked as the upload is read and as the workbook is written).
func WriteErrorWorkbook(ctx context.Context, w io.Writer, upload io.Reader, report *Report) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if report == nil || upload == nil {
		return fmt.Errorf("importexport: WriteErrorWorkbook needs the upload and its report: %w", orgkit.ErrInvalid)
	}
	lim := report.limits.withDefaults()
	tag := report.Language
	info := inputInfo{}
	if len(report.inputs) > 0 {
		info = report.inputs[0]
	}
	br := bufio.NewReaderSize(upload, 4096)
	if info.format == FormatAuto {
		head, _ := br.Peek(8)
		var err error
		if info.format, err = sniff(head); err != nil {
			return err
		}
	}
	out := excelize.NewFile()
	defer out.Close()
	if err := out.SetDocProps(fixedDocProps); err != nil {
		return err
	}
	bad, err := out.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}},
		Font: &excelize.Font{Color: "9C0006"}})
	if err != nil {
		return err
	}
	note, err := out.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	hs, err := headerStyle(out)
	if err != nil {
		return err
	}
	eb := &errorBook{out: out, report: report, bad: bad, note: note, header: hs, date1904: info.date1904, first: true}
	eb.index()
	switch info.format {
	case XLSX:
		ra, size, err := xlsxInput(br, upload, lim.MaxFileSize, info.name)
		if err != nil {
			return err
		}
		in, err := openXLSX(ctx, ra, size, lim, info.name)
		if err != nil {
			return err
		}
		eb.date1904 = in.date1904
		for _, sh := range in.sheets {
			src := readXLSXRows(in, sh)
			err := eb.copySheet(sh.name, sh.name, src, lim)
			src.close()
			if err != nil {
				return err
			}
		}
	default:
		rows, err := openCSV(ctx, br, lim, info.name, info.encoding)
		if err != nil {
			return err
		}
		name := "CSV"
		for _, s := range report.Sheets {
			if s.Input == 0 {
				name = map[Sheets]tr{Members: wordMembers, Departments: wordDepts}[s.Kind].in(tag)
			}
		}
		if err := eb.copySheet("", name, rows, lim); err != nil {
			return err
		}
	}
	if err := eb.problemSheet(); err != nil {
		return err
	}
	out.SetActiveSheet(0)
	return writeWorkbook(out, ctxWriter{ctx, w}, eb.streams > 1)
}

type cellKey struct {
	sheet string
	row   int
	col   string
}

type errorBook struct {
	out               *excelize.File
	report            *Report
	bad, note, header int
	date1904          bool
	first             bool
	streams           int
	cells             map[cellKey]bool
	rows              map[cellKey][]string // column "" : the messages of a row
	names             map[string]string    // upload sheet name → workbook sheet name
}

func (eb *errorBook) index() {
	eb.cells, eb.rows, eb.names = map[cellKey]bool{}, map[cellKey][]string{}, map[string]string{}
	for _, p := range eb.report.Problems {
		if p.Input != 0 || p.Row == 0 {
			continue
		}
		if p.Column != "" {
			eb.cells[cellKey{p.Sheet, p.Row, p.Column}] = true
		}
		k := cellKey{p.Sheet, p.Row, ""}
		msg := p.Message
		if p.Column != "" {
			msg = p.Column + strconv.Itoa(p.Row) + ": " + msg
		}
		eb.rows[k] = append(eb.rows[k], msg)
	}
}

// sheetReport finds what the import read of a sheet.
func (eb *errorBook) sheetReport(name string) *SheetReport {
	for i := range eb.report.Sheets {
		if s := &eb.report.Sheets[i]; s.Input == 0 && s.Name == name {
			return s
		}
	}
	return nil
}

// copySheet re-streams one sheet.
func (eb *errorBook) copySheet(src, name string, rows rowSource, lim Limits) error {
	if eb.first {
		eb.first = false
		if err := eb.out.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := eb.out.NewSheet(name); err != nil {
		return err
	}
	eb.names[src] = name
	eb.streams++
	sw, err := eb.out.NewStreamWriter(name)
	if err != nil {
		return err
	}
	rep := eb.sheetReport(src)
	width, header := 0, 0
	if rep != nil {
		width, header = rep.width, rep.HeaderRow
	}
	if width > 0 {
		if err := sw.SetColWidth(1, width+1, 16); err != nil {
			return err
		}
		if err := sw.SetColWidth(width+1, width+1, 60); err != nil {
			return err
		}
	}
	n := 0
	for {
		num, cells, ok, err := rows.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if n++; n > lim.MaxRows+headerScan*10 {
			return &LimitError{Limit: LimitRows, Max: int64(lim.MaxRows), Row: num}
		}
		msgs := eb.rows[cellKey{src, num, ""}]
		if len(cells) == 0 && len(msgs) == 0 && num != header {
			continue
		}
		row := make([]any, 0, max(len(cells), width)+1)
		for c, v := range cells {
			letter, _ := excelize.ColumnNumberToName(c + 1)
			if rep != nil && num > header && rep.types[c] == tSecret {
				v = "" // a password column: never copied
			}
			if rep != nil && num > header && rep.types[c] == tDate {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					if d, ok := serialDate(f, eb.date1904); ok {
						v = d.String()
					}
				}
			}
			if eb.cells[cellKey{src, num, letter}] {
				row = append(row, excelize.Cell{StyleID: eb.bad, Value: v})
			} else {
				row = append(row, v)
			}
		}
		if rep != nil && (num == header || len(msgs) > 0) {
			for len(row) < width {
				row = append(row, nil)
			}
			if num == header {
				row = append(row, excelize.Cell{StyleID: eb.header, Value: problemsColumnDef.labels[languageIndex(eb.report)]})
			} else {
				row = append(row, excelize.Cell{StyleID: eb.note, Value: strings.Join(msgs, "\n")})
			}
		}
		if err := sw.SetRow(cellName(1, num), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func languageIndex(r *Report) int { return i18n.Match(r.Language) }

// problemSheet lists every problem, each linked to its cell.
func (eb *errorBook) problemSheet() error {
	tag := eb.report.Language
	name := wordProblems.in(tag)
	if _, err := eb.out.NewSheet(name); err != nil {
		return err
	}
	hdr := make([]any, len(problemHeaders))
	for i, h := range problemHeaders {
		hdr[i] = h.in(tag)
	}
	if err := eb.out.SetSheetRow(name, "A1", &hdr); err != nil {
		return err
	}
	if err := eb.out.SetCellStyle(name, "A1", cellName(len(hdr), 1), eb.header); err != nil {
		return err
	}
	r := 2
	for _, p := range eb.report.Problems {
		if p.Input != 0 {
			continue
		}
		sheet := eb.names[p.Sheet]
		row := []any{sheet, p.Row, p.Column, p.Header, p.Value, p.Code, p.Message}
		if p.Row == 0 {
			row[1] = ""
		}
		if err := eb.out.SetSheetRow(name, cellName(1, r), &row); err != nil {
			return err
		}
		if sheet != "" && p.Row > 0 {
			target := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + cmp.Or(p.Column, "A") + strconv.Itoa(p.Row)
			if err := eb.out.SetCellHyperLink(name, cellName(2, r), target, "Location"); err != nil {
				return err
			}
		}
		r++
	}
	for i, wd := range []float64{14, 8, 8, 20, 24, 34, 80} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := eb.out.SetColWidth(name, col, col, wd); err != nil {
			return err
		}
	}
	return nil
}

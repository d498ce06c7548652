package importexport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// openBook opens a workbook with the default limits.
func openBook(t testing.TB, data []byte) *xlsxBook {
	t.Helper()
	b, err := openXLSX(context.Background(), bytes.NewReader(data), int64(len(data)), DefaultLimits(), "book.xlsx")
	require.NoError(t, err)
	return b
}

// bookRows reads every sheet of a workbook as excelize's GetRows lays rows out: row
// i at index i-1, blank rows empty, trailing blank rows left out.
func bookRows(t testing.TB, data []byte) (names []string, sheets [][][]string) {
	t.Helper()
	b := openBook(t, data)
	for _, sh := range b.sheets {
		src := readXLSXRows(b, sh)
		var rows [][]string
		for {
			num, cells, ok, err := src.next()
			require.NoError(t, err)
			if !ok {
				break
			}
			for len(rows) < num-1 {
				rows = append(rows, nil)
			}
			rows = append(rows, cells)
		}
		src.close()
		names = append(names, sh.name)
		sheets = append(sheets, rows)
	}
	return names, sheets
}

// excelizeRows reads every sheet with excelize (raw values), blank rows as nil.
func excelizeRows(t testing.TB, data []byte) (names []string, sheets [][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	defer f.Close()
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		for i, r := range rows {
			if len(r) == 0 {
				rows[i] = nil
			}
		}
		names = append(names, name)
		sheets = append(sheets, rows)
	}
	return names, sheets
}

// Workbooks excelize writes read the same through the import's reader as through
// excelize's: shared strings (the cell API), inline strings (the stream writer), rich
// text, numbers, booleans, dates, formulas with cached values, gaps, escapes.
func TestXLSXReaderMatchesExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetCellStr("Sheet1", "A1", "System name"))
	require.NoError(t, f.SetCellStr("Sheet1", "B1", `<tag attr="v"> & 'quote'`))
	require.NoError(t, f.SetCellStr("Sheet1", "C1", "line\nbreak\r\nand\rreturns"))
	require.NoError(t, f.SetCellStr("Sheet1", "D1", "  padded  "))
	require.NoError(t, f.SetCellStr("Sheet1", "E1", "长城 😀 _x0041_ literal"))
	require.NoError(t, f.SetCellInt("Sheet1", "A3", 13800000001))
	require.NoError(t, f.SetCellFloat("Sheet1", "B3", 45352.25, -1, 64))
	require.NoError(t, f.SetCellBool("Sheet1", "C3", true))
	require.NoError(t, f.SetCellFormula("Sheet1", "D3", "A3+1"))
	require.NoError(t, f.SetCellStr("Sheet1", "Z3", "far"))
	require.NoError(t, f.SetCellRichText("Sheet1", "A5", []excelize.RichTextRun{
		{Text: "bold ", Font: &excelize.Font{Bold: true}}, {Text: "and plain"}}))
	require.NoError(t, f.SetCellStr("Sheet1", "B5", "00123"))
	_, err := f.NewSheet("Hidden")
	require.NoError(t, err)
	require.NoError(t, f.SetCellStr("Hidden", "B2", "secret"))
	require.NoError(t, f.SetSheetVisible("Hidden", false))
	_, err = f.NewSheet("Stream")
	require.NoError(t, err)
	sw, err := f.NewStreamWriter("Stream")
	require.NoError(t, err)
	require.NoError(t, sw.SetRow("A1", []any{"Mobile", "Name", nil, "x&y<z"}))
	require.NoError(t, sw.SetRow("A3", []any{13900000000, "李雷", 1.5, true}))
	require.NoError(t, sw.Flush())
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	require.NoError(t, err)

	wantNames, want := excelizeRows(t, buf.Bytes())
	names, got := bookRows(t, buf.Bytes())
	assert.Equal(t, wantNames, names)
	assert.Equal(t, want, got)
	b := openBook(t, buf.Bytes())
	assert.Equal(t, []bool{true, false, true}, []bool{b.sheets[0].visible, b.sheets[1].visible, b.sheets[2].visible})
}

// Hand-written XML that spreadsheet programs and libraries write: namespace prefixes,
// the strict namespace, cells and rows without references, CDATA, character
// references, phonetic runs, _xHHHH_ escapes, absolute and backslashed part names,
// a byte order mark, cell types str, b, e and d.
func TestXLSXReaderQuirks(t *testing.T) {
	sheet := "\ufeff" + xmlHead + `<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>System name</x:t></x:is></x:c><x:c r="C1" t="s"><x:v> 0 </x:v></x:c></x:row>` +
		`<x:row r="3" spans="1:4"><x:c><x:v>42</x:v></x:c><x:c t="str"><x:f>A3&amp;"x"</x:f><x:v>42x</x:v></x:c>` +
		`<x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="d"><x:v>2024-03-01T00:00:00</x:v></x:c></x:row>` +
		`<x:row r="4"><x:c r="B4" t="inlineStr"><x:is><x:t><![CDATA[<raw> & ]]></x:t></x:is></x:c>` +
		`<x:c r="c4" t="inlineStr"><x:is><x:t>&#x4E2D;&#25991;&lt;&gt;&amp;&quot;&apos;</x:t></x:is></x:c>` +
		`<x:c r="D4" t="inlineStr"><x:is><x:r><x:t xml:space="preserve">漢字 </x:t></x:r><x:rPh sb="0" eb="2"><x:t>かんじ</x:t></x:rPh><x:r><x:t>_x000D_end_x005F_x0041_</x:t></x:r></x:is></x:c></x:row>` +
		"<x:row r=\"5\"><x:c t=\"inlineStr\"><x:is><x:t>a\r\nb\rc</x:t></x:is></x:c></x:row>" +
		`</x:sheetData></x:worksheet>`
	data := buildXLSX(t, map[string]func(io.Writer){
		"xl/_rels/workbook.xml.rels": func(w io.Writer) {
			io.WriteString(w, xmlHead+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
				`<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>`+
				`<Relationship Id="rId2" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings" Target="sharedStrings.xml"/>`+
				`<Relationship Id="rId9" Type="http://x/hyperlink" Target="https://example.com" TargetMode="External"/></Relationships>`)
		},
		"xl/workbook.xml": func(w io.Writer) {
			io.WriteString(w, xmlHead+`<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships">`+
				`<workbookPr date1904="true"/><sheets><sheet name="A &amp; B" sheetId="1" state="visible" r:id="rId1"/></sheets></workbook>`)
		},
		sheetPart: func(w io.Writer) { io.WriteString(w, sheet) },
		sstPart:   sstXML(`<si><t>Mobile</t><rPh><t>もばいる</t></rPh></si>`, "", 0, ""),
	})
	b := openBook(t, data)
	assert.True(t, b.date1904)
	require.Len(t, b.sheets, 1)
	assert.Equal(t, "A & B", b.sheets[0].name)
	_, got := bookRows(t, data)
	assert.Equal(t, [][][]string{{
		{"System name", "", "Mobile"},
		nil,
		{"42", "42x", "1", "#N/A", "2024-03-01T00:00:00"},
		{"", "<raw> & ", "中文<>&\"'", "漢字 \rend_x0041_"},
		{"a\nb\nc"},
	}}, got)
}

// Malformed XML is refused as ErrFormat, naming the part and, inside a row, the row.
func TestXLSXReaderMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"mismatched tags":       `<row r="2"><c><v>1</c></v></row>`,
		"unknown entity":        `<row r="2"><c t="inlineStr"><is><t>&nbsp;</t></is></c></row>`,
		"bad character ref":     `<row r="2"><c t="inlineStr"><is><t>&#0;</t></is></c></row>`,
		"invalid UTF-8":         "<row r=\"2\"><c t=\"inlineStr\"><is><t>\xff\xfe</t></is></c></row>",
		"rows out of order":     `<row r="5"/><row r="2"><c><v>1</v></c></row>`,
		"cells out of order":    `<row r="2"><c r="C2"><v>1</v></c><c r="A2"><v>1</v></c></row>`,
		"bad cell reference":    `<row r="2"><c r="2A"><v>1</v></c></row>`,
		"missing shared string": `<row r="2"><c t="s"><v>7</v></c></row>`,
		"unquoted attribute":    `<row r=2></row>`,
		"truncated":             `<row r="2"><c><v>1`,
	} {
		t.Run(name, func(t *testing.T) {
			var data []byte
			if name == "truncated" {
				data = xlsxWith(t, openSheetXML(body, "", 0), sstXML(`<si><t>x</t></si>`, "", 0, ""))
			} else {
				data = xlsxWith(t, sheetXML(body, "", 0, ""), sstXML(`<si><t>x</t></si>`, "", 0, ""))
			}
			b := openBook(t, data)
			src := readXLSXRows(b, b.sheets[0])
			defer src.close()
			var err error
			for {
				var ok bool
				if _, _, ok, err = src.next(); err != nil || !ok {
					break
				}
			}
			require.ErrorIs(t, err, ErrFormat)
			assert.Contains(t, err.Error(), sheetPart)
		})
	}
}

// An XML declaration naming another encoding than UTF-8 is refused.
func TestXLSXReaderEncodingDeclaration(t *testing.T) {
	data := buildXLSX(t, map[string]func(io.Writer){
		"xl/workbook.xml": func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-16"?><workbook/>`)
		},
	})
	_, err := openXLSX(context.Background(), bytes.NewReader(data), int64(len(data)), DefaultLimits(), "")
	require.ErrorIs(t, err, ErrFormat)
	assert.Contains(t, err.Error(), "UTF-16")
}

// The cell store keeps every row's cells, blank ones too, across its blocks.
func TestCellStore(t *testing.T) {
	var c cellStore
	n := 3*rowBlock + 7
	cell := func(row, col int) string {
		if col == 1 && row%3 == 0 {
			return ""
		}
		return fmt.Sprintf("r%d-c%d", row, col)
	}
	for row := range n {
		c.appendRow([]string{cell(row, 0), cell(row, 1), cell(row, 2)})
	}
	require.Equal(t, n, c.len())
	for _, row := range []int{0, 15, 16, 17, rowBlock - 1, rowBlock, 2*rowBlock + 1, n - 1} {
		for col := range 3 {
			require.Equal(t, cell(row, col), c.at(row, col), "row %d column %d", row, col)
		}
	}
	read := strings.Repeat("x", 64)
	c.appendRow([]string{read[:3], "", read[10:12]})
	assert.Equal(t, []string{"xxx", "", "xx"}, []string{c.at(n, 0), c.at(n, 1), c.at(n, 2)})
}

// Shared strings of the commonest form are read by a fast path; every other form
// token by token. Both give the same text.
func TestSharedStringForms(t *testing.T) {
	forms := []struct{ xml, want string }{
		{`<si><t>plain</t></si>`, "plain"},
		{`<si><t xml:space="preserve"> spaced </t></si>`, " spaced "},
		{`<si><t></t></si>`, ""},
		{`<si/>`, ""},
		{`<si><t>a &amp; b &#x4E2D;</t></si>`, "a & b 中"},
		{`<si><t>line_x000D_end</t></si>`, "line\rend"},
		{"<si><t>cr\r\nlf</t></si>", "cr\nlf"},
		{`<si><r><t>ru</t></r><r><t>ns</t></r><rPh><t>x</t></rPh></si>`, "runs"},
		{`<si><t>then</t><rPh><t>x</t></rPh></si>`, "then"},
		{`<x:si xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:t>prefixed</x:t></x:si>`, "prefixed"},
		{`<si><t>中文</t></si>`, "中文"},
	}
	var sst strings.Builder
	var cells strings.Builder
	for i, f := range forms {
		sst.WriteString(f.xml)
		fmt.Fprintf(&cells, `<c r="%s" t="s"><v>%d</v></c>`, cellName(i+1, 2), i)
	}
	data := xlsxWith(t, sheetXML(`<row r="2">`+cells.String()+`</row>`, "", 0, ""), sstXML(sst.String(), "", 0, ""))
	b, err := openXLSX(context.Background(), bytes.NewReader(data), int64(len(data)), DefaultLimits(), "")
	require.NoError(t, err)
	tbl, err := b.sharedStrings(2)
	require.NoError(t, err)
	require.Equal(t, len(forms), tbl.len())
	for i, f := range forms {
		assert.Equal(t, f.want, tbl.get(i), f.xml)
	}
}

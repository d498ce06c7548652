package importexport

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// minimalXLSX assembles a workbook by hand: the parts Excel needs and a worksheet
// whose XML is streamed from sheet. rawSheet, when set, replaces the worksheet's
// entry with pre-compressed data and declared sizes (to lie about them).
func minimalXLSX(t testing.TB, sheet func(w io.Writer), rawSheet *zip.FileHeader, rawData []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	if rawSheet != nil {
		w, err := zw.CreateRaw(rawSheet)
		require.NoError(t, err)
		_, err = w.Write(rawData)
		require.NoError(t, err)
	} else {
		w, err := zw.Create("xl/worksheets/sheet1.xml")
		require.NoError(t, err)
		sheet(w)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`

func deflate(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, flate.BestSpeed)
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	return b.Bytes()
}

// heapGrowth runs f and reports how much the live heap grew at most, sampling
// HeapAlloc after f (with a GC first) — enough to show a refusal did not load the file.
func heapAfter(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	if after.TotalAlloc < before.TotalAlloc {
		return 0
	}
	return after.TotalAlloc - before.TotalAlloc
}

// rowsReader streams a CSV of n rows without holding it.
type rowsReader struct {
	n, i int
	buf  []byte
}

func (r *rowsReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.i <= r.n {
		if r.i == 0 {
			r.buf = append(r.buf, "System name,Mobile\n"...)
		} else {
			r.buf = fmt.Appendf(r.buf, "u%d,1%010d\n", r.i, r.i)
		}
		r.i++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func TestTwoMillionRowCSV(t *testing.T) {
	fx := newFixture(t)
	src := &rowsReader{n: 2_000_000}
	var err error
	alloc := heapAfter(func() {
		_, err = Import(fx.ctx, fx.svc, fx.dir, src, ImportOptions{Limits: Limits{MaxFileSize: 1 << 30}})
	})
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "rows", le.Limit)
	assert.EqualValues(t, DefaultLimits().MaxRows, le.Max)
	assert.Less(t, src.i, 250_000, "reading stopped at the limit")
	assert.Less(t, alloc, uint64(300<<20))
	t.Logf("refused after %d rows, %d MiB allocated in all", src.i, alloc>>20)
	assert.Contains(t, err.Error(), "rows limit of 200000")
}

func TestXLSXRowLimit(t *testing.T) {
	fx := newFixture(t)
	// The sheet declares two million rows; reading stops at the first row over the limit.
	rows := 0
	data := minimalXLSX(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+`<dimension ref="A1:B2000000"/><sheetData>`)
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>System name</t></is></c><c r="B1" t="inlineStr"><is><t>Mobile</t></is></c></row>`)
		for r := 2; r <= 6_000; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>u%d</t></is></c><c r="B%d"><v>%d</v></c></row>`, r, r, r, r, 13800000000+r)
			rows++
		}
		io.WriteString(w, `<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>last</t></is></c></row></sheetData></worksheet>`)
	}, nil, nil)
	_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: Limits{MaxRows: 2000}})
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "rows", le.Limit)

	// Under the limit, the row beyond Excel's last row is refused too.
	_, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: Limits{MaxRows: 10_000}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrTooLarge) || errors.Is(err, ErrFormat), err)
}

func TestOtherLimits(t *testing.T) {
	fx := newFixture(t)
	t.Run("file size", func(t *testing.T) {
		_, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader(strings.Repeat("a,b\n", 1000)), ImportOptions{Limits: Limits{MaxFileSize: 100}})
		var le *LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "file size", le.Limit)
	})
	t.Run("xlsx file size", func(t *testing.T) {
		data := makeXLSX(t, false, sheetSpec{name: "Sheet1", rows: [][]any{{"System name"}, {"x"}}})
		_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: Limits{MaxFileSize: 1000}})
		assert.ErrorIs(t, err, ErrTooLarge)
	})
	t.Run("columns", func(t *testing.T) {
		hdr := make([]string, 300)
		for i := range hdr {
			hdr[i] = fmt.Sprintf("c%d", i)
		}
		_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(makeCSV(t, [][]string{hdr})), ImportOptions{})
		var le *LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "columns", le.Limit)
	})
	t.Run("cell length", func(t *testing.T) {
		long := strings.Repeat("长", 10_001)
		rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(makeCSV(t, [][]string{{"System name", "Mobile", "Bio"}, {"x", "13800000001", long}})), ImportOptions{})
		require.Error(t, err)
		assert.Equal(t, []string{"C2 import.cell.too_long"}, problemsOf(rep), dumpProblems(rep))
		assert.Less(t, len(rep.Problems[0].Value), 1000)
	})
	t.Run("legacy xls", func(t *testing.T) {
		_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)), ImportOptions{})
		assert.ErrorIs(t, err, ErrFormat)
	})
	t.Run("damaged zip", func(t *testing.T) {
		_, err := Import(fx.ctx, fx.svc, fx.dir, strings.NewReader("PK\x03\x04garbage"), ImportOptions{})
		assert.ErrorIs(t, err, ErrFormat)
	})
	t.Run("zip entries", func(t *testing.T) {
		data := makeXLSX(t, false, sheetSpec{name: "Sheet1", rows: [][]any{{"System name"}, {"x"}}})
		_, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: Limits{MaxZipEntries: 3}})
		var le *LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "zip entries", le.Limit)
	})
}

// An import stops collecting problems at MaxProblems: the report lists the first ones
// and says it is cut short; nothing is written, and the error workbook still marks
// the rows listed.
func TestMaxProblems(t *testing.T) {
	fx := newFixture(t)
	rows := [][]string{{"System name", "Mobile"}}
	for i := range 40 {
		rows = append(rows, []string{fmt.Sprintf("u%d", i), "not a number"})
	}
	data := makeCSV(t, rows)
	rep, err := Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{Limits: Limits{MaxProblems: 5}})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrTooLarge)
	require.Len(t, rep.Problems, 6)
	last := rep.Problems[5]
	assert.Equal(t, CodeTooManyProblems, last.Code)
	assert.Contains(t, last.Message, "more than 5 problems")
	for _, p := range rep.Problems[:5] {
		assert.Equal(t, "member.mobile.invalid", p.Code)
	}
	var out bytes.Buffer
	require.NoError(t, WriteErrorWorkbook(context.Background(), &out, bytes.NewReader(data), rep))

	rep, err = Import(fx.ctx, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.Error(t, err)
	assert.Len(t, rep.Problems, 40, "the default is far above")
}

// tmpWatch is a context that looks into a directory each time the import checks for
// cancellation (at every buffer it reads) and records the most entries it saw.
type tmpWatch struct {
	context.Context
	dir     string
	checks  int
	entries int
}

func (w *tmpWatch) Err() error {
	w.checks++
	if es, err := os.ReadDir(w.dir); err == nil {
		w.entries = max(w.entries, len(es))
	}
	return nil
}

// An import writes no temporary files, however large its parts: excelize would spill
// a worksheet or shared strings inflating past 16 MiB (its UnzipXMLSizeLimit) to
// the temporary directory; the import reads every part as it inflates, so temporary
// disk is bounded at zero. Checked while the import reads, and after.
func TestImportWritesNoTemporaryFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	require.Equal(t, tmp, os.TempDir())
	blank := 300_000 // empty rows: about 18 MiB of worksheet XML
	if testing.Short() {
		blank = 30_000
	}
	sst := make([]string, 0, 2000)
	for i := range cap(sst) {
		sst = append(sst, fmt.Sprintf("<si><t>%0500d</t></si>", i)) // about 1 MiB of shared strings
	}
	data := xlsxWith(t, func(w io.Writer) {
		openSheetXML("", "", 0)(w)
		for r := 2; r < blank; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t></t></is></c></row>`, r, r)
		}
		fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>tmp</t></is></c><c r="B%d"><v>13800000077</v></c></row></sheetData></worksheet>`, blank, blank, blank)
	}, sstXML(strings.Join(sst, ""), "", 0, ""))
	fx := newFixture(t)
	watch := &tmpWatch{Context: fx.ctx, dir: tmp}
	rep, err := Import(watch, fx.svc, fx.dir, bytes.NewReader(data), ImportOptions{})
	require.NoError(t, err, dumpProblems(rep))
	assert.Equal(t, 1, rep.Members.Created)
	assert.Greater(t, watch.checks, 10, "the directory was watched while the parts were read")
	assert.Zero(t, watch.entries, "no temporary file while reading")
	es, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, es, "no temporary file left")
}
